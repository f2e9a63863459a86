"""Request bodies over MAX_REQUEST_BODY_BYTES: 413 before anything reads or parses them."""

from collections.abc import AsyncIterator

from httpx import AsyncClient

{% if cookiecutter.auth == "jwt" -%}
from src.tests.factories import auth_headers
{% endif -%}
from src.tests.problems import assert_problem

LIMIT = 1024 * 1024  # The default of MAX_REQUEST_BODY_BYTES.
CHUNK = 64 * 1024
ITEMS = "/api/v1/items"
JSON = {"Content-Type": "application/json"}


class Chunks:
    """A request body sent in chunks, counting how many the server asked for."""

    def __init__(self, count: int, chunk: bytes = b" " * CHUNK) -> None:
        self.count = count
        self.chunk = chunk
        self.read = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.count):
            self.read += 1
            yield self.chunk


async def test_a_declared_length_over_the_limit_is_413_before_reading(client: AsyncClient) -> None:
    body = Chunks(LIMIT // CHUNK + 1)
    headers = JSON | {"Content-Length": str(LIMIT + 1)}

    # No token: the 413 comes before authentication, or any other dependency, runs.
    response = await client.post(ITEMS, content=body, headers=headers)

    body_problem = assert_problem(response, 413)
    assert body_problem["detail"] == f"The request body is larger than {LIMIT} bytes."
    assert body.read == 0


async def test_a_chunked_body_is_cut_off_as_it_crosses_the_limit(client: AsyncClient) -> None:
    body = Chunks(4 * LIMIT // CHUNK)

    response = await client.post(ITEMS, content=body, headers=JSON)

    assert_problem(response, 413)
    assert body.read == LIMIT // CHUNK + 1  # Exactly the limit, then the chunk that crossed it.


async def test_a_chunked_body_within_the_limit_is_served(client: AsyncClient) -> None:
{%- if cookiecutter.auth == "jwt" %}
    headers = JSON | await auth_headers(client)
    body = Chunks(1, b'{"title": "Sent in a chunk"}')

    response = await client.post(ITEMS, content=body, headers=headers)
{%- else %}
    body = Chunks(1, b'{"title": "Sent in a chunk"}')

    response = await client.post(ITEMS, content=body, headers=JSON)
{%- endif %}

    assert response.status_code == 201
    assert response.json()["data"]["title"] == "Sent in a chunk"


async def test_a_body_at_the_limit_is_parsed(client: AsyncClient) -> None:
    # Padding whitespace up to exactly the limit: valid JSON that the application reads.
    document = b'{"title": "Just fits"}'
    padded = document + b" " * (LIMIT - len(document))

    response = await client.post(ITEMS, content=padded, headers=JSON{% if cookiecutter.auth == "jwt" %} | await auth_headers(client){% endif %})

    assert response.status_code == 201

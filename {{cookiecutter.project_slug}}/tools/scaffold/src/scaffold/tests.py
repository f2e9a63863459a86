"""The factories and HTTP tests of a new entity, in the style of src/tests/api/v1/test_items.py."""

from decimal import Decimal

from scaffold.entity import Entity
from scaffold.spec import FieldSpec


def sample(entity: Entity, field: FieldSpec) -> str:
    """Return Python source for a valid value of the field, as a client sends it."""
    if field.kind == "ref":
        return f'(await {factory_call(entity, field.target or "")})["id"]'
    if field.kind == "str":
        text = field.name.replace("_", " ").capitalize()
        if field.length is None:
            raise ValueError(field)
        if field.unique:
            fits = len(text) + 11 <= field.length
            return f'f"{text} {{next(_sequence)}}"' if fits else "str(next(_sequence))"
        return repr(text[: field.length])
    unique = {
        "text": 'f"Text {next(_sequence)}"',
        "int": "next(_sequence)",
        "uuid": "str(uuid.uuid4())",
    }
    if field.unique and field.kind in unique:
        return unique[field.kind]
    return changed_value(entity, field, first=True)


def changed_value(entity: Entity, field: FieldSpec, *, first: bool = False) -> str:
    """Return Python source for a valid value (another one unless `first`)."""
    if field.kind == "ref":
        return f'(await {factory_call(entity, field.target or "")})["id"]'
    if field.kind == "decimal":
        if field.precision is None:
            raise ValueError(field)
        places = field.precision[1]
        whole = "1" if first else "2"
        return repr(whole + ("." + "5".ljust(places, "0") if places else ""))
    if field.kind == "enum":
        return repr(field.choices[0] if first else field.choices[-1])
    if field.kind == "str":
        if field.length is None:
            raise ValueError(field)
        return repr(("Same" if first else "Changed")[: field.length])
    values = {
        "text": ("Some text.", "Changed text."),
        "int": (7, 8),
        "float": (1.5, 2.5),
        "bool": (True, False),
        "date": ("2026-01-02", "2026-03-04"),
        "datetime": ("2026-01-02T03:04:05Z", "2026-03-04T05:06:07Z"),
        "uuid": ("0b6f2e56-54f1-4c1e-9d38-1c1b5a0d7e11", "5d3c9a41-7f0e-4b7a-8a6d-2e9f4c1b0a22"),
    }
    return repr(values[field.kind][0 if first else 1])


def factory_call(entity: Entity, name: str, headers: str = "headers") -> str:
    """Return the call creating an entity (the new one or a target) in a test."""
    known = entity.targets.get(name)
    takes_headers = known.factory_takes_headers if known is not None else entity.jwt
    return f"create_{name}(client, {headers})" if takes_headers else f"create_{name}(client)"


def body_call(entity: Entity) -> str:
    """Return the expression giving a valid body with every field."""
    if not entity.references:
        return f"{entity.name}_body()"
    return (
        f"await {entity.name}_body(client, headers)"
        if entity.jwt
        else f"await {entity.name}_body(client)"
    )


def render_factories(entity: Entity) -> str:
    """Return the factories appended to src/tests/factories.py."""
    w = entity.words()
    values = [f'"{field.column}": {sample(entity, field)},' for field in entity.fields]
    if entity.references:
        parameters = (
            "client: AsyncClient, headers: dict[str, str]" if entity.jwt else "client: AsyncClient"
        )
        head = f"async def {w['name']}_body({parameters}) -> dict[str, Any]:"
        doc = f"Return a valid body for a new {w['human']}; makes the rows it refers to."
    else:
        head = f"def {w['name']}_body() -> dict[str, Any]:"
        doc = f"Return a valid body for a new {w['human']}, every field given."
    create_parameters = (
        "client: AsyncClient, headers: dict[str, str], **fields: Any"
        if entity.jwt
        else "client: AsyncClient, **fields: Any"
    )
    owner = " owned by the user behind `headers`" if entity.owned else ""
    headers = ", headers=headers" if entity.jwt else ""
    return "\n".join(
        [
            head,
            f'    """{doc}"""',
            "    return {",
            *[f"        {value}" for value in values],
            "    }",
            "",
            "",
            f"async def create_{w['name']}({create_parameters}) -> dict[str, Any]:",
            f'    """Create a {w["human"]}{owner}; `fields` replace those of the body."""',
            f"    body = {body_call(entity)} | fields",
            f'    response = await client.post("/api/v1/{w["route"]}", json=body{headers})',
            "    assert response.status_code == 201, response.text",
            '    created: dict[str, Any] = response.json()["data"]',
            "    return created",
            "",
        ]
    )


def default_json(field: FieldSpec) -> str:
    """Return the JSON value (as Python source) the API answers for an omitted field."""
    if field.default is None:
        return "None"
    if field.kind == "decimal":
        return repr(str(Decimal(field.default.removeprefix('Decimal("').removesuffix('")'))))
    return field.default


def compare(expected: str) -> str:
    """Return the comparison with an expected value: `is` for None, True and False."""
    return f"is {expected}" if expected in {"None", "True", "False"} else f"== {expected}"


def invalid_values(field: FieldSpec) -> list[tuple[str, str]]:
    """Return (test name, Python source of a value the API refuses) for the field."""
    name = field.column
    if field.kind == "str":
        found = [(f"{name}_longer_than_{field.length}", f'"x" * {(field.length or 0) + 1}')]
        if not field.optional:
            found.append((f"empty_{name}", '""'))
        return [*found, (f"{name}_with_a_nul_character", '"a\\x00b"')]
    if field.kind == "text":
        found = [(f"{name}_with_a_nul_character", '"a\\x00b"')]
        return found if field.optional else [(f"empty_{name}", '""'), *found]
    if field.kind == "decimal":
        if field.precision is None:
            raise ValueError(field)
        digits, places = field.precision
        return [
            (f"{name}_with_more_than_{places}_decimal_places", repr("1." + "1" * (places + 1))),
            (
                f"{name}_with_more_than_{digits - places}_whole_digits",
                repr("9" * (digits - places + 1)),
            ),
        ]
    refused = {
        "int": ("above_the_integer_range", "2**31"),
        "float": ("that_is_not_a_number", '"many"'),
        "bool": ("that_is_not_a_boolean", '"maybe"'),
        "date": ("that_is_not_a_date", '"2026-02-30"'),
        "datetime": ("without_a_timezone", '"2026-01-02T03:04:05"'),
        "uuid": ("that_is_not_a_uuid", '"42"'),
        "enum": ("outside_its_values", repr("not_" + field.choices[0]) if field.choices else '""'),
    }
    if field.kind in refused:
        suffix, value = refused[field.kind]
        return [(f"{name}_{suffix}", value)]
    return []


# What a test method takes unless it says otherwise: the client and a signed-in user's headers.
CLIENT_AND_HEADERS = "client: AsyncClient, headers: dict[str, str]"


class Writer:
    """Collects the test module's lines, one test method at a time."""

    def __init__(self, entity: Entity) -> None:
        self.entity = entity
        self.lines: list[str] = []
        w = entity.words()
        self.url = w["ROUTE"]
        self.new = "await " + factory_call(entity, entity.name)
        self.theirs = "await " + factory_call(entity, entity.name, "await auth_headers(client)")

    def test(
        self,
        name: str,
        body: list[str],
        *,
        fixtures: str = CLIENT_AND_HEADERS,
    ) -> None:
        """Add one test method to the current class."""
        self.lines += ["", f"    async def test_{name}(self, {fixtures}) -> None:"]
        self.lines += [f"        {line}" if line else "" for line in body]

    def without_token(
        self, request: str, *, on_a_row: bool = False, fixtures: str = CLIENT_AND_HEADERS
    ) -> None:
        """With jwt, add the test that `client.<request>` without a token answers 401."""
        if not self.entity.jwt:
            return
        setup = [f"row = {self.new}", ""] if on_a_row else []
        body = [*setup, f"response = await client.{request}", "", "assert_unauthorized(response)"]
        self.test("without_token_is_401", body, fixtures=fixtures)

    def cls(self, name: str) -> None:
        """Start a test class."""
        self.lines += ["", "", f"class {name}:"]


def create_tests(out: Writer) -> None:
    """Write the tests of POST."""
    entity, url = out.entity, out.url
    w = entity.words()
    body = body_call(entity)
    owner = ', "owner_id": me["id"]' if entity.owned else ""
    out.cls(f"TestCreate{w['cls']}")
    out.test(
        f"returns_201_with_the_{w['name']}_enveloped",
        [
            f"body = {body}",
            f"response = await client.post({url}, json=body, headers=headers)",
            "",
            "assert response.status_code == 201",
            (
                f'assert response.json() == {{"data": {{"id": ANY, **body{owner}, "created_at": '
                "ANY}}"
            ),
        ],
        fixtures=CLIENT_AND_HEADERS + (", me: dict[str, Any]" if entity.owned else ""),
    )
    for field in entity.fields:
        column = field.column
        if not field.required:
            out.test(
                f"{column}_is_optional" if field.default is None else f"{column}_has_a_default",
                [
                    f"body = {body}",
                    f'body.pop("{column}")',
                    f"response = await client.post({url}, json=body, headers=headers)",
                    "",
                    "assert response.status_code == 201",
                    f'assert response.json()["data"]["{column}"] {compare(default_json(field))}',
                ],
            )
        else:
            out.test(
                f"missing_{column}_is_422",
                [
                    f"body = {body}",
                    f'body.pop("{column}")',
                    f"response = await client.post({url}, json=body, headers=headers)",
                    "",
                    "problem = assert_problem(response, 422)",
                    f'assert problem["errors"][0]["loc"] == ["body", "{column}"]',
                ],
            )
        if not field.optional:
            out.test(f"null_{column}_is_422", refused(out, column, "None"))
        for name, value in invalid_values(field):
            out.test(f"{name}_is_422", refused(out, column, value))
        if field.kind == "str":
            out.test(
                f"{column}_of_{field.length}_characters_is_accepted",
                [
                    (
                        f'response = await client.post({url}, json={body} | {{"{column}": "x" * '
                        f"{field.length}}}, headers=headers)"
                    ),
                    "",
                    "assert response.status_code == 201",
                    f'assert response.json()["data"]["{column}"] == "x" * {field.length}',
                ],
            )
    reference_tests(out, "post")
    out.test("unknown_field_is_422", refused(out, "unknown", "1"))
    for field in entity.uniques:
        column = field.column
        out.test(
            f"duplicate_{column}_is_409",
            [
                f"first = {out.new}",
                "",
                (
                    f'response = await client.post({url}, json={body} | {{"{column}": '
                    f'first["{column}"]}}, headers=headers)'
                ),
                "",
                "problem = assert_problem(response, 409)",
                (
                    f'assert problem["detail"] == "A {w["human"]} with this '
                    f'{column.replace("_", " ")} already exists."'
                ),
            ],
        )
        if entity.owned:
            out.test(
                f"{column}_of_another_users_{w['name']}_is_accepted",
                [
                    f"theirs = {out.theirs}",
                    "",
                    (
                        f'response = await client.post({url}, json={body} | {{"{column}": '
                        f'theirs["{column}"]}}, headers=headers)'
                    ),
                    "",
                    "assert response.status_code == 201",
                ],
            )
    out.without_token(f"post({url}, json={body})")


def refused(out: Writer, column: str, value: str, method: str = "post") -> list[str]:
    """Return a test whose request has one refused value."""
    before = [] if method == "post" else [f"row = {out.new}"]
    return [
        *before,
        send(out, method, column, value),
        "",
        "problem = assert_problem(response, 422)",
        f'assert problem["errors"][0]["loc"] == ["body", "{column}"]',
    ]


def send(out: Writer, method: str, column: str, value: str) -> str:
    """Return the line sending a body with one value changed: a new row, or a change to `row`."""
    if method == "post":
        body = body_call(out.entity)
        sent = f'{body} | {{"{column}": {value}}}'
        return f"response = await client.post({out.url}, json={sent}, headers=headers)"
    path = 'f"{' + out.url + "}/{row['id']}\""
    return f'response = await client.patch({path}, json={{"{column}": {value}}}, headers=headers)'


def reference_tests(out: Writer, method: str) -> None:
    """For each reference: a missing row (and another user's, when owned) answers 404."""
    entity = out.entity
    before = [] if method == "post" else [f"row = {out.new}"]
    for field in entity.references:
        target = entity.target(field)
        human = target.name.replace("_", " ").capitalize()
        out.test(
            f"{field.column}_of_a_missing_{target.name}_is_404",
            [
                *before,
                send(out, method, field.column, "str(uuid.uuid4())"),
                "",
                "problem = assert_problem(response, 404)",
                f'assert problem["detail"] == "{human} not found."',
            ],
        )
        if target.owned and entity.owned:
            theirs = "await " + factory_call(entity, target.name, "await auth_headers(client)")
            out.test(
                f"{field.column}_of_another_users_{target.name}_is_404",
                [
                    *before,
                    f"theirs = {theirs}",
                    send(out, method, field.column, 'theirs["id"]'),
                    "",
                    "assert_problem(response, 404)",
                ],
            )


def owned_hidden(out: Writer, method: str, extra: str = "") -> list[str]:
    """Return a test body: another user's row answers exactly like a missing one."""
    call = f'client.{method}(f"{{{out.url}}}/{{{{ident}}}}"{extra}, headers=headers)'
    return [
        f"theirs = {out.theirs}",
        "",
        "hidden = await " + call.replace("{ident}", "theirs['id']"),
        "missing = await " + call.replace("{ident}", "uuid.uuid4()"),
        "",
        "assert_problem(hidden, 404)",
        "assert without_request_identity(hidden) == without_request_identity(missing)",
    ]


THEIRS = "theirs['id']"


def path(out: Writer, ident: str = "row['id']") -> str:
    """Return the f-string source of one row's URL."""
    return 'f"{' + out.url + "}/{" + ident + '}"'


def read_tests(out: Writer) -> None:
    """Write the tests of GET one."""
    w = out.entity.words()
    out.cls(f"TestRead{w['cls']}")
    out.test(
        f"returns_the_{w['name']}",
        [
            f"row = {out.new}",
            "",
            f"response = await client.get({path(out)}, headers=headers)",
            "",
            "assert response.status_code == 200",
            'assert response.json() == {"data": row}',
        ],
    )
    out.test(
        "unknown_id_is_404",
        [
            f"response = await client.get({path(out, 'uuid.uuid4()')}, headers=headers)",
            "",
            "problem = assert_problem(response, 404)",
            f'assert problem["detail"] == "{w["Human"]} not found."',
        ],
    )
    out.test(
        "malformed_id_is_422",
        [
            f'response = await client.get(f"{{{out.url}}}/42", headers=headers)',
            "",
            "problem = assert_problem(response, 422)",
            f'assert problem["errors"][0]["loc"] == ["path", "{w["name"]}_id"]',
        ],
    )
    if out.entity.owned:
        out.test(f"another_users_{w['name']}_answers_like_a_missing_one", owned_hidden(out, "get"))
    out.without_token(f"get({path(out)})", on_a_row=True)


def list_tests(out: Writer) -> None:
    """Write the tests of GET the collection."""
    w = out.entity.words()
    out.cls("TestList" + "".join(part.capitalize() for part in w["plural"].split("_")))
    out.test(
        "lists_newest_first",
        [
            f"created = [{out.new} for _ in range(3)]",
            "",
            f"response = await client.get({out.url}, headers=headers)",
            "",
            "assert response.status_code == 200",
            (
                'assert [row["id"] for row in response.json()["data"]] == [row["id"] for row in '
                "reversed(created)]"
            ),
        ],
    )
    out.test(
        "pages_carry_total_limit_and_offset",
        [
            "for _ in range(3):",
            f"    {out.new}",
            "",
            (
                f'response = await client.get({out.url}, params={{"limit": 2, "offset": 1}}, '
                "headers=headers)"
            ),
            "",
            "assert response.status_code == 200",
            'assert len(response.json()["data"]) == 2',
            'assert response.json()["meta"] == {"total": 3, "limit": 2, "offset": 1}',
        ],
    )
    out.test(
        "empty_list_is_200",
        [
            f"response = await client.get({out.url}, headers=headers)",
            "",
            "assert response.status_code == 200",
            (
                'assert response.json() == {"data": [], "meta": {"total": 0, "limit": 20, '
                '"offset": 0}}'
            ),
        ],
    )
    if out.entity.owned:
        out.test(
            f"another_users_{w['plural']}_are_never_listed",
            [
                f"mine = {out.new}",
                out.theirs,
                "",
                f"response = await client.get({out.url}, headers=headers)",
                "",
                "assert response.status_code == 200",
                (
                    'assert response.json() == {"data": [mine], "meta": {"total": 1, "limit": '
                    '20, "offset": 0}}'
                ),
            ],
        )
    out.without_token(f"get({out.url})", fixtures="client: AsyncClient")


def update_tests(out: Writer) -> None:
    """Write the tests of PATCH."""
    entity = out.entity
    w = entity.words()
    first = entity.fields[0]
    column = first.column
    out.cls(f"TestUpdate{w['cls']}")
    out.test(
        "changes_only_the_fields_sent",
        [
            f"row = {out.new}",
            f"changed = {changed_value(entity, first)}",
            "",
            (
                f'response = await client.patch({path(out)}, json={{"{column}": changed}}, '
                "headers=headers)"
            ),
            "",
            "assert response.status_code == 200",
            f'assert response.json() == {{"data": {{**row, "{column}": changed}}}}',
        ],
    )
    out.test(
        "change_is_kept",
        [
            f"row = {out.new}",
            f"changed = {changed_value(entity, first)}",
            f'await client.patch({path(out)}, json={{"{column}": changed}}, headers=headers)',
            "",
            f"response = await client.get({path(out)}, headers=headers)",
            "",
            "assert response.status_code == 200",
            f'assert response.json()["data"]["{column}"] == changed',
        ],
    )
    for field in entity.fields:
        if field.optional:
            out.test(
                f"null_{field.column}_clears_it",
                [
                    f"row = {out.new}",
                    "",
                    (
                        f'response = await client.patch({path(out)}, json={{"{field.column}": '
                        "None}, headers=headers)"
                    ),
                    "",
                    "assert response.status_code == 200",
                    f'assert response.json()["data"]["{field.column}"] is None',
                ],
            )
        else:
            out.test(f"null_{field.column}_is_422", refused(out, field.column, "None", "patch"))
        for name, value in invalid_values(field)[:1]:
            out.test(f"{name}_is_422", refused(out, field.column, value, "patch"))
    out.test("unknown_field_is_422", refused(out, "unknown", "1", "patch"))
    reference_tests(out, "patch")
    for field in entity.uniques:
        out.test(
            f"duplicate_{field.column}_is_409",
            [
                f"first = {out.new}",
                f"row = {out.new}",
                "",
                send(out, "patch", field.column, f'first["{field.column}"]'),
                "",
                "assert_problem(response, 409)",
            ],
        )
    out.test(
        "unknown_id_is_404",
        [
            (
                f"response = await client.patch({path(out, 'uuid.uuid4()')}, json={{}}, "
                "headers=headers)"
            ),
            "",
            "assert_problem(response, 404)",
        ],
    )
    if entity.owned:
        out.test(
            f"another_users_{w['name']}_answers_like_a_missing_one",
            owned_hidden(out, "patch", ", json={}"),
        )
        out.test(
            f"another_users_{w['name']}_is_left_unchanged",
            [
                "owner = await auth_headers(client)",
                "theirs = await " + factory_call(entity, entity.name, "owner"),
                f"changed = {changed_value(entity, first)}",
                (
                    f'await client.patch({path(out, THEIRS)}, json={{"{column}": changed}}, '
                    "headers=headers)"
                ),
                "",
                f"response = await client.get({path(out, THEIRS)}, headers=owner)",
                "",
                "assert response.status_code == 200",
                'assert response.json() == {"data": theirs}',
            ],
        )
    out.without_token(f"patch({path(out)}, json={{}})", on_a_row=True)


def delete_tests(out: Writer) -> None:
    """Write the tests of DELETE."""
    entity = out.entity
    w = entity.words()
    out.cls(f"TestDelete{w['cls']}")
    out.test(
        f"returns_204_and_the_{w['name']}_is_gone",
        [
            f"row = {out.new}",
            "",
            f"response = await client.delete({path(out)}, headers=headers)",
            "",
            "assert response.status_code == 204",
            'assert response.content == b""',
            f"assert_problem(await client.get({path(out)}, headers=headers), 404)",
        ],
    )
    out.test(
        "unknown_id_is_404",
        [
            f"response = await client.delete({path(out, 'uuid.uuid4()')}, headers=headers)",
            "",
            "assert_problem(response, 404)",
        ],
    )
    if entity.owned:
        out.test(
            f"another_users_{w['name']}_answers_like_a_missing_one", owned_hidden(out, "delete")
        )
        out.test(
            f"another_users_{w['name']}_is_kept",
            [
                "owner = await auth_headers(client)",
                "theirs = await " + factory_call(entity, entity.name, "owner"),
                f"await client.delete({path(out, THEIRS)}, headers=headers)",
                "",
                f"response = await client.get({path(out, THEIRS)}, headers=owner)",
                "",
                "assert response.status_code == 200",
            ],
        )
    out.without_token(f"delete({path(out)})", on_a_row=True)


def on_delete_tests(out: Writer) -> None:
    """Write what deleting a referenced row does, for targets the API can delete (not users)."""
    entity = out.entity
    for field in entity.references:
        target = entity.target(field)
        if target.name == "user":
            continue
        route = "/api/v1/" + target.table.replace("_", "-")
        out.cls("TestDeletingThe" + "".join(part.capitalize() for part in field.name.split("_")))
        remove = f'await client.delete(f"{route}/{{row[{field.column!r}]}}", headers=headers)'
        check = [f"response = await client.get({path(out)}, headers=headers)", ""]
        if field.optional:
            name = f"empties_the_{field.column}"
            check += [
                "assert response.status_code == 200",
                f'assert response.json()["data"]["{field.column}"] is None',
            ]
        else:
            name = f"deletes_its_{entity.plural}"
            check.append("assert_problem(response, 404)")
        out.test(name, [f"row = {out.new}", remove, "", *check])


def render_tests(entity: Entity) -> str:
    """Return src/tests/api/v1/test_<plural>.py."""
    w = entity.words()
    out = Writer(entity)
    create_tests(out)
    read_tests(out)
    list_tests(out)
    update_tests(out)
    delete_tests(out)
    on_delete_tests(out)
    factories = ["create_" + entity.name, entity.name + "_body"]
    if entity.owned:
        # Only another user's row of an owned target needs making here; the body makes the rest.
        factories += [
            f"create_{field.target}" for field in entity.references if entity.target(field).owned
        ]
    if entity.owned:
        factories.append("auth_headers")
    problems = ["assert_problem"]
    if entity.jwt:
        problems.append("assert_unauthorized")
    if entity.owned:
        problems.append("without_request_identity")
    mine = f": each caller sees only their own {w['humans']}" if entity.owned else ""
    head = [
        f'"""The /api/v1/{w["route"]} endpoints{mine}."""',
        "",
        "import uuid",
        *(["from typing import Any"] if entity.owned else []),
        "from unittest.mock import ANY",
        "",
        *(["import pytest"] if not entity.jwt else []),
        "from httpx import AsyncClient",
        "",
        f"from src.tests.factories import {', '.join(sorted(set(factories)))}",
        f"from src.tests.problems import {', '.join(problems)}",
        "",
        f'{w["ROUTE"]} = "/api/v1/{w["route"]}"',
    ]
    if not entity.jwt:
        head += [
            "",
            "",
            "@pytest.fixture",
            "def headers() -> dict[str, str]:",
            '    """No headers: without auth every route is open."""',
            "    return {}",
        ]
    return "\n".join([*head, *out.lines, ""])

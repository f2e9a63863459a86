"""Sign-in and bearer tokens: every attack on a token gets the same 401 problem."""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from httpx import AsyncClient, Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from src.config import Settings, get_settings
from src.main import create_app
from src.passwords import PasswordHasher
from src.tests.conftest import LogReader, http_client, running
from src.tests.factories import DEFAULT_PASSWORD, auth_headers, create_user, login
from src.tests.problems import PROBLEM, without_request_identity

TOKEN = "/api/v1/auth/token"
ME = "/api/v1/users/me"
NEW_PASSWORD = "a brand new password"
BAD_TOKEN = "The access token is missing, invalid, expired or revoked."
# Long enough that PyJWT does not warn about a short HMAC key.
ATTACKER_KEY = "an attacker's own key, long enough for any HMAC algorithm at all!!"


def assert_refused(response: Response) -> None:
    """Assert the one 401 every bad token gets: problem+json asking for a bearer token."""
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"] == BAD_TOKEN


def secret_key(settings: Settings) -> str:
    """The key the service signs its tokens with."""
    return settings.SECRET_KEY.get_secret_value()


def claims_for(user_id: str, **overrides: Any) -> dict[str, Any]:
    """Claims of a fresh, valid token for the user, with some replaced."""
    now = int(datetime.now(UTC).timestamp())
    settings = get_settings()
    return {
        "sub": user_id,
        "iat": now,
        "exp": now + 300,
        "ver": 0,
        "iss": settings.TOKEN_ISSUER,
        "aud": settings.TOKEN_AUDIENCE,
        **overrides,
    }


def b64url(document: dict[str, Any]) -> str:
    """Encode a JSON document the way a JWT segment is encoded."""
    return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()


def bearer(token: str) -> dict[str, str]:
    """The Authorization header carrying the token."""
    return {"Authorization": f"Bearer {token}"}


def access_line(logs: LogReader, path: str) -> dict[str, Any]:
    """Return the one access-log line of the request to `path`."""
    [line] = [line for line in logs() if line["event"] == "http_request" and line["path"] == path]
    return line


async def change_password(
    client: AsyncClient, user: dict[str, Any], headers: dict[str, str]
) -> Response:
    """Change the user's password to NEW_PASSWORD, acting as the user."""
    return await client.patch(
        f"/api/v1/users/{user['id']}",
        json={"password": NEW_PASSWORD, "current_password": DEFAULT_PASSWORD},
        headers=headers,
    )


class TestIssueToken:
    async def test_returns_a_bearer_token_not_enveloped(self, client: AsyncClient) -> None:
        user = await create_user(client)

        response = await client.post(
            TOKEN, data={"username": user["email"], "password": DEFAULT_PASSWORD}
        )

        assert response.status_code == 200
        assert set(response.json()) == {"access_token", "token_type"}
        assert response.json()["token_type"] == "bearer"

    async def test_response_is_never_cached(self, client: AsyncClient) -> None:
        # RFC 6749, section 5.1.
        user = await create_user(client)

        response = await client.post(
            TOKEN, data={"username": user["email"], "password": DEFAULT_PASSWORD}
        )

        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["pragma"] == "no-cache"

    async def test_token_signs_in_as_the_user(self, client: AsyncClient) -> None:
        user = await create_user(client)
        token = await login(client, user["email"])

        response = await client.get(ME, headers=bearer(token))

        assert response.status_code == 200
        assert response.json() == {"data": user}

    async def test_email_is_matched_in_any_case(self, client: AsyncClient) -> None:
        await create_user(client, email="ada@example.com")

        response = await client.post(
            TOKEN, data={"username": "ADA@Example.com", "password": DEFAULT_PASSWORD}
        )

        assert response.status_code == 200

    async def test_wrong_password_is_401(self, client: AsyncClient) -> None:
        user = await create_user(client)

        response = await client.post(
            TOKEN, data={"username": user["email"], "password": "not the password"}
        )

        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["detail"] == "Incorrect email or password."

    async def test_unknown_email_is_401(self, client: AsyncClient) -> None:
        response = await client.post(
            TOKEN, data={"username": "nobody@example.com", "password": DEFAULT_PASSWORD}
        )

        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"] == "Bearer"

    async def test_unknown_email_answers_like_a_wrong_password(self, client: AsyncClient) -> None:
        user = await create_user(client)

        wrong_password = await client.post(
            TOKEN, data={"username": user["email"], "password": "not the password"}
        )
        unknown_email = await client.post(
            TOKEN, data={"username": "nobody@example.com", "password": "not the password"}
        )

        assert unknown_email.status_code == wrong_password.status_code
        challenge = "www-authenticate"
        assert unknown_email.headers[challenge] == wrong_password.headers[challenge]
        assert without_request_identity(unknown_email) == without_request_identity(wrong_password)

    async def test_unknown_email_costs_a_password_verification(
        self, client: AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Timing is too noisy to assert at test hashing cost; counting the work is exact.
        user = await create_user(client)
        hasher: PasswordHasher = app.state.password_hasher
        real_verify = hasher.algorithm.verify
        verified: list[str] = []

        def counting_verify(password: str | bytes, hash: str | bytes) -> bool:  # noqa: A002
            verified.append(str(hash))
            return real_verify(password, hash)

        monkeypatch.setattr(hasher.algorithm, "verify", counting_verify)
        await client.post(TOKEN, data={"username": user["email"], "password": "wrong password"})
        await client.post(TOKEN, data={"username": "nobody@example.com", "password": "wrong"})

        assert len(verified) == 2
        assert verified[1] == hasher.dummy_hash

    @pytest.mark.parametrize("missing", ["username", "password"])
    async def test_missing_field_is_422(self, client: AsyncClient, missing: str) -> None:
        form = {"username": "ada@example.com", "password": DEFAULT_PASSWORD}
        del form[missing]

        response = await client.post(TOKEN, data=form)

        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["errors"][0]["loc"] == ["body", missing]

    async def test_invalid_form_does_not_echo_the_password(self, client: AsyncClient) -> None:
        response = await client.post(TOKEN, data={"password": "Zq7-x9!-secret"})

        assert response.status_code == 422
        assert "Zq7-x9!-secret" not in response.text


class TestBearerToken:
    async def test_hand_made_token_with_every_claim_is_accepted(
        self, client: AsyncClient, settings: Settings
    ) -> None:
        # The control for every attack below: only the attacked property makes them fail.
        user = await create_user(client)
        token = jwt.encode(claims_for(user["id"]), secret_key(settings), algorithm="HS256")

        response = await client.get(ME, headers=bearer(token))

        assert response.status_code == 200

    async def test_missing_token_is_401(self, client: AsyncClient) -> None:
        response = await client.get(ME)

        assert_refused(response)

    async def test_tampered_payload_is_401(self, client: AsyncClient) -> None:
        victim = await create_user(client)
        attacker = await create_user(client)
        header, _, signature = (await login(client, attacker["email"])).split(".")
        forged = f"{header}.{b64url(claims_for(victim['id']))}.{signature}"

        response = await client.get(ME, headers=bearer(forged))

        assert_refused(response)

    async def test_token_re_signed_with_another_key_is_401(
        self, client: AsyncClient, settings: Settings
    ) -> None:
        user = await create_user(client)
        claims = jwt.decode(
            await login(client, user["email"]),
            secret_key(settings),
            algorithms=["HS256"],
            audience=settings.TOKEN_AUDIENCE,
        )
        forged = jwt.encode(claims, ATTACKER_KEY, algorithm="HS256")

        response = await client.get(ME, headers=bearer(forged))

        assert_refused(response)

    async def test_token_without_its_signature_is_401(self, client: AsyncClient) -> None:
        user = await create_user(client)
        header, payload, _ = (await login(client, user["email"])).split(".")

        response = await client.get(ME, headers=bearer(f"{header}.{payload}."))

        assert_refused(response)

    @pytest.mark.parametrize("algorithm", ["none", "None", "NONE"])
    async def test_unsigned_alg_none_token_is_401(
        self, client: AsyncClient, algorithm: str
    ) -> None:
        user = await create_user(client)
        header = b64url({"alg": algorithm, "typ": "JWT"})
        unsigned = f"{header}.{b64url(claims_for(user['id']))}."

        response = await client.get(ME, headers=bearer(unsigned))

        assert_refused(response)

    # A bake may hold a SECRET_KEY shorter than HS512's recommended 64 bytes; still refused.
    @pytest.mark.filterwarnings("ignore::jwt.InsecureKeyLengthWarning")
    async def test_other_algorithm_with_the_right_key_is_401(
        self, client: AsyncClient, settings: Settings
    ) -> None:
        user = await create_user(client)
        token = jwt.encode(claims_for(user["id"]), secret_key(settings), algorithm="HS512")

        response = await client.get(ME, headers=bearer(token))

        assert_refused(response)

    async def test_expired_token_is_401(self, client: AsyncClient, settings: Settings) -> None:
        user = await create_user(client)
        past = int((datetime.now(UTC) - timedelta(minutes=30)).timestamp())
        claims = claims_for(user["id"], iat=past, exp=past + 60)
        token = jwt.encode(claims, secret_key(settings), algorithm="HS256")

        response = await client.get(ME, headers=bearer(token))

        assert_refused(response)

    # Spelled out rather than taken from src.tokens, so dropping a requirement fails here.
    @pytest.mark.parametrize("claim", ["sub", "exp", "iat", "ver", "iss", "aud"])
    async def test_token_missing_a_claim_is_401(
        self, client: AsyncClient, settings: Settings, claim: str
    ) -> None:
        user = await create_user(client)
        claims = claims_for(user["id"])
        del claims[claim]
        token = jwt.encode(claims, secret_key(settings), algorithm="HS256")

        response = await client.get(ME, headers=bearer(token))

        assert_refused(response)

    @pytest.mark.parametrize("claim", ["iss", "aud"])
    async def test_token_for_another_issuer_or_audience_is_401(
        self, client: AsyncClient, settings: Settings, claim: str
    ) -> None:
        # Same key, other service: a token minted for (or by) it must not work here.
        user = await create_user(client)
        claims = claims_for(user["id"], **{claim: "another-service"})
        token = jwt.encode(claims, secret_key(settings), algorithm="HS256")

        response = await client.get(ME, headers=bearer(token))

        assert_refused(response)

    async def test_sub_that_is_not_a_uuid_is_401(
        self, client: AsyncClient, settings: Settings
    ) -> None:
        token = jwt.encode(claims_for("admin"), secret_key(settings), algorithm="HS256")

        response = await client.get(ME, headers=bearer(token))

        assert_refused(response)

    async def test_sub_of_no_user_is_401(self, client: AsyncClient, settings: Settings) -> None:
        # What a deleted user's token carries: a valid signature over an id that is gone.
        token = jwt.encode(claims_for(str(uuid.uuid4())), secret_key(settings), algorithm="HS256")

        response = await client.get(ME, headers=bearer(token))

        assert_refused(response)

    async def test_lookup_on_a_connection_postgresql_closed_drops_it_from_the_pool(
        self, test_settings: Settings, engine: AsyncEngine
    ) -> None:
        # The lookup runs on asyncpg itself: unless it invalidates the connection it found gone,
        # the pool hands that connection to every later request, which fails on it too.
        key = secret_key(test_settings)
        token = jwt.encode(claims_for(str(uuid.uuid4())), key, algorithm="HS256")
        application = create_app(test_settings.model_copy(update={"DB_POOL_SIZE": 1}))
        async with running(application), http_client(application) as client:
            async with application.state.database.engine.connect() as pooled:
                pid = await pooled.scalar(text("SELECT pg_backend_pid()"))
            async with engine.connect() as admin:  # Waits up to 5 s for the backend to exit.
                await admin.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
            failed = await client.get(ME, headers=bearer(token))
            response = await client.get(ME, headers=bearer(token))

        assert failed.status_code == 500
        assert_refused(response)

    @pytest.mark.parametrize("version", ["0", 0.0, False, None, [0]], ids=repr)
    async def test_ver_that_is_not_an_integer_is_401(
        self, client: AsyncClient, settings: Settings, version: object
    ) -> None:
        user = await create_user(client)
        claims = claims_for(user["id"], ver=version)
        token = jwt.encode(claims, secret_key(settings), algorithm="HS256")

        response = await client.get(ME, headers=bearer(token))

        assert_refused(response)

    async def test_ver_of_an_older_password_is_401(
        self, client: AsyncClient, settings: Settings
    ) -> None:
        user = await create_user(client)
        token = jwt.encode(claims_for(user["id"], ver=-1), secret_key(settings), algorithm="HS256")

        response = await client.get(ME, headers=bearer(token))

        assert_refused(response)

    @pytest.mark.parametrize(
        "authorization",
        [
            "Bearer not-a-token",
            "Bearer a.b.c",
            "Bearer ",
            "Bearer      ",
            "Bearer",
            "not-a-token",
            "Basic YWRhQGV4YW1wbGUuY29tOnBhc3N3b3Jk",
        ],
        ids=repr,
    )
    async def test_garbage_is_401(self, client: AsyncClient, authorization: str) -> None:
        response = await client.get(ME, headers={"Authorization": authorization})

        assert_refused(response)

    async def test_token_of_a_deleted_user_is_401(self, client: AsyncClient) -> None:
        user = await create_user(client)
        headers = await auth_headers(client, user["email"])
        await client.delete(f"/api/v1/users/{user['id']}", headers=headers)

        response = await client.get(ME, headers=headers)

        assert_refused(response)


class TestPasswordChange:
    async def test_revokes_tokens_issued_before_it(self, client: AsyncClient) -> None:
        user = await create_user(client)
        headers = await auth_headers(client, user["email"])
        assert (await change_password(client, user, headers)).status_code == 200

        response = await client.get(ME, headers=headers)

        assert_refused(response)

    async def test_new_password_signs_in(self, client: AsyncClient) -> None:
        user = await create_user(client)
        headers = await auth_headers(client, user["email"])
        await change_password(client, user, headers)
        token = await login(client, user["email"], NEW_PASSWORD)

        response = await client.get(ME, headers=bearer(token))

        assert response.status_code == 200

    async def test_old_password_no_longer_signs_in(self, client: AsyncClient) -> None:
        user = await create_user(client)
        headers = await auth_headers(client, user["email"])
        await change_password(client, user, headers)

        response = await client.post(
            TOKEN, data={"username": user["email"], "password": DEFAULT_PASSWORD}
        )

        assert response.status_code == 401

    async def test_other_changes_keep_tokens_valid(self, client: AsyncClient) -> None:
        user = await create_user(client)
        headers = await auth_headers(client, user["email"])
        await client.patch(
            f"/api/v1/users/{user['id']}", json={"display_name": "Renamed"}, headers=headers
        )

        response = await client.get(ME, headers=headers)

        assert response.status_code == 200


class TestRequestLog:
    async def test_user_id_is_bound_into_the_access_line(
        self, client: AsyncClient, logs: LogReader
    ) -> None:
        user = await create_user(client)
        headers = await auth_headers(client, user["email"])

        response = await client.get(ME, headers=headers)

        assert response.status_code == 200
        assert access_line(logs, ME)["user_id"] == user["id"]

    async def test_user_id_does_not_leak_into_the_next_request(
        self, client: AsyncClient, logs: LogReader
    ) -> None:
        headers = await auth_headers(client)
        await client.get(ME, headers=headers)

        response = await client.get("/health/live")

        assert response.status_code == 200
        assert "user_id" not in access_line(logs, "/health/live")

    async def test_failed_login_is_logged_without_the_password(
        self, client: AsyncClient, logs: LogReader
    ) -> None:
        user = await create_user(client)

        response = await client.post(
            TOKEN, data={"username": user["email"], "password": "Zq7-x9!-secret"}
        )

        assert response.status_code == 401
        assert "login_failed" in [line["event"] for line in logs()]
        assert all("Zq7-x9!-secret" not in json.dumps(line) for line in logs())

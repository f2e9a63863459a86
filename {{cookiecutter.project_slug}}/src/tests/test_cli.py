"""`python -m src.cli create-admin`: the only way to make an administrator."""

import getpass

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from pydantic import Secret

from src.cli import CommandError, ask_new_password, create_admin, main
from src.config import Settings
from src.passwords import PasswordHasher
from src.tests.factories import auth_headers, create_user, login

USERS = "/api/v1/users"
NEW_PASSWORD = "the administrator's password"


def never_asked() -> Secret[str]:
    """Stand in for the prompt where none may be shown."""
    msg = "the password was asked for"
    raise AssertionError(msg)


async def test_an_existing_user_is_promoted(client: AsyncClient, app: FastAPI) -> None:
    user = await create_user(client)

    message = await create_admin(
        app.state.database, app.state.password_hasher, user["email"], never_asked
    )

    assert message == f"{user['email']} is now an administrator."
    response = await client.get(USERS, headers=await auth_headers(client, user["email"]))
    assert response.status_code == 200


async def test_a_missing_user_is_created_with_the_password_given(
    client: AsyncClient, app: FastAPI
) -> None:
    message = await create_admin(
        app.state.database,
        app.state.password_hasher,
        "boss@example.com",
        lambda: Secret(NEW_PASSWORD),
    )

    assert message == "Created the administrator boss@example.com."
    token = await login(client, "boss@example.com", NEW_PASSWORD)
    response = await client.get(USERS, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["data"][0]["is_admin"] is True


class SignUpWhileHashing(PasswordHasher):
    """A hasher during whose work somebody signs up with the email being made administrator."""

    def __init__(self, settings: Settings, client: AsyncClient, email: str) -> None:
        super().__init__(settings)
        self.client, self.email = client, email

    async def hash(self, password: str) -> str:
        """Let the sign-up through first, then hash."""
        await create_user(self.client, email=self.email)
        return await super().hash(password)


async def test_an_account_registered_meanwhile_is_not_promoted(
    client: AsyncClient, app: FastAPI, test_settings: Settings
) -> None:
    hasher = SignUpWhileHashing(test_settings, client, "boss@example.com")
    try:
        with pytest.raises(CommandError, match="registered while the password was asked for"):
            await create_admin(
                app.state.database, hasher, "boss@example.com", lambda: Secret(NEW_PASSWORD)
            )
    finally:
        hasher.shutdown()

    token = await login(client, "boss@example.com")
    response = await client.get(USERS, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


def test_an_invalid_email_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["create-admin", "not-an-email"])

    assert status == 1
    assert capsys.readouterr().err.splitlines() == [
        "ERROR: email: Value error, value is not a valid email address:"
        " An email address must have an @-sign."
    ]


def test_two_different_passwords_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([NEW_PASSWORD, "something else entirely"])
    monkeypatch.setattr(getpass, "getpass", lambda _prompt: next(answers))

    with pytest.raises(CommandError, match="the two passwords differ"):
        ask_new_password()


def test_a_short_password_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(getpass, "getpass", lambda _prompt: "short")

    with pytest.raises(CommandError, match="password: String should have at least 8 characters"):
        ask_new_password()

"""Schemathesis hooks (loaded through SCHEMATHESIS_HOOKS): bearer tokens that survive the fuzzer.

The fuzzer learns the signed-in user's id from responses and sooner or later changes that user's
password or deletes it, which rightly revokes the token. A fixed `Authorization` header would then
turn every later case into a 401 and test nothing, so tokens come from this provider instead:
schemathesis drops the cached token on a 401, and the next `get` signs in again, registering a
new user when the old one is gone or no longer has the password. Every user it signs in as is an
administrator (made with SQL here, with the bake's create-admin command in the test), so that
the users it creates stay readable to it.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import schemathesis
from schemathesis import AuthContext, Case

# Schemathesis's Case is generic in the API operation, which these hooks never look at.
type AnyCase = Case[Any]


def _post(path: str, body: bytes, content_type: str) -> dict[str, object] | None:
    """POST body to the API; return the JSON answer, or None for an HTTP error status."""
    request = urllib.request.Request(  # noqa: S310 (the URL is the test's own server)
        os.environ["SUPERNOVA_ST_API"] + path,
        data=body,
        headers={"Content-Type": content_type},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            answer: dict[str, object] = json.loads(response.read())
            return answer
    except urllib.error.HTTPError:
        return None


def _promote(email: str) -> None:
    """Make the user an administrator, directly in the service's database."""
    database = os.environ["SUPERNOVA_ST_DATABASE"]
    statement = f"UPDATE users SET is_admin = true WHERE email = '{email}'"
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-X", "-c", statement],
        check=True,
        capture_output=True,
    )


@schemathesis.auth(refresh_interval=600)
class BearerToken:
    """Sign in as the test's user, and as a fresh one of our own whenever that one is gone."""

    def __init__(self) -> None:
        """Start with the credentials the test signed up with, if any."""
        self.email = os.environ.get("SUPERNOVA_ST_EMAIL", "")
        self.password = os.environ.get("SUPERNOVA_ST_PASSWORD", "")

    def get(self, case: AnyCase, ctx: AuthContext) -> str:
        """Return a valid access token."""
        for _ in range(2):
            if self.email:
                credentials = {"username": self.email, "password": self.password}
                form = urllib.parse.urlencode(credentials)
                token = _post(
                    "/api/v1/auth/token", form.encode(), "application/x-www-form-urlencoded"
                )
                if token is not None:
                    return str(token["access_token"])
            self.email = f"st-{secrets.token_hex(6)}@example.com"
            self.password = secrets.token_urlsafe(12)
            user = {"email": self.email, "display_name": "Schemathesis", "password": self.password}
            if _post("/api/v1/users", json.dumps(user).encode(), "application/json") is not None:
                _promote(self.email)
        msg = "cannot register and sign in a user"
        raise RuntimeError(msg)

    def set(self, case: AnyCase, data: str, ctx: AuthContext) -> None:
        """Send the token as a bearer token."""
        case.headers["Authorization"] = f"Bearer {data}"

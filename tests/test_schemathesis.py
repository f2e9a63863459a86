"""Fuzz the default bake's live OpenAPI with schemathesis: every check, signed in, bounded.

Any finding fails the test with schemathesis's report: a 500, a response that breaks its schema,
an undocumented status code or header, valid input refused or invalid input accepted. When it
fails, fix the generated app (the report's curl line reproduces each case), not the check.
Set SUPERNOVA_ST_SEED to explore other cases than the fixed seed's.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from baking import Baked, Cookies, bake_with, command_env, database_url, drop_databases, psql
from serving import free_port, request, stop, wait_until_ok

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
# Cases per operation and phase; with 14 operations the run takes about 30 s on two cores.
MAX_EXAMPLES = 15
SEED = int(os.environ.get("SUPERNOVA_ST_SEED", "20261126"))
RUN_TIMEOUT_SECONDS = 300
RATE_LIMITS = (
    "RATE_LIMIT_LOGIN_PER_ADDRESS",
    "RATE_LIMIT_LOGIN_PER_ACCOUNT",
    "RATE_LIMIT_SIGNUP_PER_ADDRESS",
)
START_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Service:
    """A baked project's server, running on a fresh migrated database."""

    url: str
    log: Path
    database: str
    baked: Baked


@pytest.fixture(scope="module")
def service(
    cookies_session: Cookies, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """Bake the defaults (with `uv sync`), migrate a fresh database and serve the app on it."""
    database = f"tpl_st_{secrets.token_hex(3)}"
    # The fuzzer signs up and in far more often than any person: the limits have tests of
    # their own in the bake, and here they would only turn its cases into 429s.
    loose = dict.fromkeys(RATE_LIMITS, "100000/minute")
    env = {"DATABASE_URL": database_url(database), "LOG_JSON": "true", **loose}
    baked: Baked = bake_with(cookies_session, {}, env)
    service = Service(
        url=f"http://127.0.0.1:{free_port()}",
        log=tmp_path_factory.mktemp("schemathesis") / "server.log",
        database=database,
        baked=baked,
    )
    psql(f'CREATE DATABASE "{database}"')
    try:
        baked.check("uv", "run", "alembic", "upgrade", "head")
        port = service.url.rsplit(":", 1)[1]
        with service.log.open("wb") as log:
            server = subprocess.Popen(
                ["uv", "run", "uvicorn", "src.main:app", "--port", port],
                cwd=baked.project,
                env=command_env(env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until_ok(f"{service.url}/health/ready", server, service.log, START_TIMEOUT_SECONDS)
            yield service
        finally:
            stop(server)
    finally:
        drop_databases(database)


def sign_up_and_in(service: Service) -> tuple[str, str]:
    """Register a user, sign it in, and return its email and password."""
    email, password = f"st-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(12)
    user = {"email": email, "display_name": "Schemathesis", "password": password}
    status, body = request(
        f"{service.url}/api/v1/users", json.dumps(user).encode(), "application/json"
    )
    assert status == 201, body
    form = urllib.parse.urlencode({"username": email, "password": password}).encode()
    status, body = request(
        f"{service.url}/api/v1/auth/token", form, "application/x-www-form-urlencoded"
    )
    assert status == 200, body
    assert json.loads(body)["token_type"] == "bearer"
    return email, password


def authenticated_successes(log: Path) -> int:
    """Count the 2xx answers the server logged for signed-in requests."""
    count = 0
    for line in log.read_text("utf-8").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("event") == "http_request" and event.get("user_id"):
            count += 200 <= event.get("status_code", 0) < 300
    return count


def summary(output: str) -> str:
    """Return schemathesis's case and operation counts from its final report."""
    cases = re.search(r"^\s*(\d+ generated.*)$", output, re.MULTILINE)
    operations = re.search(r"^\s*Tested: (\d+)", output, re.MULTILINE)
    assert cases is not None, output[-6000:]
    assert operations is not None, output[-6000:]
    return f"{operations.group(1)} operations, {cases.group(1)}"


def test_the_live_api_survives_schemathesis(
    service: Service,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    email, password = sign_up_and_in(service)
    # As an administrator the fuzzer may read back every user it creates (others answer 404
    # to a plain user, by design) and list users; the bake's own command grants it.
    service.baked.check("uv", "run", "python", "-m", "src.cli", "create-admin", email)
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{service.url}/openapi.json",
        "--checks=all",
        f"--max-examples={MAX_EXAMPLES}",
        f"--seed={SEED}",
        "--workers=1",
        "--generation-database=none",
        "--request-timeout=20",
        "--no-color",
        "--report=junit",
        f"--report-dir={tmp_path}",
    ]
    # Tokens come from the hooks (see there why a fixed Authorization header is not enough).
    hooks_env = {
        "SCHEMATHESIS_HOOKS": str(HOOKS),
        "SUPERNOVA_ST_API": service.url,
        "SUPERNOVA_ST_EMAIL": email,
        "SUPERNOVA_ST_PASSWORD": password,
        "SUPERNOVA_ST_DATABASE": service.database,
    }

    result = subprocess.run(
        command,
        cwd=tmp_path,
        env=command_env(hooks_env),
        capture_output=True,
        text=True,
        check=False,
        timeout=RUN_TIMEOUT_SECONDS,
    )

    assert result.returncode == 0, f"schemathesis found problems:\n{result.stdout}{result.stderr}"
    counts = f"schemathesis (seed {SEED}): {summary(result.stdout)}"
    signed_in = authenticated_successes(service.log)
    record_property("schemathesis", counts)
    print(f"{counts}; {signed_in} signed-in requests answered 2xx")  # shown by `pytest -rP`
    assert signed_in > 0, "no signed-in request succeeded: the fuzzer never got past auth"

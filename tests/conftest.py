"""Fixtures shared by the template suite, and the xdist scheduling that bakes each combo once."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadScopeScheduling

from baking import Bake, Baked, Combination, Cookies, bake_with, database_url, drop_databases

# Tests of these modules are parametrized by a combination baked once per worker, so all the
# tests of one combination go to the same worker.
COMBINATION_MODULES = ("tests/test_generation.py::", "tests/test_delivery.py::")


class CombinationScheduling(LoadScopeScheduling):
    """Load scheduling in which one combination's tests form one unit of work.

    xdist's own `--dist loadgroup` cannot do it under pytest 9.2, whose nodeids ignore the
    group suffix that xdist 3.8 appends.
    """

    def _split_scope(self, nodeid: str) -> str:
        """Return the combination id for a combination test, else the test itself."""
        if nodeid.startswith(COMBINATION_MODULES) and nodeid.endswith("]"):
            return nodeid[nodeid.rindex("[") :]
        return nodeid


def pytest_xdist_make_scheduler(config: pytest.Config, log: Producer) -> CombinationScheduling:
    """Schedule with CombinationScheduling."""
    return CombinationScheduling(config, log)


@pytest.fixture
def bake(cookies: Cookies, monkeypatch: pytest.MonkeyPatch) -> Bake:
    """Return `bake(**answers) -> Baked` for fast structural bakes (the uv step is skipped)."""
    monkeypatch.setenv("SUPERNOVA_SKIP_UV", "1")

    def _bake(**answers: str) -> Baked:
        return bake_with(cookies, answers, env={})

    return _bake


@pytest.fixture(scope="session")
def baked(request: pytest.FixtureRequest, cookies_session: Cookies) -> Iterator[Baked]:
    """Bake one combination with the real hooks (then scaffold its entities, if it has some).

    Its databases are dropped afterwards.
    """
    combo: Combination = request.param
    database = f"tpl_{re.sub(r'[^a-z0-9]+', '_', combo.name)}_{secrets.token_hex(3)}"
    env = {
        "DATABASE_URL": database_url(database),
        "TEST_DATABASE_URL": database_url(f"{database}_test"),
    }
    try:
        baked = bake_with(cookies_session, combo.answers, env)
        for arguments in combo.scaffolds:
            baked.check("uv", "run", "scaffold", *arguments)
        yield baked
    finally:
        drop_databases(database)

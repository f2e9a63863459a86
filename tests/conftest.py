"""Fixtures shared by the template suite, and the xdist scheduling that bakes each combo once."""

from __future__ import annotations

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadScopeScheduling

from baking import Bake, Baked, Cookies, bake_with

# Tests of these modules are parametrized by a combination baked once per worker, so all the
# tests of one combination go to the same worker.
COMBINATION_MODULES = ("tests/test_generation.py::",)


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

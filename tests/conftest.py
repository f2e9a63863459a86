"""Fixtures shared by the template suite."""

from __future__ import annotations

import pytest

from baking import Bake, Baked, Cookies, bake_with


@pytest.fixture
def bake(cookies: Cookies, monkeypatch: pytest.MonkeyPatch) -> Bake:
    """Return `bake(**answers) -> Baked` for fast structural bakes (the uv step is skipped)."""
    monkeypatch.setenv("SUPERNOVA_SKIP_UV", "1")

    def _bake(**answers: str) -> Baked:
        return bake_with(cookies, answers, env={})

    return _bake

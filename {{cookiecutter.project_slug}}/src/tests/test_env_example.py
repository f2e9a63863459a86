"""`.env.example` documents every setting the service reads, each with its real default."""

import re
from pathlib import Path

import pytest
from pydantic import SecretStr

from src.config import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"
# `KEY=value`, or `# KEY=value` for a setting left at its default.
SETTING_LINE = re.compile(r"^(?:# ?)?([A-Z][A-Z0-9_]*)=(.*)$")
# POSTGRES_* configure a PostgreSQL server (its official image reads them), not this service.
SERVER_PREFIX = "POSTGRES_"


def documented() -> dict[str, str]:
    """Return each key of `.env.example`, set or commented out, with the value it shows."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    matches = (SETTING_LINE.match(line) for line in lines)
    return {match[1]: match[2] for match in matches if match}


def test_every_setting_is_documented() -> None:
    assert set(Settings.model_fields) - set(documented()) == set()


def test_every_documented_key_is_a_setting() -> None:
    unknown = set(documented()) - set(Settings.model_fields)

    assert {key for key in unknown if not key.startswith(SERVER_PREFIX)} == set()


def test_every_key_has_a_comment_of_its_own_above_it() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    uncommented = [
        line
        for above, line in zip(["", *lines], lines, strict=False)
        if SETTING_LINE.match(line) and (not above.startswith("#") or SETTING_LINE.match(above))
    ]

    assert uncommented == []


def test_documented_values_are_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in Settings.model_fields:  # The example alone, not this test run's environment.
        monkeypatch.delenv(name, raising=False)
    values = {key: value for key, value in documented().items() if key in Settings.model_fields}
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in values.items()))

    settings = Settings(_env_file=env_file, DATABASE_URL=SecretStr("postgresql://u@h/d"))

    differing = [
        name
        for name, field in Settings.model_fields.items()
        if not field.is_required() and getattr(settings, name) != field.default
    ]
    assert differing == []

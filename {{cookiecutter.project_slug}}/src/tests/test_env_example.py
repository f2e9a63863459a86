"""`.env.example` documents every setting the service reads, each with its real default."""

import re
from pathlib import Path

import pytest

from src.config import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"
# `KEY=value`, or `# KEY=value` for a setting left at its default.
SETTING_LINE = re.compile(r"^(?:# ?)?([A-Z][A-Z0-9_]*)=(.*)$")
# `KEY=` with no value: filled in when the project is generated (the database URL, secrets).
GENERATED = re.compile(r"^([A-Z][A-Z0-9_]*)=$", re.MULTILINE)
# POSTGRES_* configure a PostgreSQL server (its official image reads them), not this service.
SERVER_PREFIX = "POSTGRES_"


def example() -> str:
    """Return the text of `.env.example`."""
    return EXAMPLE.read_text(encoding="utf-8")


def documented() -> dict[str, str]:
    """Return each key of `.env.example`, set or commented out, with the value it shows."""
    matches = (SETTING_LINE.match(line) for line in example().splitlines())
    return {match[1]: match[2] for match in matches if match}


def test_every_setting_is_documented() -> None:
    assert set(Settings.model_fields) - set(documented()) == set()


def test_every_documented_key_is_a_setting() -> None:
    unknown = set(documented()) - set(Settings.model_fields)

    assert {key for key in unknown if not key.startswith(SERVER_PREFIX)} == set()


def test_every_key_has_a_comment_of_its_own_above_it() -> None:
    lines = example().splitlines()
    uncommented = [
        line
        for above, line in zip(["", *lines], lines, strict=False)
        if SETTING_LINE.match(line) and (not above.startswith("#") or SETTING_LINE.match(above))
    ]

    assert uncommented == []


def stand_in(key: str) -> str:
    """Return a valid value for a key the project's generation fills in (a URL, a secret)."""
    return "postgresql+asyncpg://u@h/d" if key == "DATABASE_URL" else "s" * 48


def test_documented_values_are_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in Settings.model_fields:  # The example alone, not this test run's environment.
        monkeypatch.delenv(name, raising=False)
    generated = set(GENERATED.findall(example()))
    lines = [
        f"{key}={stand_in(key) if key in generated else value}"
        for key, value in documented().items()
    ]
    env_file = tmp_path / ".env"
    env_file.write_text("\n".join(lines))

    settings = Settings(_env_file=env_file)

    differing = [
        name
        for name, field in Settings.model_fields.items()
        if name not in generated and getattr(settings, name) != field.default
    ]
    assert "DATABASE_URL" in generated
    assert differing == []

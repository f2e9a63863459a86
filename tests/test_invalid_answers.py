"""Every invalid answer stops the bake in the pre-generation hook and leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from baking import Bake

INVALID_ANSWERS = [
    pytest.param("project_slug", "My Service", id="slug-with-space"),
    pytest.param("project_slug", "1service", id="slug-starting-with-digit"),
    pytest.param("project_slug", "service-", id="slug-ending-with-hyphen"),
    pytest.param("project_slug", "a--b", id="slug-with-double-hyphen"),
    pytest.param("project_slug", "Service", id="slug-with-capital"),
    pytest.param("project_slug", "fastapi", id="slug-fastapi"),
    pytest.param("project_slug", "alembic", id="slug-alembic"),
    pytest.param("project_slug", "pydantic-settings", id="slug-pydantic-settings"),
    pytest.param("author_email", "", id="email-empty"),
    pytest.param("author_email", "dev", id="email-without-at"),
    pytest.param("author_email", "dev@example", id="email-without-domain-dot"),
    pytest.param("author_email", "dev @example.com", id="email-with-space"),
    pytest.param("project_name", " ", id="name-blank"),
    pytest.param("project_name", "N" * 73, id="name-too-long"),
    pytest.param("description", "two\nlines", id="description-two-lines"),
]


def valid_slug_for(field: str) -> dict[str, str]:
    """Return a slug answer when the slug would otherwise derive from a blank project name."""
    return {"project_slug": "valid-slug"} if field == "project_name" else {}


@pytest.mark.parametrize(("field", "value"), INVALID_ANSWERS)
def test_invalid_answer_fails_the_bake_with_one_error_line(
    bake: Bake, capfd: pytest.CaptureFixture[str], field: str, value: str
) -> None:
    result = bake(**{field: value, **valid_slug_for(field)})

    assert result.exit_code != 0
    assert "Hook script failed" in str(result.exception)
    errors = [line for line in capfd.readouterr().err.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"ERROR: {field}: ")


@pytest.mark.parametrize(("field", "value"), INVALID_ANSWERS)
def test_invalid_answer_leaves_nothing_on_disk(
    bake: Bake, tmp_path: Path, field: str, value: str
) -> None:
    result = bake(**{field: value, **valid_slug_for(field)})

    assert result.path is None
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []

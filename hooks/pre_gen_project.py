"""Refuse invalid answers before cookiecutter writes the project (standard library only).

Runs under whatever Python runs cookiecutter, so it keeps to Python 3.10 syntax.
"""

from __future__ import annotations

import re
import sys


def rendered(value: str) -> str:
    """Rejoin the surrogate pairs that JSON escaping makes of characters beyond the BMP."""
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")


# Cookiecutter renders this file with Jinja. `tojson` minus its outer quotes gives only
# escapes that mean the same in Python, so quotes, backslashes and non-ASCII answers
# arrive intact, and the unrendered file still imports (tests load it as a module).
PROJECT_NAME = rendered("{{ (cookiecutter.project_name | tojson)[1:-1] }}")
PROJECT_SLUG = rendered("{{ (cookiecutter.project_slug | tojson)[1:-1] }}")
DESCRIPTION = rendered("{{ (cookiecutter.description | tojson)[1:-1] }}")
AUTHOR_NAME = rendered("{{ (cookiecutter.author_name | tojson)[1:-1] }}")
AUTHOR_EMAIL = rendered("{{ (cookiecutter.author_email | tojson)[1:-1] }}")

SLUG_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
# Deliberately simple: an RFC 5322 dot-atom before the @ and dotted DNS labels after it.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL_PATTERN = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")

# The generated project's own dependencies: uv refuses a project that depends on itself.
RESERVED_NAMES = frozenset(
    {
        "alembic",
        "argon2-cffi",
        "arq",
        "asyncpg",
        "email-validator",
        "fastapi",
        "httptools",
        "httpx",
        "jwt",
        "mypy",
        "orjson",
        "pwdlib",
        "pydantic",
        "pydantic-settings",
        "pyjwt",
        "pytest",
        "pytest-asyncio",
        "redis",
        "ruff",
        "sqlalchemy",
        "starlette",
        "structlog",
        "uvicorn",
        "uvloop",
    }
)


MAX_TITLE_LENGTH = 72


class AnswerError(ValueError):
    """An answer that cannot produce a working project."""

    def __init__(self, field: str, problem: str) -> None:
        """Name the field and say what is wrong with it and how to fix it."""
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def normalise(name: str) -> str:
    """Return a distribution name in PEP 503 normal form."""
    return re.sub(r"[-_.]+", "-", name).lower()


def check_single_line(field: str, value: str) -> None:
    """Refuse line breaks and other control characters in a free-text answer."""
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise AnswerError(field, "must be a single line without control characters")


def string_literal_body(text: str) -> str:
    """Return text as the templates write it between double quotes (Python and TOML alike)."""
    return text.replace("\\", "\\\\").replace('"', "\\u0022")


def check_project_name(name: str) -> None:
    """Refuse an empty, multi-line, or too long project name."""
    if not name.strip():
        raise AnswerError("project_name", "must not be empty; give the service a name")
    check_single_line("project_name", name)
    # It becomes the OpenAPI title in src/main.py, whose lines stay within 100 characters.
    if len(string_literal_body(name)) > MAX_TITLE_LENGTH:
        raise AnswerError(
            "project_name",
            f"is too long for an API title; keep it within {MAX_TITLE_LENGTH} characters "
            "(quotes and backslashes count extra)",
        )


def check_project_slug(slug: str) -> None:
    """Refuse a slug that is not kebab-case or that names one of the project's dependencies."""
    if not SLUG_PATTERN.fullmatch(slug):
        raise AnswerError(
            "project_slug",
            f"{slug!r} is not lowercase kebab-case; use letters and digits joined by single "
            "hyphens, starting with a letter (e.g. 'billing-service')",
        )
    if normalise(slug) in RESERVED_NAMES:
        raise AnswerError(
            "project_slug",
            f"{slug!r} is a dependency of the generated project and uv cannot install a "
            f"project under that name; pick another (e.g. 'my-{slug}-service')",
        )


def check_author_email(email: str) -> None:
    """Refuse an empty or malformed author email."""
    if not EMAIL_PATTERN.fullmatch(email):
        raise AnswerError(
            "author_email",
            f"{email!r} is not an email address; use the form 'name@example.com'",
        )


def check_answers(
    project_name: str, project_slug: str, description: str, author_name: str, author_email: str
) -> None:
    """Check every answer, raising AnswerError for the first one that is wrong."""
    check_project_name(project_name)
    check_project_slug(project_slug)
    check_single_line("description", description)
    check_single_line("author_name", author_name)
    check_author_email(author_email)


def main() -> int:
    """Validate the rendered answers; print one ERROR line and return 1 on the first bad one."""
    try:
        check_answers(PROJECT_NAME, PROJECT_SLUG, DESCRIPTION, AUTHOR_NAME, AUTHOR_EMAIL)
    except AnswerError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

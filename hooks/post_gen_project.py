"""Finish a freshly generated project (standard library only, safe to re-run).

Prunes files of options that were not chosen, writes `.env` from `.env.example` with fresh
secrets, then installs the environment with `uv sync`. Runs under whatever Python runs
cookiecutter (or cruft), so it keeps to Python 3.10 syntax.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

# Cookiecutter renders this file with Jinja; the unrendered file still imports (see tests).
PROJECT_SLUG = "{{ (cookiecutter.project_slug | tojson)[1:-1] }}"
AUTH = "{{ (cookiecutter.auth | tojson)[1:-1] }}"

# Paths (relative to the project root) that exist only for one answer of one option.
OPTION_ONLY_PATHS: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("auth", "jwt"): (
        "migrations/versions/20261130_0002_user_is_admin.py",
        "src/api/v1/auth.py",
        "src/cli.py",
        "src/passwords.py",
        "src/services/admin.py",
        "src/services/auth.py",
        "src/schemas/auth.py",
        "src/tokens.py",
        "src/tests/api/v1/test_auth.py",
        "src/tests/api/v1/test_user_access.py",
        "src/tests/test_cli.py",
        "src/tests/test_passwords.py",
    ),
}

SKIP_UV_VARIABLE = "SUPERNOVA_SKIP_UV"


def unselected_paths(answers: Mapping[str, str]) -> list[str]:
    """Return the option-only paths whose option was not answered with their value."""
    return [
        path
        for (option, value), paths in OPTION_ONLY_PATHS.items()
        if answers.get(option) != value
        for path in paths
    ]


def remove_paths(root: Path, paths: list[str]) -> None:
    """Delete the given files or folders under root; missing ones are fine."""
    for relative in paths:
        target = root / relative
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)


def database_name(slug: str) -> str:
    """Return the local development database name for a project slug."""
    return slug.replace("-", "_")


def env_values(slug: str) -> dict[str, str]:
    """Return working local values for the `.env` keys this hook knows, with fresh secrets."""
    password = secrets.token_urlsafe(24)
    return {
        "ENVIRONMENT": "development",
        "DEBUG": "false",
        "LOG_LEVEL": "INFO",
        "LOG_JSON": "",
        "DATABASE_URL": (
            f"postgresql+asyncpg://postgres:{password}@127.0.0.1:5432/{database_name(slug)}"
        ),
        "TEST_DATABASE_URL": "",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ACCESS_TOKEN_EXPIRE_MINUTES": "15",
        "CORS_ORIGINS": "",
        "CORS_ALLOW_CREDENTIALS": "false",
        "POSTGRES_PASSWORD": password,
    }


def render_env(example: str, values: Mapping[str, str]) -> str:
    """Fill each `KEY=` line of an env example; unknown keys stay empty, other lines verbatim."""
    lines = []
    for line in example.splitlines():
        key = line.split("=", 1)[0].strip()
        if key and not key.startswith("#"):
            line = f"{key}={values.get(key, '')}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def write_env(root: Path, slug: str) -> bool:
    """Write `.env` from `.env.example` unless `.env` exists; return whether it was written."""
    target = root / ".env"
    example = root / ".env.example"
    if target.exists() or not example.is_file():
        return False
    target.write_text(render_env(example.read_text(encoding="utf-8"), env_values(slug)), "utf-8")
    target.chmod(0o600)
    return True


def uv_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """Return environ without VIRTUAL_ENV, so uv uses the project's own `.venv`."""
    return {key: value for key, value in environ.items() if key != "VIRTUAL_ENV"}


def uv_sync(uv: str, root: Path) -> bool:
    """Run `uv sync` in root, from uv's cache when it holds everything; return success."""
    env = uv_environment(os.environ)
    # With a warm cache, resolving offline takes a fraction of a second against seconds of
    # index round trips; the index is asked only when the cache lacks something.
    offline = subprocess.run(
        [uv, "sync", "--offline", "--quiet"], cwd=root, env=env, check=False, capture_output=True
    )
    if offline.returncode == 0:
        return True
    online = subprocess.run([uv, "sync"], cwd=root, env=env, check=False)
    return online.returncode == 0


def install(root: Path, slug: str) -> str | None:
    """Install the environment with uv; return the line telling what to run if that failed."""
    uv = shutil.which("uv")
    if uv is None:
        return (
            "NEXT: uv is not installed; install it (https://docs.astral.sh/uv/), then run: "
            f"cd {slug} && uv sync"
        )
    if not uv_sync(uv, root):
        return f"NEXT: uv sync failed (offline?); once that is fixed, run: cd {slug} && uv sync"
    return None


def main() -> int:
    """Prune, write `.env`, sync; a failed or skipped `uv sync` only prints the next step."""
    root = Path.cwd()
    remove_paths(root, unselected_paths({"auth": AUTH}))
    write_env(root, PROJECT_SLUG)
    if os.environ.get(SKIP_UV_VARIABLE) != "1":
        next_step = install(root, PROJECT_SLUG)
        if next_step is not None:
            print(next_step, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

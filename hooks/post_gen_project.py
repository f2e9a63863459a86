"""Finish a freshly generated project (standard library only, safe to re-run).

Prunes files of options that were not chosen, puts the chosen version of per-answer files in
place, writes `.env` from `.env.example` with fresh secrets, then installs the environment
with `uv sync`. Runs under whatever Python runs cookiecutter (or cruft), so it keeps to
Python 3.10 syntax.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TypeAlias

# Cookiecutter renders this file with Jinja; the unrendered file still imports (see tests).
PROJECT_SLUG = "{{ (cookiecutter.project_slug | tojson)[1:-1] }}"
AUTH = "{{ (cookiecutter.auth | tojson)[1:-1] }}"
BACKGROUND_JOBS = "{{ (cookiecutter.background_jobs | tojson)[1:-1] }}"


def yes(rendered: str) -> bool:
    """Read a yes/no answer: cookiecutter renders its boolean as `True` or `False`."""
    return rendered == "True"


DOCKER = yes("{{ cookiecutter.docker }}")
GITHUB_ACTIONS = yes("{{ cookiecutter.github_actions }}")

Answer: TypeAlias = str | bool

# Paths (relative to the project root) that exist only for one answer of one option.
OPTION_ONLY_PATHS: Mapping[tuple[str, Answer], tuple[str, ...]] = {
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
    ("background_jobs", "arq"): (
        "src/worker.py",
        "src/jobs",
        "src/repositories/welcome.py",
        "src/services/welcome.py",
        "src/tests/jobs",
        "src/tests/test_rate_limits_in_redis.py",
    ),
    ("docker", True): ("Dockerfile", ".dockerignore", "compose.yaml"),
    ("github_actions", True): (".github",),
}

# Files written once per answer, where an answer changes the whole file: the template holds
# `<name>.<suffix>` for the default answer and `<name>.<option>-<answer>.<suffix>` for the
# other; the chosen version takes the plain name and the other goes.
OPTION_VARIANTS: Mapping[tuple[str, Answer], tuple[str, ...]] = {
    ("auth", "none"): (
        "src/api/v1/items.py",
        "src/api/v1/users.py",
        "src/repositories/item.py",
        "src/services/item.py",
        "src/services/user.py",
    ),
}

SKIP_UV_VARIABLE = "SUPERNOVA_SKIP_UV"


def unselected_paths(answers: Mapping[str, Answer]) -> list[str]:
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


def variant_path(path: str, option: str, answer: Answer) -> str:
    """Return where the template keeps the version of `path` written for this answer."""
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}.{option}-{answer}{dot}{suffix}"


def choose_variants(root: Path, answers: Mapping[str, Answer]) -> None:
    """Give each per-answer file its plain name when its answer was chosen; drop it otherwise."""
    for (option, answer), paths in OPTION_VARIANTS.items():
        for path in paths:
            variant = root / variant_path(path, option, answer)
            if not variant.exists():
                continue  # Chosen or dropped by an earlier run of this hook.
            if answers.get(option) == answer:
                variant.replace(root / path)
            else:
                variant.unlink()


def database_name(slug: str) -> str:
    """Return the local development database name for a project slug."""
    return slug.replace("-", "_")


def env_values(slug: str, *, with_password: bool) -> dict[str, str]:
    """Return the `.env` values this hook fills: the database URL and fresh secrets."""
    password = secrets.token_urlsafe(24)
    # The password reaches DATABASE_URL only when a server is given it (compose's PostgreSQL
    # reads POSTGRES_PASSWORD); a local server with trust authentication ignores it either way.
    user = f"postgres:{password}" if with_password else "postgres"
    return {
        "DATABASE_URL": f"postgresql+asyncpg://{user}@127.0.0.1:5432/{database_name(slug)}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "POSTGRES_PASSWORD": password,
    }


def env_keys(example: str) -> list[str]:
    """Return the keys of the `KEY=value` lines of an env file, comments left out."""
    keys = (line.split("=", 1)[0].strip() for line in example.splitlines() if "=" in line)
    return [key for key in keys if key and not key.startswith("#")]


def render_env(example: str, values: Mapping[str, str]) -> str:
    """Fill the `KEY=` lines of an env example that have a value; other lines stay verbatim."""
    lines = []
    for line in example.splitlines():
        key = line.split("=", 1)[0].strip()
        if "=" in line and key in values:
            line = f"{key}={values[key]}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def write_env(root: Path, slug: str) -> bool:
    """Write `.env` from `.env.example` unless `.env` exists; return whether it was written."""
    target = root / ".env"
    example_path = root / ".env.example"
    if target.exists() or not example_path.is_file():
        return False
    example = example_path.read_text(encoding="utf-8")
    values = env_values(slug, with_password="POSTGRES_PASSWORD" in env_keys(example))
    target.write_text(render_env(example, values), "utf-8")
    target.chmod(0o600)
    return True


def uv_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """Return environ without VIRTUAL_ENV, so uv uses the project's own `.venv`."""
    return {key: value for key, value in environ.items() if key != "VIRTUAL_ENV"}


def synced(uv: str, root: Path, *options: str) -> bool:
    """Run `uv sync` quietly in root with the given options; return whether it worked."""
    command = [uv, "sync", *options, "--quiet"]
    env = uv_environment(os.environ)
    result = subprocess.run(command, cwd=root, env=env, check=False, capture_output=True)
    return result.returncode == 0


def uv_sync(uv: str, root: Path) -> str | None:
    """Sync from the index, else from uv's cache alone; return "index", "cache" or None."""
    # The index first, so a new project starts on current, patched versions.
    if synced(uv, root):
        return "index"
    if synced(uv, root, "--offline"):
        return "cache"
    return None


def install(root: Path, slug: str) -> str | None:
    """Install the environment with uv; return a line to show the user, if there is one."""
    uv = shutil.which("uv")
    if uv is None:
        return (
            "NEXT: uv is not installed; install it (https://docs.astral.sh/uv/), then run: "
            f"cd {slug} && uv sync"
        )
    source = uv_sync(uv, root)
    if source is None:
        return f"NEXT: uv sync failed (offline?); once that is fixed, run: cd {slug} && uv sync"
    if source == "cache":
        return (
            "NOTE: the package index was not reachable, so uv.lock came from uv's local cache "
            "and may hold older versions; once online, refresh it: "
            f"cd {slug} && uv lock --upgrade && uv sync"
        )
    return None


def main() -> int:
    """Prune, write `.env`, sync; a failed or offline `uv sync` only prints one line."""
    root = Path.cwd()
    answers: dict[str, Answer] = {
        "auth": AUTH,
        "background_jobs": BACKGROUND_JOBS,
        "docker": DOCKER,
        "github_actions": GITHUB_ACTIONS,
    }
    remove_paths(root, unselected_paths(answers))
    choose_variants(root, answers)
    write_env(root, PROJECT_SLUG)
    if os.environ.get(SKIP_UV_VARIABLE) != "1":
        message = install(root, PROJECT_SLUG)
        if message is not None:
            print(message, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

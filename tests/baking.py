"""Bake the template with pytest-cookies and run commands inside the baked project."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parents[1]

POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = "5432"
POSTGRES_USER = "postgres"
COMMAND_TIMEOUT_SECONDS = 600
# Written by uv and the tools the checks run, not by the template.
TOOL_OUTPUT = frozenset({".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache", "__pycache__"})

# cookiecutter's reading of a yes/no answer given as text (YesNoPrompt).
YES = frozenset({"1", "true", "t", "yes", "y", "on"})
DEFAULTS: dict[str, object] = json.loads((ROOT / "cookiecutter.json").read_text("utf-8"))

type Bake = Callable[..., Baked]
type Answer = str | bool


def resolve(answers: Mapping[str, str], key: str) -> Answer:
    """Return the value a project receives for key: the answer given, or the default."""
    default = DEFAULTS[key]
    if key in answers:
        given = answers[key].replace("{% raw %}", "").replace("{% endraw %}", "")
        return given.lower() in YES if isinstance(default, bool) else given
    if isinstance(default, list):
        return str(default[0])
    assert isinstance(default, str | bool), key
    return default


class CookiesResult(Protocol):
    """What pytest-cookies' `Cookies.bake` returns (the plugin ships no types)."""

    exit_code: int
    exception: BaseException | None

    @property
    def project_path(self) -> Path | None:
        """Return the baked project's path, or None when the bake failed."""


class Cookies(Protocol):
    """pytest-cookies' `cookies` and `cookies_session` fixtures (the plugin ships no types)."""

    def bake(
        self, extra_context: dict[str, str] | None = None, template: str | None = None
    ) -> CookiesResult:
        """Bake template with extra_context."""


@dataclass(frozen=True)
class Combination:
    """A named set of answers; the others keep their defaults."""

    name: str
    answers: Mapping[str, str]
    # `uv run scaffold` arguments, one command each, run once the project is baked.
    scaffolds: tuple[tuple[str, ...], ...] = ()

    def answer(self, key: str) -> Answer:
        """Return the value the project receives for key."""
        return resolve(self.answers, key)


def command_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return this process's environment without VIRTUAL_ENV (the template's venv), plus extra."""
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env.update(extra or {})
    return env


def database_url(name: str) -> str:
    """Return the asyncpg URL of a database on the shared test server."""
    return f"postgresql+asyncpg://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"


def psql(sql: str) -> str:
    """Run one SQL command on the shared test server's `postgres` database; return its rows."""
    command = ["psql", "-h", POSTGRES_HOST, "-p", POSTGRES_PORT, "-U", POSTGRES_USER]
    command += ["-d", "postgres", "-v", "ON_ERROR_STOP=1", "-X", "-A", "-t", "-c", sql]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"psql failed: {sql}\n{result.stderr}"
    return result.stdout


def drop_databases(prefix: str) -> None:
    """Drop every database whose name starts with prefix (per-worker copies included)."""
    names = psql(f"SELECT datname FROM pg_database WHERE starts_with(datname, '{prefix}')")
    for name in names.split():
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def describe(result: subprocess.CompletedProcess[str]) -> str:
    """Return a failed command with the tail of its output, for assertion messages."""
    output = (result.stdout + result.stderr)[-6000:]
    return f"`{' '.join(map(str, result.args))}` exited {result.returncode}:\n{output}"


@dataclass(frozen=True)
class Baked:
    """One bake: the answers given, how it ended and, when it worked, the project's path."""

    answers: Mapping[str, str]
    exit_code: int
    exception: BaseException | None
    path: Path | None
    env: Mapping[str, str]

    def answer(self, key: str) -> Answer:
        """Return the value the project received for key (given, or cookiecutter.json's)."""
        return resolve(self.answers, key)

    @property
    def project(self) -> Path:
        """Return the project's path, failing the test with the bake's error if there is none."""
        assert self.exception is None, f"bake failed: {self.exception!r}"
        assert self.path is not None
        return self.path

    def run(
        self, *command: str, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run a command in the project with VIRTUAL_ENV stripped and env (or self.env) added."""
        return subprocess.run(
            command,
            cwd=self.project,
            env=command_env(self.env if env is None else env),
            capture_output=True,
            text=True,
            check=False,
            timeout=COMMAND_TIMEOUT_SECONDS,
        )

    def check(self, *command: str, env: Mapping[str, str] | None = None) -> str:
        """Run a command in the project, assert it succeeded and return its output."""
        result = self.run(*command, env=env)
        assert result.returncode == 0, describe(result)
        return result.stdout

    def paths(self) -> list[Path]:
        """Return every path the template wrote, relative to the project (tool output skipped)."""
        relative = (path.relative_to(self.project) for path in self.project.rglob("*"))
        return sorted(path for path in relative if TOOL_OUTPUT.isdisjoint(path.parts))

    def files(self) -> list[Path]:
        """Return every file the template wrote, relative to the project."""
        return [path for path in self.paths() if (self.project / path).is_file()]


def bake_with(cookies: Cookies, answers: Mapping[str, str], env: Mapping[str, str]) -> Baked:
    """Bake ROOT with pytest-cookies and the given answers."""
    result = cookies.bake(extra_context=dict(answers), template=str(ROOT))
    return Baked(
        answers=answers,
        exit_code=result.exit_code,
        exception=result.exception,
        path=result.project_path,
        env=env,
    )

"""Bake each option combination once, then prove the baked project clean and green.

Each combination is baked once (the session-scoped `baked` fixture) with the real
post-generation hook, so `uv sync` runs as it does for a user; the checks are separate tests.
conftest.py sends all the tests of one combination to the same xdist worker.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

import post_gen_project
from baking import ROOT, Baked, Cookies, bake_with, database_url, describe, drop_databases, psql

if TYPE_CHECKING:
    from _pytest.mark.structures import ParameterSet

AWKWARD = 'Café "Zoë\'s" \\ #1 {{x}}'
# Cookiecutter renders answers given without prompting (as here) as Jinja, so the braces are
# escaped here; a person typing AWKWARD at the prompt gets it verbatim.
AWKWARD_ANSWER = 'Café "Zoë\'s" \\ #1 {% raw %}{{x}}{% endraw %}'


@dataclass(frozen=True)
class Combination:
    """A named set of answers; the others keep their defaults."""

    name: str
    answers: Mapping[str, str]


def combination(name: str, **answers: str) -> ParameterSet:
    """Return one parameter of COMBINATIONS, with its name as the test id."""
    return pytest.param(Combination(name, answers), id=name)


COMBINATIONS = [
    combination("defaults"),
    combination("auth-none", auth="none"),
    combination("python-3.13", python_version="3.13"),
    combination(
        "awkward-answers",
        project_name=AWKWARD_ANSWER,
        project_slug="awkward-service",
        description=AWKWARD_ANSWER,
        author_name=AWKWARD_ANSWER,
        author_email="zoe+tpl@example.com",
    ),
]

pytestmark = pytest.mark.parametrize("baked", COMBINATIONS, indirect=True)

DEFAULTS: dict[str, object] = json.loads((ROOT / "cookiecutter.json").read_text("utf-8"))
UNRENDERED = re.compile(r"\{\{-?\s*cookiecutter|\{%|%\}")


@pytest.fixture(scope="session")
def baked(request: pytest.FixtureRequest, cookies_session: Cookies) -> Iterator[Baked]:
    """Bake one combination with the real hooks; its databases are dropped afterwards."""
    combo: Combination = request.param
    database = f"tpl_{re.sub(r'[^a-z0-9]+', '_', combo.name)}_{secrets.token_hex(3)}"
    env = {
        "DATABASE_URL": database_url(database),
        "TEST_DATABASE_URL": database_url(f"{database}_test"),
    }
    try:
        yield bake_with(cookies_session, combo.answers, env)
    finally:
        drop_databases(database)


@pytest.fixture(scope="session")
def collected(baked: Baked) -> int:
    """How many tests the bake's own pytest collects, so the expectation follows new tests."""
    output = baked.check("uv", "run", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider")
    found = re.search(r"^(\d+) tests? collected", output, re.MULTILINE)
    assert found is not None, output[-3000:]
    return int(found.group(1))


def assert_all_passed(output: str, collected: int) -> None:
    """Assert pytest's summary says every collected test passed: none skipped, none deselected."""
    summary = output.strip().splitlines()[-1]
    assert re.fullmatch(rf"{collected} passed in [\d.]+s( \([\d:]+\))?", summary), summary


def answer(baked: Baked, key: str) -> str:
    """Return the value the project received for key (given, or cookiecutter.json's default)."""
    if key in baked.answers:
        return baked.answers[key].replace("{% raw %}", "").replace("{% endraw %}", "")
    default = DEFAULTS[key]
    return str(default[0] if isinstance(default, list) else default)


def text_files(baked: Baked) -> Iterator[tuple[Path, str]]:
    """Yield each UTF-8 text file of the project with its content."""
    for relative in baked.files():
        try:
            yield relative, (baked.project / relative).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


class TestStructure:
    def test_nothing_is_left_unrendered(self, baked: Baked) -> None:
        leftovers = [
            str(path)
            for path, text in text_files(baked)
            if UNRENDERED.search(text) or UNRENDERED.search(str(path))
        ]
        assert leftovers == []

    def test_options_switched_off_leave_no_files(self, baked: Baked) -> None:
        chosen = {"auth": answer(baked, "auth")}
        for path in post_gen_project.unselected_paths(chosen):
            assert not (baked.project / path).exists(), path

    def test_options_switched_on_keep_their_files(self, baked: Baked) -> None:
        for (option, value), paths in post_gen_project.OPTION_ONLY_PATHS.items():
            if answer(baked, option) == value:
                missing = [path for path in paths if not (baked.project / path).is_file()]
                assert missing == []

    def test_no_empty_folders_are_left(self, baked: Baked) -> None:
        folders = (baked.project / path for path in baked.paths())
        empty = [folder for folder in folders if folder.is_dir() and not any(folder.iterdir())]
        assert empty == []

    def test_pyproject_parses_and_carries_the_answers(self, baked: Baked) -> None:
        project = tomllib.loads((baked.project / "pyproject.toml").read_text("utf-8"))["project"]

        assert project["name"] == baked.project.name
        assert project["requires-python"] == f">={answer(baked, 'python_version')}"
        assert project["description"] == answer(baked, "description")
        assert project["authors"] == [
            {"name": answer(baked, "author_name"), "email": answer(baked, "author_email")}
        ]

    def test_toml_and_yaml_files_parse(self, baked: Baked) -> None:
        for path, text in text_files(baked):
            if path.suffix == ".toml":
                tomllib.loads(text)
            elif path.suffix in {".yaml", ".yml"}:
                yaml.safe_load(text)

    def test_python_files_compile(self, baked: Baked) -> None:
        for path, text in text_files(baked):
            if path.suffix == ".py":
                compile(text, str(path), "exec")


class TestEnvFile:
    def test_env_follows_env_example(self, baked: Baked) -> None:
        example = (baked.project / ".env.example").read_text("utf-8").splitlines()
        written = (baked.project / ".env").read_text("utf-8").splitlines()

        assert [line.split("=")[0] for line in written] == [line.split("=")[0] for line in example]

    def test_secret_key_is_generated_with_jwt_only(self, baked: Baked) -> None:
        env = (baked.project / ".env").read_text("utf-8")
        secret = re.search(r"^SECRET_KEY=(.+)$", env, re.MULTILINE)

        if answer(baked, "auth") == "jwt":
            assert secret is not None
            assert len(secret.group(1)) >= 64
        else:
            assert "SECRET_KEY" not in env

    def test_env_is_git_ignored_and_the_rest_is_not(self, baked: Baked, tmp_path: Path) -> None:
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
        (tmp_path / ".gitignore").write_bytes((baked.project / ".gitignore").read_bytes())
        names = [".env", ".env.example", "uv.lock", "pyproject.toml", ".venv/bin/python"]

        ignored = subprocess.run(
            ["git", "check-ignore", "--no-index", *names],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()

        assert ignored == [".env", ".venv/bin/python"]


class TestUv:
    def test_uv_sync_wrote_the_lock_and_the_environment(self, baked: Baked) -> None:
        assert (baked.project / "uv.lock").is_file()
        assert (baked.project / ".venv" / "bin" / "python").exists()

    def test_the_environment_uses_the_chosen_python(self, baked: Baked) -> None:
        version = baked.check("uv", "run", "python", "-c", "import sys; print(sys.version)")
        assert version.startswith(f"{answer(baked, 'python_version')}.")


class TestChecks:
    def test_ruff_check_is_clean(self, baked: Baked) -> None:
        baked.check("uv", "run", "ruff", "check", "--no-fix", ".")

    def test_ruff_format_is_clean(self, baked: Baked) -> None:
        baked.check("uv", "run", "ruff", "format", "--check", ".")

    def test_mypy_strict_is_clean(self, baked: Baked) -> None:
        baked.check("uv", "run", "mypy")

    def test_its_own_tests_pass(self, baked: Baked, collected: int) -> None:
        output = baked.check("uv", "run", "pytest", "-q", "-p", "no:cacheprovider")
        assert_all_passed(output, collected)

    def test_its_own_tests_pass_on_two_workers(self, baked: Baked, collected: int) -> None:
        # Each xdist worker creates, migrates and uses a test database of its own.
        output = baked.check("uv", "run", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2")
        assert_all_passed(output, collected)

    def test_migrations_are_complete_and_round_trip(self, baked: Baked) -> None:
        database = baked.env["DATABASE_URL"].rsplit("/", 1)[1]
        psql(f'CREATE DATABASE "{database}"')

        for step in (["upgrade", "head"], ["check"], ["downgrade", "base"], ["upgrade", "head"]):
            result = baked.run("uv", "run", "alembic", *step)
            assert result.returncode == 0, describe(result)

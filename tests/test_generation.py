"""Bake each option combination once, then prove the baked project clean and green.

Each combination is baked once (the session-scoped `baked` fixture) with the real
post-generation hook, so `uv sync` runs as it does for a user; the checks are separate tests.
conftest.py sends all the tests of one combination to the same xdist worker.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

import post_gen_project
from baking import ROOT, TOOL_OUTPUT, Baked, Combination, describe, psql
from delivery import without_env_file, yaml_file

if TYPE_CHECKING:
    from _pytest.mark.structures import ParameterSet

AWKWARD = 'Café "Zoë\'s" \\ #1 {{x}}'
# Cookiecutter renders answers given without prompting (as here) as Jinja, so the braces are
# escaped here; a person typing AWKWARD at the prompt gets it verbatim.
AWKWARD_ANSWER = 'Café "Zoë\'s" \\ #1 {% raw %}{{x}}{% endraw %}'


# Every field type, a reference to users and one to another scaffolded entity, optional
# fields, defaults, unique and index: `uv run scaffold` before the checks, so every check and
# the bake's own suite cover what it writes. With jwt the first two are owned by their users.
EVERY_FIELD = (
    "project",
    "name:str:120",
    "code:str:20:unique",
    "notes:text?",
    "hours:int:index",
    "rate:float?",
    "budget:decimal:10,2=0",
    "done:bool=false",
    "due:date?",
    "starts_at:datetime",
    "external_id:uuid:unique",
    "status:enum:draft,active,done=draft",
    "client:ref:client",
    "reviewer:ref:user?",
)
PLAIN = ("client", "name:str:80", "email:str:320:unique?")
TAG = ("tag", "label:str:40:unique", "weight:int=0")


def scaffolds(*, owned: bool) -> tuple[tuple[str, ...], ...]:
    """Return the scaffold commands of a row: with jwt, owned entities and a plain one."""
    ownership = ("--owned",) if owned else ()
    return ((*PLAIN, *ownership), (*EVERY_FIELD, *ownership), TAG)


def combination(
    name: str, scaffolded: tuple[tuple[str, ...], ...] = (), **answers: str
) -> ParameterSet:
    """Return one parameter of COMBINATIONS, with its name as the test id."""
    return pytest.param(Combination(name, answers, scaffolded), id=name)


COMBINATIONS = [
    combination("defaults", scaffolds(owned=True)),
    # Jobs meet auth in the user service, docker in compose and github_actions in CI's Redis:
    # arq rides on a row with each auth, one with the image and one without.
    combination("auth-none-arq", scaffolds(owned=False), auth="none", background_jobs="arq"),
    # The image on Python 3.13, in a project without CI.
    combination("python-3.13-no-github-actions", python_version="3.13", github_actions="false"),
    combination(
        "awkward-answers",
        project_name=AWKWARD_ANSWER,
        project_slug="awkward-service",
        description=AWKWARD_ANSWER,
        author_name=AWKWARD_ANSWER,
        author_email="zoe+tpl@example.com",
    ),
    # docker and github_actions meet in the CI's image job and Dependabot's ecosystems.
    combination("no-docker-arq", docker="false", background_jobs="arq"),
    # Everything optional left out: the smallest project the template writes.
    combination("minimal", docker="false", github_actions="false", auth="none"),
]

pytestmark = pytest.mark.parametrize("baked", COMBINATIONS, indirect=True)

UNRENDERED = re.compile(r"\{\{-?\s*cookiecutter|\{%|%\}")
# Words that only an option's own files and lines use: none may remain when the option has
# the answer that switches it off, and some show when it has another.
TRACES = {
    ("docker", False): re.compile(r"docker|compose", re.IGNORECASE),
    ("github_actions", False): re.compile(r"github|workflow|dependabot", re.IGNORECASE),
    ("background_jobs", "none"): re.compile(
        r"\barq\b|REDIS_|redis://|^\s+redis:|src\.worker|job_queue", re.IGNORECASE | re.MULTILINE
    ),
}
# Written by uv, not by the template: it names packages, not options.
GENERATED_BY_TOOLS = frozenset({Path("uv.lock")})


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


def text_files(baked: Baked) -> Iterator[tuple[Path, str]]:
    """Yield each UTF-8 text file of the project with its content."""
    for relative in baked.files():
        try:
            yield relative, (baked.project / relative).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


def options(baked: Baked) -> dict[str, post_gen_project.Answer]:
    """Return the answers that select files, as the post-generation hook receives them."""
    return {option: baked.answer(option) for option, _ in post_gen_project.OPTION_ONLY_PATHS}


class TestStructure:
    def test_nothing_is_left_unrendered(self, baked: Baked) -> None:
        leftovers = [
            str(path)
            for path, text in text_files(baked)
            if UNRENDERED.search(text) or UNRENDERED.search(str(path))
        ]
        assert leftovers == []

    def test_options_switched_off_leave_no_files(self, baked: Baked) -> None:
        for path in post_gen_project.unselected_paths(options(baked)):
            assert not (baked.project / path).exists(), path

    def test_options_switched_on_keep_their_files(self, baked: Baked) -> None:
        for (option, value), paths in post_gen_project.OPTION_ONLY_PATHS.items():
            if baked.answer(option) == value:
                missing = [path for path in paths if not (baked.project / path).exists()]
                assert missing == []

    def test_per_answer_files_leave_only_the_chosen_version(self, baked: Baked) -> None:
        for (option, answer), paths in post_gen_project.OPTION_VARIANTS.items():
            for path in paths:
                variant = post_gen_project.variant_path(path, option, answer)
                assert (baked.project / path).is_file(), path
                assert not (baked.project / variant).exists(), variant

    def test_options_switched_off_leave_no_trace_in_any_file(self, baked: Baked) -> None:
        off = [pattern for (option, no), pattern in TRACES.items() if baked.answer(option) == no]
        traces = [
            f"{path}: {match.group()}"
            for path, text in text_files(baked)
            if path not in GENERATED_BY_TOOLS
            for pattern in off
            for match in [pattern.search(text)]
            if match
        ]

        assert traces == []

    def test_options_switched_on_show_their_traces(self, baked: Baked) -> None:
        on = [pattern for (option, no), pattern in TRACES.items() if baked.answer(option) != no]
        texts = [text for path, text in text_files(baked) if path not in GENERATED_BY_TOOLS]
        unseen = [pattern.pattern for pattern in on if not any(map(pattern.search, texts))]

        assert unseen == []

    def test_no_empty_folders_are_left(self, baked: Baked) -> None:
        folders = (baked.project / path for path in baked.paths())
        empty = [folder for folder in folders if folder.is_dir() and not any(folder.iterdir())]
        assert empty == []

    def test_pyproject_parses_and_carries_the_answers(self, baked: Baked) -> None:
        project = tomllib.loads((baked.project / "pyproject.toml").read_text("utf-8"))["project"]

        assert project["name"] == baked.project.name
        assert project["requires-python"] == f">={baked.answer('python_version')}"
        assert project["description"] == baked.answer("description")
        assert project["authors"] == [
            {"name": baked.answer("author_name"), "email": baked.answer("author_email")}
        ]

    def test_toml_and_yaml_files_parse(self, baked: Baked) -> None:
        for path, text in text_files(baked):
            if path.suffix == ".toml":
                tomllib.loads(text)
            elif path.suffix in {".yaml", ".yml"}:
                yaml.safe_load(text)

    def test_the_scaffold_is_copied_verbatim(self, baked: Baked) -> None:
        # `_copy_without_render`: the scaffold's own code is never read as Jinja.
        source = ROOT / "{{cookiecutter.project_slug}}" / "tools" / "scaffold"
        files = [
            path.relative_to(source)
            for path in source.rglob("*")
            if path.is_file() and TOOL_OUTPUT.isdisjoint(path.parts)
        ]
        copied = baked.project / "tools" / "scaffold"

        assert files
        for relative in files:
            assert (copied / relative).read_bytes() == (source / relative).read_bytes(), relative

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

        if baked.answer("auth") == "jwt":
            assert secret is not None
            assert len(secret.group(1)) >= 64
        else:
            assert "SECRET_KEY" not in env

    def test_a_database_password_comes_with_docker_only(self, baked: Baked) -> None:
        env = (baked.project / ".env").read_text("utf-8")
        password = re.search(r"^POSTGRES_PASSWORD=(.+)$", env, re.MULTILINE)
        url = re.search(r"^DATABASE_URL=(.+)$", env, re.MULTILINE)

        assert url is not None
        if baked.answer("docker"):
            assert password is not None
            assert f"postgres:{password.group(1)}@" in url.group(1)
        else:
            assert "POSTGRES_PASSWORD" not in env
            assert "postgresql+asyncpg://postgres@" in url.group(1)

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
        assert version.startswith(f"{baked.answer('python_version')}.")


# What CI runs (`.github/workflows/ci.yml` runs exactly these, in this order).
CHECKS = (
    "uv sync --locked",
    "uv run ruff check --no-fix .",
    "uv run ruff format --check .",
    "uv run mypy",
    "uv run pytest",
)


@contextmanager
def as_in_ci(baked: Baked) -> Iterator[dict[str, str]]:
    """Give the environment the project's tests run in on CI, or here when it has no CI.

    CI has no `.env`: only the workflow's own variables, on this suite's database server.
    """
    if baked.answer("github_actions") is False:
        yield dict(baked.env)
        return
    workflow = yaml_file(baked.project / ".github" / "workflows" / "ci.yml")
    env = {**workflow["jobs"]["checks"]["env"], "DATABASE_URL": baked.env["DATABASE_URL"]}
    with without_env_file(baked):
        yield env


class TestChecks:
    def test_the_lock_matches_pyproject(self, baked: Baked) -> None:
        baked.check(*CHECKS[0].split())

    def test_ruff_check_is_clean(self, baked: Baked) -> None:
        baked.check(*CHECKS[1].split())

    def test_ruff_format_is_clean(self, baked: Baked) -> None:
        baked.check(*CHECKS[2].split())

    def test_mypy_strict_is_clean(self, baked: Baked) -> None:
        baked.check(*CHECKS[3].split())

    def test_its_own_tests_pass(self, baked: Baked, collected: int) -> None:
        # As CI runs them, when the project has CI: no .env, the workflow's variables only.
        with as_in_ci(baked) as env:
            output = baked.check(*CHECKS[4].split(), "-q", "-p", "no:cacheprovider", env=env)
        assert_all_passed(output, collected)

    def test_its_own_tests_pass_on_two_workers(self, baked: Baked, collected: int) -> None:
        # Each xdist worker creates, migrates and uses a test database of its own.
        output = baked.check("uv", "run", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2")
        assert_all_passed(output, collected)

    def test_migrations_create_the_database_and_round_trip(self, baked: Baked) -> None:
        database = baked.env["DATABASE_URL"].rsplit("/", 1)[1]
        # In development, `alembic upgrade head` creates the database when it is missing.
        assert psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == ""

        for step in (["upgrade", "head"], ["check"], ["downgrade", "base"], ["upgrade", "head"]):
            result = baked.run("uv", "run", "alembic", *step)
            assert result.returncode == 0, describe(result)

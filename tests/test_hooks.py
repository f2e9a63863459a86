"""Unit tests of the hooks' functions, and of the hooks as cookiecutter renders them."""

from __future__ import annotations

import runpy
import stat
from pathlib import Path

import pytest
from cookiecutter.environment import StrictEnvironment

import post_gen_project as post
import pre_gen_project as pre
from baking import ROOT

AWKWARD = 'Café "Zoë\'s" \\ #1 {{x}} {% raw %} \U0001f680'

ENV_EXAMPLE = """\
# Local settings; `# KEY=value` shows a default.
ENVIRONMENT=development
# DEBUG=false
LOG_JSON=
DATABASE_URL=
# TEST_DATABASE_URL=
SECRET_KEY=
POSTGRES_PASSWORD=
SOMETHING_NEW=
"""


def render_hook(name: str, answers: dict[str, object], into: Path) -> dict[str, object]:
    """Render a hook the way cookiecutter does and load it (without running main)."""
    context = {"cookiecutter": answers}
    source = (ROOT / "hooks" / f"{name}.py").read_text(encoding="utf-8")
    rendered = StrictEnvironment(context=context).from_string(source).render(**context)
    script = into / f"{name}.py"
    script.write_text(rendered, encoding="utf-8")
    return runpy.run_path(str(script))


def env_lines(text: str) -> dict[str, str]:
    """Parse `KEY=value` lines of an env file."""
    pairs = (line.partition("=") for line in text.splitlines() if "=" in line)
    return {key: value for key, _, value in pairs}


class TestProjectSlug:
    @pytest.mark.parametrize("slug", ["a", "supernova-service", "api2", "b2b-api-v3"])
    def test_kebab_case_is_accepted(self, slug: str) -> None:
        pre.check_project_slug(slug)

    @pytest.mark.parametrize(
        "slug", ["My Service", "1service", "service-", "a--b", "Service", "-a", "a_b", "", "é"]
    )
    def test_anything_else_is_refused(self, slug: str) -> None:
        with pytest.raises(pre.AnswerError, match="kebab-case") as error:
            pre.check_project_slug(slug)
        assert error.value.field == "project_slug"

    @pytest.mark.parametrize("slug", ["fastapi", "alembic", "pydantic-settings", "pyjwt", "jwt"])
    def test_a_dependency_name_is_refused(self, slug: str) -> None:
        with pytest.raises(pre.AnswerError, match="dependency of the generated project"):
            pre.check_project_slug(slug)

    def test_reserved_names_are_normalised(self) -> None:
        assert all(name == pre.normalise(name) for name in pre.RESERVED_NAMES)
        assert pre.normalise("Pydantic_Settings") == "pydantic-settings"


class TestAuthorEmail:
    @pytest.mark.parametrize(
        "email", ["dev@example.com", "zoe+tpl@example.co.uk", "first.last@sub-domain.example.org"]
    )
    def test_plain_addresses_are_accepted(self, email: str) -> None:
        pre.check_author_email(email)

    @pytest.mark.parametrize(
        "email",
        ["", "dev", "dev@", "@example.com", "dev@example", "dev @example.com", "a@b@c.com",
         "dev@example.com.", 'de"v@example.com', "dev@-example.com", "dev..x@example.com"],
    )  # fmt: skip
    def test_anything_else_is_refused(self, email: str) -> None:
        with pytest.raises(pre.AnswerError) as error:
            pre.check_author_email(email)
        assert error.value.field == "author_email"


class TestFreeText:
    @pytest.mark.parametrize("name", ["", "   "])
    def test_an_empty_project_name_is_refused(self, name: str) -> None:
        with pytest.raises(pre.AnswerError, match="must not be empty"):
            pre.check_project_name(name)

    @pytest.mark.parametrize("field", ["description", "author_name"])
    def test_a_line_break_is_refused(self, field: str) -> None:
        with pytest.raises(pre.AnswerError, match="single line") as error:
            pre.check_single_line(field, "two\nlines")
        assert error.value.field == field

    def test_a_title_of_72_characters_is_accepted(self) -> None:
        pre.check_project_name("n" * 72)

    def test_a_title_too_long_for_a_source_line_is_refused(self) -> None:
        with pytest.raises(pre.AnswerError, match="too long for an API title"):
            pre.check_project_name("n" * 73)

    def test_quotes_count_as_their_escapes(self) -> None:
        with pytest.raises(pre.AnswerError, match="too long for an API title"):
            pre.check_project_name('"' * 13)

    def test_awkward_text_is_accepted(self) -> None:
        pre.check_answers(AWKWARD, "cafe", AWKWARD, AWKWARD, "zoe+tpl@example.com")


class TestPreGenMain:
    def test_a_bad_answer_prints_one_error_line_and_returns_1(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        for name, value in [("PROJECT_NAME", "X"), ("PROJECT_SLUG", "Bad Slug")]:
            monkeypatch.setattr(pre, name, value)
        monkeypatch.setattr(pre, "AUTHOR_EMAIL", "dev@example.com")
        monkeypatch.setattr(pre, "DESCRIPTION", "")
        monkeypatch.setattr(pre, "AUTHOR_NAME", "")

        assert pre.main() == 1

        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.startswith("ERROR: project_slug: ")
        assert captured.err.count("\n") == 1


class TestRendering:
    def test_awkward_answers_survive_rendering(self, tmp_path: Path) -> None:
        answers = {
            "project_name": AWKWARD,
            "project_slug": "cafe",
            "description": AWKWARD,
            "author_name": AWKWARD,
            "author_email": "zoe+tpl@example.com",
            "auth": "none",
            "background_jobs": "arq",
            "docker": True,
            "github_actions": True,
        }
        pre_module = render_hook("pre_gen_project", answers, tmp_path)
        post_module = render_hook("post_gen_project", answers, tmp_path)

        assert pre_module["PROJECT_NAME"] == AWKWARD
        assert pre_module["DESCRIPTION"] == AWKWARD
        assert pre_module["AUTHOR_NAME"] == AWKWARD
        assert post_module["PROJECT_SLUG"] == "cafe"
        assert post_module["AUTH"] == "none"
        assert post_module["BACKGROUND_JOBS"] == "arq"

    @pytest.mark.parametrize("docker", [True, False])
    def test_yes_no_answers_arrive_as_booleans(self, tmp_path: Path, docker: bool) -> None:
        answers = {"project_slug": "svc", "auth": "jwt", "background_jobs": "arq", "docker": docker}

        post_module = render_hook(
            "post_gen_project", {**answers, "github_actions": not docker}, tmp_path
        )

        assert post_module["DOCKER"] is docker
        assert post_module["GITHUB_ACTIONS"] is not docker


EVERYTHING_ON: dict[str, post.Answer] = {
    "auth": "jwt",
    "background_jobs": "arq",
    "docker": True,
    "github_actions": True,
}


class TestPruning:
    def test_every_option_on_keeps_every_file(self) -> None:
        assert post.unselected_paths(EVERYTHING_ON) == []

    def test_auth_none_selects_the_jwt_only_paths(self) -> None:
        assert post.unselected_paths({**EVERYTHING_ON, "auth": "none"}) == list(
            post.OPTION_ONLY_PATHS[("auth", "jwt")]
        )

    def test_no_background_jobs_selects_the_arq_only_paths(self) -> None:
        assert post.unselected_paths({**EVERYTHING_ON, "background_jobs": "none"}) == list(
            post.OPTION_ONLY_PATHS[("background_jobs", "arq")]
        )

    @pytest.mark.parametrize("option", ["docker", "github_actions"])
    def test_a_no_selects_the_paths_of_that_yes_no_option(self, option: str) -> None:
        assert post.unselected_paths({**EVERYTHING_ON, option: False}) == list(
            post.OPTION_ONLY_PATHS[(option, True)]
        )

    def test_removing_a_folder_removes_what_it_holds(self, tmp_path: Path) -> None:
        (tmp_path / ".github" / "workflows").mkdir(parents=True)
        (tmp_path / ".github" / "workflows" / "ci.yml").write_text("")

        post.remove_paths(tmp_path, [".github"])

        assert list(tmp_path.iterdir()) == []

    def test_remove_paths_deletes_files_and_tolerates_missing_ones(self, tmp_path: Path) -> None:
        (tmp_path / "src").mkdir()
        (tmp_path / "src" / "tokens.py").write_text("")
        (tmp_path / "src" / "keep.py").write_text("")

        post.remove_paths(tmp_path, ["src/tokens.py", "src/missing.py"])
        post.remove_paths(tmp_path, ["src/tokens.py"])

        assert sorted(path.name for path in (tmp_path / "src").iterdir()) == ["keep.py"]


class TestVariants:
    def test_a_variant_sits_beside_its_file_named_by_the_answer(self) -> None:
        assert post.variant_path("src/services/item.py", "auth", "none") == (
            "src/services/item.auth-none.py"
        )

    def test_every_variant_exists_in_the_template_beside_its_default(self) -> None:
        project = ROOT / "{{cookiecutter.project_slug}}"
        for (option, answer), paths in post.OPTION_VARIANTS.items():
            for path in paths:
                assert (project / path).is_file(), path
                assert (project / post.variant_path(path, option, answer)).is_file(), path

    @pytest.mark.parametrize(("auth", "kept"), [("none", "the none version"), ("jwt", "default")])
    def test_the_chosen_version_takes_the_plain_name(
        self, tmp_path: Path, auth: str, kept: str
    ) -> None:
        (tmp_path / "src" / "services").mkdir(parents=True)
        (tmp_path / "src" / "services" / "item.py").write_text("default")
        (tmp_path / "src" / "services" / "item.auth-none.py").write_text("the none version")

        post.choose_variants(tmp_path, {**EVERYTHING_ON, "auth": auth})
        post.choose_variants(tmp_path, {**EVERYTHING_ON, "auth": auth})  # A second run is fine.

        files = sorted(path.name for path in (tmp_path / "src" / "services").iterdir())
        assert files == ["item.py"]
        assert (tmp_path / "src" / "services" / "item.py").read_text() == kept


class TestEnvFile:
    def test_known_keys_get_working_values(self, tmp_path: Path) -> None:
        (tmp_path / ".env.example").write_text(ENV_EXAMPLE)

        assert post.write_env(tmp_path, "my-service") is True

        values = env_lines((tmp_path / ".env").read_text())
        password = values["POSTGRES_PASSWORD"]
        assert values["DATABASE_URL"] == (
            f"postgresql+asyncpg://postgres:{password}@127.0.0.1:5432/my_service"
        )
        assert len(values["SECRET_KEY"]) >= 64
        assert len(password) >= 32

    def test_other_lines_keep_the_examples_values_and_comments(self, tmp_path: Path) -> None:
        (tmp_path / ".env.example").write_text(ENV_EXAMPLE)

        post.write_env(tmp_path, "my-service")

        written = (tmp_path / ".env").read_text().splitlines()
        filled = ("DATABASE_URL=", "SECRET_KEY=", "POSTGRES_PASSWORD=")
        example = ENV_EXAMPLE.splitlines()
        assert [line for line in written if not line.startswith(filled)] == [
            line for line in example if not line.startswith(filled)
        ]
        assert len(written) == len(example)

    def test_without_a_postgres_password_the_url_carries_none(self, tmp_path: Path) -> None:
        example = ENV_EXAMPLE.replace("POSTGRES_PASSWORD=\n", "")
        (tmp_path / ".env.example").write_text(example)

        post.write_env(tmp_path, "my-service")

        values = env_lines((tmp_path / ".env").read_text())
        assert values["DATABASE_URL"] == "postgresql+asyncpg://postgres@127.0.0.1:5432/my_service"
        assert "POSTGRES_PASSWORD" not in values

    def test_secrets_are_fresh_for_every_bake(self, tmp_path: Path) -> None:
        secrets = set()
        for name in ["one", "two"]:
            (tmp_path / name).mkdir()
            (tmp_path / name / ".env.example").write_text(ENV_EXAMPLE)
            post.write_env(tmp_path / name, "svc")
            values = env_lines((tmp_path / name / ".env").read_text())
            secrets |= {values["SECRET_KEY"], values["POSTGRES_PASSWORD"]}
        assert len(secrets) == 4

    def test_keys_missing_from_the_example_are_not_written(self, tmp_path: Path) -> None:
        (tmp_path / ".env.example").write_text("ENVIRONMENT=\nDATABASE_URL=\n")

        post.write_env(tmp_path, "svc")

        assert list(env_lines((tmp_path / ".env").read_text())) == ["ENVIRONMENT", "DATABASE_URL"]

    def test_an_existing_env_is_never_overwritten(self, tmp_path: Path) -> None:
        (tmp_path / ".env.example").write_text(ENV_EXAMPLE)
        (tmp_path / ".env").write_text("SECRET_KEY=mine\n")

        assert post.write_env(tmp_path, "svc") is False

        assert (tmp_path / ".env").read_text() == "SECRET_KEY=mine\n"

    def test_env_is_readable_by_its_owner_only(self, tmp_path: Path) -> None:
        (tmp_path / ".env.example").write_text(ENV_EXAMPLE)

        post.write_env(tmp_path, "svc")

        assert stat.S_IMODE((tmp_path / ".env").stat().st_mode) == 0o600


def put_fake_uv_on_path(directory: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `uv` on PATH a shell script with this body (and nothing else on PATH)."""
    fake_uv = directory / "uv"
    fake_uv.write_text(f"#!/bin/sh\n{script}\n")
    fake_uv.chmod(0o755)
    monkeypatch.setenv("PATH", str(directory))


class TestUvSync:
    def test_virtual_env_is_stripped(self) -> None:
        env = post.uv_environment(
            {"VIRTUAL_ENV": "/elsewhere", "PATH": "/bin", "PYENV_VERSION": "x"}
        )
        assert env == {"PATH": "/bin", "PYENV_VERSION": "x"}

    def test_missing_uv_says_to_install_it_then_sync(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PATH", str(tmp_path))

        next_step = post.install(tmp_path, "svc")

        assert next_step is not None
        assert "uv is not installed" in next_step
        assert next_step.endswith(": cd svc && uv sync")

    def test_a_failing_uv_sync_says_what_to_run(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        put_fake_uv_on_path(tmp_path, "exit 2", monkeypatch)

        next_step = post.install(tmp_path, "svc")

        assert next_step is not None
        assert "uv sync failed" in next_step
        assert next_step.endswith(": cd svc && uv sync")

    def test_a_reachable_index_is_asked_first(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls = tmp_path / "calls"
        put_fake_uv_on_path(tmp_path, f'echo "$*" >> {calls}', monkeypatch)

        assert post.install(tmp_path, "svc") is None
        assert calls.read_text().splitlines() == ["sync --quiet"]

    def test_an_unreachable_index_falls_back_to_the_cache_and_says_so(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls = tmp_path / "calls"
        put_fake_uv_on_path(tmp_path, f'echo "$*" >> {calls}\n[ "$2" = --offline ]', monkeypatch)

        message = post.install(tmp_path, "svc")

        assert calls.read_text().splitlines() == ["sync --quiet", "sync --offline --quiet"]
        assert message is not None
        assert message.startswith("NOTE: the package index was not reachable, so uv.lock came ")
        assert message.endswith(": cd svc && uv lock --upgrade && uv sync")
        assert "\n" not in message

    def test_a_working_uv_sync_needs_no_next_step(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        put_fake_uv_on_path(tmp_path, '[ "$1" = sync ] && [ -z "$VIRTUAL_ENV" ]', monkeypatch)
        monkeypatch.setenv("VIRTUAL_ENV", "/template/.venv")

        assert post.install(tmp_path, "svc") is None


class TestPostGenMain:
    @pytest.fixture
    def project(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
        """Make a rendered-looking project the working directory, with no uv on PATH."""
        (tmp_path / ".env.example").write_text(ENV_EXAMPLE)
        (tmp_path / "src").mkdir()
        (tmp_path / "src" / "tokens.py").write_text("")
        (tmp_path / "src" / "jobs").mkdir()
        (tmp_path / "src" / "jobs" / "queue.py").write_text("")
        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr(post, "PROJECT_SLUG", "svc")
        monkeypatch.setattr(post, "AUTH", "none")
        monkeypatch.setattr(post, "DOCKER", False)
        monkeypatch.setattr(post, "GITHUB_ACTIONS", True)
        monkeypatch.setattr(post, "BACKGROUND_JOBS", "none")
        monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
        monkeypatch.delenv(post.SKIP_UV_VARIABLE, raising=False)
        return tmp_path

    def test_every_answer_prunes_its_files(self, project: Path) -> None:
        for path in ["Dockerfile", "compose.yaml", ".github/dependabot.yml"]:
            (project / path).parent.mkdir(exist_ok=True)
            (project / path).write_text("")

        post.main()

        assert not (project / "src" / "tokens.py").exists()
        assert not (project / "Dockerfile").exists()
        assert not (project / "compose.yaml").exists()
        assert (project / ".github" / "dependabot.yml").exists()

    def test_missing_uv_prints_the_next_command_and_succeeds(
        self, project: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert post.main() == 0

        err = capsys.readouterr().err
        assert err.startswith("NEXT: uv is not installed")
        assert err.endswith(": cd svc && uv sync\n")
        assert err.count("\n") == 1
        assert (project / ".env").is_file()
        assert not (project / "src" / "tokens.py").exists()
        assert not (project / "src" / "jobs").exists()

    def test_skip_variable_skips_uv_silently(
        self, project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv(post.SKIP_UV_VARIABLE, "1")

        assert post.main() == 0

        assert capsys.readouterr().err == ""

    def test_running_twice_changes_nothing(self, project: Path) -> None:
        post.main()
        first = (project / ".env").read_text()

        assert post.main() == 0

        assert (project / ".env").read_text() == first

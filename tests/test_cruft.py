"""A project made with `cruft create` takes template improvements with `cruft update`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from baking import ROOT, command_env, describe

TEMPLATE_PARTS = ("cookiecutter.json", "hooks", "{{cookiecutter.project_slug}}")
IMPROVEMENT = "A line the template gained after the project was made."
GIT_IDENTITY = ("-c", "user.name=Template Suite", "-c", "user.email=suite@example.com")


def run(*command: str, cwd: Path) -> str:
    """Run a command with uv skipped in the hooks; assert it succeeded and return its output."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env=command_env({"SUPERNOVA_SKIP_UV": "1"}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, describe(result)
    return result.stdout


def commit_all(repo: Path, message: str) -> None:
    """Commit everything in repo (creating the repository if needed)."""
    if not (repo / ".git").exists():
        run("git", "init", "-q", cwd=repo)
    run("git", "add", "-A", cwd=repo)
    run("git", *GIT_IDENTITY, "commit", "-q", "-m", message, cwd=repo)


def template_repository(into: Path) -> Path:
    """Copy the template as it is on disk into a fresh git repository, as cruft needs one."""
    ignore = shutil.ignore_patterns(".venv", "__pycache__", ".*_cache", ".env", "uv.lock")
    into.mkdir()
    for part in TEMPLATE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, into / part, ignore=ignore)
        else:
            shutil.copy2(source, into / part)
    commit_all(into, "template")
    return into


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """Return a git copy of the template."""
    return template_repository(tmp_path / "template")


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Path:
    """Return a committed project made from the template with `cruft create`."""
    cruft = str(Path(sys.executable).with_name("cruft"))
    (tmp_path / "projects").mkdir()
    run(cruft, "create", "--no-input", str(template), cwd=tmp_path / "projects")
    project = tmp_path / "projects" / "supernova-service"
    commit_all(project, "project")
    return project


def improve(template: Path) -> None:
    """Commit a change to the generated README in the template copy."""
    readme = template / "{{cookiecutter.project_slug}}" / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + f"\n{IMPROVEMENT}\n", "utf-8")
    commit_all(template, "improvement")


def test_cruft_update_applies_template_changes_cleanly(template: Path, project: Path) -> None:
    env_before = (project / ".env").read_text(encoding="utf-8")
    improve(template)

    run(str(Path(sys.executable).with_name("cruft")), "update", "--skip-apply-ask", cwd=project)

    assert IMPROVEMENT in (project / "README.md").read_text(encoding="utf-8")
    assert list(project.rglob("*.rej")) == []
    assert (project / ".env").read_text(encoding="utf-8") == env_before


def scaffold(project: Path, *arguments: str) -> None:
    """Run the project's `scaffold` command with this suite's Python (the bake has no .venv)."""
    code = "import sys; from scaffold.cli import main; sys.exit(main(sys.argv[1:]))"
    env = command_env({"PYTHONPATH": str(project / "tools" / "scaffold" / "src")})
    result = subprocess.run(
        [sys.executable, "-c", code, *arguments],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, describe(result)


def test_a_scaffolded_project_takes_an_update_and_scaffolds_again(
    template: Path, project: Path
) -> None:
    scaffold(project, "client", "name:str:80", "--owned")
    commit_all(project, "clients")
    # The template changes two of the files the scaffold registers entities in, away from the
    # lines it edited (a change next to them would conflict, scaffold or not).
    for registry in ("src/api/deps.py", "src/api/routes.py"):
        path = template / "{{cookiecutter.project_slug}}" / registry
        path.write_text(path.read_text(encoding="utf-8") + f"\n# {IMPROVEMENT}\n", "utf-8")
    commit_all(template, "improvement")

    run(str(Path(sys.executable).with_name("cruft")), "update", "--skip-apply-ask", cwd=project)
    scaffold(project, "tag", "label:str:40:unique", "client:ref:client", "--owned")

    assert list(project.rglob("*.rej")) == []
    routes = (project / "src" / "api" / "routes.py").read_text(encoding="utf-8")
    assert IMPROVEMENT in routes
    assert "clients.router" in routes
    assert "tags.router" in routes
    for path in project.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")

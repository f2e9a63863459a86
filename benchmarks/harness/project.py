"""The generated project: bake it, migrate it, talk to it over HTTP, time its suite and sync."""

import json
import os
import re
import shutil
import statistics
import subprocess
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

BENCH_EMAIL = "bench@example.com"
BENCH_PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway user in a throwaway database


@dataclass(frozen=True)
class SuiteTiming:
    """One warm, serial run of the generated test suite."""

    wall_seconds: float
    tests: int
    failed: int
    fixed_seconds: float
    median_test_ms: float


def uv_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Return the environment for uv: local Pythons only, not the caller's virtualenv."""
    # SUPERNOVA_SKIP_UV would stop the post-gen hook from running `uv sync`.
    dropped = {"VIRTUAL_ENV", "SUPERNOVA_SKIP_UV"}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")
    return env | (extra or {})


def _timed(argv: list[str], cwd: Path, env: dict[str, str], *, check: bool = True) -> float:
    """Run a command to completion and return its wall time; fail loudly if check is set."""
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if check and result.returncode != 0:
        msg = f"{' '.join(argv)} failed in {cwd}:\n{result.stdout}\n{result.stderr}"
        raise RuntimeError(msg)
    return elapsed


def bake(template: Path, output: Path, *answers: str) -> tuple[Path, float]:
    """Bake the project (defaults, or `key=value` answers); return it and the time taken.

    The post-gen hook runs `uv sync`.
    """
    output.mkdir(parents=True)
    uvx = shutil.which("uvx") or "uvx"
    argv = [uvx, "--from", "cookiecutter", "cookiecutter", "--no-input", "-o", str(output)]
    seconds = _timed([*argv, str(template), *answers], cwd=output, env=uv_env())
    (project,) = output.iterdir()
    if not (project / ".venv" / "bin" / "python").exists():
        msg = f"the bake has no .venv: did the post-gen `uv sync` run? ({project})"
        raise RuntimeError(msg)
    return project, seconds


def cookiecutter_startup() -> float:
    """Time `cookiecutter --version` through uvx: the part of a bake that is not ours."""
    uvx = shutil.which("uvx") or "uvx"
    argv = [uvx, "--from", "cookiecutter", "cookiecutter", "--version"]
    return _timed(argv, cwd=Path.cwd(), env=uv_env())


def bare_sync(project: Path, workdir: Path) -> float:
    """Time `uv sync --frozen` of the bake's pyproject.toml + uv.lock alone, in a fresh dir."""
    workdir.mkdir(parents=True)
    for name in ("pyproject.toml", "uv.lock", ".python-version"):
        if (project / name).exists():
            shutil.copy(project / name, workdir / name)
    # The dev group installs the scaffold from its folder, a path dependency of the lock.
    if (project / "tools" / "scaffold").is_dir():
        shutil.copytree(project / "tools" / "scaffold", workdir / "tools" / "scaffold")
    uv = shutil.which("uv") or "uv"
    return _timed([uv, "sync", "--frozen", "--no-install-project"], cwd=workdir, env=uv_env())


# An entity with every field type, referring to users: what `uv run scaffold` is timed on.
SCAFFOLDED = [
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
    "reviewer:ref:user?",
    "--owned",
]


def scaffold_timing(project: Path) -> tuple[float, float]:
    """Scaffold one entity into the bake; return its own reported seconds and the wall time."""
    uv = shutil.which("uv") or "uv"
    argv = [uv, "run", "scaffold", *SCAFFOLDED]
    started = time.perf_counter()
    result = subprocess.run(
        argv, cwd=project, env=uv_env(), capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    found = re.search(r"^scaffolded \w+ in ([\d.]+)s", result.stdout, re.MULTILINE)
    if result.returncode != 0 or found is None:
        msg = f"{' '.join(argv)} failed in {project}:\n{result.stdout}\n{result.stderr}"
        raise RuntimeError(msg)
    return float(found[1]), wall


def migrate(project: Path, database_url: str) -> None:
    """Run `uv run alembic upgrade head` in the bake against database_url."""
    uv = shutil.which("uv") or "uv"
    env = uv_env({"DATABASE_URL": database_url})
    _timed([uv, "run", "alembic", "upgrade", "head"], cwd=project, env=env)


def _request(url: str, data: bytes, content_type: str) -> dict[str, object]:
    """POST data and return the decoded JSON answer."""
    # Only ever http://127.0.0.1:<port> of a server this run started.
    headers = {"Content-Type": content_type}
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        answer: dict[str, object] = json.loads(response.read())
    return answer


def create_user(base_url: str) -> str:
    """Register the bench user through the API and return its id."""
    body = {"email": BENCH_EMAIL, "display_name": "Bench", "password": BENCH_PASSWORD}
    answer = _request(f"{base_url}/api/v1/users", json.dumps(body).encode(), "application/json")
    data = answer["data"]
    if not isinstance(data, dict):
        msg = f"unexpected POST /api/v1/users answer: {answer}"
        raise TypeError(msg)
    return str(data["id"])


def login(base_url: str) -> str:
    """Obtain an access token with the OAuth2 password form."""
    form = urllib.parse.urlencode({"username": BENCH_EMAIL, "password": BENCH_PASSWORD})
    answer = _request(
        f"{base_url}/api/v1/auth/token", form.encode(), "application/x-www-form-urlencoded"
    )
    return str(answer["access_token"])


def _test_times(junit_xml: Path) -> tuple[list[float], int]:
    """Return each executed test's time (setup + call + teardown) and the failure count."""
    root = ET.parse(junit_xml).getroot()  # noqa: S314 - a report pytest just wrote
    cases = [case for case in root.iter("testcase") if case.find("skipped") is None]
    failed = sum(
        1 for case in cases if case.find("failure") is not None or case.find("error") is not None
    )
    return [float(case.get("time", "0")) for case in cases], failed


def suite_timing(project: Path, database_url: str, junit_xml: Path) -> SuiteTiming:
    """Run the generated suite twice (warm-up, then timed) and split fixed from per-test cost.

    pytest reports session-scoped setup (test database, migrations) inside the first test,
    so that test's excess over the median is counted as fixed cost, not as a test.
    """
    uv = shutil.which("uv") or "uv"
    argv = [uv, "run", "pytest", "-p", "no:cacheprovider", "-q", f"--junitxml={junit_xml}"]
    env = uv_env({"DATABASE_URL": database_url})
    _timed(argv, cwd=project, env=env, check=False)
    wall = _timed(argv, cwd=project, env=env, check=False)
    times, failed = _test_times(junit_xml)
    median = statistics.median(times) if times else 0.0
    first_excess = max(0.0, times[0] - median) if times else 0.0
    in_tests = sum(times) - first_excess
    return SuiteTiming(wall, len(times), failed, wall - in_tests, median * 1000)


# What any FastAPI + SQLAlchemy test run must import: the floor of the suite's fixed cost.
BARE_IMPORT = "import fastapi, sqlalchemy.ext.asyncio, sqlalchemy.orm"
IMPORT_RUNS = 5


@dataclass(frozen=True)
class CollectTiming:
    """The suite's fixed cost (collecting it) next to the bare import of its frameworks."""

    collect_seconds: float
    bare_import_seconds: float


def collect_timing(project: Path, database_url: str) -> CollectTiming:
    """Median wall time of `pytest --collect-only` and of the bare import, same interpreter."""
    python = str(project / ".venv" / "bin" / "python")
    env = uv_env({"DATABASE_URL": database_url})
    collect = [python, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    bare = [python, "-c", BARE_IMPORT]
    _timed(collect, cwd=project, env=env)  # Warm the file cache and the bytecode.
    collect_times, bare_times = [], []
    for _ in range(IMPORT_RUNS):  # Interleaved, so a busy moment hits both alike.
        collect_times.append(_timed(collect, cwd=project, env=env))
        bare_times.append(_timed(bare, cwd=project, env=env))
    return CollectTiming(statistics.median(collect_times), statistics.median(bare_times))

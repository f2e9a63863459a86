"""The job benchmark: bake with background_jobs=arq, seed users, run jobs_probe.py in the bake."""

import json
import os
import subprocess
from pathlib import Path

from harness import db, project
from harness.setup import BENCH_DIR, DB_PREFIX, Bench

PROBE = BENCH_DIR / "jobs_probe.py"


def measure(bench: Bench, template: Path, redis_url: str, count: int) -> list[tuple[str, str]]:
    """Bake an arq project, run its worker on `count` jobs of each kind; return table rows."""
    bake_dir, _ = project.bake(template, bench.workdir / "bake-arq", "background_jobs=arq")
    database = bench.create_database(f"{DB_PREFIX}_{os.getpid()}_jobs")
    url = bench.pg.sqlalchemy_url(database)
    project.migrate(bake_dir, url)
    db.seed_users(bench.pg, database, count)
    env = project.uv_env(
        {
            "ENVIRONMENT": "production",
            "LOG_JSON": "true",
            "DATABASE_URL": url,
            "SECRET_KEY": bench.secret_key,
            "REDIS_URL": redis_url,
            "REDIS_PREFIX": f"bench:{os.getpid()}",
            "PYTHONPATH": str(bake_dir),
            "BENCH_JOBS_LOG": str(bench.workdir / "jobs.log"),
        }
    )
    python = bake_dir / ".venv" / "bin" / "python"
    probe = subprocess.run(
        [str(python), str(PROBE), str(count)],
        cwd=bake_dir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(probe.stdout.strip().splitlines()[-1])
    return rows(figures)


def rows(figures: dict[str, float]) -> list[tuple[str, str]]:
    """Render the probe's figures as rows of the jobs table."""
    return [
        (
            "enqueue on the request path",
            f"{figures['enqueue_median_us']:,.0f} µs median,"
            f" {figures['enqueue_p99_us']:,.0f} µs p99",
        ),
        (
            "no-op job through one worker",
            f"{figures['noop_jobs_per_second']:,.0f} jobs/s"
            f" ({figures['noop_without_request_id_lookup_jobs_per_second']:,.0f} without"
            " binding the request id)",
        ),
        (
            "welcome job through one worker",
            f"{figures['welcome_jobs_per_second']:,.0f} jobs/s"
            f" ({figures['welcome_jobs']:,.0f} users, one unit of work each)",
        ),
    ]

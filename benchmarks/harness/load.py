"""Drive wrk against one endpoint and read the JSON summary its Lua `done()` hook prints."""

import json
import os
import shutil
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path

WRK_SCRIPT = Path(__file__).resolve().parent.parent / "wrk_report.lua"
SUMMARY_MARK = "BENCH_JSON "
# Half the CPUs at most: the app and PostgreSQL need the rest.
WRK_THREADS = max(1, min(4, (os.cpu_count() or 2) // 2))
WRK_TIMEOUT = "5s"
DRAIN_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Endpoint:
    """One benchmarked operation."""

    name: str
    method: str
    path: str
    body: str = ""
    authenticated: bool = True


@dataclass(frozen=True)
class Result:
    """One wrk run: throughput, latency percentiles and every kind of error."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def endpoints(item_id: str) -> list[Endpoint]:
    """Return the four benchmarked operations, reads before the write."""
    return [
        Endpoint("health", "GET", "/health/live", authenticated=False),
        Endpoint("get", "GET", f"/api/v1/items/{item_id}"),
        Endpoint("list", "GET", "/api/v1/items?limit=100&offset=0"),
        Endpoint("create", "POST", "/api/v1/items", '{"title":"bench","description":"by wrk"}'),
    ]


def ensure_wrk() -> str:
    """Return the wrk executable, or fail with the command that installs it."""
    wrk = shutil.which("wrk")
    if wrk is None:
        msg = "wrk not found; install it with: apt-get update && apt-get install -y wrk"
        raise SystemExit(msg)
    return wrk


def run_wrk(
    base_url: str, endpoint: Endpoint, *, connections: int, seconds: float, token: str
) -> Result:
    """Load one endpoint for a fixed time and return wrk's summary."""
    argv = [
        ensure_wrk(),
        f"--threads={min(WRK_THREADS, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={WRK_TIMEOUT}",
        f"--script={WRK_SCRIPT}",
    ]
    if endpoint.authenticated:
        argv.append(f"--header=Authorization: Bearer {token}")
    env = os.environ | {"BENCH_METHOD": endpoint.method, "BENCH_BODY": endpoint.body}
    output = subprocess.run(
        [*argv, base_url + endpoint.path], capture_output=True, text=True, env=env, check=True
    ).stdout
    return _parse(output)


def drain(base_url: str, item_id: str, token: str) -> None:
    """Wait for one request through the app: the previous round's backlog is then served.

    wrk stops with up to one request per connection still queued in the app, mostly for a
    pool connection; a read queues behind them, and without it the next round would pay.
    """
    url = f"{base_url}/api/v1/items/{item_id}"
    headers = {"Authorization": f"Bearer {token}"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=DRAIN_TIMEOUT_SECONDS):  # noqa: S310
        pass


def _parse(output: str) -> Result:
    """Turn the BENCH_JSON line into a Result."""
    line = next(
        (line for line in output.splitlines() if line.startswith(SUMMARY_MARK)),
        None,
    )
    if line is None:
        msg = f"wrk printed no summary:\n{output}"
        raise RuntimeError(msg)
    summary = json.loads(line.removeprefix(SUMMARY_MARK))
    errors = sum(summary[kind] for kind in ("connect", "read", "write", "status", "timeout"))
    seconds = summary["duration_us"] / 1e6
    return Result(
        requests_per_second=summary["requests"] / seconds,
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        errors=errors,
    )

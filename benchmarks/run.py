"""Benchmark the generated service against a raw asyncpg app and a naive FastAPI app.

Usage, from the template repository root: ``uv run python benchmarks/run.py [--help]``.
Bakes the default project, migrates and seeds a fresh database, starts the three apps with
uvicorn (1 worker, uvloop, httptools), loads them with wrk in interleaved rounds and prints
Markdown tables with the targets of the performance issue. Standard library only.
"""

import argparse
import contextlib
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from harness import db, flood, jobs, load, profile, project, report
from harness.load import Endpoint, Result
from harness.report import NAIVE, OURS, Key
from harness.setup import Bench

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
RSS_TARGET_MB = 120
FIXED_COST_TARGET_S = 1.5
COLLECT_RATIO_TARGET = 1.5
PER_TEST_TARGET_MS = 8
SYNC_RATIO_TARGET = 1.5
STATS_SETTLE_SECONDS = 1.5
QUIET_LOAD_PER_CPU = 0.5
PROFILE_MIN_SECONDS = 5
# A wrk run right after another closed this many connections saw 5 s timeouts on every
# FastAPI app here (none on raw); a pause of 2-3 s before the next run removed them.
MANY_CONNECTIONS = 128


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per wrk round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per cell")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per app")
    parser.add_argument(
        "--pause",
        type=float,
        default=3.0,
        help=f"seconds to wait after warm-up and after runs at ≥{MANY_CONNECTIONS} connections",
    )
    parser.add_argument("--connections", type=int, nargs="+", default=[32, 64, 256])
    parser.add_argument(
        "--endpoints", nargs="+", default=["health", "get", "list", "create"], help="subset"
    )
    parser.add_argument("--port", type=int, default=18000, help="first of three ports")
    parser.add_argument("--pool-size", type=int, default=20, help="references' pool size")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432"),
        help="server for the bench databases (default: env BENCH_POSTGRES_URL or local trust)",
    )
    parser.add_argument(
        "--skip-project-timings", action="store_true", help="skip suite and sync timings"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="after measuring, sample ours and naive with py-spy (via uvx) into DIR",
    )
    parser.add_argument(
        "--template",
        type=Path,
        default=TEMPLATE_DIR,
        help="template to bake (default: this repository), e.g. an older checkout to compare",
    )
    parser.add_argument("--skip-flood", action="store_true", help="skip the abuse scenarios")
    parser.add_argument(
        "--flood-only", action="store_true", help="only the abuse scenarios: no references, wrk"
    )
    parser.add_argument(
        "--jobs", type=int, default=2000, help="jobs per kind in the job benchmark (arq bake)"
    )
    parser.add_argument("--skip-jobs", action="store_true", help="skip the job benchmark")
    parser.add_argument(
        "--jobs-only", action="store_true", help="only the job benchmark (no wrk, no references)"
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="Redis for the job benchmark (default: env BENCH_REDIS_URL or local database 0)",
    )
    parser.add_argument(
        "--refs-only",
        type=Path,
        metavar="PYTHON",
        help="no bake: run only the references, with this interpreter's packages",
    )
    return parser.parse_args(argv)


def log(message: str) -> None:
    """Print progress on stderr (the tables go to stdout)."""
    print(message, file=sys.stderr, flush=True)


def load_once(
    bench: Bench, app: str, endpoint: Endpoint, connections: int, seconds: float, pause: float
) -> Result:
    """Run wrk once against one app, let it drain, and after a create restore the table."""
    base_url = bench.servers[app].url("")
    result = load.run_wrk(
        base_url, endpoint, connections=connections, seconds=seconds, token=bench.token
    )
    settle(bench, app, endpoint)
    if connections >= MANY_CONNECTIONS:
        time.sleep(pause)  # Let the closed connections clear before the next run opens more.
    return result


def settle(bench: Bench, app: str, endpoint: Endpoint) -> None:
    """Wait for the app to finish wrk's leftovers; after a create, restore the seeded table."""
    load.drain(bench.servers[app].url(""), bench.item_id, bench.token)
    if endpoint.method == "POST":
        db.reset_items(bench.pg, bench.databases[app])


def warm_up(
    bench: Bench, endpoints: list[Endpoint], connections: int, seconds: float, pause: float
) -> None:
    """Load every endpoint of every app once, at the highest concurrency, untimed; then pause."""
    for endpoint in endpoints:
        for app in bench.servers:
            log(f"warm-up {endpoint.name} {app}")
            load_once(bench, app, endpoint, connections, seconds, pause)
    time.sleep(pause)


def measure(
    bench: Bench, endpoints: list[Endpoint], args: argparse.Namespace
) -> dict[Key, list[Result]]:
    """Run the interleaved rounds (ours, raw, naive, ours, ...) of every cell."""
    rounds: dict[Key, list[Result]] = defaultdict(list)
    total = len(endpoints) * len(args.connections) * args.rounds * len(bench.servers)
    done = 0
    for endpoint in endpoints:
        for connections in args.connections:
            for _ in range(args.rounds):
                for app in bench.servers:
                    result = load_once(bench, app, endpoint, connections, args.duration, args.pause)
                    rounds[endpoint.name, connections, app].append(result)
                    done += 1
                    log(
                        f"[{done}/{total}] {endpoint.name} c={connections} {app}:"
                        f" {result.requests_per_second:,.0f} req/s, {result.errors} errors"
                    )
    return rounds


def load_average() -> tuple[str, str]:
    """Report the 1-minute load average, warning when the machine is not quiet."""
    cpus = os.cpu_count() or 1
    average = os.getloadavg()[0]
    if average > QUIET_LOAD_PER_CPU * cpus:
        log(f"WARNING: load average {average:.2f} on {cpus} CPUs: other work will skew results")
    return ("load average at start (1 min)", f"{average:.2f} on {cpus} CPUs")


def session_facts(
    bench: Bench, before: dict[str, db.SessionSnapshot], after: dict[str, db.SessionSnapshot]
) -> list[tuple[str, str]]:
    """Describe PostgreSQL sessions of each bench database across the steady run."""
    facts = []
    for database, start in before.items():
        end = after[database]
        apps = "+".join(app for app, name in bench.databases.items() if name == database)
        opened = end.opened_total - start.opened_total - (end.admin_opened - start.admin_opened)
        verdict = "✓" if opened == 0 else "✗"
        facts.append(
            (
                f"sessions of {apps} (`{database}`)",
                f"{start.backends} before, {end.backends} after, newest started"
                f" {end.newest_start}; opened during the steady run: {opened} {verdict}",
            )
        )
    return facts


def rss_facts(bench: Bench) -> list[tuple[str, str]]:
    """Peak RSS (VmHWM) of each worker after the run, and its RSS now."""
    facts = []
    for app, server in bench.servers.items():
        peak, now = server.memory_mb("VmHWM"), server.memory_mb("VmRSS")
        verdict = ""
        if app == OURS:
            verdict = f" {'✓' if peak <= RSS_TARGET_MB else '✗'} (≤{RSS_TARGET_MB})"
        facts.append((f"RSS {app} worker", f"peak {peak:.0f} MiB{verdict}, now {now:.0f} MiB"))
    return facts


def project_facts(bench: Bench, bake_dir: Path, database: str) -> list[tuple[str, str]]:
    """Time the generated suite, a second bake and a bare `uv sync` of the same lock."""
    log("timing the generated test suite (warm-up run, then timed run)")
    bench.cleanup_databases.append(f"{database}_test")
    suite = project.suite_timing(
        bake_dir, bench.pg.sqlalchemy_url(database), bench.workdir / "junit.xml"
    )
    log("timing a second bake and a bare uv sync (warm cache)")
    timed_bake, bake_seconds = project.bake(TEMPLATE_DIR, bench.workdir / "bake-timed")
    log("timing `uv run scaffold` of an entity with every field type")
    scaffold_seconds, scaffold_wall = project.scaffold_timing(timed_bake)
    bare_seconds = project.bare_sync(bake_dir, bench.workdir / "bare-sync")
    startup_seconds = project.cookiecutter_startup()
    collect = project.collect_timing(bake_dir, bench.pg.sqlalchemy_url(database))
    collect_ratio = collect.collect_seconds / collect.bare_import_seconds
    sync_ratio = bake_seconds / bare_seconds
    failed = f"{suite.failed} failed {'✗' if suite.failed else '✓'}"
    fixed_ok = "✓" if suite.fixed_seconds <= FIXED_COST_TARGET_S else "✗"
    per_test_ok = "✓" if suite.median_test_ms <= PER_TEST_TARGET_MS else "✗"
    return [
        ("suite (serial, warm)", f"{suite.tests} tests, {failed} in {suite.wall_seconds:.2f} s"),
        ("suite fixed cost", f"{suite.fixed_seconds:.2f} s {fixed_ok} (≤{FIXED_COST_TARGET_S})"),
        ("`pytest --collect-only` (median)", f"{collect.collect_seconds:.2f} s"),
        (f"bare `{project.BARE_IMPORT}` (median)", f"{collect.bare_import_seconds:.2f} s"),
        ("collect ÷ bare import", report.mark_at_most(collect_ratio, COLLECT_RATIO_TARGET)),
        (
            "suite per-test median",
            f"{suite.median_test_ms:.1f} ms {per_test_ok} (≤{PER_TEST_TARGET_MS})",
        ),
        ("bake + uv sync (warm cache)", f"{bake_seconds:.2f} s"),
        ("of which `uvx cookiecutter --version`", f"{startup_seconds:.2f} s"),
        ("bare uv sync --frozen (same lock)", f"{bare_seconds:.2f} s"),
        ("bake ÷ bare", report.mark_at_most(sync_ratio, SYNC_RATIO_TARGET)),
        ("scaffold an entity, in s (its own time)", report.mark_at_most(scaffold_seconds, 1.0)),
        ("`uv run scaffold` wall (uv start included)", f"{scaffold_wall:.2f} s"),
    ]


def print_report(
    bench: Bench, rounds: dict[Key, list[Result]], abuse: list[str], args: argparse.Namespace
) -> None:
    """Print the tables on stdout."""
    cells = {key: report.summarize(results) for key, results in rounds.items()}
    cpu = platform.processor() or platform.machine()
    print(
        f"\n## Benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {os.cpu_count()} CPUs ({cpu}),"
        f" {args.rounds} rounds x {args.duration:g} s, medians\n"
    )
    if cells:
        print(report.throughput_table(cells))
        print()
        print(report.scaling_table(cells, min(args.connections), max(args.connections)))
        print()
    for table in abuse:
        print(table)
        print()
    print(report.key_value_table("fact", bench.facts))


# Limits high enough never to trigger: the flood then reaches the hasher and the pool.
RATE_LIMIT_SETTINGS = (
    "RATE_LIMIT_LOGIN_PER_ADDRESS",
    "RATE_LIMIT_LOGIN_PER_ACCOUNT",
    "RATE_LIMIT_SIGNUP_PER_ADDRESS",
)
NO_RATE_LIMITS = dict.fromkeys(RATE_LIMIT_SETTINGS, "1000000/second")


def abuse_scenarios(bench: Bench, stack: contextlib.ExitStack) -> list[str]:
    """Run the huge body and the login flood, each on a fresh instance of ours."""
    log("abuse: 300 MiB unauthenticated POST")
    big = flood.big_body(bench.start_ours(stack, "ours-big-body", {}))
    rows: list[str] = []
    for name, extra in (("default settings", {}), ("rate limits off", NO_RATE_LIMITS)):
        log(f"abuse: login flood, {name}")
        server = bench.start_ours(stack, f"ours-flood-{len(rows)}", extra)
        outcome = flood.login_flood(server, project.BENCH_EMAIL, bench.token)
        rows.append(flood.flood_row(name, outcome))
        bench.facts.append((f"load average after the flood ({name})", load_now()))
        server.stop()
    return [flood.big_body_table(big), "\n".join([flood.FLOOD_HEADER, *rows])]


def load_now() -> str:
    """Return the 1-minute load average now."""
    return f"{os.getloadavg()[0]:.2f}"


def write_profiles(bench: Bench, endpoints: list[Endpoint], args: argparse.Namespace) -> None:
    """Profile ours (and naive, to compare) on every endpoint at the highest concurrency."""
    args.profile.mkdir(parents=True, exist_ok=True)
    sections = []
    for app in (OURS, NAIVE):
        if app not in bench.servers:
            continue
        for endpoint in endpoints:
            log(f"profiling {app} {endpoint.name}")
            sections.append(
                profile.profile_endpoint(
                    bench.servers[app],
                    endpoint,
                    max(args.connections),
                    max(PROFILE_MIN_SECONDS, round(args.duration)),
                    bench.token,
                    args.profile,
                )
            )
            settle(bench, app, endpoint)
    summary = args.profile / "profile.md"
    summary.write_text("\n\n".join(sections) + "\n")
    log(f"profiles: {summary} (the .folded files open in https://www.speedscope.app)")


def print_jobs(bench: Bench, args: argparse.Namespace) -> None:
    """Bake with arq, measure the job path, and print its table."""
    log(f"job benchmark: {args.jobs} jobs of each kind through one worker")
    rows = jobs.measure(bench, args.template, args.redis_url, args.jobs)
    print()
    print(report.key_value_table("jobs (arq, one worker, Redis and PostgreSQL local)", rows))


def run(args: argparse.Namespace, stack: contextlib.ExitStack) -> None:
    """Set everything up, measure, and print."""
    workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
    bench = Bench(db.Postgres(args.postgres_url), workdir, args.port, args.pool_size)
    bench.facts.append(load_average())
    stack.callback(bench.drop_databases)
    if args.jobs_only:
        print_jobs(bench, args)
        return
    if args.flood_only:
        bench.setup_ours(stack, args.template)
        print_report(bench, {}, abuse_scenarios(bench, stack), args)
        return
    if args.refs_only:
        bench.setup_references_only(stack, args.refs_only)
    else:
        bake_dir = bench.setup_full(stack, args.template)
        if not args.skip_project_timings:
            bench.facts += project_facts(bench, bake_dir, bench.databases[OURS])
    endpoints = [e for e in load.endpoints(bench.item_id) if e.name in args.endpoints]
    warm_up(bench, endpoints, max(args.connections), args.warmup, args.pause)
    time.sleep(STATS_SETTLE_SECONDS)
    databases = list(dict.fromkeys(bench.databases.values()))
    before = {name: bench.pg.snapshot(name) for name in databases}
    rounds = measure(bench, endpoints, args)
    time.sleep(STATS_SETTLE_SECONDS)
    after = {name: bench.pg.snapshot(name) for name in databases}
    bench.facts += session_facts(bench, before, after) + rss_facts(bench)
    abuse = [] if args.skip_flood or args.refs_only else abuse_scenarios(bench, stack)
    print_report(bench, rounds, abuse, args)
    if not (args.skip_jobs or args.refs_only):
        print_jobs(bench, args)
    if args.profile:
        write_profiles(bench, endpoints, args)


def main() -> int:
    """Entry point: run the benchmark, always stopping what it started."""
    args = parse_args()
    if not args.jobs_only:
        load.ensure_wrk()
    with contextlib.ExitStack() as stack:
        try:
            run(args, stack)
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            detail = getattr(exc, "stderr", "") or ""
            log(f"ERROR: {exc}\n{detail}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

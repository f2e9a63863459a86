"""Sample the service under load with py-spy: flame graphs plus a self-time summary."""

import shutil
import subprocess
import threading
from collections import Counter
from pathlib import Path

from harness import load
from harness.load import Endpoint
from harness.servers import Server

TOP_FRAMES = 15
SAMPLE_RATE = 250  # per second; py-spy defaults to 100
# py-spy names frames by path relative to sys.path: the app's own code starts like this.
APP_FRAME_MARKS = ("(src/", "(reference_")
# Where a request's CPU goes: a sample belongs to the first category one of its frames names.
# Authentication includes its own lookup; database is every other statement.
CATEGORIES = (
    ("auth", ("get_current_user (", "current_user (", "jwt/")),
    ("database", ("(sqlalchemy/", "(asyncpg/")),
    ("serialisation", ("(pydantic/", "serialize_response (", "model_validate", "(orjson")),
    ("logging", ("(structlog/", "(logging/", "(src/logging_config")),
)
FRAMEWORK = "framework"  # the rest: server, routing, dependencies, middleware, the app's code


def _record(pid: int, seconds: int, output: Path) -> subprocess.Popen[bytes]:
    """Start py-spy (through uvx) sampling one process, without pausing it, to folded stacks."""
    uvx = shutil.which("uvx") or "uvx"
    argv = [uvx, "py-spy", "record", "--pid", str(pid), "--duration", str(seconds)]
    argv += [
        "--rate",
        str(SAMPLE_RATE),
        "--nonblocking",
        "--format",
        "raw",
        "--output",
        str(output),
    ]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _function(frame: str) -> str:
    """Drop the line number: `name (path:line)` becomes `name (path)`."""
    head, _, _line = frame.rpartition(":")
    return f"{head})" if head else frame


def _is_app(frame: str) -> bool:
    """Tell whether a frame is the app's own code rather than a library's."""
    return frame.split(" ", 1)[-1].startswith(APP_FRAME_MARKS)


def _shares(folded: Path) -> tuple[Counter[str], Counter[str], int]:
    """Count samples per leaf line (self) and per app function on the stack (inclusive)."""
    leaves: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    total = 0
    for line in folded.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames, samples = stack.split(";"), int(count)
        leaves[frames[-1]] += samples
        functions.update(dict.fromkeys({_function(f) for f in frames if _is_app(f)}, samples))
        total += samples
    return leaves, functions, max(total, 1)


def _category(frames: list[str]) -> str:
    """Name what a sample's stack was doing (see CATEGORIES)."""
    for name, marks in CATEGORIES:
        if any(mark in frame for frame in frames for mark in marks):
            return name
    return FRAMEWORK


def categories(folded: Path) -> Counter[str]:
    """Count a profile's samples per category."""
    counts: Counter[str] = Counter()
    for line in folded.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        counts[_category(stack.split(";"))] += int(count)
    return counts


def cpu_table(counts: Counter[str], requests: float) -> str:
    """Render CPU µs per request per category, from samples at SAMPLE_RATE over `requests`."""
    names = [name for name, _ in CATEGORIES] + [FRAMEWORK]
    per_request = {name: counts[name] / SAMPLE_RATE / max(requests, 1) * 1e6 for name in names}
    header = "| " + " | ".join(names) + " | total |"
    cells = " | ".join(f"{per_request[name]:,.0f}" for name in names)
    return "\n".join(
        [
            "CPU µs per request (samples ÷ rate ÷ requests served while sampling):\n",
            header,
            "|" + "---:|" * (len(names) + 1),
            f"| {cells} | {sum(per_request.values()):,.0f} |",
        ]
    )


def _table(title: str, counts: Counter[str], total: int) -> str:
    """Render the most sampled frames as a Markdown table."""
    rows = [f"| {n / total:.1%} | `{frame}` |" for frame, n in counts.most_common(TOP_FRAMES)]
    return "\n".join([f"{title}\n", "| share | frame |", "|---:|---|", *rows])


def profile_endpoint(
    server: Server, endpoint: Endpoint, connections: int, seconds: int, token: str, out: Path
) -> str:
    """Load one endpoint while py-spy samples the worker; return a Markdown summary."""
    folded = out / f"{server.name}-{endpoint.name}-c{connections}.folded"
    spy = _record(server.worker_pid(), seconds, folded)
    results: list[load.Result] = []
    loader = threading.Thread(
        target=lambda: results.append(
            load.run_wrk(
                server.url(""), endpoint, connections=connections, seconds=seconds + 1, token=token
            )
        )
    )
    loader.start()
    spy.wait()
    loader.join()
    if not folded.exists():
        return f"### {server.name} {endpoint.name}: py-spy wrote no profile"
    leaves, project, total = _shares(folded)
    served = results[0].requests_per_second * seconds if results else 0.0
    heading = f"### {server.name} {endpoint.name} c={connections}, {total} samples"
    return "\n\n".join(
        [
            heading,
            cpu_table(categories(folded), served),
            _table("Self time, any frame:", leaves, total),
            _table("Inclusive time, the app's own frames:", project, total),
        ]
    )

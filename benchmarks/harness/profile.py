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
    loader = threading.Thread(
        target=load.run_wrk,
        args=(server.url(""), endpoint),
        kwargs={"connections": connections, "seconds": seconds + 1, "token": token},
    )
    loader.start()
    spy.wait()
    loader.join()
    if not folded.exists():
        return f"### {server.name} {endpoint.name}: py-spy wrote no profile"
    leaves, project, total = _shares(folded)
    heading = f"### {server.name} {endpoint.name} c={connections}, {total} samples"
    return "\n\n".join(
        [
            heading,
            _table("Self time, any frame:", leaves, total),
            _table("Inclusive time, the app's own frames:", project, total),
        ]
    )

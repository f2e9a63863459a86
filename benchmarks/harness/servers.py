"""Start uvicorn apps the way users run them, find their worker, stop them for sure."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
UVICORN_FLAGS = ("--workers", "1", "--loop", "uvloop", "--http", "httptools", "--no-access-log")
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0


@dataclass
class Server:
    """A running uvicorn process group."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def url(self, path: str) -> str:
        """Return the absolute URL of a path on this server."""
        return f"http://{HOST}:{self.port}{path}"

    def worker_pid(self) -> int:
        """Return the pid of the process serving requests (the deepest descendant)."""
        pid = self.process.pid
        while children := _children(pid):
            pid = children[-1]
        return pid

    def memory_mb(self, field: str) -> float:
        """Return a memory figure of the worker from /proc status (VmHWM: peak, VmRSS: now)."""
        status = Path(f"/proc/{self.worker_pid()}/status").read_text()
        for line in status.splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def log_tail(self, lines: int = 20) -> str:
        """Return the last lines of the server's output."""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the whole process group: SIGTERM, then SIGKILL after a grace period."""
        if self.process.poll() is not None:
            return
        _signal_group(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            _signal_group(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _children(pid: int) -> list[int]:
    """Return the child pids of a process, from /proc."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children.extend(int(child) for child in task.read_text().split())
    return children


def _signal_group(pid: int, signum: signal.Signals) -> None:
    """Signal the process group led by pid, ignoring one that already exited."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signum)


def start(
    name: str,
    python: Path,
    app: str,
    *,
    port: int,
    cwd: Path,
    env: dict[str, str],
    log_path: Path,
    app_dir: Path | None = None,
) -> Server:
    """Start `python -m uvicorn app` in its own process group and wait until it is live."""
    _require_free(port)
    argv = [str(python), "-m", "uvicorn", app, "--host", HOST, "--port", str(port), *UVICORN_FLAGS]
    if app_dir is not None:
        argv += ["--app-dir", str(app_dir)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, port, process, log_path)
    try:
        _wait_live(server)
    except BaseException:
        server.stop()
        raise
    return server


def _require_free(port: int) -> None:
    """Fail unless the port is free, so a stray server is never benchmarked by mistake."""
    with socket.socket() as probe:
        # Like uvicorn: connections of an earlier run lingering in TIME_WAIT do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            msg = f"port {port} is in use; pick other ports with --port"
            raise RuntimeError(msg) from exc


def _wait_live(server: Server) -> None:
    """Poll /health/live until it answers 200; fail with the log tail if the process dies."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            msg = f"{server.name} exited during startup:\n{server.log_tail()}"
            raise RuntimeError(msg)
        try:
            with urllib.request.urlopen(server.url("/health/live"), timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    msg = f"{server.name} not live after {START_TIMEOUT_SECONDS:.0f}s:\n{server.log_tail()}"
    raise RuntimeError(msg)

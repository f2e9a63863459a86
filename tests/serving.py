"""Serve a baked project over HTTP for a test: free ports, requests, a clean stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from baking import command_env, describe


def free_port() -> int:
    """Return a TCP port that is free on the loopback interface right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def request(url: str, body: bytes | None = None, content_type: str = "") -> tuple[int, bytes]:
    """Send a GET (or, with a body, a POST) and return the status and body, errors included."""
    headers = {"Content-Type": content_type} if content_type else {}
    outgoing = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 (our server)
    try:
        with urllib.request.urlopen(outgoing, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def stop(server: subprocess.Popen[bytes], timeout: float = 15) -> int:
    """Stop the server and everything it started with SIGTERM; return its exit code."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    return server.returncode


def wait_until_ok(url: str, server: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Poll url until it answers 200; fail with the server's log if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if request(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"{url} never answered 200:\n{log.read_text('utf-8')[-6000:]}")


@dataclass
class Served:
    """A production server while it runs, then how it ended."""

    url: str
    exit_code: int | None = None


@contextmanager
def serving(app: Path, command: list[str], env: dict[str, str], log: Path) -> Iterator[Served]:
    """Run the uvicorn command from `app` on a free port until it is ready, then stop it."""
    port = str(free_port())
    command = [str(app / command[0]), *command[1:]]
    command[command.index("--port") + 1] = port
    served = Served(f"http://127.0.0.1:{port}")
    with log.open("wb") as output:
        server = subprocess.Popen(
            command, cwd=app, env=command_env(env), stdout=output, stderr=output,
            start_new_session=True,
        )  # fmt: skip
    try:
        wait_until_ok(f"{served.url}/health/ready", server, log, timeout=60)
        yield served
    finally:
        grace = float(env.get("UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN", "15")) + 5
        served.exit_code = stop(server, timeout=grace)


def run_in(app: Path, command: list[str], env: dict[str, str]) -> str:
    """Run a `.venv/bin/...` command from `app`; assert it succeeded and return its output."""
    result = subprocess.run(
        [str(app / command[0]), *command[1:]],
        cwd=app,
        env=command_env(env),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, describe(result)
    return result.stdout

"""Abuse scenarios: a wrong-password login flood beside a reader, and one huge request body.

The flood is driven from asyncio rather than wrk: wrk stops counting at its deadline, and the
answers that matter most (a request that waited the whole pool timeout for a connection and
then failed) arrive just after it. Here every request started before the deadline is awaited.
"""

import asyncio
import http.client
import json
import statistics
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from harness.servers import HOST, Server

FLOOD_CONNECTIONS = 1000
FLOOD_SECONDS = 10
READER_CONNECTIONS = 4
READER_PATH = "/api/v1/items"
# Long enough for any queued request to get its answer after the deadline.
ANSWER_TIMEOUT_SECONDS = 60
BIG_BODY_BYTES = 300 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024
# The flood's answers shown one column each, in this order; anything else counts as "other".
STATUS_COLUMNS = (401, 429, 503, 500)


@dataclass
class Tally:
    """Answers by status, failed exchanges, and each answer's latency in seconds."""

    statuses: Counter[int] = field(default_factory=Counter)
    socket_errors: int = 0
    latencies: list[float] = field(default_factory=list)

    def percentile_ms(self, percent: int) -> float:
        """Return a latency percentile in milliseconds (nan without answers)."""
        if len(self.latencies) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies, n=100)[percent - 1] * 1000


@dataclass(frozen=True)
class FloodOutcome:
    """The flood's answers, the concurrent reader's, and the worker's peak memory."""

    flood: Tally
    reader: Tally
    peak_rss_mb: float


def reset_peak(server: Server) -> None:
    """Reset the worker's VmHWM to its current RSS, so the next peak is the scenario's own."""
    Path(f"/proc/{server.worker_pid()}/clear_refs").write_text("5")


def http_request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """Return an HTTP/1.1 request as bytes."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool]:
    """Send one request and read its answer; return the status and whether the server closes."""
    writer.write(request)
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    length, closes = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
        elif name.strip().lower() == b"connection":
            closes = value.strip().lower() == b"close"
    await reader.readexactly(length)
    return status, closes


async def _client(port: int, request: bytes, deadline: float, tally: Tally) -> None:
    """Send `request` over one keep-alive connection until the deadline; await the last answer."""
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    while time.monotonic() < deadline:
        try:
            if connection is None:
                connection = await asyncio.open_connection(HOST, port)
            started = time.perf_counter()
            exchange = _exchange(*connection, request)
            status, closes = await asyncio.wait_for(exchange, ANSWER_TIMEOUT_SECONDS)
        except (OSError, EOFError, TimeoutError, ValueError, IndexError):
            tally.socket_errors += 1
            closes, status = True, 0
            await asyncio.sleep(0.05)  # A refused connection is not retried in a hot loop.
        else:
            tally.latencies.append(time.perf_counter() - started)
            tally.statuses[status] += 1
        if closes and connection is not None:
            connection[1].close()
            connection = None
    if connection is not None:
        connection[1].close()


async def _flood(port: int, email: str, token: str) -> tuple[Tally, Tally]:
    """Run the flood's connections and the reader's side by side."""
    form = urllib.parse.urlencode({"username": email, "password": "wrong password, flooded"})
    login = http_request(
        "POST",
        "/api/v1/auth/token",
        {"Content-Type": "application/x-www-form-urlencoded"},
        form.encode(),
    )
    read = http_request("GET", READER_PATH, {"Authorization": f"Bearer {token}"})
    deadline = time.monotonic() + FLOOD_SECONDS
    flood, reader = Tally(), Tally()
    clients = [_client(port, login, deadline, flood) for _ in range(FLOOD_CONNECTIONS)]
    clients += [_client(port, read, deadline, reader) for _ in range(READER_CONNECTIONS)]
    await asyncio.gather(*clients)
    return flood, reader


def login_flood(server: Server, email: str, token: str) -> FloodOutcome:
    """Flood POST /auth/token with a wrong password while a few connections list items."""
    reset_peak(server)
    flood, reader = asyncio.run(_flood(server.port, email, token))
    return FloodOutcome(flood, reader, server.memory_mb("VmHWM"))


@dataclass(frozen=True)
class BigBodyOutcome:
    """What one oversized unauthenticated POST got, and what it cost the worker."""

    answer: str
    seconds: float
    sent_mb: float
    rss_before_mb: float
    peak_rss_mb: float


def _json_chunks(size: int) -> list[bytes]:
    """Return the pieces of a valid JSON item of `size` bytes: one enormous title."""
    head, tail = b'{"title": "', b'"}'
    filler = size - len(head) - len(tail)
    return [
        head,
        *[b"x" * min(CHUNK_BYTES, filler - n) for n in range(0, filler, CHUNK_BYTES)],
        tail,
    ]


def big_body(server: Server, size: int = BIG_BODY_BYTES) -> BigBodyOutcome:
    """Send a `size`-byte JSON item to POST /api/v1/items without a token."""
    reset_peak(server)
    before = server.memory_mb("VmRSS")
    connection = http.client.HTTPConnection(HOST, server.port, timeout=120)
    started = time.perf_counter()
    sent = 0
    connection.putrequest("POST", "/api/v1/items")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(size))
    connection.endheaders()
    try:
        for chunk in _json_chunks(size):
            connection.send(chunk)
            sent += len(chunk)
    except OSError:
        pass  # The server answered and closed early: what a body limit should do.
    try:
        response = connection.getresponse()
        answer = f"{response.status} {json.loads(response.read() or b'{}').get('title', '')}"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        answer = f"no answer ({type(exc).__name__})"
    finally:
        connection.close()
    elapsed = time.perf_counter() - started
    return BigBodyOutcome(answer, elapsed, sent / 2**20, before, server.memory_mb("VmHWM"))


FLOOD_HEADER = (
    f"| login flood ({FLOOD_CONNECTIONS} conns, {FLOOD_SECONDS} s) | answered"
    " | 401 | 429 | 503 | 500 | other | socket errors | reader answers | reader p50 ms"
    " | reader p99 ms | reader non-200 | worker peak RSS MiB |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def flood_row(name: str, outcome: FloodOutcome) -> str:
    """Render one flood scenario as a Markdown table row."""
    flood, reader = outcome.flood, outcome.reader
    answered = sum(flood.statuses.values())
    shown = [flood.statuses[status] for status in STATUS_COLUMNS]
    errors_500 = flood.statuses[500] + reader.statuses[500]
    verdict = "✓" if errors_500 == 0 else "✗"
    reader_bad = sum(n for status, n in reader.statuses.items() if status != 200)
    return (
        f"| {name} | {answered:,} | {' | '.join(map(str, shown))} {verdict}"
        f" | {answered - sum(shown)} | {flood.socket_errors} | {sum(reader.statuses.values())}"
        f" | {reader.percentile_ms(50):.0f} | {reader.percentile_ms(99):.0f}"
        f" | {reader_bad + reader.socket_errors} | {outcome.peak_rss_mb:.0f} |"
    )


def big_body_table(outcome: BigBodyOutcome) -> str:
    """Render the oversized-body scenario as a Markdown table."""
    return (
        "| unauthenticated POST /api/v1/items | answer | seconds | MiB sent"
        " | worker RSS before MiB | worker peak RSS MiB |\n|---|---|---:|---:|---:|---:|\n"
        f"| {BIG_BODY_BYTES // 2**20} MiB JSON, Content-Length | {outcome.answer}"
        f" | {outcome.seconds:.2f} | {outcome.sent_mb:.0f} | {outcome.rss_before_mb:.0f}"
        f" | {outcome.peak_rss_mb:.0f} |"
    )

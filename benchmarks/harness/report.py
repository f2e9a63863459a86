"""Medians over rounds, ratios to the references, and the issue's targets, as Markdown."""

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from harness.load import Result

OURS, RAW, NAIVE = "ours", "raw", "naive"
# Issue 10 targets: ours / raw and ours / naive per endpoint; 256-conn vs 32-conn (issue 4).
RAW_TARGETS = {"health": 0.20, "get": 0.15, "list": 0.20, "create": 0.12}
RAW_STRETCH = {"get": 0.25}
NAIVE_TARGETS = {"health": 0.9, "get": 1.3, "list": 1.3, "create": 1.3}
SCALING_TARGET = 0.8

Key = tuple[str, int, str]  # endpoint, connections, app


@dataclass(frozen=True)
class Summary:
    """Medians of the rounds of one (endpoint, connections, app) cell; errors are summed."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def summarize(rounds: Sequence[Result]) -> Summary:
    """Reduce a cell's rounds to medians (errors: total)."""
    return Summary(
        requests_per_second=statistics.median(r.requests_per_second for r in rounds),
        p50_ms=statistics.median(r.p50_ms for r in rounds),
        p99_ms=statistics.median(r.p99_ms for r in rounds),
        errors=sum(r.errors for r in rounds),
    )


def mark(value: float, target: float) -> str:
    """Render a ratio with its target and whether it is met."""
    return f"{value:.2f} {'✓' if value >= target else '✗'} (≥{target:g})"


def mark_at_most(value: float, target: float) -> str:
    """Render a ratio that must stay at or below its target."""
    return f"{value:.2f} {'✓' if value <= target else '✗'} (≤{target:g})"


def _ratio(cells: Mapping[Key, Summary], key: Key, reference: str) -> float | None:
    """Return the cell's req/s over the reference app's in the same column, if both ran."""
    endpoint, connections, _ = key
    other = cells.get((endpoint, connections, reference))
    if other is None or other.requests_per_second == 0:
        return None
    return cells[key].requests_per_second / other.requests_per_second


def _ratio_cell(cells: Mapping[Key, Summary], key: Key, reference: str) -> str:
    """Format a ratio column; ours gets its target mark."""
    endpoint, _, app = key
    value = _ratio(cells, key, reference)
    if value is None or app in (reference, RAW):
        return ""
    if app != OURS:
        return f"{value:.2f}"
    if reference != RAW:
        return mark(value, NAIVE_TARGETS[endpoint])
    stretch = RAW_STRETCH.get(endpoint)
    marked = mark(value, RAW_TARGETS[endpoint])
    return f"{marked}, stretch {mark(value, stretch)}" if stretch else marked


def throughput_table(cells: Mapping[Key, Summary]) -> str:
    """Render the main table: one row per endpoint, connections and app."""
    lines = [
        "| endpoint | conns | app | req/s | p50 ms | p99 ms | errors | ÷ raw | ÷ naive |",
        "|---|---:|---|---:|---:|---:|---:|---|---|",
    ]
    for key, cell in cells.items():
        endpoint, connections, app = key
        errors = f"{cell.errors} {'✓' if cell.errors == 0 else '✗'}" if app == OURS else cell.errors
        lines.append(
            f"| {endpoint} | {connections} | {app} | {cell.requests_per_second:,.0f}"
            f" | {cell.p50_ms:.1f} | {cell.p99_ms:.1f} | {errors}"
            f" | {_ratio_cell(cells, key, RAW)} | {_ratio_cell(cells, key, NAIVE)} |"
        )
    return "\n".join(lines)


def scaling_table(cells: Mapping[Key, Summary], low: int, high: int) -> str:
    """Render req/s at the highest connection count over the lowest, per endpoint and app."""
    lines = [
        f"| endpoint | app | req/s @{low} | req/s @{high} | @{high} ÷ @{low} |",
        "|---|---|---:|---:|---|",
    ]
    for endpoint, app in dict.fromkeys((endpoint, app) for endpoint, _, app in cells):
        if (endpoint, low, app) not in cells or (endpoint, high, app) not in cells:
            continue
        at_low = cells[endpoint, low, app].requests_per_second
        at_high = cells[endpoint, high, app].requests_per_second
        value = at_high / at_low if at_low else 0.0
        shown = mark(value, SCALING_TARGET) if app == OURS else f"{value:.2f}"
        lines.append(f"| {endpoint} | {app} | {at_low:,.0f} | {at_high:,.0f} | {shown} |")
    return "\n".join(lines)


def key_value_table(title: str, rows: Iterable[tuple[str, str]]) -> str:
    """Render a two-column table."""
    lines = [f"| {title} | |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)

"""The result row every benchmark module returns (see `bench/run.py`)."""

from __future__ import annotations

from typing import Any


def row(
    name: str, value: float | None, unit: str, baseline: float | None = None, digits: int = 4
) -> dict[str, Any]:
    """One figure; `ratio` = value / baseline (same run) when both are known.

    >>> row("query x: median", 12.345678, "ms", 246.9)
    {'name': 'query x: median', 'value': 12.3457, 'unit': 'ms', 'baseline': 246.9, 'ratio': 0.05}
    """
    ratio = round(value / baseline, 4) if value is not None and baseline else None
    return {
        "name": name,
        "value": None if value is None else round(value, digits),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, digits),
        "ratio": ratio,
    }

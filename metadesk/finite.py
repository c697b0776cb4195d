"""One rule for reading a figure out of a loosely typed value (JSON, a stored result, a table cell),
so that a missing figure reads the same in a sentence of the app and in the report. Like
`metadesk.errors`, it imports nothing of metadesk: every layer may use it."""

from __future__ import annotations

import math


def finite_or_none(value: object) -> float | None:
    """`value` as a float; None for None, NaN, infinities and anything that is not a number."""
    try:
        # Any object is welcome: what float() refuses is simply not a figure.
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None

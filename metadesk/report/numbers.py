"""How numbers read wherever results are shown: the app's leaderboard and the HTML report alike
(scores to three digits, nothing invented for a missing value, fit times in ms, s or min)."""

from __future__ import annotations

from typing import Any

from metadesk.finite import finite_or_none


def number_text(value: Any, digits: int = 3, missing: str = "") -> str:
    """`value` to `digits` decimals; `missing` for None, NaN or text that is not a number."""
    v = finite_or_none(value)
    return missing if v is None else f"{v:.{digits}f}"


def duration_text(seconds: Any) -> str:
    """ "265 ms", "3.4 s", "2.5 min"; empty when unknown."""
    v = finite_or_none(seconds)
    if v is None:
        return ""
    return f"{v * 1000:.0f} ms" if v < 1 else (f"{v:.1f} s" if v < 120 else f"{v / 60:.1f} min")

"""OpenML's statistical meta-features: summaries over numeric attributes of each one's moments.

Moments follow Apache Commons Math as OpenML uses it: sample standard deviation (n - 1), bias-corrected
skewness (n >= 3) and excess kurtosis (n >= 4), 0 for a constant attribute; quartiles use Commons'
default percentile (numpy "weibull"). A numeric target counts as an attribute, as in OpenML.
Computed over all numeric columns at once, in column blocks, on the prepared row sample.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

import numpy as np

from metadesk.metafeatures.names import MOMENTS, SUMMARIES
from metadesk.metafeatures.table import PreparedTable
from metadesk.metafeatures.values import NotApplicable

Outcome = float | NotApplicable
_BLOCK = 32  # columns per block: bounds the temporaries at a few times one block of the sample
_CONSTANT_VARIANCE = 1e-19  # Commons Math returns 0 skewness/kurtosis below this variance


def _numeric_atts_name(label: str, summary: str) -> str:
    return f"{summary}{label}OfNumericAtts"


def summarize(values: np.ndarray, prefix_suffix: Callable[[str], str], why_empty: str) -> dict:
    """Mean, Min, Max, Quartile1..3 of `values` under the names `prefix_suffix(summary)`."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return {prefix_suffix(s): NotApplicable(why_empty) for s in SUMMARIES}
    q1, q2, q3 = np.percentile(values, [25, 50, 75], method="weibull")
    stats = (values.mean(), values.min(), values.max(), q1, q2, q3)
    return {prefix_suffix(s): float(v) for s, v in zip(SUMMARIES, stats, strict=True)}


def column_moments(x: np.ndarray) -> tuple[np.ndarray, ...]:
    """(count, mean, std, skewness, kurtosis) per column of `x`, ignoring NaN; NaN where undefined."""
    present = ~np.isnan(x)
    cnt = present.sum(axis=0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, x, 0.0).sum(axis=0) / cnt
        d = np.where(present, x - mean, 0.0)
        d2 = d * d
        m2 = d2.sum(axis=0)
        m3 = (d2 * d).sum(axis=0)
        m4 = (d2 * d2).sum(axis=0)
        var = np.where(cnt > 1, m2 / (cnt - 1), np.where(cnt == 1, 0.0, np.nan))
        std = np.sqrt(var)
        flat = var < _CONSTANT_VARIANCE
        skew = cnt / ((cnt - 1) * (cnt - 2)) * m3 / (var * std)
        skew = np.where(cnt < 3, np.nan, np.where(flat, 0.0, skew))
        kurt = cnt * (cnt + 1) / ((cnt - 1) * (cnt - 2) * (cnt - 3)) * m4 / (var * var) - 3 * (
            cnt - 1
        ) ** 2 / ((cnt - 2) * (cnt - 3))
        kurt = np.where(cnt < 4, np.nan, np.where(flat, 0.0, kurt))
    return cnt, mean, std, skew, kurt


def statistical_features(
    t: PreparedTable, deadline: float | None = None
) -> dict[str, Outcome] | None:
    """The 24 statistical features; None when the deadline passed before all columns were done."""
    n_numeric = t.numeric.shape[1] + (1 if t.task_type == "regression" else 0)
    if n_numeric == 0:
        return {
            f"{s}{m}OfNumericAtts": NotApplicable("no numeric attribute")
            for m in MOMENTS
            for s in SUMMARIES
        }
    parts: list[tuple[np.ndarray, ...]] = []
    for start in range(0, t.numeric.shape[1], _BLOCK):
        parts.append(column_moments(t.numeric[:, start : start + _BLOCK]))
        if deadline is not None and time.monotonic() > deadline:
            return None
    if t.task_type == "regression":
        parts.append(column_moments(t.y_sample_values[:, None]))
    moments = [np.concatenate([p[k] for p in parts]) for k in range(5)]
    _, mean, std, skew, kurt = moments
    out: dict[str, Outcome] = {}
    for label, values, why in (
        ("Means", mean, "no numeric attribute has a value"),
        ("StdDev", std, "no numeric attribute has a value"),
        ("Kurtosis", kurt, "no numeric attribute has 4 or more values"),
        ("Skewness", skew, "no numeric attribute has 3 or more values"),
    ):
        finite = values[np.isfinite(values)]
        out.update(summarize(finite, functools.partial(_numeric_atts_name, label), why))
    return out

"""Tiny mixed tables for the portfolio tests: numbers with gaps, a few-level and a many-level categorical, a boolean
with a gap, and a datetime with a gap."""

from __future__ import annotations

import numpy as np
import pandas as pd

ROLES = (
    ("x1", "numeric"),
    ("x2", "numeric"),
    ("color", "categorical"),
    ("city", "categorical"),
    ("flag", "boolean"),
    ("when", "datetime"),
)


def make_table(task_type: str, n: int = 80, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x1[rng.random(n) < 0.1] = np.nan
    x2 = rng.uniform(0, 10, size=n)
    color = rng.choice(["red", "green", "blue"], size=n).astype(object)
    color[rng.random(n) < 0.1] = None
    city = np.array([f"city {i}" for i in rng.integers(0, 30, size=n)], dtype=object)
    flag = pd.array(rng.random(n) < 0.5, dtype="boolean")
    flag[3] = pd.NA
    when = pd.Series(pd.date_range("2020-01-01", periods=n, freq="37h"))
    when[5] = pd.NaT
    signal = np.nan_to_num(x1) + (color == "red") + 0.2 * x2
    if task_type == "binary":
        y = np.where(signal > np.median(signal), "yes", "no")
    elif task_type == "multiclass":
        y = np.array(["low", "mid", "high"])[
            np.digitize(signal, np.quantile(signal, [1 / 3, 2 / 3]))
        ]
    else:
        y = signal + rng.normal(scale=0.1, size=n)
    return pd.DataFrame(
        {"x1": x1, "x2": x2, "color": color, "city": city, "flag": flag, "when": when, "y": y}
    )

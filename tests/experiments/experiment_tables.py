"""Tiny tables for the runner and executor tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

ROLES = (("x1", "numeric"), ("x2", "numeric"), ("color", "categorical"))


def small_table(task_type: str = "binary", n: int = 90, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.normal(size=n)
    x2[rng.random(n) < 0.1] = np.nan
    color = rng.choice(["red", "green", "blue"], size=n).astype(object)
    signal = x1 + 0.5 * np.nan_to_num(x2) + (color == "red") + rng.normal(scale=0.5, size=n)
    if task_type == "binary":
        y = np.where(signal > np.median(signal), "yes", "no")
    elif task_type == "multiclass":
        y = np.array(["a", "b", "c"])[np.digitize(signal, np.quantile(signal, [1 / 3, 2 / 3]))]
    else:
        y = signal
    return pd.DataFrame({"x1": x1, "x2": x2, "color": color, "y": y})

"""A task turned into the arrays meta-features are computed from, once, with row caps.

Counts (instances, missing values, classes, autocorrelation) use every row; moments, entropies and
distinct values use a seeded row sample of at most `STAT_ROW_CAP` rows (fewer for wide tables,
`STAT_CELL_CAP` cells in all) so their cost and memory stop growing with the table.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metadesk.data.roles import Role
from metadesk.data.task import Task

STAT_ROW_CAP = 100_000
STAT_CELL_CAP = 10_000_000
STAT_ROW_FLOOR = 10_000

_NUMERIC_ROLES = frozenset({Role.NUMERIC, Role.DATETIME})
_NOMINAL_ROLES = frozenset({Role.CATEGORICAL, Role.BOOLEAN})


@dataclass(frozen=True, eq=False)
class PreparedTable:
    """Arrays for one task. Nominal codes are 0..L-1 with -1 for missing; numeric uses NaN."""

    task_type: str
    n_rows: int
    numeric_cols: tuple[str, ...]
    nominal_cols: tuple[str, ...]
    n_missing: int  # missing cells over the feature columns, every row
    n_rows_with_missing: int
    y_codes: np.ndarray | None  # classification: class index per row, every row
    classes: tuple  # classification: the class labels, index = code
    y_values: np.ndarray | None  # regression: the target per row, every row
    sample_idx: np.ndarray | None  # row positions of the sample; None when every row is used
    numeric: np.ndarray  # (sample rows, numeric columns) float64
    nominal: np.ndarray  # (sample rows, nominal columns) int32 codes
    nominal_levels: np.ndarray  # distinct non-missing values per nominal column (in the sample)

    @property
    def n_features(self) -> int:
        return len(self.numeric_cols) + len(self.nominal_cols)

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @property
    def y_sample_codes(self) -> np.ndarray:
        assert self.y_codes is not None
        return self.y_codes if self.sample_idx is None else self.y_codes[self.sample_idx]

    @property
    def y_sample_values(self) -> np.ndarray:
        assert self.y_values is not None
        return self.y_values if self.sample_idx is None else self.y_values[self.sample_idx]


def column_kinds(task: Task) -> tuple[list[str], list[str]]:
    """(numeric, nominal) feature columns by role; a role that is not usable falls back on the dtype."""
    numeric, nominal = [], []
    for col in task.feature_columns:
        role = task.roles.get(col)
        try:
            role = Role(role) if role is not None else None
        except ValueError:
            role = None
        series = task.frame[col]
        if role in _NUMERIC_ROLES and _convertible_to_number(series):
            numeric.append(col)
        elif role in _NOMINAL_ROLES or role in _NUMERIC_ROLES:
            nominal.append(col)
        elif pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            numeric.append(col)
        else:
            nominal.append(col)
    return numeric, nominal


def _convertible_to_number(series: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(series):
        return True
    return pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series)


def numeric_values(series: pd.Series) -> np.ndarray:
    """float64 values with NaN for missing; datetimes become seconds since the epoch."""
    if pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_localize(None)
        missing = series.isna().to_numpy()
        out = series.to_numpy(dtype="datetime64[ns]").astype("int64").astype("float64") / 1e9
        out[missing] = np.nan
        return out
    if pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype="float64", na_value=np.nan)
    if not pd.api.types.is_numeric_dtype(series):
        series = pd.to_numeric(series, errors="coerce")
    out = series.to_numpy(dtype="float64", na_value=np.nan)
    if np.isinf(out).any():  # an infinity is no more a measurement than a blank
        out = np.where(np.isinf(out), np.nan, out)
    return out


def nominal_codes(series: pd.Series) -> tuple[np.ndarray, int]:
    """(codes with -1 for missing, number of distinct non-missing values)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.int32)
        used = np.unique(codes[codes >= 0])
        remap = np.full(len(series.cat.categories) + 1, -1, dtype=np.int32)
        remap[used] = np.arange(len(used), dtype=np.int32)
        return remap[codes], len(used)  # -1 indexes the sentinel slot at the end
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes.astype(np.int32, copy=False), len(uniques)


def class_codes(y: pd.Series) -> tuple[np.ndarray, tuple]:
    """Class index per row, classes sorted when they can be, so row order never changes the codes."""
    try:
        codes, uniques = pd.factorize(y, sort=True, use_na_sentinel=True)
    except TypeError:  # mixed label types cannot be sorted
        codes, uniques = pd.factorize(y.astype(str), sort=True, use_na_sentinel=True)
    return codes.astype(np.int32, copy=False), tuple(uniques)


def sample_rows(n_rows: int, cap: int, seed: int) -> np.ndarray | None:
    """Sorted positions of a seeded sample of `cap` rows, or None when the table fits."""
    if n_rows <= cap:
        return None
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n_rows, size=cap, replace=False))


def stat_row_cap(n_columns: int) -> int:
    """Rows in the statistics sample: all up to STAT_ROW_CAP, fewer for very wide tables."""
    return int(np.clip(STAT_CELL_CAP // max(n_columns, 1), STAT_ROW_FLOOR, STAT_ROW_CAP))


def prepare(task: Task, *, seed: int = 1, row_cap: int | None = None) -> PreparedTable:
    frame = task.frame
    if row_cap is None:
        row_cap = stat_row_cap(len(task.feature_columns))
    n_rows = len(frame)
    numeric_cols, nominal_cols = column_kinds(task)

    # Missing cells over every row, one column at a time to keep memory flat.
    any_missing = np.zeros(n_rows, dtype=bool)
    n_missing = 0
    for col in task.feature_columns:
        miss = frame[col].isna().to_numpy()
        n_missing += int(miss.sum())
        any_missing |= miss

    y_codes, classes, y_values = None, (), None
    if task.task_type == "regression":
        y_values = numeric_values(frame[task.target])
    else:
        y_codes, classes = class_codes(frame[task.target])

    idx = sample_rows(n_rows, row_cap, seed)
    sub = frame if idx is None else frame.iloc[idx]
    n_sample = len(sub)
    numeric = np.empty((n_sample, len(numeric_cols)), dtype=np.float64, order="F")
    for j, col in enumerate(numeric_cols):
        numeric[:, j] = numeric_values(sub[col])
    nominal = np.empty((n_sample, len(nominal_cols)), dtype=np.int32, order="F")
    levels = np.zeros(len(nominal_cols), dtype=np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for j, col in enumerate(nominal_cols):
            nominal[:, j], levels[j] = nominal_codes(sub[col])

    return PreparedTable(
        task_type=task.task_type,
        n_rows=n_rows,
        numeric_cols=tuple(numeric_cols),
        nominal_cols=tuple(nominal_cols),
        n_missing=n_missing,
        n_rows_with_missing=int(any_missing.sum()),
        y_codes=y_codes,
        classes=classes,
        y_values=y_values,
        sample_idx=idx,
        numeric=numeric,
        nominal=nominal,
        nominal_levels=levels,
    )

"""Column roles: what each column of a table is for, inferred and overridable."""

from __future__ import annotations

import re
from enum import Enum

import numpy as np
import pandas as pd


class Role(str, Enum):
    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    TEXT = "text"
    IDENTIFIER = "identifier"
    CONSTANT = "constant"

    def __str__(self) -> str:
        return self.value


# Roles a model can learn from; the others are excluded from the features with a reason.
USABLE_ROLES = frozenset({Role.NUMERIC, Role.CATEGORICAL, Role.BOOLEAN, Role.DATETIME})


# Names that say "this column identifies a row", matched on whole words of the column name.
_ID_WORDS = frozenset(
    {"id", "uuid", "guid", "key", "index", "idx", "rowid", "code", "number", "no"}
)
_BOOLEAN_WORDS = frozenset(
    {
        frozenset({"yes", "no"}),
        frozenset({"y", "n"}),
        frozenset({"true", "false"}),
        frozenset({"t", "f"}),
        frozenset({"on", "off"}),
        frozenset({"ja", "nein"}),
        frozenset({"oui", "non"}),
        frozenset({"si", "no"}),
        frozenset({"sí", "no"}),
    }
)
# Role inference looks at a sample this large; only the candidates for identifier are checked in full.
_SAMPLE_ROWS = 10_000
# Strings this long on average (characters), and mostly unique, are free text rather than categories.
_TEXT_MEAN_LENGTH = 25


def _name_words(name: object) -> set[str]:
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    return set(re.split(r"[^0-9a-zA-Z]+", text.lower())) - {""}


def looks_like_id_name(name: object) -> bool:
    words = _name_words(name)
    lowered = str(name).lower()
    short_id = lowered.endswith("id") and len(lowered) <= 4  # pid, uid, sid
    return bool(words & _ID_WORDS) or lowered.endswith("_id") or short_id


def _spread(n: int) -> np.ndarray | None:
    """Row positions spread evenly over the table (cheaper than a random sample, as fair here)."""
    return None if n <= _SAMPLE_ROWS else np.linspace(0, n - 1, _SAMPLE_ROWS).astype(np.int64)


def infer_role(series: pd.Series, *, positions: np.ndarray | None = None) -> Role:
    """The role of one column: what a model could learn from it, if anything."""
    if positions is None:
        positions = _spread(len(series))
    sample = series if positions is None else series.take(positions)
    present = sample.dropna()
    if len(present) == 0:
        return Role.CONSTANT
    distinct = present.nunique()
    if distinct <= 1:
        # A sample can miss a rare second value; the full column decides.
        return Role.CONSTANT if series.nunique(dropna=True) <= 1 else _two_or_more(series)
    return _two_or_more(series, sample=present, distinct=distinct)


def _two_or_more(
    series: pd.Series, *, sample: pd.Series | None = None, distinct: int | None = None
) -> Role:
    present = sample if sample is not None else series.dropna()
    distinct = distinct if distinct is not None else present.nunique()
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return Role.BOOLEAN
    if pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(dtype, pd.PeriodDtype):
        return Role.DATETIME
    if pd.api.types.is_timedelta64_dtype(dtype):
        return Role.NUMERIC
    if pd.api.types.is_numeric_dtype(dtype):
        if distinct == 2 and set(present.unique().tolist()) <= {0, 1}:
            return Role.BOOLEAN
        if (
            _is_integral(present)
            and _unique_in_full(series, present)
            and (looks_like_id_name(series.name) or _is_row_counter(series))
        ):
            return Role.IDENTIFIER
        return Role.NUMERIC
    # Strings, categories and mixed objects.
    if distinct == 2:
        lowered = frozenset(str(v).strip().lower() for v in present.unique())
        if lowered in _BOOLEAN_WORDS:
            return Role.BOOLEAN
    as_text = present.astype(str)
    unique_ratio = distinct / len(present)
    if unique_ratio > 0.5 and len(present) >= 10:
        mean_length = float(as_text.str.len().mean())
        spaced = float(as_text.str.contains(" ", regex=False).mean())
        if mean_length >= _TEXT_MEAN_LENGTH and spaced >= 0.5:
            return Role.TEXT
        if unique_ratio == 1.0 and _unique_in_full(series, present):
            return Role.IDENTIFIER
        if looks_like_id_name(series.name) and unique_ratio > 0.9:
            return Role.IDENTIFIER
    return Role.CATEGORICAL


def _is_integral(present: pd.Series) -> bool:
    if pd.api.types.is_integer_dtype(present.dtype):
        return True
    values = present.to_numpy(dtype=float, na_value=np.nan)
    return bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))


def _unique_in_full(series: pd.Series, present: pd.Series) -> bool:
    if present.nunique() != len(present) or len(present) < 10:
        return False
    full = series.dropna()
    return len(full) == len(series) and full.is_unique


def _is_row_counter(series: pd.Series) -> bool:
    """0..n-1 or 1..n in some order: a row number exported with the table."""
    values = series.to_numpy(dtype=float, na_value=np.nan)
    lo, hi = np.nanmin(values), np.nanmax(values)
    return bool(hi - lo == len(values) - 1 and lo in (0, 1))


def infer_roles(frame: pd.DataFrame) -> dict[str, Role]:
    """Role of every column of the frame, keyed by column name."""
    positions = _spread(len(frame))
    return {str(name): infer_role(frame[name], positions=positions) for name in frame.columns}

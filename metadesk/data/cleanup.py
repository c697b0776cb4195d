"""Tidying a freshly parsed frame: usable column names, no empty padding, numbers and dates as such.

Shared by the text and spreadsheet readers; every change is written to the report's notes.
"""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd

from metadesk.data.report import NoteBook
from metadesk.data.text_dtype import TEXT

MISSING_MARKERS = (
    "",
    "?",
    "NA",
    "N/A",
    "n/a",
    "na",
    "-",
    "--",
    "NaN",
    "nan",
    "NULL",
    "null",
    "None",
    "#N/A",
    "#NA",
    "<NA>",
    "<null>",
)
_MISSING = frozenset(MISSING_MARKERS)
# pyarrow checks every cell against each marker it is given, so it gets the common ones only;
# `coerce_columns` clears the rarer ones from the text columns where a sample shows them.
PARSER_MISSING_MARKERS = ("", "?", "NA", "N/A", "-")
# A string column becomes numeric when at least this share of a sample of its values are numbers.
_NUMERIC_SHARE = 0.9
_CHECK_SAMPLE = 1000
_DATE_FORMATS = (
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%Y/%m/%d",
    "%d-%m-%Y",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)
_DATE_SHAPE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?$")


def is_text_column(series: pd.Series) -> bool:
    return bool(pd.api.types.is_string_dtype(series.dtype) or series.dtype == object)


def tidy_names(frame: pd.DataFrame, notes: NoteBook) -> pd.DataFrame:
    """Strip names, name the unnamed and make duplicates unique (pandas needs unique names)."""
    names: list[str] = []
    seen: set[str] = set()
    unnamed, renamed = [], []
    for i, raw in enumerate(frame.columns):
        name = "" if raw is None else str(raw).strip()
        if not name or name.startswith("Unnamed: "):
            name = f"column_{i + 1}"
            unnamed.append(name)
        base, k = name, 2
        while name in seen:
            name = f"{base}_{k}"
            k += 1
        if name != base:
            renamed.append(f"'{base}' -> '{name}'")
        seen.add(name)
        names.append(name)
    if unnamed:
        notes.add(f"Columns without a name were called {', '.join(unnamed)}.")
    if renamed:
        notes.add(f"Repeated column names were made unique: {', '.join(renamed)}.")
    if names != list(frame.columns):
        frame = frame.set_axis(names, axis=1)
    return frame


def tidy(frame: pd.DataFrame, notes: NoteBook) -> pd.DataFrame:
    """Names made usable, then empty unnamed columns and empty rows dropped."""
    blank = [
        i
        for i, c in enumerate(frame.columns)
        if c is None or not str(c).strip() or str(c).startswith("Unnamed: ")
    ]
    frame = tidy_names(frame, notes)
    return drop_empty(frame, {frame.columns[i] for i in blank}, notes)


def drop_empty(frame: pd.DataFrame, unnamed: set[str], notes: NoteBook) -> pd.DataFrame:
    """Drop wholly empty unnamed columns (a trailing delimiter) and wholly empty rows."""
    empty_cols = [c for c in frame.columns if c in unnamed and frame[c].isna().all()]
    if empty_cols:
        frame = frame.drop(columns=empty_cols)
        notes.add(f"Dropped {len(empty_cols)} empty column(s) without a name.")
    if frame.shape[1] and len(frame):
        # Narrow the candidates column by column; most tables stop after a column or two.
        empty = frame.iloc[:, 0].isna().to_numpy().copy()
        for i in range(1, frame.shape[1]):
            if not empty.any():
                break
            empty &= frame.iloc[:, i].isna().to_numpy()
        if empty.any():
            frame = frame.loc[~empty].reset_index(drop=True)
            notes.add(f"Dropped {int(empty.sum())} empty row(s).")
    return frame


def _number_pattern(decimal: str, thousands: str) -> re.Pattern[str]:
    sep = re.escape(thousands) if thousands else ""
    dec = re.escape(decimal)
    grouped = rf"\d{{1,3}}({sep}\d{{3}})+" if sep else r"\d+"
    if thousands == " ":
        grouped = r"\d{1,3}([ \u00a0\u202f]\d{3})+"
    body = rf"({grouped}|\d+)({dec}\d*)?|{dec}\d+"
    return re.compile(rf"^\s*[+-]?({body})([eE][+-]?\d+)?\s*$")


def to_numbers(series: pd.Series, decimal: str, thousands: str) -> pd.Series:
    """Numbers written with thousands separators or a decimal comma, as floats (others -> NaN)."""
    text = series.astype(TEXT).str.strip()
    if thousands == " ":
        text = _drop_separators(text, r"(\d)[ \u00a0\u202f](\d{3})()")
    elif thousands:
        text = _drop_separators(text, rf"(\d){re.escape(thousands)}(\d{{3}})(\D|$)")
    if decimal != ".":
        text = text.str.replace(decimal, ".", regex=False)
    return pd.to_numeric(text, errors="coerce")


def _drop_separators(text: pd.Series, pattern: str) -> pd.Series:
    """Remove thousands separators matched by `pattern` (digit, separator, three digits, then
    what follows), without look-around: pandas 2 runs text regexes in pyarrow's RE2, which has
    none. Matches do not overlap, so "1.234.567" takes two passes."""
    for _ in range(8):
        done = text.str.replace(pattern, r"\1\2\3", regex=True)
        if done.equals(text):
            break
        text = done
    return text


def coerce_columns(
    frame: pd.DataFrame, decimal: str, thousands: str, notes: NoteBook
) -> pd.DataFrame:
    """Turn string columns that hold numbers or dates into numeric or datetime columns."""
    pattern = _number_pattern(decimal, thousands)
    for name in frame.columns:
        series = frame[name]
        if not is_text_column(series):
            continue
        sample = _sample_present(series)
        if not sample:
            continue
        share = sum(1 for v in sample if pattern.match(v)) / len(sample)
        if share >= _NUMERIC_SHARE:
            converted = _coerce_numeric(series, name, decimal, thousands, notes)
            if converted is not None:
                frame[name] = converted
                continue
        if sum(1 for v in sample if _DATE_SHAPE.match(v)) / len(sample) >= _NUMERIC_SHARE:
            converted = _coerce_dates(series, pd.Series(sample, dtype=TEXT), name, notes)
            if converted is not None:
                frame[name] = converted
                continue
        head = [v for v in series.iloc[: 2 * _CHECK_SAMPLE].dropna().tolist() if isinstance(v, str)]
        padded = any(v != v.strip() for v in head)
        if padded or any(v in _MISSING for v in head):
            # "a, b" style files (KEEL writes ", ") leave a space on every value: drop it.
            text = series.astype(TEXT).str.strip() if padded else series
            frame[name] = text.where(~text.isin(_MISSING) & series.notna())
            if padded:
                notes.add(f"Spaces around the values of '{name}' were removed.")
    return frame


def _sample_present(series: pd.Series) -> list[str]:
    """Up to _CHECK_SAMPLE stripped non-missing values, from the head or, if sparse, the column."""
    head = series.iloc[: 5 * _CHECK_SAMPLE].dropna()
    if len(head) < _CHECK_SAMPLE and len(series) > 5 * _CHECK_SAMPLE:
        head = series.dropna()
    values = (str(v).strip() for v in head.iloc[: 2 * _CHECK_SAMPLE].tolist())
    return [v for v in values if v not in _MISSING][:_CHECK_SAMPLE]


def _coerce_numeric(
    series: pd.Series, name: str, decimal: str, thousands: str, notes: NoteBook
) -> pd.Series | None:
    present = series.notna()
    stripped = series.astype(TEXT).str.strip()
    marked = present & stripped.isin(_MISSING)
    numbers = to_numbers(series.where(~marked), decimal, thousands)
    bad = present & ~marked & numbers.isna()
    n_present = int(present.sum())
    if bad.sum() > (1 - _NUMERIC_SHARE) * n_present:
        return None
    if bad.any():
        examples = ", ".join(f"'{v}'" for v in series[bad].astype(str).unique()[:3])
        notes.add(
            f"Column '{name}': {int(bad.sum())} value(s) were not numbers ({examples}) "
            "and were treated as missing."
        )
    used = []
    if thousands and stripped.str.contains(re.escape(thousands.strip() or " "), regex=True).any():
        used.append(f"thousands separator '{thousands}'")
    if decimal != "." and stripped.str.contains(re.escape(decimal), regex=True).any():
        used.append(f"decimal mark '{decimal}'")
    if used:
        notes.add(f"Column '{name}' was read as numbers written with a {' and '.join(used)}.")
    values = numbers.to_numpy(dtype=float, na_value=np.nan)
    finite = values[np.isfinite(values)]
    if not np.isnan(values).any() and np.all(finite == np.round(finite)) and len(finite):
        return pd.Series(values.astype(np.int64), index=series.index, name=series.name)
    return pd.Series(values, index=series.index, name=series.name)


def _coerce_dates(
    series: pd.Series, sample: pd.Series, name: str, notes: NoteBook
) -> pd.Series | None:
    best, best_share = None, 0.0
    for fmt in _DATE_FORMATS:
        share = float(
            pd.to_datetime(sample.str.strip(), format=fmt, errors="coerce").notna().mean()
        )
        if share > best_share:
            best, best_share = fmt, share
    if best is None or best_share < _NUMERIC_SHARE:
        return None
    dates = pd.to_datetime(series.astype(TEXT).str.strip(), format=best, errors="coerce")
    bad = series.notna() & dates.isna() & ~series.astype(TEXT).str.strip().isin(_MISSING)
    if bad.sum() > (1 - _NUMERIC_SHARE) * series.notna().sum():
        return None
    if bad.any():
        examples = ", ".join(f"'{v}'" for v in series[bad].astype(str).unique()[:3])
        notes.add(
            f"Column '{name}': {int(bad.sum())} value(s) were not dates ({examples}) "
            "and were treated as missing."
        )
    notes.add(f"Column '{name}' was read as dates ({best.replace('%', '')}).")
    notes.date_formats[str(name)] = best
    return dates


def settle_objects(frame: pd.DataFrame, notes: NoteBook) -> pd.DataFrame:
    """Give every generic-object column one type: booleans, numbers, dates, or else text."""
    for name in frame.columns:
        column = frame[name]
        if column.dtype != object:
            continue
        present = column.dropna()
        kinds = {type(v) for v in present}
        if not kinds:
            frame[name] = column.astype("float64")
        elif all(issubclass(k, bool | np.bool_) for k in kinds):
            frame[name] = column.astype("boolean")
        elif all(issubclass(k, int | float | np.number) and not issubclass(k, bool) for k in kinds):
            frame[name] = pd.to_numeric(column, errors="coerce")
        elif all(issubclass(k, datetime.datetime | datetime.date) for k in kinds):
            frame[name] = pd.to_datetime(column, errors="coerce")
        else:
            if kinds != {str}:
                notes.add(f"Column '{name}' mixes numbers and words; it was read as text.")
            frame[name] = column.map(lambda v: v if pd.isna(v) else str(v)).astype(TEXT)
    return frame

"""Prediction files written in the dialect of the file they predict: the same separator, decimal
mark, encoding (with a BOM where Excel needs one), line endings and date formats, integers kept
integer and probabilities rounded, so a German Excel opens the result as it opened the input.
"""

from __future__ import annotations

import codecs
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from metadesk.data.report import ReadReport

PROBABILITY_DECIMALS = 4  # 0.8731: finer than any calibration a model can claim
PREDICTION_DIGITS = 6  # significant digits of a predicted number


@dataclass(frozen=True)
class OutputDialect:
    """How the prediction CSV is written."""

    delimiter: str = ","
    decimal: str = "."
    encoding: str = "utf-8"  # of the input; `csv_encoding` decides about the BOM
    line_end: str = "\n"
    date_formats: dict[str, str] | None = None


def dialect_of(in_path: Path | str, report: ReadReport | None) -> OutputDialect:
    """The input's dialect as `read_table` found it; defaults for spreadsheets and Parquet."""
    delimiter = getattr(report, "delimiter", None) or ","
    decimal = getattr(report, "decimal", None) or "."
    if decimal == delimiter:  # cannot happen for a sniffed file; be safe for hand-made reports
        decimal = "."
    line_end = "\n"
    if getattr(report, "format", None) == "csv":
        try:
            with Path(in_path).open("rb") as handle:
                head = handle.read(64 * 1024)
            line_end = "\r\n" if b"\r\n" in head or b"\r\x00\n" in head else "\n"
        except OSError:
            pass
    return OutputDialect(
        delimiter=delimiter,
        decimal=decimal,
        encoding=getattr(report, "encoding", None) or "utf-8",
        line_end=line_end,
        date_formats=dict(getattr(report, "date_formats", {}) or {}),
    )


def csv_encoding(dialect: OutputDialect, text: str) -> str:
    """The input's single-byte encoding when every character fits, else UTF-8; a UTF-8 file
    gets a BOM when it holds any non-ASCII character (Excel reads it as its ANSI page without)."""
    name = codecs.lookup(dialect.encoding).name
    if name == "utf-16":
        return "utf-16"
    if name not in ("utf-8", "utf-8-sig", "ascii"):
        try:
            text.encode(dialect.encoding)
            return dialect.encoding
        except UnicodeEncodeError:
            pass
    return "utf-8" if text.isascii() else "utf-8-sig"


def typed_for_output(
    frame: pd.DataFrame, probability_columns: list[str], prediction_column: str | None
) -> pd.DataFrame:
    """Whole-number float columns as integers (77, not 77.0), probabilities rounded to four
    decimals, predicted numbers to six significant digits. Used for CSV and Excel alike."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if name in probability_columns:
            out[name] = column.astype(float).round(PROBABILITY_DECIMALS)
        elif name == prediction_column and pd.api.types.is_float_dtype(column):
            out[name] = column.map(_significant)
        if pd.api.types.is_float_dtype(out[name]) and name not in probability_columns:
            values = out[name].to_numpy(dtype=float)
            finite = values[np.isfinite(values)]
            whole = len(finite) and np.all(finite == np.round(finite))
            if whole and np.all(np.abs(finite) < 2**53) and not np.isinf(values).any():
                out[name] = out[name].astype("Int64")
    return out


def _significant(value: Any) -> Any:  # a frame cell (pandas is untyped): number or missing
    if value is None or not math.isfinite(value) or value == 0:
        return value
    digits = PREDICTION_DIGITS - 1 - math.floor(math.log10(abs(value)))
    return round(float(value), digits)


def as_text(frame: pd.DataFrame, dialect: OutputDialect) -> pd.DataFrame:
    """Dates as text in the input's format (ISO where it had none), booleans as true/false;
    numbers stay numbers, for `to_csv` to write with the dialect's decimal mark (vectorised)."""
    formats = dialect.date_formats or {}
    out = frame.copy()
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            fmt = formats.get(str(name)) or _iso_format(column)
            out[name] = column.dt.strftime(fmt).astype(object).where(column.notna(), "")
        elif pd.api.types.is_bool_dtype(column):
            out[name] = column.map(lambda v: "" if pd.isna(v) else str(bool(v)).lower())
    return out


def _iso_format(column: pd.Series) -> str:
    """ISO dates, with the time of day only where some value has one."""
    values = column.dropna()
    if len(values) and (values != values.dt.normalize()).any():
        return "%Y-%m-%d %H:%M:%S"
    return "%Y-%m-%d"


def write_csv(frame: pd.DataFrame, path: Path, dialect: OutputDialect) -> None:
    """`frame` (already formula-safe) as the dialect's CSV."""
    text_frame = as_text(frame, dialect)
    body = text_frame.to_csv(
        index=False,
        sep=dialect.delimiter,
        decimal=dialect.decimal,
        lineterminator=dialect.line_end,
        na_rep="",
    )
    encoding = csv_encoding(dialect, body)
    with path.open("w", encoding=encoding, newline="") as handle:
        handle.write(body)

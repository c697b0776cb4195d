"""A content fingerprint of a task's data: the same table in any row or column order has one id.

Values are normalised first (integers and floats alike, categories as text) so that a table read
from CSV and the same table read from Excel or a Parquet snapshot get the same id.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from metadesk.data.text_dtype import TEXT

ID_LENGTH = 16
_BLOCK_ROWS = 20_000  # rows hashed per call: any size gives the same digest


def _normalised(series: pd.Series) -> pd.Series:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return series.astype("float64")
    if pd.api.types.is_numeric_dtype(dtype):
        return pd.Series(
            series.to_numpy(dtype="float64", na_value=np.nan), index=series.index, name=series.name
        )
    if pd.api.types.is_datetime64_any_dtype(dtype):
        values = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) else series
        return values.astype("datetime64[ns]").astype("int64").where(series.notna(), -1)
    # Text, categories and anything else: compared as strings, missing as one marker.
    return series.astype(TEXT).fillna("\x00missing")


def fingerprint(frame: pd.DataFrame, target: str) -> str:
    """Hex id of (features, target): invariant to row order, column order and file name."""
    columns = sorted(str(c) for c in frame.columns)
    parts = [np.array([], dtype=np.uint64)]
    # Blocks of rows keep each pandas call short, so a GUI thread waiting on the GIL never stalls.
    for start in range(0, len(frame), _BLOCK_ROWS):
        block = frame.iloc[start : start + _BLOCK_ROWS]
        normal = pd.DataFrame(
            {name: _normalised(block[name]).to_numpy() for name in columns}, columns=columns
        )
        parts.append(pd.util.hash_pandas_object(normal, index=False).to_numpy())
    row_hashes = np.sort(np.concatenate(parts))
    digest = hashlib.sha256()
    digest.update(repr((columns, str(target), len(frame))).encode())
    digest.update(row_hashes.tobytes())
    return digest.hexdigest()[:ID_LENGTH]

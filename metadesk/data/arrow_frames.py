"""Arrow tables into pandas frames a block of rows at a time: converting a million strings in one
call holds the interpreter lock for a tenth of a second, and a window waiting on it freezes.
"""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa

_BLOCK_ROWS = 100_000


def to_pandas(table: pa.Table, *, date_as_object: bool = True) -> pd.DataFrame:
    """`table.to_pandas(date_as_object=...)`, the same frame, converted in blocks of rows when
    that is safe: no dictionary columns (each block would get its own categories) and no index
    stored by pandas (it must come back as it was; metadata that only restores column types is
    fine).
    Repeated column names are kept (cleanup renames them later); pyarrow 15 refuses them."""
    names = table.column_names
    if len(set(names)) != len(names):
        renamed = table.rename_columns([f"c{i}" for i in range(len(names))])
        frame = to_pandas(renamed, date_as_object=date_as_object)
        frame.columns = names
        return frame
    if (
        table.num_rows <= _BLOCK_ROWS
        or _stores_an_index(table.schema)
        or any(pa.types.is_dictionary(f.type) for f in table.schema)
    ):
        return table.to_pandas(date_as_object=date_as_object)
    parts = [
        table.slice(start, _BLOCK_ROWS).to_pandas(date_as_object=date_as_object)
        for start in range(0, table.num_rows, _BLOCK_ROWS)
    ]
    return pd.concat(parts, ignore_index=True)


def _stores_an_index(schema: pa.Schema) -> bool:
    """Whether pandas recorded an index in the table (any but the default 0..n-1)."""
    raw = (schema.metadata or {}).get(b"pandas")
    if raw is None:
        return False
    try:
        return bool(json.loads(raw).get("index_columns"))
    except (ValueError, AttributeError):
        return True  # metadata it cannot read: convert whole, as pandas would

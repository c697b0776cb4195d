"""Arrow tables into pandas frames a block of rows at a time: converting a million strings in one
call holds the interpreter lock for a tenth of a second, and a window waiting on it freezes.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

_BLOCK_ROWS = 100_000


def to_pandas(table: pa.Table, **options) -> pd.DataFrame:
    """`table.to_pandas(**options)`, the same frame, converted in blocks of rows when that is safe:
    no dictionary columns (each block would get its own categories) and no pandas metadata (an
    index stored in the file must come back as it was)."""
    metadata = table.schema.metadata or {}
    if (
        table.num_rows <= _BLOCK_ROWS
        or b"pandas" in metadata
        or any(pa.types.is_dictionary(f.type) for f in table.schema)
    ):
        return table.to_pandas(**options)
    parts = [
        table.slice(start, _BLOCK_ROWS).to_pandas(**options)
        for start in range(0, table.num_rows, _BLOCK_ROWS)
    ]
    return pd.concat(parts, ignore_index=True)

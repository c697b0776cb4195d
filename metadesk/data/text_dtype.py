"""One text dtype for pandas 2.2 and pandas 3: strings, with NaN for a missing cell.

pandas 3 gives that for `astype("str")`; pandas 2 turns a missing cell into the text "nan" or
"None" there. Its "pyarrow_numpy" string dtype is what became pandas 3's "str".
"""

from __future__ import annotations

import pandas as pd

PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3
TEXT = "str" if PANDAS_3 else pd.StringDtype("pyarrow_numpy")


def as_text(series: pd.Series) -> pd.Series:
    """`series` as text; missing cells stay missing (NaN), whatever the pandas version."""
    return series.astype(TEXT)

"""Small fixture tables written to tmp_path in the formats metadesk reads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def mixed_frame() -> pd.DataFrame:
    """40 rows: numbers, a category, a yes/no flag, an id, a constant and a binary class."""
    rng = np.random.default_rng(7)
    n = 40
    return pd.DataFrame(
        {
            "customer_id": np.arange(1000, 1000 + n),
            "age": rng.integers(18, 80, n),
            "income": rng.normal(50_000, 9_000, n).round(2),
            "city": rng.choice(["Berlin", "Paris", "Rome"], n),
            "member": rng.choice(["yes", "no"], n),
            "source": "web",
            "churn": np.tile(["stay", "leave"], n // 2),
        }
    )


@pytest.fixture
def write_bytes(tmp_path):
    def write(name: str, data: bytes | str, encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
        return path

    return write

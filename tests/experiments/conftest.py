"""Parquet snapshots of tiny tables for the runner and executor tests."""

from __future__ import annotations

import pytest
from experiment_tables import small_table


@pytest.fixture
def snapshot(tmp_path):
    """Writes a small table as a Parquet snapshot and returns its path."""

    def write(task_type: str = "binary", n: int = 90, seed: int = 0) -> str:
        path = tmp_path / f"{task_type}-{n}-{seed}.parquet"
        small_table(task_type, n, seed).to_parquet(path)
        return str(path)

    return write

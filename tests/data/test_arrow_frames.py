"""Big tables convert from Arrow in blocks of rows (so the window never waits long on one call);
the frame must be the one a whole-table conversion gives."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from metadesk.data import arrow_frames
from metadesk.data.arrow_frames import to_pandas


def _table(n: int) -> pa.Table:
    return pa.table(
        {
            "x": pa.array([i / 3 for i in range(n)]),
            "n": pa.array([None if i == n - 1 else i for i in range(n)], pa.int64()),  # nulls late
            "flag": pa.array([None if i == 2 else i % 2 == 0 for i in range(n)], pa.bool_()),
            "city": pa.array([None if i % 7 == 0 else f"c{i % 5}" for i in range(n)]),
            "when": pa.array([dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(n)]),
            "empty": pa.array([None] * n, pa.string()),
            "nothing": pa.nulls(n),
        }
    )


def test_blocks_give_the_whole_tables_frame(monkeypatch):
    table = _table(50)
    whole = table.to_pandas(date_as_object=False)
    monkeypatch.setattr(arrow_frames, "_BLOCK_ROWS", 7)
    blocked = to_pandas(table, date_as_object=False)
    pd.testing.assert_frame_equal(blocked, whole)
    assert blocked["n"].dtype == "float64"  # a missing count in the last block only


def test_dictionaries_and_pandas_metadata_convert_whole(monkeypatch):
    monkeypatch.setattr(arrow_frames, "_BLOCK_ROWS", 3)
    coded = pa.table({"c": pa.array(["a", "b"] * 5).dictionary_encode()})
    assert list(to_pandas(coded)["c"].cat.categories) == ["a", "b"]
    indexed = pa.Table.from_pandas(pd.DataFrame({"v": range(10)}, index=list("abcdefghij")))
    assert list(to_pandas(indexed).index) == list("abcdefghij")


def test_a_frame_written_without_its_index_converts_in_blocks_with_its_column_types(monkeypatch):
    frame = pd.DataFrame(
        {
            "count": pd.array([1, None, 3, 4, 5, 6, 7, None, 9, 10], dtype="Int64"),
            "when": pd.date_range("2024-01-01", periods=10, tz="Europe/Paris"),
            "city": [f"c{i % 3}" for i in range(10)],
        }
    )
    table = pa.Table.from_pandas(frame, preserve_index=False)  # as snapshots are written
    monkeypatch.setattr(arrow_frames, "_BLOCK_ROWS", 4)
    joined, concat = [], pd.concat
    monkeypatch.setattr(
        pd, "concat", lambda parts, **kw: joined.append(len(parts)) or concat(parts, **kw)
    )
    pd.testing.assert_frame_equal(to_pandas(table), frame)
    assert joined == [3]  # three blocks of at most four rows


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.integers(-(2**40), 2**40)), min_size=1, max_size=40),
    block=st.integers(1, 12),
)
def test_any_block_size_gives_the_same_frame(values, block):
    table = pa.table({"v": pa.array(values, pa.int64()), "s": pa.array([str(v) for v in values])})
    whole = table.to_pandas()
    original = arrow_frames._BLOCK_ROWS
    arrow_frames._BLOCK_ROWS = block
    try:
        pd.testing.assert_frame_equal(to_pandas(table), whole)
    finally:
        arrow_frames._BLOCK_ROWS = original

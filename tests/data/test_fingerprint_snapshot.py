"""The dataset id survives reloading, shuffling and reordering; snapshots round-trip the task."""

from __future__ import annotations

import pandas as pd
import pytest

from metadesk.data import (
    fingerprint,
    make_task,
    read_snapshot,
    read_table,
    snapshot_metadata,
    task_from_snapshot,
    write_snapshot,
)
from metadesk.errors import FileProblem


def test_same_table_from_csv_xlsx_and_parquet_is_one_dataset(tmp_path, mixed_frame):
    mixed_frame.to_csv(tmp_path / "a.csv", index=False)
    mixed_frame.to_excel(tmp_path / "copy of a.xlsx", index=False)
    mixed_frame.to_parquet(tmp_path / "b.parquet")
    ids = {
        make_task(read_table(tmp_path / name)[0], "churn").dataset_id
        for name in ("a.csv", "copy of a.xlsx", "b.parquet")
    }
    assert len(ids) == 1


def test_row_and_column_order_do_not_change_the_id(mixed_frame):
    shuffled = mixed_frame.sample(frac=1.0, random_state=3)[list(reversed(mixed_frame.columns))]
    assert fingerprint(mixed_frame, "churn") == fingerprint(shuffled, "churn")
    a = make_task(mixed_frame, "churn", name="first")
    b = make_task(shuffled, "churn", name="renamed")
    assert a.dataset_id == b.dataset_id


def test_changed_content_or_target_changes_the_id(mixed_frame):
    base = fingerprint(mixed_frame, "churn")
    edited = mixed_frame.copy()
    edited.loc[0, "income"] += 1
    assert fingerprint(edited, "churn") != base
    assert fingerprint(mixed_frame, "city") != base
    assert fingerprint(mixed_frame.rename(columns={"age": "years"}), "churn") != base


def test_snapshot_roundtrip_is_idempotent_and_atomic(tmp_path, mixed_frame):
    task = make_task(mixed_frame, "churn", source_path="/x/customers.csv")
    path = write_snapshot(task, tmp_path / "snapshots")
    assert path.name == f"{task.dataset_id}.parquet"
    mtime = path.stat().st_mtime_ns
    assert write_snapshot(task, tmp_path / "snapshots") == path
    assert path.stat().st_mtime_ns == mtime
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left
    frame = read_snapshot(path)
    pd.testing.assert_frame_equal(frame, task.frame, check_dtype=False)
    assert fingerprint(frame, "churn") == task.dataset_id
    assert snapshot_metadata(path)["target"] == "churn"


def test_task_from_snapshot_restores_the_task(tmp_path, mixed_frame):
    task = make_task(mixed_frame, "churn", source_path="/x/customers.csv")
    rebuilt = task_from_snapshot(write_snapshot(task, tmp_path))
    assert rebuilt.dataset_id == task.dataset_id
    assert rebuilt.name == "customers"
    assert rebuilt.task_type == "binary"
    assert rebuilt.target == "churn"
    assert rebuilt.feature_columns == task.feature_columns
    assert dict(rebuilt.excluded) == dict(task.excluded)
    assert rebuilt.feature_roles() == task.feature_roles()
    overridden = task_from_snapshot(tmp_path / f"{task.dataset_id}.parquet", task_type="multiclass")
    assert overridden.task_type == "multiclass"


def test_missing_or_damaged_snapshot(tmp_path):
    with pytest.raises(FileProblem, match="missing"):
        read_snapshot(tmp_path / "nope.parquet")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(FileProblem, match="damaged"):
        task_from_snapshot(bad)


def test_blocks_of_rows_give_the_same_id_and_snapshot(tmp_path, mixed_frame, monkeypatch):
    """Big tables are hashed and written a block of rows at a time (so no single call freezes the
    window); the id and the stored data must not depend on where the blocks split."""
    import importlib

    fingerprint_module = importlib.import_module("metadesk.data.fingerprint")  # not the function
    snapshot_module = importlib.import_module("metadesk.data.snapshot")

    frame = mixed_frame.assign(
        notes=pd.Series([1, "two", None, 4.5] * 10, dtype=object),  # mixed objects: stored as text
        level=pd.Categorical(["low", "high"] * 20),
        since=pd.date_range("2024-01-01", periods=40, freq="D"),
    )
    whole = make_task(frame, "churn", roles={"notes": "categorical"})
    whole_dir = tmp_path / "whole"
    write_snapshot(whole, whole_dir)
    monkeypatch.setattr(fingerprint_module, "_BLOCK_ROWS", 7)
    monkeypatch.setattr(snapshot_module, "_BLOCK_ROWS", 7)
    blocked = make_task(frame, "churn", roles={"notes": "categorical"})
    assert blocked.dataset_id == whole.dataset_id
    path = write_snapshot(blocked, tmp_path / "blocks")
    stored = read_snapshot(path)
    pd.testing.assert_frame_equal(stored, read_snapshot(whole_dir / path.name))
    assert stored["notes"].tolist()[:2] == ["1", "two"] and stored["notes"].isna()[2]
    assert str(stored["level"].dtype) == "category"
    assert fingerprint(stored, "churn") == whole.dataset_id
    assert task_from_snapshot(path).feature_roles() == whole.feature_roles()

"""The workspace file: schema, migrations, refusal of foreign files, the queue's identity rules."""

from __future__ import annotations

import os
import socket
import sqlite3
import threading

import pytest

from metadesk.errors import WorkspaceProblem
from metadesk.knowledge import schema
from metadesk.knowledge.store import SCHEMA_VERSION, Store


def _dataset(store: Store, dataset_id: str = "d1") -> None:
    store.put_dataset(
        {
            "id": dataset_id,
            "name": "tiny",
            "task_type": "binary",
            "target": "y",
            "roles": {"a": "numeric"},
            "feature_roles": [["a", "numeric"]],
            "snapshot_path": "/nowhere.parquet",
            "n_rows": 60,
            "n_features": 1,
        }
    )
    store.put_configurations([{"id": "dummy", "algorithm": "dummy", "params": {}, "label": "D"}])


def _item(key: str = "k1", config: str = "dummy") -> dict:
    return {
        "dataset_id": "d1",
        "configuration_id": config,
        "protocol": {"folds": 3},
        "protocol_key": "cv3",
        "spec_key": key,
    }


def test_new_file_gets_schema_wal_and_foreign_keys(workspace_path):
    store = Store(workspace_path)
    try:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError), store.transaction() as con:
            con.execute(
                "INSERT INTO experiments (dataset_id, configuration_id, protocol, protocol_key,"
                " spec_key, status, queued_at) VALUES ('nope', 'nope', '{}', 'k', 's', 'queued', '')"
            )
    finally:
        store.close()


def test_reopening_keeps_data(workspace_path):
    store = Store(workspace_path)
    _dataset(store)
    store.close()
    again = Store(workspace_path)
    try:
        assert [d["id"] for d in again.datasets()] == ["d1"]
        assert again.dataset("d1")["feature_roles"] == [["a", "numeric"]]
    finally:
        again.close()


def test_a_text_file_is_not_a_workspace(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("hello, this is not a database at all " * 50)
    with pytest.raises(WorkspaceProblem, match="not a metadesk workspace"):
        Store(path)


def test_another_sqlite_database_is_not_a_workspace(tmp_path):
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(WorkspaceProblem, match="not a metadesk workspace"):
        Store(path)


def test_a_newer_workspace_is_refused(workspace_path):
    Store(workspace_path).close()
    con = sqlite3.connect(workspace_path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    with pytest.raises(WorkspaceProblem, match="newer version"):
        Store(workspace_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anything")
def test_a_read_only_workspace_is_refused(workspace_path):
    Store(workspace_path).close()
    workspace_path.chmod(0o444)
    try:
        with pytest.raises(WorkspaceProblem, match="read-only"):
            Store(workspace_path)
    finally:
        workspace_path.chmod(0o644)


def test_migrations_run_forward_from_an_older_file(workspace_path, monkeypatch):
    Store(workspace_path).close()

    def _v2(con):
        con.execute("ALTER TABLE datasets ADD COLUMN note TEXT NOT NULL DEFAULT ''")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, _v2])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    store = Store(workspace_path)
    try:
        assert store.schema_version() == SCHEMA_VERSION + 1
        columns = [r[1] for r in store.con.execute("PRAGMA table_info(datasets)")]
        assert "note" in columns
    finally:
        store.close()


def test_identical_experiments_are_not_queued_twice(workspace_path):
    store = Store(workspace_path)
    try:
        _dataset(store)
        [(first, new)] = store.enqueue([_item()])
        assert new
        [(again, new_again)] = store.enqueue([_item()])
        assert (again, new_again) == (first, False)
        claimed = store.claim_next("me:1")
        assert claimed["id"] == first
        store.finish(first, "ok", result_json="{}", scores={"accuracy": 0.9})
        [(reused, fresh)] = store.enqueue([_item()])
        assert (reused, fresh) == (first, False)
        assert store.experiment(first)["status"] == "ok"
    finally:
        store.close()


def test_failed_experiments_are_requeued_only_when_asked(workspace_path):
    store = Store(workspace_path)
    try:
        _dataset(store)
        [(eid, _)] = store.enqueue([_item()])
        store.claim_next("me:1")
        store.finish(eid, "failed", result_json=None, error="boom")
        assert store.enqueue([_item()]) == [(eid, False)]
        assert store.enqueue([_item()], requeue=lambda row: True) == [(eid, True)]
        assert store.experiment(eid)["status"] == "queued"
    finally:
        store.close()


def test_highest_priority_is_claimed_first(workspace_path):
    store = Store(workspace_path)
    try:
        _dataset(store)
        store.put_configurations([{"id": "other", "algorithm": "dummy"}])
        [(low, _)] = store.enqueue([_item("a")], priority=0)
        [(high, _)] = store.enqueue([_item("b", "other")], priority=5)
        assert store.claim_next("me:1")["id"] == high
        assert store.claim_next("me:1")["id"] == low
        assert store.claim_next("me:1") is None
    finally:
        store.close()


def test_rows_of_a_dead_runner_are_queued_again(workspace_path):
    store = Store(workspace_path)
    try:
        _dataset(store)
        [(eid, _)] = store.enqueue([_item()])
        store.claim_next(f"{socket.gethostname()}:999999999:x")
        assert store.recover_interrupted() == [eid]
        row = store.experiment(eid)
        assert (row["status"], row["interruptions"]) == ("queued", 1)
    finally:
        store.close()


def test_rows_of_a_live_runner_are_left_alone(workspace_path):
    store = Store(workspace_path)
    try:
        _dataset(store)
        store.enqueue([_item()])
        store.claim_next(f"{socket.gethostname()}:{os.getppid()}:x")
        assert store.recover_interrupted() == []
    finally:
        store.close()


def test_two_threads_never_claim_the_same_experiment(workspace_path):
    store = Store(workspace_path)
    try:
        _dataset(store)
        for i in range(20):
            store.put_configurations([{"id": f"c{i}", "algorithm": "dummy"}])
        store.enqueue([_item(f"k{i}", f"c{i}") for i in range(20)])
        claimed: list[int] = []
        lock = threading.Lock()

        def claim():
            while (row := store.claim_next("me:1")) is not None:
                with lock:
                    claimed.append(row["id"])

        threads = [threading.Thread(target=claim) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 20
    finally:
        store.close()


def test_removing_a_dataset_removes_its_experiments(workspace_path):
    store = Store(workspace_path)
    try:
        _dataset(store)
        store.enqueue([_item()])
        store.put_meta_features("d1", [{"name": "nr_inst", "value": 60.0, "status": "computed"}])
        store.remove_dataset("d1")
        assert store.experiments() == [] and store.meta_features("d1") == []
    finally:
        store.close()


def test_the_default_workspace_lives_in_the_user_data_folder(tmp_path, monkeypatch):
    import platformdirs

    from metadesk.knowledge.store import default_path

    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app: str(tmp_path / app))
    assert default_path() == tmp_path / "metadesk" / "workspace.sqlite"
    store = Store(default_path())
    try:
        assert store.path.exists() and store.snapshot_dir == tmp_path / "metadesk" / "snapshots"
    finally:
        store.close()

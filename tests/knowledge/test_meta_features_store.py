"""Meta-features remember the extractor version that computed them; files from before are migrated."""

from __future__ import annotations

import sqlite3

from metadesk.knowledge import schema
from metadesk.knowledge.store import SCHEMA_VERSION, Store


def _dataset_row(dataset_id: str) -> dict:
    return {
        "id": dataset_id,
        "name": dataset_id,
        "task_type": "binary",
        "target": "y",
        "roles": {"a": "numeric"},
        "feature_roles": [["a", "numeric"]],
        "snapshot_path": f"/nowhere/{dataset_id}.parquet",
        "n_rows": 60,
        "n_features": 1,
    }


def _write_schema_1_file(path, monkeypatch) -> None:
    """A workspace as the previous release wrote it: two datasets, meta-features, experiments."""
    with monkeypatch.context() as m:
        m.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
        m.setattr(schema, "SCHEMA_VERSION", 1)
        store = Store(path)
        try:
            assert store.schema_version() == 1
            for dataset_id in ("d1", "d2"):
                store.put_dataset(_dataset_row(dataset_id))
            store.put_configurations([{"id": "dummy", "algorithm": "dummy", "label": "D"}])
            store.enqueue(
                [
                    {
                        "dataset_id": d,
                        "configuration_id": "dummy",
                        "protocol": {"folds": 3},
                        "protocol_key": "cv3",
                        "spec_key": f"k-{d}",
                    }
                    for d in ("d1", "d2")
                ]
            )
            with store.transaction() as con:  # the v1 code's put_meta_features, column for column
                con.execute(
                    "INSERT INTO meta_features (dataset_id, name, value, status, grp, reason) "
                    "VALUES ('d1', 'NumberOfInstances', 60.0, 'computed', 'general', '')"
                )
        finally:
            store.close()


def test_a_schema_1_file_keeps_everything_and_its_meta_features_count_as_stale(
    workspace_path, monkeypatch
):
    _write_schema_1_file(workspace_path, monkeypatch)
    store = Store(workspace_path)
    try:
        assert store.schema_version() == SCHEMA_VERSION >= 2
        assert store.integrity_ok()
        assert [d["id"] for d in store.datasets()] == ["d1", "d2"]
        assert len(store.experiments()) == 2
        assert store.meta_features("d1")[0]["value"] == 60.0
        version, records = store.stored_meta_features("d1")
        assert version == 0 and [r["name"] for r in records] == ["NumberOfInstances"]
        # Unknown version and never computed are both stale, whatever the current version.
        assert store.stale_meta_features(1) == ["d1", "d2"]
    finally:
        store.close()
    con = sqlite3.connect(workspace_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


def test_storing_records_the_version_and_over_budget_values_stay_stale(workspace_path):
    store = Store(workspace_path)
    try:
        for dataset_id in ("d1", "d2", "d3"):
            store.put_dataset(_dataset_row(dataset_id))
        before = store.knowledge_version()
        computed = {"name": "NumberOfInstances", "value": 60.0, "status": "computed"}
        late = {"name": "kNN1NErrRate", "value": None, "status": "over_budget", "reason": "t"}
        assert store.put_meta_features("d1", [computed], version=2)
        assert store.put_meta_features("d2", [computed, late], version=2)
        assert store.put_meta_features("d3", [computed], version=1)
        assert store.stored_meta_features("d1") == (2, [{**computed, "group": "", "reason": ""}])
        assert store.stale_meta_features(2) == ["d2", "d3"]
        assert store.stale_meta_features(2, ["d1", "d3"]) == ["d3"]
        middle = store.knowledge_version()
        assert middle != before
        # Replacing values with as many (over budget retried) still tells the meta-model cache.
        assert store.put_meta_features(
            "d2", [computed, {**late, "value": 0.1, "status": "computed"}], version=2
        )
        assert store.knowledge_version() != middle
        assert store.stale_meta_features(2) == ["d3"]
    finally:
        store.close()


def test_an_unknown_dataset_has_no_stored_meta_features_and_cannot_receive_any(workspace_path):
    store = Store(workspace_path)
    try:
        assert store.stored_meta_features("nope") is None
        assert not store.put_meta_features("nope", [{"name": "x", "value": 1.0}], version=2)
        assert store.all_meta_features() == []
    finally:
        store.close()

"""Stored meta-features follow the extractor's version: older or over-budget values are recomputed,
current ones are read with no extraction, and a whole workspace can be brought up to date."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import metadesk.metafeatures as mf
from metadesk.knowledge import schema
from metadesk.metafeatures.names import FEATURE_NAMES
from metadesk.metafeatures.values import MetaFeatures, MetaFeatureValue
from metadesk.workspace import Workspace

LANDMARKER = "kNN1NErrRate"


class Extractor:
    """Stands in for `extract_meta_features`: counts calls; `over_budget` names come back so."""

    def __init__(self, over_budget: tuple[str, ...] = (), delay: float = 0.0) -> None:
        self.calls: list[str] = []
        self.over_budget = over_budget
        self.delay = delay
        self._lock = threading.Lock()

    def __call__(self, task, **_options) -> MetaFeatures:
        with self._lock:
            self.calls.append(task.dataset_id)
        time.sleep(self.delay)
        return MetaFeatures(
            [
                MetaFeatureValue(n, float("nan"), "over_budget", "landmarking", "budget")
                if n in self.over_budget
                else MetaFeatureValue(n, 0.25, "computed", "general")
                for n in FEATURE_NAMES(task.task_type)
            ]
        )


@pytest.fixture
def extractor(monkeypatch):
    fake = Extractor()
    monkeypatch.setattr(mf, "extract_meta_features", fake)
    return fake


def _frame(seed: int, n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    colour = rng.choice(["red", "green", "blue"], size=n)
    y = np.where(a + rng.normal(scale=0.5, size=n) > 0, "yes", "no")
    return pd.DataFrame({"a": a, "colour": colour, "y": y})


def _add(ws: Workspace, name: str, seed: int = 0) -> str:
    task = ws.make_task(_frame(seed), "y", name=name, folds=3)
    return ws.add_dataset(task).dataset_id


def _store(ws: Workspace, dataset_id: str, values: MetaFeatures, version: int) -> None:
    assert ws.store.put_meta_features(dataset_id, values.to_records(), version=version)


def test_a_workspace_from_before_versions_gets_the_new_features_on_next_access(
    workspace_path, monkeypatch
):
    # The previous release's file: schema 1, meta-features without the Binned family.
    with monkeypatch.context() as m:
        m.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
        m.setattr(schema, "SCHEMA_VERSION", 1)
        with Workspace.open(workspace_path, prior_dir=False) as old:
            dataset_id = _add(old, "tiny")
            with old.store.transaction() as con:
                con.executemany(
                    "INSERT INTO meta_features (dataset_id, name, value, status, grp, reason) "
                    "VALUES (?, ?, 1.0, 'computed', 'general', '')",
                    [(dataset_id, n) for n in FEATURE_NAMES("binary") if "Binned" not in n],
                )
    real = mf.extract_meta_features
    calls = []
    monkeypatch.setattr(mf, "extract_meta_features", lambda t, **k: calls.append(1) or real(t, **k))
    with Workspace.open(workspace_path, prior_dir=False) as ws:
        assert ws.store.integrity_ok()
        events = []
        ws.subscribe(events.append)
        values = ws.meta_features(dataset_id)
        binned = [n for n in values if n.endswith("Binned")]
        assert len(binned) == 14
        assert values["NumberOfInstances"].value == 60
        assert len(calls) == 1
        assert ws.store.stored_meta_features(dataset_id)[0] == mf.METAFEATURES_VERSION
        assert "meta_features" in [e.kind for e in events]
        again = ws.meta_features(dataset_id)
        assert list(again) == list(values) and len(calls) == 1


def test_values_from_an_older_extractor_version_are_replaced(workspace, extractor):
    dataset_id = _add(workspace, "tiny")
    old = MetaFeatures([MetaFeatureValue("NumberOfInstances", 7.0, "computed", "general")])
    _store(workspace, dataset_id, old, version=mf.METAFEATURES_VERSION - 1)
    values = workspace.meta_features(dataset_id)
    assert values["NumberOfInstances"].value == 0.25
    assert list(values) == FEATURE_NAMES("binary")
    stored = MetaFeatures.from_records(workspace.store.meta_features(dataset_id))
    assert list(stored) == list(values)
    assert extractor.calls == [dataset_id]


def test_an_up_to_date_dataset_is_never_recomputed(workspace, extractor):
    dataset_id = _add(workspace, "tiny")
    first = workspace.meta_features(dataset_id)
    for _ in range(3):
        assert list(workspace.meta_features(dataset_id)) == list(first)
    assert workspace.refresh_meta_features() == 0
    assert extractor.calls == [dataset_id]


def test_over_budget_values_are_retried_and_a_late_budget_keeps_earlier_values(
    workspace, extractor
):
    dataset_id = _add(workspace, "tiny")
    stored = MetaFeatures(
        [
            MetaFeatureValue("NumberOfInstances", 60.0, "computed", "general"),
            MetaFeatureValue(LANDMARKER, float("nan"), "over_budget", "landmarking", "budget"),
            MetaFeatureValue("kNN1NAUC", 0.9, "computed", "landmarking"),
        ]
    )
    _store(workspace, dataset_id, stored, version=mf.METAFEATURES_VERSION)
    # The retry computes the landmarker this time but runs out of budget on another one.
    extractor.over_budget = ("kNN1NAUC",)
    values = workspace.meta_features(dataset_id)
    assert extractor.calls == [dataset_id]
    assert values[LANDMARKER].status == "computed" and values[LANDMARKER].value == 0.25
    assert values["kNN1NAUC"].status == "computed" and values["kNN1NAUC"].value == 0.9
    assert workspace.store.stale_meta_features(mf.METAFEATURES_VERSION) == []
    workspace.meta_features(dataset_id)
    assert extractor.calls == [dataset_id]


def test_a_table_always_over_budget_is_retried_once_per_session_not_on_every_read(
    workspace, extractor
):
    dataset_id = _add(workspace, "tiny")
    extractor.over_budget = (LANDMARKER,)
    for _ in range(3):
        assert workspace.meta_features(dataset_id)[LANDMARKER].status == "over_budget"
    assert extractor.calls == [dataset_id]
    # Maintenance retries it all the same.
    assert workspace.refresh_meta_features() == 1
    assert extractor.calls == [dataset_id, dataset_id]


def test_refresh_brings_every_stale_dataset_up_to_date(workspace, extractor):
    current = _add(workspace, "current", seed=1)
    older = _add(workspace, "older", seed=2)
    never = _add(workspace, "never", seed=3)
    workspace.meta_features(current)
    _store(workspace, older, MetaFeatures([]), version=0)
    extractor.calls.clear()
    progress = []
    assert workspace.refresh_meta_features(progress=lambda *a: progress.append(a)) == 2
    assert sorted(extractor.calls) == sorted([older, never])
    assert [p[:2] for p in progress] == [(1, 2), (2, 2)]
    assert workspace.refresh_meta_features() == 0
    _store(workspace, current, MetaFeatures([]), version=1)
    assert workspace.refresh_meta_features([older]) == 0
    assert workspace.refresh_meta_features([current, older]) == 1


def test_refresh_skips_a_dataset_whose_snapshot_is_lost(workspace, extractor):
    lost = _add(workspace, "lost", seed=1)
    kept = _add(workspace, "kept", seed=2)
    Path(workspace.store.dataset(lost)["snapshot_path"]).unlink()
    assert workspace.refresh_meta_features() == 1
    assert extractor.calls == [kept]
    assert workspace.store.stale_meta_features(mf.METAFEATURES_VERSION) == [lost]


def test_threads_reading_a_stale_dataset_together_extract_it_once(workspace, extractor):
    dataset_id = _add(workspace, "tiny")
    extractor.delay = 0.3
    results: list[MetaFeatures] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            results.append(workspace.meta_features(dataset_id))
        except BaseException as exc:  # surfaced by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=read, name=f"reader-{i}") for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert len(results) == 3 and all(list(r) == list(results[0]) for r in results)
    assert extractor.calls == [dataset_id]

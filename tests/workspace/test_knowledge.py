"""Meta-features stored once, cold-start suggestions, and what the leaderboard and suggestions exclude."""

from __future__ import annotations

import math

from workspace_fakes import FakeExecutor

from metadesk.experiments.spec import Protocol

LOGREG = "logreg:C=1"


def test_meta_features_are_computed_once_then_read_from_the_store(
    workspace, dataset_id, monkeypatch
):
    events = []
    workspace.subscribe(events.append)
    first = workspace.meta_features(dataset_id)
    assert first["NumberOfInstances"].value == 60
    import metadesk.metafeatures as mf

    def explode(*a, **k):
        raise AssertionError("computed twice")

    monkeypatch.setattr(mf, "extract_meta_features", explode)
    again = workspace.meta_features(dataset_id)
    assert list(again) == list(first)
    for name in first:
        a, b = first[name], again[name]
        assert a.status == b.status and (
            a.value == b.value or (math.isnan(a.value) and math.isnan(b.value))
        )
    assert [e.kind for e in events].count("meta_features") == 1


def test_cold_start_suggests_a_labelled_default_order(workspace, dataset_id):
    suggestions = workspace.suggest(dataset_id, top=5)
    assert [s.rank for s in suggestions] == [1, 2, 3, 4, 5]
    assert all(s.cold_start for s in suggestions)
    info = workspace.recommender_info("binary")
    assert info["cold_start"] and info["sentence"]


def test_suggestions_leave_out_what_is_queued_or_run(workspace, dataset_id):
    first = workspace.suggest(dataset_id, top=3)
    chosen = [s.configuration.id for s in first[:2]]
    workspace.queue(dataset_id, chosen, protocol=Protocol(folds=3))
    after = {s.configuration.id for s in workspace.suggest(dataset_id)}
    assert not after & set(chosen)
    workspace.start(FakeExecutor())
    assert workspace.wait(timeout=30)
    assert not {s.configuration.id for s in workspace.suggest(dataset_id)} & set(chosen)


def test_leaderboard_has_scores_for_every_metric_and_own_provenance(workspace, dataset_id):
    workspace.queue(dataset_id, [LOGREG], protocol=Protocol(folds=3))
    workspace.start(FakeExecutor())
    assert workspace.wait(timeout=30)
    board = workspace.leaderboard(dataset_id)
    row = board.iloc[0]
    assert row["configuration_id"] == LOGREG and row["provenance"] == "own"
    assert 0 < row["accuracy"] <= 1 and "roc_auc_std" in board.columns
    assert row["label"] and row["algorithm"]

"""Ties with the best, the baseline, the imbalance default and the out-of-fold predictions, as the
workspace and `metadesk results` give them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from inline_executor import InlineExecutor

from metadesk.cli import main
from metadesk.experiments.comparison import compare_with_best
from metadesk.experiments.spec import Protocol

LOGREG = "logreg:C=1"
TREE = "tree:max_depth=3,min_samples_leaf=1"
KNN = "knn:n_neighbors=15"
SMALL = Protocol(folds=3, time_limit_s=60)


def _run(workspace, dataset_id, configs, protocol=SMALL):
    workspace.queue(dataset_id, configs, protocol=protocol)
    workspace.start(InlineExecutor())
    assert workspace.wait(timeout=60)
    workspace.stop()


def test_results_pair_fold_scores_with_the_best_and_show_the_baseline(workspace, dataset_id):
    _run(workspace, dataset_id, [LOGREG, TREE, KNN])
    table = workspace.results(dataset_id, "accuracy")
    board = table.board
    assert board["group"].iloc[0] == "best"
    assert set(board["group"]) <= {"best", "tied", "worse"}
    best = board.iloc[0]
    # The p-values are the corrected t-test on the stored fold scores, nothing else.
    expected = compare_with_best(
        {str(i): s for i, s in enumerate(board["fold_scores"])}, "0", folds=3
    )
    for i, row in board.iterrows():
        assert len(row["fold_scores"]) == 3
        assert row["p_value_vs_best"] == pytest.approx(expected[str(i)].p_value)
        assert row["tied_with_best"] == (row["group"] in ("best", "tied"))
    assert best["tied_with_best"] is True
    b = table.baseline
    assert b is not None and b.label in (
        "Baseline: always predicts 'yes'",
        "Baseline: always predicts 'no'",
    )
    assert len(b.fold_scores["accuracy"]) == 3
    assert b.mean["balanced_accuracy"] == pytest.approx(0.5)
    assert table.notes
    assert "tied with the best" in table.notes[0] or "better than every" in table.notes[0]


def test_runs_on_other_folds_are_not_compared(workspace, dataset_id):
    _run(workspace, dataset_id, [LOGREG, TREE])
    _run(workspace, dataset_id, [KNN], protocol=Protocol(folds=4, time_limit_s=60))
    board = workspace.results(dataset_id, "accuracy").board
    knn = board[board["configuration_id"] == KNN].iloc[0]
    if knn["group"] != "best":
        assert knn["group"] == "not compared" and knn["tied_with_best"] is None


def test_accuracy_close_to_the_baseline_proposes_balanced_accuracy(workspace, tmp_path):
    rng = np.random.default_rng(1)
    n = 200
    noise = rng.normal(size=(n, 2))
    y = np.where(rng.random(n) < 0.1, "rare", "common")  # features carry no signal
    path = tmp_path / "rare.csv"
    pd.DataFrame({"a": noise[:, 0], "b": noise[:, 1], "y": y}).to_csv(path, index=False)
    frame, _ = workspace.read_table(path)
    dataset_id = workspace.add_dataset(workspace.make_task(frame, "y", name="rare")).dataset_id
    assert workspace.default_metric(dataset_id) == "balanced_accuracy"  # a class under 20 %
    _run(workspace, dataset_id, [TREE])
    table = workspace.results(dataset_id, "accuracy")
    assert table.better_metric == "balanced_accuracy"
    assert any("accuracy says little" in n and "'common'" in n for n in table.notes)


def test_a_balanced_table_keeps_accuracy(workspace, dataset_id):
    assert workspace.default_metric(dataset_id) == "accuracy"


def test_out_of_fold_predictions_are_kept_compact_and_cover_every_row(workspace, dataset_id):
    _run(workspace, dataset_id, [LOGREG])
    [e] = workspace.experiments(dataset_id)
    oof = workspace.predictions(e.experiment_id)
    assert oof.n_rows == workspace.dataset(dataset_id).n_rows
    assert oof.classes == ("no", "yes")
    assert oof.proba.shape == (oof.n_rows, 2)
    np.testing.assert_allclose(oof.proba.sum(axis=1), 1.0, atol=1e-3)
    accuracy = float(np.mean(oof.y_true == oof.y_pred))
    assert accuracy == pytest.approx(e.result.mean["accuracy"], abs=0.02)
    count, size = workspace.store.predictions_size(dataset_id)
    assert count == 1 and 0 < size < 5_000


def test_retention_keeps_the_best_runs_predictions(workspace, dataset_id):
    _run(workspace, dataset_id, [LOGREG, TREE, KNN])
    removed = workspace.store.prune_predictions(dataset_id, keep=1)
    assert removed == 2
    kept = [e for e in workspace.experiments(dataset_id) if workspace.predictions(e.experiment_id)]
    best = max(workspace.experiments(dataset_id), key=lambda e: e.result.mean["balanced_accuracy"])
    assert [e.experiment_id for e in kept] == [best.experiment_id]


def test_results_command_lists_ties_and_the_baseline(workspace_path, tiny_csv, capsys):
    argv = ["--workspace", str(workspace_path)]
    target = ["--target", "y"]
    assert main([*argv, "results", str(tiny_csv), *target]) == 2
    assert "Nothing has been run" in capsys.readouterr().err
    configs = ["--configs", f"{LOGREG},{TREE}", "--folds", "3", "--workers", "1"]
    assert main([*argv, "run", str(tiny_csv), *target, *configs]) == 0
    capsys.readouterr()
    assert main([*argv, "results", str(tiny_csv), *target]) == 0
    out = capsys.readouterr().out
    assert "p vs best" in out and "baseline" in out and "Baseline: always predicts" in out
    assert main([*argv, "results", str(tiny_csv), *target, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["metric"] == "accuracy" and data["folds"] == 3
    rows = data["configurations"]
    assert {r["configuration_id"] for r in rows} == {LOGREG, TREE}
    assert all(len(r["fold_scores"]) == 3 and "tied_with_best" in r for r in rows)
    assert rows[0]["tied_with_best"] is True and rows[0]["p_value_vs_best"] == 1.0
    assert data["baseline"]["configuration_id"] == "dummy:strategy=prior"
    assert len(data["baseline"]["fold_scores"]) == 3


def test_new_configurations_without_prior_runs_are_still_suggested(workspace_path, tiny_csv):
    from metadesk.workspace import Workspace

    with Workspace.open(workspace_path) as ws:  # the shipped prior: no runs of these yet
        frame, _ = ws.read_table(tiny_csv)
        dataset_id = ws.add_dataset(ws.make_task(frame, "y", name="tiny")).dataset_id
        suggested = {s.configuration.id for s in ws.suggest(dataset_id)}
        assert "logreg:C=1,class_weight=balanced" in suggested
        assert "tree:class_weight=balanced,max_depth=5,min_samples_leaf=1" in suggested


def test_repeated_cross_validation_pairs_every_repeat(workspace, dataset_id):
    _run(workspace, dataset_id, [LOGREG, TREE, KNN], Protocol(folds=3, repeats=2, time_limit_s=60))
    table = workspace.results(dataset_id, "accuracy")
    assert (table.protocol.folds, table.protocol.repeats) == (3, 2)
    board = table.board
    assert all(len(s) == 6 for s in board["fold_scores"])  # 2 x 3 folds, paired by seed
    expected = compare_with_best(
        {str(i): s for i, s in enumerate(board["fold_scores"])}, "0", folds=3
    )
    assert list(board["p_value_vs_best"]) == pytest.approx([t.p_value for t in expected.values()])
    assert json.loads(json.dumps(board["repeats"].tolist())) == [2, 2, 2]


def test_suggestions_on_a_table_with_a_rare_class_are_ranked_by_balanced_accuracy(
    workspace, tmp_path
):
    rng = np.random.default_rng(2)
    a = rng.normal(size=200)
    path = tmp_path / "fraud.csv"
    pd.DataFrame({"a": a, "y": np.where(a > 1.2, "fraud", "ok")}).to_csv(path, index=False)
    frame, _ = workspace.read_table(path)
    dataset_id = workspace.add_dataset(workspace.make_task(frame, "y", name="fraud")).dataset_id
    assert {s.metric for s in workspace.suggest(dataset_id, top=3)} == {"balanced_accuracy"}

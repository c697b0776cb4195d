"""`run`: cross-validation with every metric in one pass, and failures that become Results."""

from __future__ import annotations

import json

import numpy as np
import pytest
import trial_algorithms
from experiment_tables import ROLES, small_table
from sklearn.metrics import get_scorer
from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold, cross_validate

from metadesk.experiments.runner import fit_final, run
from metadesk.experiments.spec import ExperimentSpec, Protocol, Result
from metadesk.portfolio import build_pipeline, get_configuration


def make_spec(config_id, task_type="binary", path="", **protocol) -> ExperimentSpec:
    configuration = get_configuration(config_id) if isinstance(config_id, str) else config_id
    return ExperimentSpec(
        dataset_id="toy",
        snapshot_path=path,
        target="y",
        task_type=task_type,
        roles=ROLES,
        configuration=configuration,
        protocol=Protocol(**{"folds": 3, **protocol}),
    )


@pytest.mark.parametrize(
    ("task_type", "config_id", "scorers"),
    [
        (
            "binary",
            "logreg:C=1",
            {
                "accuracy": "accuracy",
                "balanced_accuracy": "balanced_accuracy",
                "roc_auc": "roc_auc",
                "log_loss": "neg_log_loss",
                "f1_macro": "f1_macro",
            },
        ),
        (
            "multiclass",
            "lda:shrinkage=true",
            {"accuracy": "accuracy", "roc_auc": "roc_auc_ovr", "log_loss": "neg_log_loss"},
        ),
        (
            "regression",
            "ridge:alpha=1",
            {"r2": "r2", "rmse": "neg_root_mean_squared_error", "mae": "neg_mean_absolute_error"},
        ),
    ],
)
def test_scores_match_scikit_learn_cross_validate(task_type, config_id, scorers):
    table = small_table(task_type)
    spec = make_spec(config_id, task_type, folds=3, repeats=2, seed=7)
    result = run(spec, table)
    assert result.status == "ok", result.details

    splitter = (
        RepeatedKFold(n_splits=3, n_repeats=2, random_state=7)
        if task_type == "regression"
        else RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=7)
    )
    pipe = build_pipeline(get_configuration(config_id), ROLES, task_type, seed=7)
    expected = cross_validate(
        pipe,
        table[[c for c, _ in ROLES]],
        table["y"],
        cv=splitter,
        scoring={m: get_scorer(s) for m, s in scorers.items()},
    )
    for metric, scorer in scorers.items():
        sign = -1.0 if scorer.startswith("neg_") else 1.0
        assert result.fold_scores[metric] == pytest.approx(
            list(sign * expected[f"test_{metric}"]), rel=1e-9
        ), metric
        assert result.mean[metric] == pytest.approx(
            float(np.mean(sign * expected[f"test_{metric}"]))
        )
    assert len(result.fold_scores[next(iter(scorers))]) == 6


def test_a_result_carries_all_metrics_timings_memory_and_versions():
    result = run(make_spec("hist_gb:learning_rate=0.1,max_leaf_nodes=31"), small_table())
    assert set(result.mean) == {"accuracy", "balanced_accuracy", "roc_auc", "log_loss", "f1_macro"}
    assert set(result.std) == set(result.mean)
    assert result.fit_seconds > 0 and result.predict_seconds > 0
    assert result.wall_seconds >= result.fit_seconds
    assert result.peak_memory_mb > 0
    assert {"python", "scikit-learn", "numpy", "pandas", "metadesk"} <= set(result.versions)
    assert Result.from_json(result.to_json()) == result
    json.loads(result.to_json())


def test_the_same_spec_gives_the_same_scores_and_the_seed_changes_the_folds():
    table = small_table("regression")
    first = run(make_spec("knn:n_neighbors=5", "regression"), table)
    again = run(make_spec("knn:n_neighbors=5", "regression"), table)
    other = run(make_spec("knn:n_neighbors=5", "regression", seed=1), table)
    assert first.fold_scores == again.fold_scores
    assert first.fold_scores != other.fold_scores


def test_reads_the_snapshot_when_no_table_is_given(snapshot):
    path = snapshot("binary")
    from_file = run(make_spec("logreg:C=1", path=path))
    in_memory = run(make_spec("logreg:C=1"), small_table())
    assert from_file.ok and from_file.fold_scores == in_memory.fold_scores


def test_row_cap_takes_a_stratified_sample():
    table = small_table("binary", n=150)
    result = run(make_spec("dummy:strategy=prior", max_rows=60, folds=3), table)
    assert result.ok
    # A prior baseline on a balanced stratified sample is right about half the time in every fold.
    assert result.fold_scores["accuracy"] == pytest.approx([0.5, 0.5, 0.5], abs=0.06)


def test_an_experiment_that_raises_becomes_a_failed_result_with_a_plain_message():
    trial_algorithms.register()
    result = run(make_spec(trial_algorithms.configuration("exploding")), small_table())
    assert result.status == "failed"
    assert "the solver diverged" in result.error
    assert "Traceback" not in result.error
    assert "Traceback" in result.details and "ValueError" in result.details
    assert result.mean == {} and result.fold_scores == {}


def test_a_missing_snapshot_fails_with_a_hint(tmp_path):
    result = run(make_spec("logreg:C=1", path=str(tmp_path / "gone.parquet")))
    assert result.status == "failed"
    assert "missing" in result.error and "Load the table again" in result.error


def test_a_target_with_one_class_fails_plainly():
    table = small_table()
    table["y"] = "yes"
    result = run(make_spec("logreg:C=1"), table)
    assert result.status == "failed" and "only one class" in result.error


def test_fit_final_fits_on_every_row_and_predicts():
    table = small_table("multiclass", n=60)
    model = fit_final(make_spec("hist_gb:learning_rate=0.1,max_leaf_nodes=31", "multiclass"), table)
    predictions = model.predict(table[[c for c, _ in ROLES]])
    assert set(predictions) <= {"a", "b", "c"}
    assert model.named_steps["model"].n_iter_ > 0

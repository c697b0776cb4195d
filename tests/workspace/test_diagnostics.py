"""Out-of-fold predictions stored compactly, the diagnostics drawn from them, permutation importance
and the HTML report's new sections."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from inline_executor import InlineExecutor
from sklearn.metrics import roc_auc_score

from metadesk.experiments.predictions import OutOfFold, decode, encode
from metadesk.experiments.spec import Protocol, Result
from metadesk.report import diagnostic_plots, export_report
from metadesk.workspace.diagnostics import diagnostics, permutation_importance

SMALL = Protocol(folds=3, time_limit_s=60)


def _binary_oof(n: int, seed: int = 0) -> OutOfFold:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    p = np.clip(0.3 + 0.4 * (y - 0.3) + rng.normal(scale=0.2, size=n), 0, 1)
    return OutOfFold("binary", y, (p > 0.5).astype(int), ("no", "yes"), np.column_stack([1 - p, p]))


def test_a_100000_row_table_stores_its_predictions_in_under_2_mb():
    binary = encode(_binary_oof(100_000))
    rng = np.random.default_rng(1)
    proba = rng.dirichlet(np.ones(10), size=100_000)
    ten = OutOfFold(
        "multiclass", rng.integers(0, 10, 100_000), proba.argmax(1), tuple("abcdefghij"), proba
    )
    regression = OutOfFold("regression", rng.normal(size=100_000), rng.normal(size=100_000))
    for blob in (binary, encode(ten), encode(regression)):
        assert len(blob) < 2 * 1024 * 1024
    back = decode(encode(ten))
    assert back.classes == tuple("abcdefghij")
    np.testing.assert_allclose(back.proba, proba, atol=1 / 255)  # 1/255 steps, many classes


def test_the_predictions_travel_apart_from_the_result_json():
    result = Result("d", "c", "ok", predictions=b"blob")
    assert "predictions" not in result.to_json()
    assert Result.from_json(result.to_json()).predictions == b""


def test_diagnostics_agree_with_scikit_learn():
    oof = _binary_oof(2000)
    found = diagnostics(oof)
    assert found.confusion.sum() == 2000
    assert found.confusion[1, 1] == int(((oof.y_true == 1) & (oof.y_pred == 1)).sum())
    [roc] = found.roc
    decoded = decode(encode(oof))  # what the store gives back (float16 probabilities)
    assert roc.area == pytest.approx(roc_auc_score(oof.y_true, decoded.proba[:, 1]), abs=1e-3)
    assert roc.name == "yes" and len(roc.x) <= 400
    [pr] = found.precision_recall
    assert pr.prevalence == pytest.approx(oof.y_true.mean())
    assert found.calibration and len(found.calibration[0].x) <= 10
    for key, _text in diagnostic_plots.views_for("binary"):
        assert diagnostic_plots.BUILDERS[key](found).axes  # every plot draws


def test_regression_diagnostics_sample_the_rows():
    rng = np.random.default_rng(0)
    y = rng.normal(size=10_000)
    found = diagnostics(OutOfFold("regression", y, y + rng.normal(scale=0.1, size=10_000)))
    assert found.confusion is None and len(found.actual) == 4000 and found.n_rows == 10_000
    for key, _text in diagnostic_plots.views_for("regression"):
        assert diagnostic_plots.BUILDERS[key](found).axes


@pytest.fixture
def signal_only_in_a(workspace, tmp_path):
    rng = np.random.default_rng(3)
    n = 300
    a, b, c = rng.normal(size=(3, n))
    frame = pd.DataFrame({"a": a, "b": b, "c": c, "y": np.where(a > 0, "yes", "no")})
    path = tmp_path / "signal.csv"
    frame.to_csv(path, index=False)
    loaded, _ = workspace.read_table(path)
    return workspace.add_dataset(workspace.make_task(loaded, "y", name="signal")).dataset_id


def test_permutation_importance_finds_the_column_that_matters(workspace, signal_only_in_a):
    table = permutation_importance(workspace, signal_only_in_a, "logreg:C=1", "accuracy")
    assert list(table.columns) == ["column", "importance", "std"]
    assert table.iloc[0]["column"] == "a" and table.iloc[0]["importance"] > 0.2
    assert (table.iloc[1:]["importance"].abs() < 0.05).all()


def test_the_report_shows_ties_baseline_and_the_best_runs_diagnostics(
    workspace, signal_only_in_a, tmp_path
):
    workspace.queue(signal_only_in_a, ["logreg:C=1", "knn:n_neighbors=15"], protocol=SMALL)
    workspace.start(InlineExecutor())
    assert workspace.wait(60)
    workspace.stop()
    path = export_report(workspace, signal_only_in_a, tmp_path / "report.html")
    text = path.read_text(encoding="utf-8")
    assert "Against the best" in text and "<b>best</b>" in text
    assert "tied with the best" in text or "worse (p" in text
    assert "Baseline: always predicts" in text and "score to beat" in text
    assert "Diagnostics of the best run" in text
    assert text.count("data:image/png;base64,") >= 5  # scores, progress and 4 diagnostics

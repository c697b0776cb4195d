"""The report says which cleaning steps were applied and which model Predict and Export use."""

from __future__ import annotations

import numpy as np
import pandas as pd
from inline_executor import InlineExecutor

from metadesk.experiments.spec import Protocol
from metadesk.report import export_report
from metadesk.workspace import Workspace


def test_the_report_names_the_cleaning_and_the_model(tmp_path):
    rng = np.random.default_rng(0)
    n = 60
    frame = pd.DataFrame(
        {
            "customer_id": range(n),  # an identifier: left out, and the report says so
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
        }
    )
    frame["y"] = np.where(frame["a"] + rng.normal(scale=0.3, size=n) > 0, "yes", "no")
    source = tmp_path / "customers.csv"
    frame.to_csv(source, index=False)
    ws = Workspace.open(tmp_path / "ws.sqlite", prior_dir=False)
    try:
        loaded, _ = ws.read_table(source)
        dataset_id = ws.add_dataset(ws.make_task(loaded, "y", name="customers")).dataset_id
        ws.queue(dataset_id, ["logreg:C=1"], protocol=Protocol(folds=2))
        ws.start(InlineExecutor())
        assert ws.wait(120)
        before = export_report(ws, dataset_id, tmp_path / "first.html").read_text(encoding="utf-8")
        ws.export_model(dataset_id, "logreg:C=1", tmp_path / "churn model.skops")
        text = export_report(ws, dataset_id, tmp_path / "report.html").read_text(encoding="utf-8")
    finally:
        ws.close()
    assert "Cleaning" in text and "customer_id" in text and "not used" in text
    assert "median imputation" in text
    assert "Model to use" in text and "Logistic regression" in text
    assert "churn model.skops" not in before
    assert "model of <b>Logistic regression, C 1</b>" in text and "churn model.skops" in text


def _rendered(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def test_run_numbers_on_predicted_vs_measured_do_not_cover_each_other():
    from metadesk.report import plots as report_plots

    # Eight runs, five of them within 0.004 of each other (two exactly alike).
    predicted = [0.95, 0.951, 0.952, 0.96, 0.949, 0.95, 0.953, 0.97]
    measured = [0.951, 0.95, 0.953, 0.958, 0.95, 0.951, 0.952, 0.968]
    fig = report_plots.predicted_vs_measured(
        [str(i) for i in range(1, 9)], predicted, [0.94] * 8, [0.97] * 8, measured,
        metric_label="Accuracy",
    )  # fmt: skip
    renderer = _rendered(fig)
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts]
    assert len(boxes) == 8
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    # Nor does a number sit on another run's point.
    points = fig.axes[0].transData.transform(list(zip(predicted, measured, strict=True)))
    for i, box in enumerate(boxes):
        for j, (x, y) in enumerate(points):
            if j != i and not (predicted[j] == predicted[i] and measured[j] == measured[i]):
                assert not box.contains(x, y), (i + 1, j + 1)


def test_the_score_plots_axis_label_is_not_cut():
    from metadesk.report import plots as report_plots

    labels = ["Extra trees, square root of the features per split, 5 rows per leaf", "Logreg"]
    fig = report_plots.score_by_configuration(
        labels, [0.97, 0.96], [0.01, 0.01], metric_label="Balanced accuracy",
        provenance=["own", "own"], lower_is_better=False,
    )  # fmt: skip
    renderer = _rendered(fig)
    label = fig.axes[0].xaxis.label.get_window_extent(renderer)
    assert label.x0 >= 0 and label.x1 <= fig.bbox.width

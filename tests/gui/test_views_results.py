# ruff: noqa: F811 (pytest fixtures imported from views_support)
"""The Results view: a leaderboard sorted best first with provenance, the metric picker and column
toggle, the three plots, and using a result (predict on a new file, export a model and a report)."""

from __future__ import annotations

import pandas as pd
from views_support import (  # noqa: F401 (fixtures)
    FAST,
    prior_folder,
    run_and_wait,
    set_dataset_and_wait,
    showing,
    table,
    use_result,
    views_bridge,
    views_workspace,
)

from metadesk.gui.views.results import ResultsView


def _view(qtbot, bridge) -> ResultsView:
    return showing(qtbot, ResultsView(bridge), (1100, 750))


def _shown(qtbot, view, dataset_id) -> None:
    set_dataset_and_wait(qtbot, view, view.results_changed, dataset_id)


def test_leaderboard_is_sorted_best_first_with_provenance(qtbot, views_bridge, views_workspace):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, FAST[:3])
    view = _view(qtbot, views_bridge)
    _shown(qtbot, view, dataset_id)
    model = view.model
    assert model.rowCount() == 4  # three runs and the baseline row
    scores = list(model.frame["accuracy"])
    assert scores == sorted(scores, reverse=True)
    assert model.index(0, 0).data() == "1"
    cell = model.index(0, 2).data()
    assert "±" in cell and "(2-fold)" in cell  # "0.867 ± 0.019 (2-fold)"
    source = model.columns.index("provenance")
    assert sorted(model.index(r, source).data() for r in range(4)) == ["own run"] * 3 + [
        "reference"
    ]
    verdict = model.columns.index("verdict")
    assert model.index(0, verdict).data() == "best"
    from PySide6.QtCore import Qt

    second = model.index(1, verdict)
    assert second.data() in ("tied with the best",) or second.data().startswith("worse")
    assert "against the best on the same folds" in second.data(Qt.ItemDataRole.ToolTipRole)
    assert view.notes.text()  # what the comparison means, in words
    baseline = [r for r in range(4) if model.is_baseline(r)]
    assert len(baseline) == 1 and model.index(baseline[0], 0).data() == ""
    assert "Baseline: always predicts" in model.index(baseline[0], 1).data()
    assert "3 runs" in view.title.text()
    # The plots drew real figures: bars for three configurations (and the baseline as a dashed
    # line, not a bar), a best-so-far step line.
    axes = view.plots.score_plot.figure.axes[0]
    assert len(axes.patches) == 3
    assert any(line.get_linestyle() == "--" for line in axes.lines)
    assert view.plots.progress_plot.figure.axes[0].lines
    assert view.predict_button.isEnabled() and view.export_report_button.isEnabled()


def test_metric_picker_and_column_toggle(qtbot, views_bridge, views_workspace):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, FAST[:2])
    view = _view(qtbot, views_bridge)
    _shown(qtbot, view, dataset_id)
    other = view.model.other_column("roc_auc")
    assert view.table.isColumnHidden(other)  # other metrics on demand only
    view.show_metric_column("roc_auc", True)
    assert not view.table.isColumnHidden(other)
    with qtbot.waitSignal(view.results_changed, timeout=30_000):
        view.metric_picker.setCurrentIndex(view.metric_picker.findData("log_loss"))
    assert view.model.metric == "log_loss"
    losses = list(view.model.frame["log_loss"])
    assert losses == sorted(losses)  # lower is better: best first
    assert view.model.headerData(2, _horizontal(), 0) == "Log loss\n(mean ± std)"


def _horizontal():
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def test_predicted_against_measured_uses_held_out_predictions(qtbot, views_bridge, views_workspace):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, FAST[:3])
    view = _view(qtbot, views_bridge)
    _shown(qtbot, view, dataset_id)
    qtbot.waitUntil(lambda: len(view.plots.held_out) >= 3, timeout=60_000)
    from matplotlib.collections import PathCollection

    scatters = [
        c
        for c in view.plots.predicted_plot.figure.axes[0].collections
        if isinstance(c, PathCollection)
    ]
    assert sum(len(c.get_offsets()) for c in scatters) == 3  # one point per own run


def test_predict_on_a_new_file_and_export_a_report(qtbot, views_bridge, views_workspace, tmp_path):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, FAST[:2])
    view = _view(qtbot, views_bridge)
    _shown(qtbot, view, dataset_id)
    new = tmp_path / "new customers.csv"
    table(15, seed=7).drop(columns=["y"]).to_csv(new, index=False)
    out = tmp_path / "predictions.xlsx"
    done = use_result(qtbot, view, view.predict_button, out, new)
    assert done[1] == str(out)
    written = pd.read_excel(out, engine="openpyxl")
    assert len(written) == 15 and "probability of yes" in written.columns
    assert "written to predictions.xlsx" in view.feedback.text()

    report = tmp_path / "report.html"
    use_result(qtbot, view, view.export_report_button, report)
    text = report.read_text(encoding="utf-8")
    assert "data:image/png;base64," in text and "&lt;i&gt;churn&lt;/i&gt;" in text


def test_export_model_writes_a_skops_file(qtbot, views_bridge, views_workspace, tmp_path):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, FAST[:1])
    view = _view(qtbot, views_bridge)
    _shown(qtbot, view, dataset_id)
    done = use_result(qtbot, view, view.export_model_button, tmp_path / "best model")
    assert done[1].endswith("best model.skops")
    assert (tmp_path / "best model.skops").read_bytes()[:2] == b"PK"

    # The model comes back: opened (types checked), described, and used on a new table.
    new = tmp_path / "new.csv"
    table(9, seed=5).drop(columns=["y"]).to_csv(new, index=False)
    answers = [str(tmp_path / "best model.skops"), str(new)]
    view.use_result.ask_open_path = lambda *a: answers.pop(0)
    view.use_result.ask_save_path = lambda *a: str(tmp_path / "again.csv")
    with qtbot.waitSignal(view.use_result.done, timeout=60_000):
        view.open_model_button.click()
    written = pd.read_csv(tmp_path / "again.csv")
    assert len(written) == 9 and "predicted y" in written.columns


def test_a_failed_action_says_so_without_a_dialog_in_tests(
    qtbot, views_bridge, views_workspace, tmp_path
):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, FAST[:1])
    view = _view(qtbot, views_bridge)
    _shown(qtbot, view, dataset_id)
    partial = tmp_path / "partial.csv"
    table(5).drop(columns=["b", "y"]).to_csv(partial, index=False)
    view.use_result.ask_open_path = lambda *a: str(partial)
    view.use_result.ask_save_path = lambda *a: str(tmp_path / "out.csv")
    with qtbot.waitSignal(views_bridge.unhandled_error, timeout=120_000) as blocker:
        view.predict_button.click()
    assert "'b'" in str(blocker.args[0])
    assert "failed" in view.feedback.text()


def test_an_action_asked_for_before_results_arrive_runs_when_they_do(
    qtbot, views_bridge, views_workspace, tmp_path
):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, FAST[:1])
    view = _view(qtbot, views_bridge)
    report = tmp_path / "early.html"
    view.use_result.ask_save_path = lambda *a: str(report)
    view.set_dataset(dataset_id)
    view.export_report()  # e.g. from the menu, before the first refresh came back
    with qtbot.waitSignal(view.use_result.done, timeout=120_000):
        pass
    assert report.is_file()


def test_no_result_yet_says_so(qtbot, views_bridge, views_workspace):
    _ws, dataset_id = views_workspace
    view = _view(qtbot, views_bridge)
    _shown(qtbot, view, dataset_id)
    assert not view.predict_button.isEnabled()
    view.predict_on_new_file()
    assert "Run an experiment first" in view.feedback.text()


def test_diagnostics_follow_the_selected_run_and_importance_is_measured_on_request(
    qtbot, views_bridge, views_workspace
):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, FAST[:2])
    view = _view(qtbot, views_bridge)
    with qtbot.waitSignal(view.plots.diagnostics.drawn, timeout=60_000):
        _shown(qtbot, view, dataset_id)
    view.plots.setCurrentWidget(view.plots.diagnostics)
    panel = view.plots.diagnostics
    picker = [panel.view_picker.itemText(i) for i in range(panel.view_picker.count())]
    assert picker == ["Confusion matrix", "ROC curve", "Precision–recall", "Calibration"]
    assert panel.diagnostics.confusion.sum() == 60  # every row, predicted out of fold
    assert panel.canvas.figure.axes[0].images  # the matrix
    panel.view_picker.setCurrentIndex(1)
    assert "AUC" in panel.canvas.figure.axes[0].get_legend().get_texts()[-1].get_text()
    with qtbot.waitSignal(panel.drawn, timeout=60_000):
        view.table.selectRow(1)  # another run: its own diagnostics
    assert "Out-of-fold predictions of" in panel.subject.text()

    view.plots.setCurrentWidget(view.plots.importance)
    assert view.plots.importance.measure_button.isEnabled()
    with qtbot.waitSignal(view.plots.importance.drawn, timeout=120_000):
        view.plots.importance.measure_button.click()
    assert set(view.plots.importance.table["column"]) == {"a", "b", "colour"}
    assert len(view.plots.importance.canvas.figure.axes[0].patches) == 3

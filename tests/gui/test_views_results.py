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
    assert model.rowCount() == 3
    scores = list(model.frame["accuracy"])
    assert scores == sorted(scores, reverse=True)
    assert model.index(0, 0).data() == "1"
    cell = model.index(0, 2).data()
    assert "±" in cell and "(2-fold)" in cell  # "0.867 ± 0.019 (2-fold)"
    source = model.columns.index("provenance")
    assert {model.index(r, source).data() for r in range(3)} == {"own run"}
    assert "3 runs" in view.title.text()
    # The plots drew real figures: bars for three configurations, a best-so-far step line.
    assert len(view.score_plot.figure.axes[0].patches) == 3
    assert view.progress_plot.figure.axes[0].lines
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
    qtbot.waitUntil(lambda: len(view.held_out) >= 3, timeout=60_000)
    from matplotlib.collections import PathCollection

    scatters = [
        c for c in view.predicted_plot.figure.axes[0].collections if isinstance(c, PathCollection)
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


def test_a_failed_action_says_so_without_a_dialog_in_tests(
    qtbot, views_bridge, views_workspace, tmp_path
):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, FAST[:1])
    view = _view(qtbot, views_bridge)
    _shown(qtbot, view, dataset_id)
    partial = tmp_path / "partial.csv"
    table(5).drop(columns=["b", "y"]).to_csv(partial, index=False)
    view.actions.ask_open_path = lambda *a: str(partial)
    view.actions.ask_save_path = lambda *a: str(tmp_path / "out.csv")
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
    view.actions.ask_save_path = lambda *a: str(report)
    view.set_dataset(dataset_id)
    view.export_report()  # e.g. from the menu, before the first refresh came back
    with qtbot.waitSignal(view.actions.done, timeout=120_000):
        pass
    assert report.is_file()


def test_no_result_yet_says_so(qtbot, views_bridge, views_workspace):
    _ws, dataset_id = views_workspace
    view = _view(qtbot, views_bridge)
    _shown(qtbot, view, dataset_id)
    assert not view.predict_button.isEnabled()
    view.predict_on_new_file()
    assert "Run an experiment first" in view.feedback.text()

"""The Suggestions view: ranked configurations with intervals and reasons, live re-ranking as results
arrive, the run actions, and an honest default-order banner on a cold start."""

# ruff: noqa: F811 (pytest fixtures imported from views_support)
from __future__ import annotations

from PySide6.QtCore import Qt
from views_support import (  # noqa: F401 (fixtures)
    FAST,
    add_table,
    prior_folder,
    run_and_wait,
    set_dataset_and_wait,
    showing,
    table,
    views_bridge,
    views_workspace,
)

from metadesk.gui.views.suggestions import SuggestionsView
from metadesk.knowledge.dataset_names import plain_name


def _view(qtbot, bridge, app_settings) -> SuggestionsView:
    return showing(qtbot, SuggestionsView(bridge, settings=app_settings), (1000, 600))


def _shown(qtbot, view, dataset_id):
    return set_dataset_and_wait(qtbot, view, view.suggestions_changed, dataset_id)


def test_suggestions_show_predictions_reasons_and_the_recommender(
    qtbot, views_bridge, views_workspace, app_settings
):
    _ws, dataset_id = views_workspace
    view = _view(qtbot, views_bridge, app_settings)
    suggestions = _shown(qtbot, view, dataset_id)
    assert suggestions and view.model.rowCount() == len(suggestions)
    assert not view.banner.isVisible()  # learned from the prior, not a default order
    assert view.sentence.isVisible() and view.sentence.text().startswith("Suggestions")
    first = suggestions[0]
    label = view.model.index(0, 1).data()
    assert label == first.configuration.label
    predicted = view.model.index(0, 2).data()
    assert f"{first.predicted:.3f}" in predicted and "–" in predicted  # "0.870 (0.840–0.900)"
    header = view.model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    assert header.replace("\n", " ") == "Predicted Accuracy (80% interval)"  # on two lines
    # "Why" leads with what sets a row apart: its place in the order when a row below is
    # predicted higher, else its scores on the similar datasets.
    for row, s in enumerate(suggestions):
        if s.cold_start or s.configuration.algorithm == "dummy":
            continue  # unknown to the knowledge / a baseline, listed last and labelled so
        why = view.model.index(row, 3).data()
        tip = view.model.index(row, 3).data(Qt.ItemDataRole.ToolTipRole)
        if s.order_note:
            assert s.order_note.startswith(why) and tip.startswith(s.order_note)
            assert any(t.predicted > s.predicted for t in suggestions[row + 1 :])
        else:
            assert why.startswith(f"{s.evidence[0].score:.3f}")  # what differs between rows
            assert plain_name(s.evidence[0].dataset_name) in why
            assert f"similarity {s.evidence[0].similarity:.2f}" in tip
            assert not any(
                t.predicted > s.predicted + 1e-9
                for t in suggestions[row + 1 :]
                if t.configuration.algorithm != "dummy"
            )
    # Tooltips name configurations in words, never by their identifier.
    assert view.model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) != first.configuration.id
    assert view.table.selectionModel().hasSelection()
    detail = view.detail.toPlainText()
    assert first.configuration.label in detail and "Why" in detail
    assert f"Ranked from {view.recommender['label']}" in detail  # in words, not an identifier
    assert "Run top 3" in view.run_top_button.text().replace("&", "")


def test_ranking_changes_when_a_result_arrives(qtbot, views_bridge, views_workspace, app_settings):
    ws, dataset_id = views_workspace
    view = _view(qtbot, views_bridge, app_settings)
    before = [s.configuration.id for s in _shown(qtbot, view, dataset_id)]
    with qtbot.waitSignal(view.suggestions_changed, timeout=60_000) as blocker:
        run_and_wait(ws, dataset_id, before[:1])  # a real experiment finishes in the background
    after = [s.configuration.id for s in blocker.args[0]]
    assert before[0] not in after  # what was run is no longer suggested
    assert after != before[1:] or len(after) == len(before) - 1


def test_run_top_n_queues_that_many_experiments(qtbot, views_bridge, views_workspace, app_settings):
    ws, dataset_id = views_workspace
    view = _view(qtbot, views_bridge, app_settings)
    suggestions = _shown(qtbot, view, dataset_id)
    view.top_n.setValue(2)
    assert view.run_top_button.text().replace("&", "") == "Run top 2"
    with qtbot.waitSignal(view.experiments_queued, timeout=30_000) as blocker:
        view.run_top_button.click()
    assert len(blocker.args[0]) == 2
    queued = {e.configuration_id for e in ws.experiments(dataset_id)}
    assert {s.configuration.id for s in suggestions[:2]} <= queued
    assert "Queued 2 experiments" in view.feedback.text()
    assert ws.wait(120)


def test_run_selected_queues_only_the_selection(qtbot, views_bridge, views_workspace, app_settings):
    ws, dataset_id = views_workspace
    view = _view(qtbot, views_bridge, app_settings)
    suggestions = _shown(qtbot, view, dataset_id)
    view.table.selectRow(1)
    with qtbot.waitSignal(view.experiments_queued, timeout=30_000):
        view.run_selected_button.click()
    assert [e.configuration_id for e in ws.experiments(dataset_id)] == [
        suggestions[1].configuration.id
    ]
    assert ws.wait(120)


def test_cold_start_shows_the_default_order_banner(qtbot, bridge, app_settings, tmp_path):
    bridge.show_error_dialogs = False
    dataset_id = add_table(bridge.workspace, table(40), tmp_path, "first")
    view = _view(qtbot, bridge, app_settings)
    suggestions = _shown(qtbot, view, dataset_id)
    assert suggestions and all(s.cold_start for s in suggestions)
    assert view.banner.isVisible() and "Default order" in view.banner.text()
    assert view.model.index(0, 2).data() == "not predicted"  # no invented number
    assert "nan" not in view.detail.toPlainText().lower()


def test_sorting_by_prediction_leaves_the_order_to_run_them(
    qtbot, views_bridge, views_workspace, app_settings
):
    _ws, dataset_id = views_workspace
    view = _view(qtbot, views_bridge, app_settings)
    suggestions = _shown(qtbot, view, dataset_id)
    view.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    shown = [s.predicted for s in view.model.suggestions()]
    assert shown == sorted(shown, reverse=True)
    assert view.model.index(0, 0).data() == str(view.model.suggestions()[0].rank)
    # "Run top N" still runs the first N in the suggested order, not the first rows shown.
    assert [s.configuration.id for s in view.model.ranked()[:3]] == [
        s.configuration.id for s in suggestions[:3]
    ]
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [s.rank for s in view.model.suggestions()] == sorted(s.rank for s in suggestions)

""" "Find the best model…": the search runs off the GUI thread, draws its best score as it goes,
stops when asked, and the Results leaderboard marks the configurations it found."""

# ruff: noqa: F811 (pytest fixtures imported from views_support)
from __future__ import annotations

from views_support import (  # noqa: F401 (fixtures)
    prior_folder,
    set_dataset_and_wait,
    showing,
    views_bridge,
    views_workspace,
)

from metadesk.gui.views.leaderboard_model import LeaderboardModel
from metadesk.gui.views.suggestions import SuggestionsView


def test_find_the_best_model_runs_draws_stops_and_marks_tuned_results(
    qtbot, views_bridge, views_workspace, app_settings
):
    ws, dataset_id = views_workspace
    view = showing(qtbot, SuggestionsView(views_bridge, settings=app_settings), (1000, 600))
    set_dataset_and_wait(qtbot, view, view.suggestions_changed, dataset_id)
    assert view.tune_button.isEnabled()
    view.tune_button.click()
    dialog = view.tune_dialog
    qtbot.addWidget(dialog)
    assert [dialog.budget.itemText(i) for i in range(dialog.budget.count())] == [
        "1 minute",
        "5 minutes",
        "15 minutes",
        "1 hour",
    ]
    dialog.budget.setCurrentIndex(0)
    dialog.start_button.click()
    assert dialog.running and dialog.stop_button.isEnabled() and not dialog.budget.isEnabled()

    def enough_trials():
        snap = dialog._snapshot
        assert snap is not None and snap.trials >= 10 and dialog.best.isVisible()

    qtbot.waitUntil(enough_trials, timeout=60_000)
    assert "Best so far:" in dialog.best.text() and "5-fold" in dialog.best.text()
    assert "trials" in dialog.status.text()
    with qtbot.waitSignal(dialog.finished_search, timeout=20_000) as finished:
        dialog.stop_button.click()
    snap = finished.args[0]
    assert snap.stopped == "user" and snap.best is not None
    assert dialog.status.text().startswith("Done (stopped)")
    assert dialog.start_button.text().replace("&", "") == "Search again"
    qtbot.waitUntil(lambda: bool(dialog.plot.figure is not None and dialog.plot.figure.axes))
    assert dialog.plot.figure.axes[0].get_ylabel() == "Accuracy"
    assert ws.experiments(dataset_id, ("queued", "running")) == []

    model = LeaderboardModel()
    model.set_frame(ws.leaderboard(dataset_id), "accuracy", "binary")
    names = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert any(n.startswith("★ ") and n.endswith("(tuned)") for n in names)
    assert any(not n.startswith("★") for n in names)  # shipped ones stay unmarked
    dialog.close()

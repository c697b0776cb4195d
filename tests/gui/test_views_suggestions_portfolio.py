# ruff: noqa: F811 (pytest fixtures imported from views_support)
"""Running the whole portfolio says how many runs and about how long, and waits for a yes."""

from __future__ import annotations

from views_support import (  # noqa: F401 (fixtures)
    FAST,
    prior_folder,
    run_and_wait,
    set_dataset_and_wait,
    showing,
    views_bridge,
    views_workspace,
)

from metadesk.gui.views.suggestions import SuggestionsView


def test_the_whole_portfolio_is_estimated_and_confirmed_first(
    qtbot, views_bridge, views_workspace, app_settings
):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, FAST[:1])
    view = showing(qtbot, SuggestionsView(views_bridge, settings=app_settings), (1024, 600))
    set_dataset_and_wait(qtbot, view, view.suggestions_changed, dataset_id)
    ws.pause()  # nothing starts while the test looks at the queue
    asked = []
    view.confirm = lambda title, text, detail: asked.append((text, detail)) and False
    view.run_all_button.click()
    qtbot.waitUntil(lambda: bool(asked), timeout=30_000)
    text, detail = asked[0]
    assert f"all {view.model.rowCount()} configurations" in text
    assert detail.startswith("About ") and "worker" in detail and "took" in detail
    assert not [e for e in ws.experiments(dataset_id) if e.status == "queued"]  # said no

    view.confirm = lambda *a: True
    with qtbot.waitSignal(view.experiments_queued, timeout=30_000) as blocker:
        view.run_all_button.click()
    assert blocker.args[0]  # queued once confirmed

"""A cancelled (or failed, or timed-out) experiment can be queued again from the dock."""

from __future__ import annotations

from metadesk.gui.views.queue_dock import QueueDock
from metadesk.gui.workers import WorkspaceBridge


def _select(dock, row: int) -> None:
    # Not selectRow: it follows the keyboard modifiers, which an earlier key click may leave set.
    from PySide6.QtCore import QItemSelectionModel

    flags = QItemSelectionModel.SelectionFlag
    dock.table.selectionModel().select(dock.model.index(row, 0), flags.ClearAndSelect | flags.Rows)


def test_a_cancelled_experiment_is_run_again_from_the_dock(qtbot, workspace, make_csv):
    frame, _report = workspace.read_table(make_csv())
    info = workspace.add_dataset(workspace.make_task(frame, "churn", name="stored"))
    first, second = workspace.queue(info.dataset_id, ["logreg:C=1", "knn:n_neighbors=5"])
    workspace.cancel(first)
    bridge = WorkspaceBridge(workspace)
    try:
        dock = QueueDock(bridge)
        qtbot.addWidget(dock)
        with qtbot.waitSignal(dock.workers_changed, timeout=10_000):
            dock.refresh()
        rows = {dock.model.row_at(r).experiment_id: r for r in range(dock.model.rowCount())}
        _select(dock, rows[second])
        assert not dock.retry_button.isEnabled()  # still waiting: nothing to run again
        _select(dock, rows[first])
        assert dock.retry_button.isEnabled() and dock.cancel_button.isEnabled() is False
        with qtbot.waitSignal(dock.workers_changed, timeout=10_000):
            dock.retry_button.click()
        status = {e.experiment_id: e.status for e in workspace.experiments(info.dataset_id)}
        assert status[first] == "queued"
    finally:
        bridge.shutdown()


def test_a_new_number_of_workers_applies_without_a_restart(qtbot, window, workspace):
    workspace.start(workers=1)
    qtbot.waitUntil(lambda: workspace.workers_status()["total"] == 1, timeout=30_000)
    before = (window.settings.workers, window.settings.scheduler or "")
    window.settings.workers = 2
    window.menus.apply_run_settings(before)
    qtbot.waitUntil(lambda: workspace.workers_status()["total"] == 2, timeout=30_000)
    qtbot.waitUntil(lambda: "2 workers" in window.statusBar().currentMessage(), timeout=10_000)
    assert workspace.running


def test_one_dataset_in_the_queue_gives_the_names_the_dataset_columns_room(
    qtbot, workspace, make_csv
):
    from metadesk.gui.views.queue_model import QueueModel

    frame, _report = workspace.read_table(make_csv())
    info = workspace.add_dataset(workspace.make_task(frame, "churn", name="stored"))
    workspace.queue(info.dataset_id, ["logreg:C=1"])
    bridge = WorkspaceBridge(workspace)
    try:
        dock = QueueDock(bridge)
        qtbot.addWidget(dock)
        with qtbot.waitSignal(dock.workers_changed, timeout=10_000):
            dock.refresh()
        assert dock.table.isColumnHidden(QueueModel.COL_DATASET)
        assert "stored" in dock.summary_label.text()
    finally:
        bridge.shutdown()

# ruff: noqa: F811 (pytest fixtures imported from views_support)
"""Taking things back in the window: remove an import in the Knowledge view, run a failed
experiment again from the dock, and set the memory limit per experiment."""

from __future__ import annotations

import sqlite3

from views_support import (  # noqa: F401 (fixtures)
    FAST,
    prior_folder,
    run_and_wait,
    set_dataset_and_wait,
    showing,
    views_bridge,
    views_workspace,
)

from metadesk.gui.views.knowledge import KnowledgeView
from metadesk.gui.views.queue_dock import QueueDock
from metadesk.metamodel import write_exchange


def test_an_import_is_listed_and_removed_in_the_knowledge_view(
    qtbot, views_bridge, views_workspace, tmp_path
):
    ws, dataset_id = views_workspace
    md = ws.knowledge.prior()
    ws.import_knowledge(*write_exchange(md, tmp_path / "shared", "csv"))
    view = showing(qtbot, KnowledgeView(views_bridge), (1000, 700))
    snap = set_dataset_and_wait(qtbot, view, view.knowledge_shown, dataset_id)
    assert [e.import_id for e in snap.imports] == ["1"]
    panel = view.imports_panel
    view.tabs.setCurrentWidget(panel)
    assert panel.model.rowCount() == 1 and not panel.remove_button.isEnabled()
    assert "shared" in panel.model.index(0, 4).data()
    panel.table.selectRow(0)
    assert panel.remove_button.isEnabled()
    panel.confirm_remove = lambda entry: True
    with qtbot.waitSignal(view.knowledge_shown, timeout=60_000) as blocker:
        panel.remove_button.click()
    assert blocker.args[0].imports == ()
    assert ws.knowledge_imports() == []
    assert view.feedback.text().startswith("Removed import 1")
    assert panel.model.rowCount() == 0 and "Nothing imported yet" in panel.empty_label.text()


def test_run_again_queues_a_failed_experiment_from_the_dock(qtbot, views_bridge, views_workspace):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, FAST[:1])
    [eid] = [e.experiment_id for e in ws.experiments(dataset_id)]
    with sqlite3.connect(ws.path) as con:  # as a worker killed from outside leaves it
        con.execute("UPDATE experiments SET status = 'failed', error = 'ended from outside'")
    con.close()
    dock = QueueDock(views_bridge)
    qtbot.addWidget(dock)
    dock.refresh()
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1, timeout=30_000)
    assert not dock.retry_button.isEnabled()
    dock.table.selectRow(0)
    assert dock.retry_button.isEnabled() and not dock.cancel_button.isEnabled()
    dock.retry_button.click()
    qtbot.waitUntil(
        lambda: ws.experiments(dataset_id)[0].status in ("queued", "running", "ok"),
        timeout=30_000,
    )
    assert ws.experiments(dataset_id)[0].experiment_id == eid


def test_the_memory_limit_is_a_setting_used_for_new_experiments(qtbot, app_settings):
    from metadesk.gui.dialogs.settings_dialog import SettingsDialog

    assert app_settings.protocol().memory_limit_mb == 4096
    dialog = SettingsDialog(app_settings)
    qtbot.addWidget(dialog)
    assert dialog.memory_spin.value() == 4
    dialog.memory_spin.setValue(12)
    dialog.accept()
    assert app_settings.memory_limit_mb == 12 * 1024
    assert app_settings.protocol().memory_limit_mb == 12 * 1024

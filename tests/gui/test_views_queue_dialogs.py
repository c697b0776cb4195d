"""What the queue dock and the dialogs say in each state: no made-up ETA while paused, failures in
words, and dialogs without dead buttons or stale answers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PySide6.QtCore import Qt

from metadesk.experiments.spec import Result
from metadesk.gui.views.queue_dock import QueueDock
from metadesk.gui.views.queue_model import QueueModel, QueueSnapshot, summary_text
from metadesk.workspace.service import ExperimentRow


def _iso(seconds_ago: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(seconds=seconds_ago)).isoformat()


def _row(eid, status, *, started=None, finished=None, result=None, error=""):
    return ExperimentRow(
        experiment_id=eid,
        dataset_id="d1",
        configuration_id=f"rf:{eid}",
        configuration_label=f"Random forest {eid}",
        status=status,
        priority=0,
        queued_at=_iso(100),
        started_at=started,
        finished_at=finished,
        result=result,
        algorithm="random_forest",
        error=error,
    )


def _snapshot(rows, *, paused=False, typical=40.0):
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    return QueueSnapshot(
        rows,
        {"d1": "churn"},
        {"random_forest": typical, "": typical},
        {"busy": 1, "free": 1, "total": 2},
        paused,
        counts,
    )


def _column(model, col):
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_waiting_experiments_say_paused_instead_of_an_eta(qtbot):
    rows = [
        _row(1, "running", started=_iso(10)),
        _row(2, "queued"),
        _row(3, "interrupted"),
    ]
    model = QueueModel()
    model.set_snapshot(_snapshot(rows, paused=True))
    remaining = _column(model, QueueModel.COL_ETA)
    assert remaining[0].startswith("~")  # a running experiment goes on to the end
    assert remaining[1:] == ["paused", "paused"]
    tip = model.index(1, QueueModel.COL_ETA).data(Qt.ItemDataRole.ToolTipRole)
    assert "resume" in tip

    model.set_snapshot(_snapshot(rows, paused=False))
    remaining = _column(model, QueueModel.COL_ETA)
    assert all(text.startswith("~") for text in remaining)
    # One worker frees in ~30 s, the other is free now: the interrupted one starts at once and
    # the queued one after the running one, so each ends about a typical run later.
    assert remaining[1] != "~0 s" and remaining[2] != "~0 s"


def test_a_late_experiment_pushes_the_waiting_ones_back_instead_of_counting_to_zero(qtbot):
    rows = [_row(1, "running", started=_iso(200)), _row(2, "running", started=_iso(200))]
    rows.append(_row(3, "queued"))
    model = QueueModel()
    model.set_snapshot(_snapshot(rows, typical=40.0))  # both running ones are long overdue
    assert _column(model, QueueModel.COL_ETA) == ["any moment", "any moment", "~40 s"]
    model.tick()
    assert model.index(2, QueueModel.COL_ETA).data() == "~40 s"


def test_no_estimate_before_a_first_result_says_so():
    model = QueueModel()
    snapshot = _snapshot([_row(1, "running", started=_iso(5)), _row(2, "queued")])
    model.set_snapshot(
        QueueSnapshot(snapshot.rows, snapshot.dataset_names, {}, snapshot.workers, False)
    )
    assert _column(model, QueueModel.COL_ETA) == ["not known yet", "not known yet"]


def test_failures_show_why_in_the_result_column():
    ok = Result("d1", "rf:1", "ok", mean={"accuracy": 0.9}, std={"accuracy": 0.01})
    rows = [
        _row(1, "ok", started=_iso(9), finished=_iso(5), result=ok),
        _row(2, "failed", started=_iso(9), finished=_iso(8), error="The features contain inf.\nx"),
        _row(3, "timeout", started=_iso(900), finished=_iso(300), error="Stopped after 10 min."),
        _row(4, "cancelled", error="Cancelled by you."),
    ]
    model = QueueModel()
    model.set_snapshot(_snapshot(rows))
    assert model.headerData(QueueModel.COL_SCORE, Qt.Orientation.Horizontal) == "Result"
    assert _column(model, QueueModel.COL_SCORE) == [
        "Accuracy 0.900 ± 0.010",
        "The features contain inf.",
        "Stopped after 10 min.",
        "",
    ]
    assert _column(model, QueueModel.COL_STATE) == ["Done", "Failed", "Timed out", "Cancelled"]
    tip = model.index(1, QueueModel.COL_STATE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("The features contain inf.")


def test_the_summary_line_reads_naturally_in_every_state():
    assert summary_text({}, False).startswith("No experiments yet")
    assert summary_text({}, True).startswith("Paused")
    assert summary_text({"running": 1, "queued": 3, "ok": 12}, False) == (
        "1 running · 3 waiting · 12 done"
    )
    assert summary_text({"ok": 2, "failed": 1, "timeout": 1, "cancelled": 1}, False) == (
        "Nothing running · 2 done · 2 failed · 1 cancelled"
    )
    paused = summary_text({"running": 1, "queued": 2, "ok": 1}, True)
    assert (
        paused == "<b>Paused</b> · 2 waiting until you resume · 1 still running to the end · 1 done"
    )
    assert "0 running" not in summary_text({"queued": 2}, False)


def test_cancel_selected_is_only_offered_for_unfinished_experiments(qtbot, bare_bridge):
    dock = QueueDock(bare_bridge)
    qtbot.addWidget(dock)
    ok = Result("d1", "rf:1", "ok", mean={"accuracy": 0.9})
    dock._show(_snapshot([_row(1, "ok", result=ok), _row(2, "queued")]))
    assert not dock.cancel_button.isEnabled()
    dock.table.selectRow(0)  # a finished one: nothing to cancel
    assert not dock.cancel_button.isEnabled()
    dock.table.selectRow(1)
    assert dock.cancel_button.isEnabled()
    assert "Paused" not in dock.summary_label.text()
    dock._show(_snapshot([_row(2, "queued")], paused=True))
    assert dock.summary_label.text().startswith("<b>Paused</b>")
    assert dock.pause_button.text() == "Resume all"


def test_a_user_error_has_no_dead_details_button(qtbot):
    from metadesk.errors import FileProblem
    from metadesk.gui.dialogs.error import ErrorDialog

    dialog = ErrorDialog(FileProblem("The file is empty.", "Pick another file."))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.details_button.isVisible()
    try:
        raise KeyError("x")
    except KeyError as exc:
        bug = ErrorDialog(exc)
    qtbot.addWidget(bug)
    bug.show()
    assert bug.details_button.isVisible()
    bug.details_button.click()
    assert bug.details_edit.isVisible() and "KeyError" in bug.details_edit.toPlainText()


def test_settings_explain_each_choice_and_forget_stale_test_answers(
    qtbot, app_settings, bare_bridge
):
    from PySide6.QtWidgets import QLabel

    from metadesk.gui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(app_settings, bare_bridge)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "steadier scores" in texts and "run on this computer" in texts
    assert not dialog.test_label.isVisible()  # no empty gap before a test was run
    dialog.scheduler_edit.setText("tcp://a:8786")
    dialog._show_test("✗ No Dask scheduler answers at tcp://a:8786.")
    assert dialog.test_label.isVisible()
    dialog.scheduler_edit.setText("tcp://b:8786")  # the answer was about another address
    assert not dialog.test_label.isVisible()


def test_about_box_says_where_it_runs_and_where_the_log_is(qtbot):
    from PySide6.QtWidgets import QLabel

    from metadesk.gui.dialogs.about import AboutDialog

    dialog = AboutDialog(log_file="/tmp/metadesk.log")
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any(t.startswith("Running on ") for t in texts)
    assert any("/tmp/metadesk.log" in t for t in texts)

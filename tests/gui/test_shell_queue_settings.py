"""The queue dock follows the workspace's events; settings and the frame model behave."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd

from metadesk.experiments.spec import Result
from metadesk.gui.frame_model import FrameModel
from metadesk.gui.settings import AppSettings
from metadesk.gui.views.queue_dock import QueueDock
from metadesk.workspace.events import Event, Finished, Queued, Started
from metadesk.workspace.service import DatasetInfo, ExperimentRow

# What the real workspace sends with each kind (an event is refused without its payload).
_PAYLOADS = {
    "queued": Queued((1,)),
    "started": Started("logreg:C=1", "Logistic regression"),
    "finished": Finished("ok", "logreg:C=1", "Logistic regression", {"accuracy": 0.9}),
}


def _iso(seconds_ago: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(seconds=seconds_ago)).isoformat()


class FakeQueueWorkspace:
    """Just enough of a workspace for the queue: rows change, then events are sent from a thread."""

    def __init__(self):
        self.rows: list[ExperimentRow] = []
        self.listeners = []
        self.cancelled: list[int] = []
        self.paused = False

    def subscribe(self, listener):
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    def send(self, kind, experiment_id=None):
        thread = threading.Thread(
            target=lambda: [
                f(Event(kind, "d1", experiment_id, _PAYLOADS.get(kind)))
                for f in list(self.listeners)
            ]
        )
        thread.start()
        thread.join()

    def experiments(self, dataset_id=None, statuses=None):
        return list(self.rows)

    def datasets(self):
        return [DatasetInfo("d1", "churn", "binary", "y", 100, 5, "", "", _iso(60))]

    def workers_status(self):
        running = sum(r.status == "running" for r in self.rows)
        return {"busy": running, "free": 2 - running, "total": 2}

    def cancel(self, experiment_id):
        self.cancelled.append(experiment_id)

    def cancel_all(self):
        self.cancelled.extend(r.experiment_id for r in self.rows if r.status == "queued")

    def pause(self):
        self.paused = True

    def resume(self):
        self.paused = False


def _row(eid, status, started=None, finished=None, result=None):
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
    )


def _states(dock):
    m = dock.model
    return {m.index(r, 0).data(): m.index(r, 2).data() for r in range(m.rowCount())}


def test_queue_dock_follows_queued_running_finished(qtbot, bare_bridge):
    ws = FakeQueueWorkspace()
    bare_bridge.set_workspace(ws)
    dock = QueueDock(bare_bridge)
    qtbot.addWidget(dock)

    ws.rows = [_row(1, "queued"), _row(2, "queued")]
    with qtbot.waitSignal(dock.workers_changed):
        ws.send("queued", 1)
    assert _states(dock) == {"Random forest 1": "Waiting", "Random forest 2": "Waiting"}
    assert "2 waiting" in dock.summary_label.text()

    ws.rows = [_row(1, "running", started=_iso(3)), _row(2, "queued")]
    with qtbot.waitSignal(dock.workers_changed) as workers:
        ws.send("started", 1)
    assert _states(dock)["Random forest 1"] == "Running"
    assert workers.args[0] == {"busy": 1, "free": 1, "total": 2}
    assert dock.model.index(0, 3).data().endswith("s")  # elapsed shown
    assert dock.model.index(0, 4).data() == "not known yet"  # no finished run to go by yet

    result = Result(
        "d1", "rf:1", "ok", mean={"accuracy": 0.875}, std={"accuracy": 0.02}, wall_seconds=4.0
    )
    ws.rows = [
        _row(1, "ok", started=_iso(5), finished=_iso(1), result=result),
        _row(2, "running", started=_iso(1)),
    ]
    with qtbot.waitSignal(dock.workers_changed):
        ws.send("finished", 1)
    states = _states(dock)
    assert states == {"Random forest 1": "Done", "Random forest 2": "Running"}
    done_row = next(r for r in range(2) if dock.model.row_at(r).experiment_id == 1)
    assert dock.model.index(done_row, 5).data() == "Accuracy 0.875 ± 0.020"
    running_row = 1 - done_row
    assert dock.model.index(running_row, 4).data().startswith("~")  # ETA from the finished run


def test_cancel_selected_cancel_all_and_pause(qtbot, bare_bridge):
    ws = FakeQueueWorkspace()
    ws.rows = [_row(1, "running", started=_iso(2)), _row(2, "queued"), _row(3, "queued")]
    bare_bridge.set_workspace(ws)
    dock = QueueDock(bare_bridge)
    qtbot.addWidget(dock)
    with qtbot.waitSignal(dock.workers_changed):
        dock.refresh()
    dock.table.selectRow(1)
    with qtbot.waitSignal(dock.workers_changed):
        dock.cancel_button.click()
    assert ws.cancelled == [dock.model.row_at(1).experiment_id]
    with qtbot.waitSignal(dock.workers_changed):
        dock.pause_button.click()
    assert ws.paused and dock.pause_button.text() == "Resume all"
    with qtbot.waitSignal(dock.workers_changed):
        dock.pause_button.click()
    assert not ws.paused and dock.pause_button.text() == "Pause all"


def test_settings_persist(tmp_path, qtbot, bare_bridge):
    from PySide6.QtCore import QSettings

    from metadesk.gui.dialogs.settings_dialog import SettingsDialog

    path = str(tmp_path / "prefs.ini")
    settings = AppSettings(QSettings(path, QSettings.Format.IniFormat))
    dialog = SettingsDialog(settings, bare_bridge)
    qtbot.addWidget(dialog)
    dialog.workers_spin.setValue(3)
    dialog.scheduler_edit.setText("tcp://10.0.0.5:8786")
    dialog.folds_spin.setValue(10)
    dialog.repeats_spin.setValue(3)
    dialog.time_spin.setValue(5)
    dialog.metric_combo.setCurrentIndex(dialog.metric_combo.findData("roc_auc"))
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    dialog.accept()

    again = AppSettings(QSettings(path, QSettings.Format.IniFormat))
    assert again.workers == 3
    assert again.scheduler == "tcp://10.0.0.5:8786"
    assert again.folds == 10
    assert again.time_limit_s == 300.0
    assert again.default_metric == "roc_auc"
    assert again.theme == "dark"
    assert again.protocol().folds == 10
    assert again.protocol().repeats == 3  # repeated cross-validation: 3 x 10-fold


def test_recent_files_are_most_recent_first_without_duplicates(app_settings, tmp_path):
    for name in ("a.csv", "b.csv", "a.csv"):
        app_settings.add_recent_file(tmp_path / name)
    assert [p.rsplit("/", 1)[-1] for p in app_settings.recent_files] == ["a.csv", "b.csv"]


def test_theme_palettes_differ_and_plots_follow(qtbot):
    from PySide6.QtWidgets import QApplication

    from metadesk.gui.palette import apply_theme, is_dark, mpl_rcparams

    app = QApplication.instance()
    try:
        assert apply_theme(app, "dark") == "dark"
        assert is_dark()
        dark_bg = mpl_rcparams()["axes.facecolor"]
        assert apply_theme(app, "light") == "light"
        assert not is_dark()
        assert mpl_rcparams()["axes.facecolor"] != dark_bg
    finally:
        apply_theme(app, "light")


def test_frame_model_over_a_million_rows_formats_only_what_is_asked():
    frame = pd.DataFrame(
        {
            "x": np.arange(1_000_000, dtype=float) / 3,
            "n": np.arange(1_000_000),
            "when": pd.date_range("2024-01-01", periods=1_000_000, freq="min"),
            "label": pd.Categorical(["a", "b"] * 500_000),
            "city": pd.array([f"c{i}" for i in range(1_000_000)], dtype="str"),
        }
    )
    frame.loc[5, "x"] = np.nan
    model = FrameModel(frame)
    assert model.rowCount() == 1_000_000 and model.columnCount() == 5
    for row in (0, 255, 256, 257, 999_999):  # text is read block by block: check the seams
        assert model.index(row, 4).data() == f"c{row}"
    assert model.index(999_999, 1).data() == "999999"
    assert model.index(1, 0).data() == "0.333333"
    assert model.index(5, 0).data() == ""  # missing reads as empty
    assert model.index(0, 2).data() == "2024-01-01"
    assert model.index(1, 2).data() == "2024-01-01 00:01:00"
    assert model.index(1, 3).data() == "b"
    model.set_target("label")
    from PySide6.QtCore import Qt

    assert model.headerData(3, Qt.Orientation.Horizontal) == "label (target)"
    assert model.headerData(0, Qt.Orientation.Vertical) == "1"


def test_test_connection_reports_the_cluster_or_the_problem(
    qtbot, app_settings, bare_bridge, monkeypatch
):
    import metadesk.experiments.cluster as cluster
    from metadesk.errors import ExecutionProblem
    from metadesk.gui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(app_settings, bare_bridge)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(
        cluster, "check_scheduler", lambda address: f"Connected to {address}: 3 workers."
    )
    dialog.scheduler_edit.setText("tcp://cluster:8786")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_label.text().startswith("✓"))
    assert "3 workers" in dialog.test_label.text()

    def unreachable(address):
        raise ExecutionProblem(
            "No Dask scheduler answers at tcp://cluster:8786.", "Check the address."
        )

    monkeypatch.setattr(cluster, "check_scheduler", unreachable)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_label.text().startswith("✗"))
    assert "No Dask scheduler answers" in dialog.test_label.text()

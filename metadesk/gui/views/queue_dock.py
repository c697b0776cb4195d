"""The experiment queue as a dock: state, elapsed time and ETA of each experiment, cancel, pause.

Rows are fetched on a worker thread whenever the workspace reports a change; a one-second timer only
re-reads cached timestamps to advance the clocks.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from metadesk.gui.views.queue_model import (
    ACTIVE,
    QUEUE_EVENTS,
    STATE_WORDS,
    QueueModel,
    QueueSnapshot,
    fetch_queue,
    format_seconds,
    summary_text,
)
from metadesk.workspace.events import ExecutorError

if TYPE_CHECKING:
    from metadesk.gui.workers import WorkspaceBridge

__all__ = ["QueueDock", "QueueModel", "QueueSnapshot", "fetch_queue", "format_seconds"]


# Finished without a result: these can be queued again.
RETRYABLE = frozenset({"cancelled", "failed", "timeout", "interrupted"})


class QueueDock(QDockWidget):
    """The queue: cancel the selected experiment or all, run failed ones again, pause and resume."""

    workers_changed = Signal(object)  # {'busy', 'free', 'total'}
    executor_error = Signal(str)

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__("Experiments", parent)
        self.setObjectName("QueueDock")
        self.setAccessibleName("Experiment queue")
        self.bridge = bridge
        self.model = QueueModel(self)
        self.paused = False

        self.summary_label = QLabel("No experiments yet.")
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.summary_label.setAccessibleName("Queue summary")
        self.pause_button = QPushButton("Pause all")
        self.pause_button.setAccessibleName("Pause or resume all experiments")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button = QPushButton("Cancel selected")
        self.cancel_button.setAccessibleName("Cancel selected experiments")
        self.cancel_button.setToolTip("Cancel the selected experiments that have not finished")
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.retry_button = QPushButton("Run again")
        self.retry_button.setAccessibleName("Run the selected experiments again")
        self.retry_button.setToolTip(
            "Queue the selected cancelled, failed or timed-out experiments again"
        )
        self.retry_button.clicked.connect(self.retry_selected)
        self.cancel_all_button = QPushButton("Cancel all")
        self.cancel_all_button.setAccessibleName("Cancel all experiments")
        self.cancel_all_button.setToolTip("Cancel every running and waiting experiment")
        self.cancel_all_button.clicked.connect(self.cancel_all)
        self.finished_check = QCheckBox("Show finished")
        self.finished_check.setToolTip("Also list the most recent finished experiments")
        self.finished_check.setChecked(True)
        self.finished_check.toggled.connect(self.model.set_show_finished)

        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.table.setAccessibleName("Experiments")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QueueModel.COL_CONFIG, QHeaderView.ResizeMode.Stretch)
        # Widths from the longest words each column can show, not from the rows (no measuring).
        metrics, pad = self.fontMetrics(), 28
        samples = {
            QueueModel.COL_DATASET: ["a dataset name here"],
            QueueModel.COL_STATE: list(STATE_WORDS.values()),
            QueueModel.COL_ELAPSED: ["Elapsed", "59 min 59 s"],
            QueueModel.COL_ETA: ["not known yet", "~59 min 59 s"],
            QueueModel.COL_SCORE: ["Balanced accuracy 0.999 ± 0.999"],
        }
        for col, texts in samples.items():
            header.resizeSection(col, max(metrics.horizontalAdvance(t) for t in texts) + pad)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        bar = QHBoxLayout()
        bar.addWidget(self.summary_label, 1)
        bar.addWidget(self.finished_check)
        bar.addWidget(self.pause_button)
        bar.addWidget(self.retry_button)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.cancel_all_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.setWidget(body)

        self._refresh_timer = QTimer(self)  # coalesce bursts of events into one fetch
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self.refresh)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self.model.tick)
        self._clock.start()
        bridge.event.connect(self._on_event)
        self._update_buttons()

    def _on_event(self, event) -> None:
        if isinstance(event.payload, ExecutorError):
            self.executor_error.emit(event.payload.message)
        if event.kind in QUEUE_EVENTS:
            self._refresh_timer.start()

    def refresh(self) -> None:
        ws = self.bridge.workspace
        if ws is None:
            return
        self.bridge.call(
            lambda: fetch_queue(ws),
            self._show,
            key="queue-refresh",
            description="",
        )

    def _show(self, snapshot: QueueSnapshot) -> None:
        selected = self.selected_ids()
        self.model.set_snapshot(snapshot)
        self.paused = snapshot.paused
        summary = summary_text(snapshot.counts, self.paused)
        # One dataset in the list: its name goes in the summary, and the configuration names get
        # the Dataset column's room (at 1024 px they would be cut otherwise).
        datasets = {self.model.row_at(i).dataset_id for i in range(self.model.rowCount())}
        one = len(datasets) == 1
        self.table.setColumnHidden(QueueModel.COL_DATASET, one)
        if one:
            (only,) = datasets
            name = snapshot.dataset_names.get(only, "")
            if name:
                summary = f"{summary} · all for <b>{html.escape(name)}</b>"
        self.summary_label.setText(summary)
        selection = self.table.selectionModel()
        for i in range(self.model.rowCount()):
            if self.model.row_at(i).experiment_id in selected:
                selection.select(
                    self.model.index(i, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )
        self._update_buttons()
        self.workers_changed.emit(snapshot.workers)

    def set_shortcut_texts(self, pause: str, cancel_all: str) -> None:
        """The window's shortcuts for these buttons, said in their tooltips."""
        self._pause_keys, self._cancel_all_keys = pause, cancel_all
        self.cancel_all_button.setToolTip(
            f"Cancel every running and waiting experiment ({cancel_all})"
        )
        self._update_buttons()

    def _update_buttons(self, *_args) -> None:
        self.pause_button.setText("Resume all" if self.paused else "Pause all")
        keys = getattr(self, "_pause_keys", "")
        self.pause_button.setToolTip(
            (
                "Waiting experiments start again"
                if self.paused
                else "Running experiments finish; waiting ones do not start until you resume"
            )
            + (f" ({keys})" if keys else "")
        )
        active = any(r.status in ACTIVE for r in self.model.snapshot.rows)
        self.cancel_all_button.setEnabled(active)
        self.cancel_button.setEnabled(bool(self._selected_active_ids()))
        self.retry_button.setEnabled(bool(self._selected_ids_with(RETRYABLE)))

    def _selected_active_ids(self) -> list[int]:
        return self._selected_ids_with(ACTIVE)

    def _selected_ids_with(self, statuses) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [
            self.model.row_at(r).experiment_id
            for r in rows
            if r < self.model.rowCount() and self.model.row_at(r).status in statuses
        ]

    def retry_selected(self) -> None:
        """Queue the selected cancelled, failed or timed-out experiments again."""
        ws = self.bridge.workspace
        ids = self._selected_ids_with(RETRYABLE)
        if ws is None or not ids:
            return

        def retry() -> None:
            for eid in ids:
                ws.retry(eid)

        self.bridge.call(retry, lambda _r: self.refresh(), description="Queueing experiments again")

    def selected_ids(self) -> set[int]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return {self.model.row_at(r).experiment_id for r in rows if r < self.model.rowCount()}

    def cancel_selected(self) -> None:
        ws = self.bridge.workspace
        ids = self._selected_active_ids()
        if ws is None or not ids:
            return

        def cancel() -> None:
            for eid in ids:
                ws.cancel(eid)

        self.bridge.call(cancel, lambda _r: self.refresh(), description="Cancelling experiments")

    def cancel_all(self) -> None:
        ws = self.bridge.workspace
        if ws is not None:
            self.bridge.call(
                ws.cancel_all, lambda _r: self.refresh(), description="Cancelling all experiments"
            )

    def toggle_pause(self) -> None:
        ws = self.bridge.workspace
        if ws is None:
            return
        action = ws.resume if self.paused else ws.pause
        self.bridge.call(
            action,
            lambda _r: self.refresh(),
            description="Resuming experiments" if self.paused else "Pausing experiments",
        )

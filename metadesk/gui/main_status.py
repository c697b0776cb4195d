"""The main window's status bar: what runs in the background, the workspace's folder and the
experiment workers. `StatusArea` owns its labels; the window's messages go to the bar itself."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from metadesk.gui.workers import WorkspaceBridge


class StatusArea(QObject):
    """Fills `bar` and keeps it current with the bridge's activity."""

    def __init__(self, bar: QStatusBar, bridge: WorkspaceBridge) -> None:
        super().__init__(bar)
        self.bridge = bridge
        self.busy_label = QLabel()
        self.busy_progress = QProgressBar()
        self.busy_progress.setRange(0, 0)
        self.busy_progress.setMaximumWidth(90)
        self.busy_progress.setMaximumHeight(12)
        self.busy_progress.setTextVisible(False)
        self.busy_progress.setAccessibleName("Working in the background")
        self.workers_label = QLabel("Workers: starting…")
        self.workers_label.setAccessibleName("Workers")
        self.workspace_label = QLabel("Opening the workspace…")
        self.workspace_label.setStyleSheet("color: palette(placeholder-text);")
        bar.addWidget(self.busy_progress)
        bar.addWidget(self.busy_label)
        bar.addPermanentWidget(self.workspace_label)
        bar.addPermanentWidget(self.workers_label)
        bridge.activity_changed.connect(self.show_activity)
        self.show_activity()

    def show_activity(self) -> None:
        descriptions = self.bridge.running_descriptions()
        self.busy_progress.setVisible(bool(descriptions))
        self.busy_label.setText(f"{descriptions[0]}…" if descriptions else "")

    def show_workers(self, workers: dict[str, int]) -> None:
        if not workers:
            self.workers_label.setText("Workers: not started")
            return
        busy, free = workers.get("busy", 0), workers.get("free", 0)
        self.workers_label.setText(f"Workers: {busy} busy · {free} free")
        self.workers_label.setToolTip(f"{workers.get('total', busy + free)} workers in total")

    def show_workspace(self, path: str) -> None:
        self.workspace_label.setText(path)
        self.workspace_label.setToolTip(f"Workspace: {path}")

    def workspace_failed(self) -> None:
        self.workspace_label.setText("No workspace")

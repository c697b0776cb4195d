"""`MetricPicker`: the metric combo box the Suggestions and Results views share, and the protocol
new experiments are queued with (from the user's settings)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from metadesk.experiments.spec import METRIC_LABELS, default_metric, metrics_for


class MetricPicker(QComboBox):
    """Metrics of the current task type in plain words; `metric_changed` fires on user choice only."""

    metric_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, accessible_name: str = "Metric") -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._task_type: str | None = None
        self._quiet = False
        self.currentIndexChanged.connect(self._changed)
        self.setEnabled(False)

    @property
    def current_metric(self) -> str | None:
        """The chosen metric, or None before a dataset is known (then the task's default)."""
        return self.currentData() if self.count() else None

    def set_task_type(self, task_type: str, metric: str | None = None) -> None:
        """Offer the task type's metrics; keep the current choice when it still applies."""
        metrics = metrics_for(task_type)
        metric = metric if metric in metrics else (self.current_metric or default_metric(task_type))
        if metric not in metrics:
            metric = default_metric(task_type)
        self._quiet = True
        try:
            if task_type != self._task_type:
                self.clear()
                for m in metrics:
                    self.addItem(METRIC_LABELS.get(m, m), m)
                self._task_type = task_type
            self.setCurrentIndex(max(0, self.findData(metric)))
        finally:
            self._quiet = False
        self.setEnabled(True)

    def _changed(self, _index: int) -> None:
        if not self._quiet and self.current_metric:
            self.metric_changed.emit(self.current_metric)


def queue_protocol(settings: Any = None) -> Any:
    """The `Protocol` for new experiments: folds and time limit from the settings."""
    if settings is None:
        from metadesk.gui.settings import AppSettings

        settings = AppSettings()
    return settings.protocol()


def preferred_metric(settings: Any = None) -> str | None:
    """The user's default metric from the settings, or None for the task type's own default."""
    try:
        return (settings.default_metric if settings is not None else "") or None
    except Exception:  # a settings store that cannot be read must not stop the views
        return None

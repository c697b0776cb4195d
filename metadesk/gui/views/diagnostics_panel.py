"""The Results view's model diagnostics: the selected run's out-of-fold plots, and permutation
importance of the original columns. Everything is computed on the bridge; the GUI thread draws."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from metadesk.experiments.spec import METRIC_LABELS
from metadesk.gui.plots import PlotCanvas
from metadesk.gui.workspace_ref import opened
from metadesk.report import diagnostic_plots

if TYPE_CHECKING:
    from metadesk.gui.workers import WorkspaceBridge

log = logging.getLogger(__name__)


class DiagnosticsPanel(QWidget):
    """One run's diagnostics, one plot at a time, chosen in a combo box."""

    drawn = Signal()  # after a run's diagnostics reached the screen (or were found missing)

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.subject = QLabel("")
        self.subject.setAccessibleName("Run shown")
        self.view_picker = QComboBox(self)
        self.view_picker.setAccessibleName("Diagnostic plot")
        self.view_picker.currentIndexChanged.connect(lambda _i: self._draw())
        self.canvas = PlotCanvas(self, accessible_name="Diagnostic plot", min_height=180)
        top = QHBoxLayout()
        top.addWidget(self.subject, 1)
        top.addWidget(QLabel("Plot:"))
        top.addWidget(self.view_picker)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addLayout(top)
        layout.addWidget(self.canvas, 1)
        self.diagnostics: Any = None
        self._task_type: str | None = None
        self._key: tuple[Any, ...] | None = None
        self.canvas.show_message("Select one of your own runs to see its diagnostics.")

    def _offer(self, task_type: str) -> None:
        if task_type == self._task_type:
            return
        self._task_type = task_type
        self.view_picker.blockSignals(True)
        self.view_picker.clear()
        for key, text in diagnostic_plots.views_for(task_type):
            self.view_picker.addItem(text, key)
        self.view_picker.blockSignals(False)

    def show_run(self, experiment_id: int | None, label: str, task_type: str) -> None:
        """Fetch and draw the run's diagnostics (None: a row without stored predictions)."""
        self._offer(task_type)
        key = (experiment_id, task_type)
        if key == self._key:
            return
        self._key = key
        self.diagnostics = None
        self.subject.setText(f"Out-of-fold predictions of {label}" if label else "")
        if experiment_id is None:
            self.canvas.show_message(
                "Diagnostics are drawn from your own runs' out-of-fold predictions: "
                "select one of your runs."
            )
            self.drawn.emit()
            return
        ws = self.bridge.workspace

        def compute() -> Any:
            from metadesk.workspace.diagnostics import diagnostics

            oof = opened(ws).predictions(experiment_id)
            return diagnostics(oof) if oof is not None else None

        def done(found: Any) -> None:
            if self._key != key:
                return
            self.diagnostics = found
            if found is None:
                self.canvas.show_message(
                    "This run's predictions were not kept (an older run, or not among the "
                    "40 best of this table). Run it again to see its diagnostics."
                )
            else:
                self._draw()
            self.drawn.emit()

        def failed(exc: BaseException) -> None:
            log.warning("diagnostics failed: %s", exc, exc_info=exc)
            if self._key == key:
                self.canvas.show_message("The diagnostics could not be computed.")

        self.bridge.call(
            compute, done, failed, key=f"diagnostics:{id(self)}", description="Drawing diagnostics"
        )

    def _draw(self) -> None:
        found, view = self.diagnostics, self.view_picker.currentData()
        if found is None or view is None:
            return
        builder = diagnostic_plots.BUILDERS[view]
        self.canvas.plot(lambda style: builder(found, style))


class ImportancePanel(QWidget):
    """Permutation importance of the selected configuration, measured when asked (it fits the
    model once and scores it many times: seconds to minutes)."""

    drawn = Signal()

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.subject = QLabel("")
        self.subject.setWordWrap(True)
        self.measure_button = QPushButton("&Measure column importance")
        self.measure_button.setAccessibleName("Measure column importance")
        self.measure_button.setToolTip(
            "Fit the selected configuration on three quarters of the rows, then shuffle each "
            "column of the rest in turn and see how much the score drops"
        )
        self.measure_button.clicked.connect(self.measure)
        self.canvas = PlotCanvas(self, accessible_name="Column importance", min_height=180)
        top = QHBoxLayout()
        top.addWidget(self.subject, 1)
        top.addWidget(self.measure_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addLayout(top)
        layout.addWidget(self.canvas, 1)
        self.table: Any = None
        self._target: tuple[str, str, str, str] | None = (
            None  # dataset, configuration, label, metric
        )
        self._cache: dict[tuple[str, str, str], Any] = {}
        self._set_target(None)

    def set_configuration(
        self, dataset_id: str | None, configuration_id: str | None, label: str, metric: str
    ) -> None:
        if dataset_id is None or configuration_id is None:
            self._set_target(None)
            return
        self._set_target((dataset_id, configuration_id, label, metric))

    def _set_target(self, target: tuple[str, str, str, str] | None) -> None:
        self._target = target
        self.measure_button.setEnabled(target is not None)
        if target is None:
            self.subject.setText("")
            self.canvas.show_message("Select a run to measure which columns it relies on.")
            return
        dataset_id, configuration_id, label, metric = target
        self.subject.setText(f"Which columns {label} relies on")
        cached = self._cache.get((dataset_id, configuration_id, metric))
        if cached is not None:
            self._show(cached, metric)
        else:
            self.table = None
            self.canvas.show_message(
                "Click “Measure column importance”: each column is shuffled in turn and the "
                "drop in the score shows how much the model relies on it."
            )

    def measure(self) -> None:
        if self._target is None:
            return
        dataset_id, configuration_id, _label, metric = self._target
        ws = opened(self.bridge.workspace)
        key = (dataset_id, configuration_id, metric)
        self.measure_button.setEnabled(False)
        self.canvas.show_message("Measuring… the model is fitted once, then scored many times.")

        def compute() -> Any:
            from metadesk.workspace.diagnostics import permutation_importance

            return permutation_importance(ws, dataset_id, configuration_id, metric)

        def done(table: Any) -> None:
            self._cache[key] = table
            self.measure_button.setEnabled(self._target is not None)
            if self._target is not None and self._target[:2] == key[:2]:
                self._show(table, metric)
            self.drawn.emit()

        def failed(exc: BaseException) -> None:
            self.measure_button.setEnabled(self._target is not None)
            self.canvas.show_message("The importance could not be measured.")
            self.bridge.report_error(exc, "Measuring column importance")

        self.bridge.call(
            compute, done, failed, key=f"importance:{id(self)}",
            description="Measuring column importance",
        )  # fmt: skip

    def _show(self, table: Any, metric: str) -> None:
        self.table = table
        label = METRIC_LABELS.get(metric, metric)
        self.canvas.plot(
            lambda style: diagnostic_plots.importance_figure(table, metric_label=label, style=style)
        )

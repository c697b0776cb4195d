""" "Find the best model…": a budgeted search on the current dataset with a live best-so-far plot.

The search runs through the bridge (a worker thread drives `Workspace.tuner`); the GUI thread only
reads the tuner's in-memory snapshot when a trial finishes, and draws it. Stop ends it at once;
every finished trial stays in the workspace, so searching again continues where it stopped.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from metadesk.experiments.spec import LOWER_IS_BETTER, METRIC_LABELS
from metadesk.gui.plots import PlotCanvas
from metadesk.report.tuning_plot import tuning_curve
from metadesk.workspace.tuning import Tuner

if TYPE_CHECKING:
    from metadesk.gui.workers import WorkspaceBridge

log = logging.getLogger(__name__)

BUDGETS = (("1 minute", 60), ("5 minutes", 300), ("15 minutes", 900), ("1 hour", 3600))
DEFAULT_BUDGET = 1  # 5 minutes
REDRAW_MS = 1000  # the plot is redrawn at most this often; the clock ticks every second


def clock(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class TuneDialog(QDialog):
    """One search at a time on `dataset_id`. `finished_search` carries the final snapshot."""

    finished_search = Signal(object)

    def __init__(
        self,
        bridge: WorkspaceBridge,
        dataset_id: str,
        dataset_name: str,
        metric: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.dataset_id = dataset_id
        # (not `self.metric`: that name would shadow QPaintDevice.metric() and crash painting)
        self.metric_key = metric
        self.metric_label = METRIC_LABELS.get(metric, metric)
        self._holder: dict[str, Any] = {}
        self._handle: Any = None
        self._snapshot: Any = None
        self._budget = 0.0
        self._started = 0.0
        self._drawn: tuple[Any, ...] = ()
        self.setWindowTitle(f"Find the best model — {dataset_name}")
        self.setAccessibleName("Find the best model")

        intro = QLabel(
            f"metadesk tries the meta-model's suggestions for <b>{dataset_name}</b> first, then "
            "new settings around what works, discarding weak ones early on samples of the rows. "
            f"Scores are {self.metric_label} with 5-fold cross-validation, as in Results. "
            "Every trial is kept; searching again continues from there."
        )
        intro.setWordWrap(True)

        self.budget = QComboBox()
        for text, seconds in BUDGETS:
            self.budget.addItem(text, seconds)
        self.budget.setCurrentIndex(DEFAULT_BUDGET)
        self.budget.setAccessibleName("Time budget")
        self.budget_label = QLabel("&Time budget:")
        self.budget_label.setBuddy(self.budget)
        self.start_button = QPushButton("&Start search")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton("St&op")
        self.stop_button.setToolTip("Stop now; every finished trial is kept")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        controls = QHBoxLayout()
        controls.addWidget(self.budget_label)
        controls.addWidget(self.budget)
        controls.addSpacing(12)
        controls.addWidget(self.start_button)
        controls.addWidget(self.stop_button)
        controls.addStretch(1)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.setAccessibleName("Time spent")
        self.status = QLabel("Pick a budget and start.")
        self.status.setAccessibleName("Search status")
        self.status.setWordWrap(True)

        self.plot = PlotCanvas(self, accessible_name="Best score so far", min_height=240)
        self.plot.show_message("The best score found so far will be drawn here.")

        self.best = QLabel("")
        self.best.setWordWrap(True)
        self.best.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.best.setAccessibleName("Best configuration so far")
        self.best.setFrameShape(QFrame.Shape.StyledPanel)
        self.best.setMargin(8)
        self.best.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(controls)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.best)
        layout.addWidget(buttons)
        self.resize(720, 560)

        self._clock = QTimer(self, interval=REDRAW_MS)
        self._clock.timeout.connect(self._tick)
        self._redraw = QTimer(self, singleShot=True, interval=REDRAW_MS)
        self._redraw.timeout.connect(self._draw)

    # --- running ----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._handle is not None and not self._handle.done

    def start(self) -> None:
        ws = self.bridge.workspace
        if ws is None or self.running:
            return
        self._budget = float(self.budget.currentData())
        self._started = time.monotonic()
        holder: dict[str, Any] = {}
        self._holder = holder
        dataset_id, budget, metric = self.dataset_id, self._budget, self.metric_key

        def search() -> Any:
            from metadesk.gui.workers import current_task_state

            state = current_task_state()
            if not ws.running:
                ws.start()
            tuner = Tuner(
                ws,
                dataset_id,
                budget,
                metric=metric,
                on_progress=lambda snap: (
                    state.set_progress(min(snap.elapsed_seconds / budget, 1.0), "")
                    if state is not None
                    else None
                ),
                should_stop=lambda: (
                    holder.get("stop", False) or (state is not None and state.interrupted)
                ),
            )
            holder["tuner"] = tuner
            return tuner.run()

        self._handle = self.bridge.call(
            search,
            self._done,
            self._failed,
            description="Finding the best model",
            on_progress=lambda _f, _m: self._progressed(),
        )
        self.start_button.setEnabled(False)
        self.budget.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.status.setText("Starting: reading the meta-model's suggestions…")
        self._clock.start()

    def stop(self) -> None:
        """Stop at once (no waiting here: the tuner cancels its trials on its own thread)."""
        self._holder["stop"] = True
        tuner = self._holder.get("tuner")
        if tuner is not None:
            tuner.stop()
        self.stop_button.setEnabled(False)
        self.status.setText("Stopping…")

    def _progressed(self) -> None:
        tuner = self._holder.get("tuner")
        if tuner is None:
            return
        self._snapshot = tuner.snapshot()
        self._show_text()
        if not self._redraw.isActive():
            self._redraw.start()

    def _tick(self) -> None:
        """The clock moves every second; the line is stretched to now every few seconds."""
        self._progressed()

    def _elapsed(self) -> float:
        snap = self._snapshot
        if snap is not None and snap.stopped:
            return snap.elapsed_seconds
        return min(time.monotonic() - self._started, self._budget)

    def _done(self, snapshot: Any) -> None:
        self._clock.stop()
        self._snapshot = snapshot
        self._show_text()
        self._draw()
        self.start_button.setText("&Search again")
        self.start_button.setEnabled(True)
        self.budget.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.finished_search.emit(snapshot)

    def _failed(self, exc: BaseException) -> None:
        self._clock.stop()
        self.start_button.setEnabled(True)
        self.budget.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.status.setText("The search stopped with an error.")
        self.bridge.report_error(exc, "Finding the best model")

    # --- showing ----------------------------------------------------------------------------
    def _show_text(self) -> None:
        snap = self._snapshot
        if snap is None:
            return
        done = bool(snap.stopped)
        elapsed = self._elapsed()
        self.progress.setValue(1000 if done else int(1000 * elapsed / max(self._budget, 1.0)))
        trials = f"{snap.trials} trial{'s' if snap.trials != 1 else ''}"
        if done:
            why = "stopped" if snap.stopped == "user" else "budget spent"
            text = f"Done ({why}): {trials} in {clock(snap.elapsed_seconds)}."
        else:
            text = f"{clock(elapsed)} of {clock(self._budget)} · {trials}"
            if snap.running:
                text += " · now: " + "; ".join(snap.running[:2])
        self.status.setText(text)
        self._show_best(snap)

    def _show_best(self, snap: Any) -> None:
        best = snap.best
        if best is None:
            return
        tag = " <b>★ tuned</b> (outside the shipped portfolio)" if best.tuned else ""
        text = (
            f"<b>Best so far:</b> {self.metric_label} {best.score:.4f} ± {best.std:.4f} "
            f"(5-fold) — {best.label}{tag}"
        )
        fixed = snap.portfolio_best
        if fixed is not None and fixed.configuration_id != best.configuration_id:
            sign = -1.0 if snap.metric in LOWER_IS_BETTER else 1.0
            gain = sign * (best.score - fixed.score)
            text += f"<br>{gain:+.4f} over the best shipped configuration ({fixed.label})."
        self.best.setText(text)
        self.best.show()

    def _draw(self) -> None:
        snap = self._snapshot
        if snap is None:
            return
        curve, budget = list(snap.curve), self._budget or snap.budget_seconds
        elapsed = self._elapsed()
        # Redraw when the curve changed, when done, or every 5 s to stretch the line to now.
        key = (tuple(curve), bool(snap.stopped), int(elapsed // 5))
        if key == self._drawn:
            return
        self._drawn = key
        fixed = snap.portfolio_best.score if snap.portfolio_best is not None else None
        label = self.metric_label
        self.plot.plot(
            lambda style: tuning_curve(
                curve,
                budget_seconds=budget,
                elapsed_seconds=elapsed,
                metric_label=label,
                portfolio_best=fixed,
                style=style,
            )
        )

    def closeEvent(self, event: Any) -> None:
        if self.running:
            self.stop()
        self._clock.stop()
        super().closeEvent(event)

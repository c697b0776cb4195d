"""The Results view's plots, in tabs: score by configuration, predicted against measured (from the
meta-model's held-out predictions, fetched on the bridge), best so far, and the selected run's
diagnostics and column importance. The figures are the HTML report's, in the palette's colours.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import pandas as pd
from PySide6.QtWidgets import QTabWidget, QWidget

from metadesk.experiments.spec import LOWER_IS_BETTER, METRIC_LABELS
from metadesk.gui.plots import PlotCanvas
from metadesk.gui.views.diagnostics_panel import DiagnosticsPanel, ImportancePanel
from metadesk.gui.workers import WorkspaceBridge
from metadesk.report import plots as report_plots
from metadesk.report.insights import finished_scores

log = logging.getLogger(__name__)

Key = tuple[str | None, str | None]  # (dataset id, metric)


class ResultPlots(QTabWidget):
    """`draw(table, experiments, metric)` after each refresh; `current_key()` says which dataset
    and metric the view shows now, so a late held-out answer for another one is dropped."""

    def __init__(
        self,
        bridge: WorkspaceBridge,
        current_key: Callable[[], Key],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._current_key = current_key
        self.held_out: dict[str, tuple[float, float, float]] = {}
        self._held_out_key: Key | None = None
        self._shown: tuple[Any, list[Any], str] = (None, [], "")  # the last draw's arguments
        self.score_plot = PlotCanvas(self, accessible_name="Score by configuration", min_height=170)
        self.predicted_plot = PlotCanvas(
            self, accessible_name="Predicted against measured", min_height=170
        )
        self.predicted_plot.setToolTip("Each run is numbered as in the leaderboard's # column")
        self.progress_plot = PlotCanvas(self, accessible_name="Best so far", min_height=170)
        self.addTab(self.score_plot, "Score by configuration")
        self.addTab(self.predicted_plot, "Predicted vs measured")
        self.addTab(self.progress_plot, "Best so far")
        self.diagnostics = DiagnosticsPanel(bridge, self)
        self.importance = ImportancePanel(bridge, self)
        self.addTab(self.diagnostics, "Diagnostics")
        self.addTab(self.importance, "Column importance")

    def forget(self, *, predictions: bool = True) -> None:
        """Another dataset (or, `predictions` False, other knowledge): ask for them again."""
        if predictions:
            self.held_out = {}
            self._shown = (None, [], "")
        self._held_out_key = None

    def update_held_out(self, dataset_id: str, metric: str) -> None:
        """Ask the meta-model what it expected of each run without it (once per dataset and
        metric, until `forget`)."""
        key: Key = (dataset_id, metric)
        if self._held_out_key == key:
            return
        ws = self.bridge.workspace
        self._held_out_key = key

        def compute() -> dict[str, tuple[float, float, float]]:
            from metadesk.report.html import held_out_predictions

            return held_out_predictions(ws, dataset_id, metric)

        def done(predictions: dict[str, tuple[float, float, float]]) -> None:
            if self._current_key() == key:
                self.held_out = predictions
                self.draw(*self._shown)

        def failed(exc: BaseException) -> None:
            log.warning("held-out predictions failed: %s", exc, exc_info=exc)
            if self._current_key() == key:
                self.predicted_plot.show_message("No held-out predictions available.")

        self.bridge.call(
            compute, done, failed, key=f"held-out:{id(self)}", description="Checking predictions"
        )

    def show_nothing(self, message: str) -> None:
        for plot in (self.score_plot, self.predicted_plot, self.progress_plot):
            plot.show_message(message)

    def draw(self, table: Any, experiments: list[Any], metric: str) -> None:
        """The three plots of the workspace's ResultsTable `table` under `metric`."""
        self._shown = (table, experiments, metric)
        board = table.board if table is not None else pd.DataFrame()
        label = METRIC_LABELS.get(metric, metric)
        lower = metric in LOWER_IS_BETTER
        if board.empty or metric not in board:
            self.show_nothing("No finished experiments yet: run a suggestion to see results here.")
            return
        labels = list(board["label"].astype(str))
        means, stds = list(board[metric]), list(board.get(f"{metric}_std", [math.nan] * len(board)))
        prov = list(board["provenance"])
        groups = list(board["group"]) if "group" in board else None
        baseline = table.baseline
        base_score = baseline.mean.get(metric) if baseline is not None else None
        self.score_plot.plot(
            lambda style: report_plots.score_by_configuration(
                labels, means, stds, metric_label=label, provenance=prov,
                lower_is_better=lower, style=style, groups=groups,
                baseline=base_score,
            )
        )  # fmt: skip
        ordered = finished_scores(experiments, metric)
        scores = [s for _, s in ordered]
        self.progress_plot.plot(
            lambda style: report_plots.best_so_far(
                scores,
                metric_label=label,
                lower_is_better=lower,
                style=style,
                baseline=base_score,
            )
        )
        pairs = [  # numbered by their place in the leaderboard's "#" column
            (str(place), self.held_out[str(r.configuration_id)], float(getattr(r, metric)))
            for place, r in enumerate(board.itertuples(index=False), start=1)
            if r.provenance == "own"
            and str(r.configuration_id) in self.held_out
            and pd.notna(getattr(r, metric))
        ]
        if not pairs:
            self.predicted_plot.show_message(
                "Predictions appear here once runs finish and the meta-model has been asked "
                "what it expected without them."
            )
            return
        self.predicted_plot.plot(
            lambda style: report_plots.predicted_vs_measured(
                [p[0] for p in pairs], [p[1][0] for p in pairs], [p[1][1] for p in pairs],
                [p[1][2] for p in pairs], [p[2] for p in pairs], metric_label=label, style=style,
            )
        )  # fmt: skip

"""The Results view: the leaderboard of finished experiments, three plots, and using a result.

Data comes through the bridge after every finished experiment; the plots are the same figures as
in the HTML report, drawn in the palette's colours.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
)

from metadesk.experiments.spec import LOWER_IS_BETTER, METRIC_LABELS
from metadesk.gui.dialogs.use_result import UseResultActions
from metadesk.gui.views.leaderboard_model import LeaderboardModel, with_baseline
from metadesk.gui.views.metric_view import MetricView, feedback_label, row_table
from metadesk.gui.views.results_plots import ResultPlots

if TYPE_CHECKING:
    from metadesk.workspace.service import Workspace


class ResultsView(MetricView):
    """`set_dataset(id)`: that dataset's leaderboard and plots, refreshed as experiments finish."""

    results_changed = Signal()  # after each refresh reached the screen

    REFRESH_ON = frozenset({"finished", "knowledge_changed"})
    CALL_KEY = "results"
    FETCHING = "Loading results"
    FAILING = "Loading results"
    TITLE = "Results"
    METRIC_NAME = "Metric shown"

    def build(self) -> None:
        bridge = self.bridge
        self.experiments: list[Any] = []
        self.results_table: Any = None  # the workspace's ResultsTable: ties, baseline, notes
        self._pending_action: str | None = None  # asked for before the first results came
        self.use_result = UseResultActions(bridge, self)
        self.use_result.started.connect(self._set_feedback)
        self.use_result.done.connect(lambda message, _path: self._set_feedback(message))
        self.use_result.failed.connect(self._set_feedback)
        self.use_result.model_opened.connect(self._set_feedback)

        # A push button leaves room for its menu arrow (a tool button drew it over the text).
        self.columns_button = QPushButton("Columns", self)
        self.columns_button.setAccessibleName("Show other metrics")
        self.columns_button.setToolTip("Show or hide the other metrics' columns")
        self.columns_menu = QMenu(self.columns_button)
        self.columns_button.setMenu(self.columns_menu)
        self._shown_metrics: set[str] = set()
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(QLabel("Metric:"))
        top.addWidget(self.metric_picker)
        top.addWidget(self.columns_button)

        # What the ties and the baseline mean on this table, in plain words.
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        self.notes.setAccessibleName("What the comparison means")
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.better_metric_button = QPushButton("Use balanced accuracy")
        self.better_metric_button.setAccessibleName("Switch to the proposed metric")
        self.better_metric_button.clicked.connect(self.use_better_metric)
        self.better_metric_button.hide()
        notes_row = QHBoxLayout()
        notes_row.addWidget(self.notes, 1)
        notes_row.addWidget(self.better_metric_button, 0, Qt.AlignmentFlag.AlignTop)

        self.model = LeaderboardModel(self)
        self.table = row_table(self, self.model, "Leaderboard")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the configuration's name
        header.setStretchLastSection(False)
        self.table.setMinimumHeight(110)  # three rows; the plots keep their axis labels at 700 px
        # The best row is selected on every refresh until the analyst picks another one.
        self._picked: str | None = None
        self._selecting = False
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.selectionModel().selectionChanged.connect(self._selected_run_changed)

        self.plots = ResultPlots(bridge, lambda: (self.dataset_id, self.current_metric), self)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.plots)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)  # the plots need the height more than a short leaderboard
        splitter.setSizes([200, 300])  # scaled to the real height when first shown
        splitter.setChildrenCollapsible(False)

        self.predict_button = QPushButton("&Predict on a new file…")
        self.predict_button.clicked.connect(self.predict_on_new_file)
        self.export_model_button = QPushButton("Export &model…")
        self.export_model_button.clicked.connect(self.export_model)
        self.export_report_button = QPushButton("Export &report…")
        self.export_report_button.clicked.connect(self.export_report)
        self.open_model_button = QPushButton("&Open a model…")
        self.open_model_button.setToolTip(
            "Open an exported .skops model and predict a table with it"
        )
        self.open_model_button.clicked.connect(self.open_model)
        self.feedback = feedback_label(wrap=True)
        self.chosen_label = QLabel()
        self.chosen_label.setAccessibleName("Model used by Predict and Export")
        self.chosen_label.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.predict_button)
        actions.addWidget(self.export_model_button)
        actions.addWidget(self.export_report_button)
        actions.addWidget(self.open_model_button)
        actions.addWidget(self.feedback, 1)
        self.menu_actions = []
        for text, slot in (
            ("Predict on a new file…", self.predict_on_new_file),
            ("Export model…", self.export_model),
            ("Export report…", self.export_report),
        ):
            action = QAction(text, self)
            action.triggered.connect(slot)
            self.menu_actions.append(action)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(notes_row)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.chosen_label)
        layout.addLayout(actions)
        self._update_buttons()
        self.plots.show_nothing(
            "Select a dataset on the left, or open a file and add it to the workspace, to see its results."
        )

    # --- data -----------------------------------------------------------------------------------
    def set_dataset(self, dataset_id: str | None) -> None:
        if dataset_id != self.dataset_id:
            self._pending_action = None
            self._picked = None
            self.info = None
            self.plots.forget()
            self.results_table = None
            self.model.set_frame(pd.DataFrame(), self.model.metric, "binary")
            self.feedback.clear()
        self.dataset_id = dataset_id
        if dataset_id is None:
            self.plots.show_nothing(
                "Select a dataset on the left, or open a file and add it to the workspace, to see its results."
            )
            self._update_buttons()
            return
        self.refresh()

    def _on_event(self, event: Any) -> None:
        if self.dataset_id is not None and event.kind == "knowledge_changed":
            self.plots.forget(predictions=False)  # other knowledge changed the held-out model
        super()._on_event(event)

    @staticmethod
    def fetch(ws: Workspace, dataset_id: str, info: Any, metric: str) -> tuple[Any, list]:
        return ws.results(dataset_id, metric), ws.experiments(dataset_id)

    def show_fetched(self, info: Any, metric: str, table: Any, experiments: list) -> None:
        self.experiments = experiments
        self.results_table = table
        board = table.board
        lower = metric in LOWER_IS_BETTER
        self.model.set_frame(
            with_baseline(board, table.baseline, metric, lower), metric, info.task_type
        )
        self.notes.setText("\n".join(table.notes))
        self.notes.setVisible(bool(table.notes))
        better = table.better_metric
        self.better_metric_button.setVisible(bool(better) and better != metric)
        if better:
            self.better_metric_button.setText(f"Use {METRIC_LABELS.get(better, better).lower()}")
        self._rebuild_columns_menu()
        own = int((board["provenance"] == "own").sum()) if len(board) else 0
        running = sum(e.status in ("queued", "running") for e in experiments)
        self.title.setText(
            f"Results for {info.name}: {own} run{'s' if own != 1 else ''}"
            + (f", {running} waiting or running" if running else "")
        )
        self._reselect(self._picked)
        self._selected_run_changed()
        self.plots.draw(table, experiments, metric)
        self._update_buttons()
        if own and self.dataset_id is not None:
            self.plots.update_held_out(self.dataset_id, metric)
        self.results_changed.emit()
        if self._pending_action is not None:
            method, self._pending_action = self._pending_action, None
            getattr(self, method)()

    def _rebuild_columns_menu(self) -> None:
        self.columns_menu.clear()
        for m in self.model.others:
            action = self.columns_menu.addAction(METRIC_LABELS.get(m, m))
            action.setCheckable(True)
            action.setChecked(m in self._shown_metrics)
            action.toggled.connect(lambda on, m=m: self.show_metric_column(m, on))
            self.table.setColumnHidden(self.model.other_column(m), m not in self._shown_metrics)

    def show_metric_column(self, metric: str, shown: bool) -> None:
        """Show or hide another metric's column (the column toggle)."""
        if shown:
            self._shown_metrics.add(metric)
        else:
            self._shown_metrics.discard(metric)
        if metric in self.model.others:
            self.table.setColumnHidden(self.model.other_column(metric), not shown)

    def use_better_metric(self) -> None:
        """Switch to the metric the comparison proposes (balanced accuracy on a skewed table)."""
        table = self.results_table
        if table is not None and table.better_metric:
            index = self.metric_picker.findData(table.better_metric)
            if index >= 0:
                self.metric_picker.setCurrentIndex(index)  # refreshes through metric_changed

    def _reselect(self, configuration_id: str | None) -> None:
        """The analyst's pick if it is still listed, else the best row."""
        if self.model.rowCount() == 0:
            return
        ids = list(self.model.frame["configuration_id"].astype(str))
        row = ids.index(configuration_id) if configuration_id in ids else self._best_row()
        if configuration_id not in ids:
            self._picked = None
        self._selecting = True
        try:
            self.table.selectRow(row)
        finally:
            self._selecting = False

    def _best_row(self) -> int:
        """The best of this dataset's own runs (the board is sorted best first), else the top."""
        frame, metric = self.model.frame, self.model.metric
        if "provenance" in frame and metric in frame:
            own = (frame["provenance"] == "own").to_numpy() & frame[metric].notna().to_numpy()
            if own.any():
                return int(own.argmax())
        return 0

    def _selection_changed(self, *_: Any) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not self._selecting and rows:  # a click or a key: the analyst's own pick
            self._picked = str(self.model.row(rows[0].row())["configuration_id"])
        self._update_buttons()

    # --- using a result -------------------------------------------------------------------------
    def selected_configuration(self) -> tuple[str, str] | None:
        """(configuration id, label) of the selected row, else the best one, else None."""
        if self.model.rowCount() == 0:
            return None
        rows = self.table.selectionModel().selectedRows()
        index = rows[0].row() if rows else 0
        if self.model.is_baseline(index):
            return None  # the reference line, not a model worth using
        r = self.model.row(index)
        return str(r["configuration_id"]), str(r.get("label") or r["configuration_id"])

    def _update_buttons(self, *_: Any) -> None:
        chosen = self.selected_configuration()
        for button in (self.predict_button, self.export_model_button):
            button.setEnabled(chosen is not None)
        self.export_report_button.setEnabled(self.info is not None)
        for action, enabled in zip(
            self.menu_actions,
            (chosen is not None, chosen is not None, self.info is not None),
            strict=True,
        ):
            action.setEnabled(enabled)
        if chosen:
            self.predict_button.setToolTip(f"Fit {chosen[1]} on all rows and predict a new file")
            self.export_model_button.setToolTip(f"Fit {chosen[1]} on all rows and save it")
        self.chosen_label.setText(self._chosen_text(chosen))

    def _chosen_text(self, chosen: tuple[str, str] | None) -> str:
        """ "Predict and Export use #1 Random forest, the best so far." """
        if chosen is None:
            return ""
        from html import escape

        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else 0
        best = self._best_row()
        place = self.model.index(row, 0).data() or row + 1
        if row == best:
            why = "the best so far"
        else:
            best_place = self.model.index(best, 0).data() or best + 1
            why = f"your pick (#{best_place} is the best so far)"
        return f"Predict and Export use <b>#{place} {escape(chosen[1])}</b>, {why}."

    def _selected_run_changed(self, *_: Any) -> None:
        """The diagnostics and importance tabs follow the selected row."""
        if self.info is None or self.model.rowCount() == 0:
            return
        rows = self.table.selectionModel().selectedRows()
        index = rows[0].row() if rows else 0
        r = self.model.row(index)
        label = str(r.get("label") or r.get("configuration_id"))
        eid = r.get("experiment_id")
        own = r.get("provenance") == "own" and eid is not None and pd.notna(eid)
        run = int(eid) if own and eid is not None else None
        self.plots.diagnostics.show_run(run, label, self.info.task_type)
        chosen = self.selected_configuration()
        self.plots.importance.set_configuration(
            self.dataset_id, chosen[0] if chosen else None, label, self.current_metric or ""
        )

    def _set_feedback(self, message: str) -> None:
        self.feedback.setText(message)

    def _ready(self, method: str, needs_result: bool = True) -> bool:
        """True when the action can run now; else it runs once results arrive, or says why not."""
        if self.dataset_id is None:
            return False
        if self.info is None:  # the first refresh is still on its way (e.g. from the menu)
            self._pending_action = method
            return False
        if needs_result and self.selected_configuration() is None:
            self._set_feedback(
                "Select a run: the baseline row is only a reference."
                if any(self.model.place(i) for i in range(self.model.rowCount()))
                else "Run an experiment first: there is no result to use yet."
            )
            return False
        return True

    def predict_on_new_file(self) -> None:
        chosen = self.selected_configuration()
        if self._ready("predict_on_new_file") and chosen and self.dataset_id is not None:
            source = str(getattr(self.info, "source_path", "") or "")
            self.use_result.predict_on_new_file(
                self.dataset_id, *chosen, start_dir=str(Path(source).parent) if source else None
            )

    def export_model(self) -> None:
        chosen = self.selected_configuration()
        if self._ready("export_model") and chosen and self.dataset_id is not None:
            self.use_result.export_model(self.dataset_id, *chosen)

    def open_model(self) -> None:
        """Open an exported model and predict a table with it (no dataset needed)."""
        self.use_result.predict_with_model_file()

    def export_report(self) -> None:
        if self._ready("export_report", needs_result=False) and self.dataset_id is not None:
            self.use_result.export_report(self.dataset_id, self.info.name, self.current_metric)

"""The Suggestions view: the meta-model's ranked configurations, why each one, and the run actions.

The ranking is re-asked through the bridge whenever a result arrives, so it sharpens while the
analyst watches; the GUI thread only formats what came back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QItemSelectionModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStyledItemDelegate,
    QTextBrowser,
    QVBoxLayout,
)

from metadesk.gui.views.metric_picker import queue_protocol
from metadesk.gui.views.metric_view import MetricView, feedback_label, row_table
from metadesk.gui.views.suggestion_model import (
    SuggestionModel,
    portfolio_estimate,
    suggestion_html,
)

if TYPE_CHECKING:
    from metadesk.metamodel.values import Suggestion
    from metadesk.workspace.service import Workspace

log = logging.getLogger(__name__)


class SuggestionsView(MetricView):
    """`set_dataset(id)` shows that dataset's suggestions; they refresh as results arrive."""

    suggestions_changed = Signal(list)  # the new list of Suggestions, after each refresh
    experiments_queued = Signal(list)  # experiment ids, after a run action

    REFRESH_ON = frozenset({"finished", "suggestions_stale", "knowledge_changed", "meta_features"})
    REFRESH_DELAY_MS = 250
    CALL_KEY = "suggest"
    FETCHING = "Ranking configurations"
    FAILING = "Suggesting configurations"
    TITLE = "Suggestions"
    METRIC_NAME = "Metric to optimise"

    def build(self) -> None:
        self.recommender: dict[str, Any] = {}
        self.status = QLabel("")
        self.status.setAccessibleName("Suggestions status")
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.status)
        top.addWidget(QLabel("Optimise:"))
        top.addWidget(self.metric_picker)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Default order notice")
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setStyleSheet(
            "QLabel { background: #fff4ce; color: #3b2f00; border: 1px solid #e8c65a;"
            " border-radius: 4px; padding: 6px; }"
        )
        self.banner.hide()
        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        self.sentence.setAccessibleName("How good the suggestions are")
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = SuggestionModel(self)
        self.table = row_table(self, self.model, "Suggested configurations", several=True)
        # Nothing is cut: long names and reasons wrap onto a second line, rows grow to fit them.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setItemDelegate(_PaddedRows(self.table))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # names matter most
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(self._show_detail)
        self.table.doubleClicked.connect(lambda _i: self.run_selected())

        self.detail = QTextBrowser(self)
        self.detail.setAccessibleName("Why this configuration")
        self.detail.setOpenLinks(False)
        self.detail.setPlaceholderText("Select a row to see why.")  # one line, even at 1024 px
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.detail.setMinimumWidth(260)
        splitter.setSizes([690, 330])

        self.run_selected_button = QPushButton("&Run selected")
        self.run_selected_button.setToolTip("Queue the selected configurations (Ctrl+Enter)")
        self.run_selected_button.clicked.connect(self.run_selected)
        self.top_n = QSpinBox()
        self.top_n.setRange(1, 50)
        self.top_n.setValue(3)
        self.top_n.setAccessibleName("How many top suggestions to run")
        self.top_n.valueChanged.connect(self._update_buttons)
        self.run_top_button = QPushButton()
        self.run_top_button.clicked.connect(lambda: self.run_top(self.top_n.value()))
        self.run_all_button = QPushButton("Run the &whole portfolio")
        self.run_all_button.setToolTip("Queue every configuration not run yet on this dataset")
        self.run_all_button.clicked.connect(self.run_all)
        self.tune_button = QPushButton("&Find the best model…")
        self.tune_button.setToolTip(
            "Search beyond the portfolio within a time budget, starting from these suggestions"
        )
        self.tune_button.clicked.connect(self.open_tune_dialog)
        self.tune_dialog: Any = None
        self.feedback = feedback_label()
        actions = QHBoxLayout()
        actions.addWidget(self.run_selected_button)
        actions.addSpacing(12)
        actions.addWidget(self.run_top_button)
        actions.addWidget(self.top_n)
        actions.addSpacing(12)
        actions.addWidget(self.run_all_button)
        actions.addSpacing(12)
        actions.addWidget(self.tune_button)
        actions.addStretch(1)
        actions.addWidget(self.feedback)
        run = QShortcut(QKeySequence("Ctrl+Return"), self.table)
        run.activated.connect(self.run_selected)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.sentence)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)
        self._update_buttons()
        self._show_empty(
            "Select a dataset on the left, or open a file and add it to the workspace, to see which models to try first."
        )

    # On a narrow window the Why column gives its room to the names: the pane beside says why.
    WHY_MIN_TABLE_WIDTH = 640

    def eventFilter(self, obj: Any, event: Any) -> bool:
        from PySide6.QtCore import QEvent

        if obj is self.table and event.type() == QEvent.Type.Resize:
            narrow = event.size().width() < self.WHY_MIN_TABLE_WIDTH
            if self.table.isColumnHidden(3) != narrow:
                self.table.setColumnHidden(3, narrow)
        return super().eventFilter(obj, event)

    # --- data -----------------------------------------------------------------------------------
    def set_dataset(self, dataset_id: str | None) -> None:
        changed = dataset_id != self.dataset_id
        self.dataset_id = dataset_id
        if changed:
            self.info = None
            self.model.set_suggestions([], self.model.metric)
            self.detail.clear()
            self.feedback.clear()
        if dataset_id is None:
            self._show_empty(
                "Select a dataset on the left, or open a file and add it to the workspace, to see which models to try first."
            )
            return
        self.refresh()

    @staticmethod
    def fetch(
        ws: Workspace, dataset_id: str, info: Any, metric: str
    ) -> tuple[list[Suggestion], Mapping[str, Any]]:
        suggestions = ws.suggest(dataset_id, metric=metric)
        try:
            about = ws.recommender_info(info.task_type, metric)
        except Exception:  # the sentence is a nicety; suggestions still show without it
            log.exception("recommender_info failed")
            return suggestions, {}
        return suggestions, about

    def _refresh_started(self) -> None:
        self.status.setText("Updating…")

    def _refresh_failed(self, exc: BaseException) -> None:
        self.status.setText("")
        super()._refresh_failed(exc)

    def show_fetched(self, info: Any, metric: str, suggestions: list[Any], about: dict) -> None:
        self.recommender = about
        self.title.setText(f"Suggestions for {info.name}")
        selected = {s.configuration.id for s in self.selected_suggestions()}
        self.model.set_suggestions(suggestions, metric)
        self._reselect(selected)
        cold = bool(about.get("cold_start")) or any(s.cold_start for s in suggestions[:1])
        if cold:
            self.banner.setText(
                "<b>Default order.</b> There is no knowledge about similar datasets yet, so these "
                "are strong general-purpose models in a fixed order. Every result you run "
                "teaches the meta-model."
            )
        self.banner.setVisible(cold)
        self.sentence.setText(about.get("sentence", ""))
        # On a default order the banner says it all; a sentence about a ranking would contradict it.
        self.sentence.setVisible(bool(about.get("sentence")) and not cold)
        self.status.setText(f"{len(suggestions)} to try" if suggestions else "")
        if not suggestions:
            self.detail.setHtml(
                "<p>Every configuration of the portfolio has been run on this dataset. "
                "See <b>Results</b> for the leaderboard.</p>"
            )
        elif not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self._update_buttons()
        self.suggestions_changed.emit(suggestions)

    def _reselect(self, configuration_ids: set[str]) -> None:
        if not configuration_ids:
            return
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row, s in enumerate(self.model.suggestions()):
            if s.configuration.id in configuration_ids:
                selection.select(self.model.index(row, 0), flags)

    def _show_empty(self, message: str) -> None:
        self.title.setText("Suggestions")
        self.banner.hide()
        self.sentence.setText(message)
        self.sentence.show()
        self.status.clear()
        self._update_buttons()

    def _show_detail(self, *_: Any) -> None:
        chosen = self.selected_suggestions()
        about = str(self.recommender.get("label") or "")
        self.detail.setHtml(suggestion_html(chosen[0], about) if chosen else "")
        self._update_buttons()

    def selected_suggestions(self) -> list[Any]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.suggestion(r) for r in rows if r < self.model.rowCount()]

    def _update_buttons(self) -> None:
        has = self.model.rowCount() > 0
        n = min(self.top_n.value(), self.model.rowCount()) if has else self.top_n.value()
        self.run_top_button.setText(f"Run &top {n}" if has else "Run top")
        self.run_top_button.setEnabled(has)
        self.run_selected_button.setEnabled(bool(self.selected_suggestions()))
        self.run_all_button.setEnabled(self.dataset_id is not None and self.info is not None)
        self.tune_button.setEnabled(self.dataset_id is not None and self.info is not None)

    # --- actions --------------------------------------------------------------------------------
    def run_selected(self) -> None:
        self._queue([s.configuration.id for s in self.selected_suggestions()])

    def run_top(self, n: int) -> None:
        self._queue([s.configuration.id for s in self.model.ranked()[:n]])

    def run_all(self) -> None:
        """Estimate how long the whole portfolio takes (off the GUI thread), then ask first."""
        ws, dataset_id = self.bridge.workspace, self.dataset_id
        if ws is None or dataset_id is None:
            return
        count = self.model.rowCount()
        limit = queue_protocol(self.settings).time_limit_s

        def estimate() -> str:
            return portfolio_estimate(ws, dataset_id, count, limit)

        self.feedback.setText("Estimating…")
        self.bridge.call(
            estimate,
            lambda text: self._confirm_run_all(count, text),
            self._queue_failed,
            description="Estimating the whole portfolio",
        )

    def confirm(self, title: str, text: str, detail: str) -> bool:
        """A yes/no question (tests replace it)."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        box.setInformativeText(detail)
        run = box.addButton("Run them all", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is run

    def _confirm_run_all(self, count: int, estimate: str) -> None:
        self.feedback.clear()
        if self.confirm(
            "Run the whole portfolio",
            f"Queue all {count} configurations not run yet on this dataset?",
            estimate,
        ):
            self._queue("all")

    def open_tune_dialog(self) -> None:
        """The budgeted search on this dataset (one dialog per dataset, kept while it runs)."""
        if self.dataset_id is None or self.info is None:
            return
        from metadesk.gui.dialogs.tune_dialog import TuneDialog

        dialog = self.tune_dialog
        if dialog is None or dialog.dataset_id != self.dataset_id:
            if dialog is not None and dialog.running:
                dialog.raise_()  # a search on another dataset is still running: show it
                dialog.activateWindow()
                return
            metric = self.current_metric or self.model.metric
            dialog = TuneDialog(self.bridge, self.dataset_id, self.info.name, metric, self)
            self.tune_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _queue(self, configuration_ids: list[str] | str) -> None:
        if self.dataset_id is None or not configuration_ids or self.bridge.workspace is None:
            return
        ws, dataset_id = self.bridge.workspace, self.dataset_id
        protocol = queue_protocol(self.settings)

        def queue() -> list[int]:
            return ws.queue(dataset_id, configuration_ids, protocol=protocol)

        self.feedback.setText("Queueing…")
        self.bridge.call(
            queue, self._queued, self._queue_failed, description="Queueing experiments"
        )

    def _queued(self, experiment_ids: list[int]) -> None:
        n = len(experiment_ids)
        self.feedback.setText(
            f"Queued {n} experiment{'s' if n != 1 else ''}; they run in the background."
        )
        self.experiments_queued.emit(list(experiment_ids))

    def _queue_failed(self, exc: BaseException) -> None:
        self.feedback.setText("")
        self.bridge.report_error(exc, "Queueing experiments")


class _PaddedRows(QStyledItemDelegate):
    """Rows sized to their (wrapped) text keep the breathing room of the other tables."""

    PAD = 8

    def sizeHint(self, option: Any, index: Any) -> Any:
        size = super().sizeHint(option, index)
        size.setHeight(size.height() + self.PAD)
        return size

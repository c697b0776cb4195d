"""`MetricView`: what the Suggestions and Results views share — one dataset seen under one chosen
metric, a title and metric picker, and refreshes coalesced over bursts of workspace events and
fetched on the bridge — plus the small widgets every dataset view builds the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QTimer
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QWidget

from metadesk.experiments.spec import default_metric, metrics_for
from metadesk.gui.views.metric_picker import MetricPicker, preferred_metric

if TYPE_CHECKING:
    from metadesk.gui.settings import AppSettings
    from metadesk.gui.workers import WorkspaceBridge
    from metadesk.workspace.service import Workspace

TITLE_STYLE = "font-size: 15px; font-weight: 600;"


def view_title(text: str) -> QLabel:
    """A view's bold heading."""
    label = QLabel(text)
    label.setStyleSheet(TITLE_STYLE)
    return label


def feedback_label(*, wrap: bool = False) -> QLabel:
    """Where a view says what its last action did ("Queued 3 experiments", "Exported …")."""
    label = QLabel("")
    label.setAccessibleName("Last action")
    label.setWordWrap(wrap)
    return label


def row_table(
    parent: QWidget, model: QAbstractItemModel, accessible_name: str, *, several: bool = False
) -> QTableView:
    """A read-only table selected by whole rows (one, or `several`), striped, without row numbers."""
    table = QTableView(parent)
    table.setModel(model)
    table.setAccessibleName(accessible_name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if several
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.setTabKeyNavigation(False)  # Tab moves on to the next control; arrows move in the table
    return table


def chosen_metric(task_type: str, wanted: str | None) -> str:
    """`wanted` when the task type has that metric, else the task type's default."""
    return wanted if wanted in metrics_for(task_type) else default_metric(task_type)


class MetricView(QWidget):
    """A dataset under one metric. Subclasses set the class constants and give `fetch` (runs on
    a worker thread, so it only talks to the workspace) and `show_fetched` (the GUI thread)."""

    REFRESH_ON: frozenset[str] = frozenset({"finished"})  # event kinds that may change the view
    REFRESH_DELAY_MS = 300  # a burst of events within this delay gives one refresh
    CALL_KEY = "view"  # a newer refresh replaces one still waiting under the same key
    FETCHING = "Loading"  # the status bar's words while fetching
    FAILING = "Loading"  # the error dialog's words when fetching failed
    TITLE = ""  # the view's heading
    METRIC_NAME = "Metric"  # what the metric picker is called for a screen reader

    def __init__(
        self,
        bridge: WorkspaceBridge,
        parent: QWidget | None = None,
        *,
        settings: AppSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.settings = settings
        self.dataset_id: str | None = None
        self.info: Any = None
        self._refresh_timer = QTimer(self, singleShot=True, interval=self.REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.title = view_title(self.TITLE)
        self.metric_picker = MetricPicker(self, accessible_name=self.METRIC_NAME)
        self.metric_picker.metric_changed.connect(lambda _m: self.refresh())
        bridge.event.connect(self._on_event)
        self.build()

    def build(self) -> None:
        """A subclass's own widgets and state, made at the end of `__init__`."""

    @property
    def current_metric(self) -> str | None:
        return self.metric_picker.current_metric

    def _on_event(self, event: Any) -> None:
        if self.dataset_id is None or event.kind not in self.REFRESH_ON:
            return
        if event.kind == "finished" and event.dataset_id not in (None, self.dataset_id):
            return  # another dataset's result
        self._refresh_timer.start()

    def refresh(self) -> None:
        """Fetch the dataset, the metric and the subclass's data on a worker, then show them."""
        if self.dataset_id is None or self.bridge.workspace is None:
            return
        ws, dataset_id = self.bridge.workspace, self.dataset_id
        wanted = self.current_metric or preferred_metric(self.settings)
        fetch = self.fetch

        def work() -> tuple[Any, str, tuple[Any, ...]]:
            info = ws.dataset(dataset_id)
            if wanted in metrics_for(info.task_type):
                metric = wanted
            else:  # the table's own default: balanced accuracy when a class is rare
                metric = ws.default_metric(dataset_id)
            return info, metric, fetch(ws, dataset_id, info, metric)

        self._refresh_started()
        self.bridge.call(
            work,
            lambda result: self._fetched(dataset_id, *result),
            self._refresh_failed,
            key=f"{self.CALL_KEY}:{id(self)}",
            description=self.FETCHING,
        )

    def _fetched(self, dataset_id: str, info: Any, metric: str, fetched: tuple[Any, ...]) -> None:
        if dataset_id != self.dataset_id:
            return  # the analyst moved on to another dataset meanwhile
        self.info = info
        self.metric_picker.set_task_type(info.task_type, metric)
        self.show_fetched(info, metric, *fetched)

    def _refresh_started(self) -> None:
        """Called on the GUI thread just before a fetch is handed to the bridge."""

    def _refresh_failed(self, exc: BaseException) -> None:
        self.bridge.report_error(exc, self.FAILING)

    # --- what subclasses give -------------------------------------------------------------------
    @staticmethod
    def fetch(ws: Workspace, dataset_id: str, info: Any, metric: str) -> tuple[Any, ...]:
        """The view's data for `show_fetched` (on a worker thread: no widgets here)."""
        raise NotImplementedError

    def show_fetched(self, info: Any, metric: str, *fetched: Any) -> None:
        raise NotImplementedError

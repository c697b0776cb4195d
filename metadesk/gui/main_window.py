"""The main window: datasets on the left, Data/Suggestions/Results/Knowledge tabs, the queue dock.

It wires views to the bridge and owns the menus; it never does I/O itself (the workspace opens,
files load and lists refresh on the bridge's worker threads).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from metadesk.gui.dialogs.welcome import WelcomePage
from metadesk.gui.main_datasets import MainWindowDatasets
from metadesk.gui.main_menus import MainWindowMenus
from metadesk.gui.settings import AppSettings
from metadesk.gui.views.dataset_list import DatasetDelegate, DatasetListModel, LazyView
from metadesk.gui.views.queue_dock import QueueDock

if TYPE_CHECKING:
    from metadesk.gui.views.data_view import DataView

log = logging.getLogger(__name__)

# The tabs G2's views fill: (title, module, class).
OTHER_VIEWS = (
    ("Suggestions", "metadesk.gui.views.suggestions", "SuggestionsView"),
    ("Results", "metadesk.gui.views.results", "ResultsView"),
    ("Knowledge", "metadesk.gui.views.knowledge", "KnowledgeView"),
)


class MainWindow(MainWindowMenus, MainWindowDatasets, QMainWindow):
    """`open_workspace()` opens the workspace in the background; `open_file(path)` loads a table."""

    workspace_ready = Signal(object)
    dataset_selected = Signal(object)  # dataset id or None

    def __init__(
        self,
        bridge,
        settings: AppSettings | None = None,
        parent: QWidget | None = None,
        *,
        log_file: str = "",
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.settings = settings or AppSettings()
        self.log_file = log_file
        self.dataset_id: str | None = None
        self._pending_file: tuple[str, dict[str, Any]] | None = None
        self._closing = False
        self.setWindowTitle("metadesk")
        self.setAcceptDrops(True)
        self.setMinimumSize(900, 600)
        self.resize(1280, 800)

        self._build_central()
        self.queue_dock = QueueDock(bridge, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.queue_dock)
        self.queue_dock.workers_changed.connect(self._show_workers)
        self.queue_dock.executor_error.connect(
            lambda msg: self.statusBar().showMessage(msg or "Experiments could not start.", 15000)
        )
        self._build_status_bar()
        self._build_menus()
        self.resizeDocks([self.queue_dock], [190], Qt.Orientation.Vertical)

        bridge.event.connect(self._on_event)
        bridge.activity_changed.connect(self._show_activity)
        self._status_timer = QTimer(self)  # workers can change without an event (a Dask cluster)
        self._status_timer.setInterval(5000)
        self._status_timer.timeout.connect(self.queue_dock.refresh)
        self._status_timer.start()
        geometry, state = self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        self._show_home()
        # Build the Data view at idle time once the window shows, not when the first file opens.
        self.after_first_paint(self._warm_up_data_view)

    # --- layout ---------------------------------------------------------------------------------
    def _build_central(self) -> None:
        self.dataset_model = DatasetListModel(self)
        self.dataset_list = QListView()
        self.dataset_list.setModel(self.dataset_model)
        self.dataset_list.setItemDelegate(DatasetDelegate(self.dataset_list))
        self.dataset_list.setAccessibleName("Datasets in the workspace")
        self.dataset_list.setSpacing(2)
        self.dataset_list.setUniformItemSizes(True)
        self.dataset_list.setAlternatingRowColors(False)
        self.dataset_list.selectionModel().currentChanged.connect(self._list_current_changed)
        self.dataset_list.clicked.connect(self._list_clicked)
        self.datasets_empty = QLabel("No datasets yet.\nOpen a file to add one.")
        self.datasets_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.datasets_empty.setStyleSheet("color: palette(placeholder-text);")
        self.datasets_empty.setWordWrap(True)
        self.side_open_button = QPushButton("Open a file…")
        self.side_open_button.setAccessibleName("Open a file")
        self.side_open_button.clicked.connect(self.open_file_dialog)
        heading = QLabel("<b>Datasets</b>")
        heading.setBuddy(self.dataset_list)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 8, 4, 8)
        side_layout.addWidget(heading)
        side_layout.addWidget(self.dataset_list, 1)
        side_layout.addWidget(self.datasets_empty, 1)
        side_layout.addWidget(self.side_open_button)
        side.setMinimumWidth(180)

        # The Data view (and pandas-facing modules with it) is built on first use: faster start.
        self._data_view: DataView | None = None
        self.data_tab = QWidget()
        self.data_tab.setAccessibleName("Data")
        data_layout = QVBoxLayout(self.data_tab)
        data_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Dataset views")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.data_tab, "Data")
        self.tabs.currentChanged.connect(
            lambda i: self.data_view if self.tabs.widget(i) is self.data_tab else None
        )
        self.other_views: dict[str, LazyView] = {}
        for title, module, cls in OTHER_VIEWS:
            view = LazyView(module, cls, self.bridge, self.settings)
            self.other_views[title] = view
            self.tabs.addTab(view, title)

        self.welcome = WelcomePage(self.bridge)
        self.welcome.open_requested.connect(self.open_file_dialog)
        self.welcome.file_chosen.connect(self.open_file)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.tabs)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(side)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([230, 1050])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.setTabOrder(self.dataset_list, self.side_open_button)
        self._update_dataset_list_visibility()

    @property
    def data_view(self) -> DataView:
        """The Data tab's view, built the first time it is needed."""
        if self._data_view is None:
            from metadesk.gui.views.data_view import DataView

            view = DataView(self.bridge, self.settings)
            view.open_requested.connect(self.open_file_dialog)
            view.file_loaded.connect(self._file_loaded)
            view.file_replaced.connect(self._file_replaced)
            view.file_replaced.connect(self.update_next_step)
            view.load_failed.connect(self._file_failed)
            view.dataset_added.connect(self._dataset_added)
            self.data_tab.layout().addWidget(view)
            self._data_view = view
        return self._data_view

    def _warm_up_data_view(self) -> None:
        if not self._closing:
            from metadesk.gui.views.data_view import warm_up

            warm_up(self.data_view)

    def after_first_paint(self, callback) -> None:
        """Run `callback` once the window has painted (start-up work that can wait a moment)."""
        watcher = _FirstPaint(callback, self)
        self.installEventFilter(watcher)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
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
        self._show_activity()

    # --- the workspace --------------------------------------------------------------------------
    def open_workspace(
        self, path: str | Path | None = None, *, prior_dir: Any = None, start: bool = True
    ) -> None:
        """Open (and start) the workspace on a worker thread; views come alive when it is ready."""
        workers, scheduler = self.settings.workers, self.settings.scheduler or None

        def work():
            from metadesk.errors import UserError
            from metadesk.workspace.service import Workspace

            ws = Workspace.open(path, prior_dir=prior_dir)
            warning = ""
            if start:
                try:
                    ws.start(workers=workers, scheduler=scheduler)
                except UserError as exc:
                    if scheduler is None:
                        ws.close()
                        raise
                    warning = f"{exc.message} Running experiments on this computer instead."
                    ws.start(workers=workers)
            return ws, warning

        self.bridge.call(
            work,
            lambda result: self._workspace_opened(*result),
            self._workspace_failed,
            description="Opening the workspace",
        )

    def _workspace_opened(self, ws, warning: str) -> None:
        if self._closing:
            ws.close()
            return
        self.set_workspace(ws, warning)

    def set_workspace(self, ws, warning: str = "") -> None:
        """Use an already open workspace (tests, the self-test); `open_workspace` ends here too."""
        self.bridge.set_workspace(ws)
        self.workspace_label.setText(str(getattr(ws, "path", "")))
        self.workspace_label.setToolTip(f"Workspace: {getattr(ws, 'path', '')}")
        if warning:
            self.statusBar().showMessage(warning, 20000)
        # The dataset shown when metadesk last closed is selected again (from the workspace's own
        # snapshot, never the user's file), unless a file is waiting to open.
        restore = self.settings.last_dataset if self._pending_file is None else None
        self.refresh_datasets(select=restore)
        self.queue_dock.refresh()
        self.workspace_ready.emit(ws)
        if self._pending_file is not None:
            path, options = self._pending_file
            self._pending_file = None
            self.open_file(path, **options)

    def _workspace_failed(self, exc: BaseException) -> None:
        self.workspace_label.setText("No workspace")
        self.bridge.report_error(exc, "Opening the workspace")

    # --- dropping a file (opened by `open_file`) ------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_file(files[0])

    # --- small things ---------------------------------------------------------------------------
    def _show_home(self) -> None:
        self.select_dataset(None)
        self.stack.setCurrentWidget(self.welcome)
        self.welcome.set_recent_files(self.settings.recent_files)
        if not self.welcome.samples:
            self.welcome.load_samples()

    def _show_tab(self, index: int) -> None:
        if self.stack.currentWidget() is self.tabs:
            self.tabs.setCurrentIndex(index)

    def _show_activity(self) -> None:
        descriptions = self.bridge.running_descriptions()
        self.busy_progress.setVisible(bool(descriptions))
        self.busy_label.setText(f"{descriptions[0]}…" if descriptions else "")

    def _show_workers(self, workers: dict) -> None:
        if not workers:
            self.workers_label.setText("Workers: not started")
            return
        busy, free = workers.get("busy", 0), workers.get("free", 0)
        self.workers_label.setText(f"Workers: {busy} busy · {free} free")
        self.workers_label.setToolTip(f"{workers.get('total', busy + free)} workers in total")

    def set_app_icon(self, icon: QIcon) -> None:
        self.setWindowIcon(icon)

    # --- closing --------------------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        self._closing = True
        self.settings.save_window_state(self.saveGeometry(), self.saveState())
        self.settings.sync()
        self._status_timer.stop()
        if self._data_view is not None:
            self._data_view.cancel_loading(quiet=True)
        self.hide()
        ws = self.bridge.workspace
        self.bridge.shutdown()
        if ws is not None:
            try:
                ws.close()  # stops the dispatcher; running experiments are re-queued next time
            except Exception:
                log.exception("closing the workspace failed")
        super().closeEvent(event)


class _FirstPaint(QObject):
    """Calls back once, on the first paint of the watched window, then removes itself."""

    def __init__(self, callback, window: QWidget) -> None:
        super().__init__(window)
        self._callback = callback

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            obj.removeEventFilter(self)
            QTimer.singleShot(0, callback)
            self.deleteLater()
        return False

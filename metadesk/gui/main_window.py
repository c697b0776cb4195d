"""The main window: datasets on the left, Data/Suggestions/Results/Knowledge tabs, the queue dock.

It wires its parts together (the `DatasetSidebar`, the `DataTab`, the `Menus`, the other views) and
decides what the tabs show; it never does I/O itself (the workspace opens, files load and lists
refresh on the bridge's worker threads).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QIcon
from PySide6.QtWidgets import QMainWindow, QSplitter, QStackedWidget, QTabWidget, QWidget

from metadesk.gui.dialogs.welcome import WelcomePage
from metadesk.gui.main_datasets import DatasetSidebar, DataTab
from metadesk.gui.main_menus import Menus
from metadesk.gui.main_status import StatusArea
from metadesk.gui.settings import AppSettings
from metadesk.gui.views.dataset_list import LazyView
from metadesk.gui.views.next_step import add_file_text
from metadesk.gui.views.queue_dock import QueueDock
from metadesk.gui.workers import WorkspaceBridge

if TYPE_CHECKING:
    from metadesk.gui.views.data_view import DataView
    from metadesk.workspace.service import DatasetInfo, Workspace

log = logging.getLogger(__name__)

# The tabs G2's views fill: (title, module, class).
OTHER_VIEWS = (
    ("Suggestions", "metadesk.gui.views.suggestions", "SuggestionsView"),
    ("Results", "metadesk.gui.views.results", "ResultsView"),
    ("Knowledge", "metadesk.gui.views.knowledge", "KnowledgeView"),
)
DATASET_EVENTS = frozenset({"dataset_added", "knowledge_changed"})


class MainWindow(QMainWindow):
    """`open_workspace()` opens the workspace in the background; `open_file(path)` loads a table."""

    workspace_ready = Signal(object)
    dataset_selected = Signal(object)  # dataset id or None

    def __init__(
        self,
        bridge: WorkspaceBridge,
        settings: AppSettings | None = None,
        parent: QWidget | None = None,
        *,
        log_file: str = "",
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.settings = settings or AppSettings()
        self.log_file = log_file
        self._pending_file: tuple[str, dict[str, Any]] | None = None
        self._closing = False
        self.setWindowTitle("metadesk")
        self.setAcceptDrops(True)
        self.setMinimumSize(900, 600)
        self.resize(1280, 800)

        self._build_central()
        self.queue_dock = QueueDock(bridge, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.queue_dock)
        self.status = StatusArea(self.statusBar(), bridge)
        self.queue_dock.workers_changed.connect(self.status.show_workers)
        self.queue_dock.executor_error.connect(
            lambda msg: self.statusBar().showMessage(msg or "Experiments could not start.", 15000)
        )
        self.menus = Menus(self)
        self.resizeDocks([self.queue_dock], [190], Qt.Orientation.Vertical)

        bridge.event.connect(self._on_event)
        self._status_timer = QTimer(self)  # workers can change without an event (a Dask cluster)
        self._status_timer.setInterval(5000)
        self._status_timer.timeout.connect(self.queue_dock.refresh)
        self._status_timer.start()
        geometry, state = self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        self.show_home()
        # Build the Data view at idle time once the window shows, not when the first file opens.
        self.after_first_paint(self._warm_up_data_view)

    # --- layout ---------------------------------------------------------------------------------
    def _build_central(self) -> None:
        self.sidebar = DatasetSidebar(self.bridge)
        self.sidebar.picked.connect(self.select_dataset)
        self.sidebar.open_requested.connect(self.open_file_dialog)
        self.dataset_model = self.sidebar.model  # tests, screenshots and the self-test use these
        self.dataset_list = self.sidebar.list_view

        self.data_tab = DataTab(self.bridge, self.settings)
        self.data_tab.open_requested.connect(self.open_file_dialog)
        self.data_tab.file_loaded.connect(self._file_loaded)
        self.data_tab.file_replaced.connect(self._file_replaced)
        self.data_tab.file_replaced.connect(self.update_next_step)
        self.data_tab.load_failed.connect(self._file_failed)
        self.data_tab.dataset_added.connect(self._dataset_added)
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
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([230, 1050])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

    @property
    def data_view(self) -> DataView:
        """The Data tab's view, built the first time it is needed."""
        return self.data_tab.view

    @property
    def dataset_id(self) -> str | None:
        """The workspace dataset the tabs show (None: the welcome screen, or a file)."""
        return self.sidebar.dataset_id

    def _warm_up_data_view(self) -> None:
        if not self._closing:
            self.data_tab.warm_up()

    def after_first_paint(self, callback: Callable[[], Any]) -> None:
        """Run `callback` once the window has painted (start-up work that can wait a moment)."""
        watcher = _FirstPaint(callback, self)
        self.installEventFilter(watcher)

    # --- the workspace --------------------------------------------------------------------------
    def open_workspace(
        self, path: str | Path | None = None, *, prior_dir: Any = None, start: bool = True
    ) -> None:
        """Open (and start) the workspace on a worker thread; views come alive when it is ready."""
        workers, scheduler = self.settings.workers, self.settings.scheduler or None

        def work() -> tuple[Workspace, str]:
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

    def _workspace_opened(self, ws: Workspace, warning: str) -> None:
        if self._closing:
            ws.close()
            return
        self.set_workspace(ws, warning)

    def set_workspace(self, ws: Workspace, warning: str = "") -> None:
        """Use an already open workspace (tests, the self-test); `open_workspace` ends here too."""
        self.bridge.set_workspace(ws)
        self.status.show_workspace(str(getattr(ws, "path", "")))
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
        self.status.workspace_failed()
        self.bridge.report_error(exc, "Opening the workspace")

    def refresh_datasets(self, select: str | None = None) -> None:
        self.sidebar.refresh(select)

    def _on_event(self, event: Any) -> None:
        if event.kind in DATASET_EVENTS:
            self.refresh_datasets()

    # --- which dataset the tabs show ------------------------------------------------------------
    def select_dataset(self, dataset_id: str | None) -> None:
        """Show a dataset in every tab (None: back to the welcome screen)."""
        self.sidebar.dataset_id = dataset_id
        self.menus.remove_action.setEnabled(dataset_id is not None)
        if dataset_id is not None:
            self.settings.last_dataset = dataset_id
            for lazy in self.other_views.values():
                lazy.next_step.clear()
        if dataset_id is None:
            self.sidebar.clear_selection(current=True)
        if dataset_id is not None or self.data_tab.built is not None:
            self.data_view.set_dataset(dataset_id)
        for view in self.other_views.values():
            view.set_dataset(dataset_id)
        if dataset_id is None and not self.data_tab.has_table():
            self.stack.setCurrentWidget(self.welcome)
        else:
            self.stack.setCurrentWidget(self.tabs)
        self.dataset_selected.emit(dataset_id)

    def _dataset_added(self, info: DatasetInfo) -> None:
        self.settings.last_dataset = info.dataset_id
        self.update_next_step()
        self.refresh_datasets(select=info.dataset_id)
        self.sidebar.dataset_id = info.dataset_id
        for view in self.other_views.values():
            view.set_dataset(info.dataset_id)
        self.menus.remove_action.setEnabled(True)
        self.dataset_selected.emit(info.dataset_id)

    def remove_dataset(self) -> None:
        dataset_id = self.dataset_id
        if dataset_id is None or not self.sidebar.remove(dataset_id):
            return
        if self.settings.last_dataset == dataset_id:
            self.settings.last_dataset = None
        self.select_dataset(None)

    # --- files ----------------------------------------------------------------------------------
    def open_file_dialog(self) -> None:
        path = self.data_tab.choose_file()
        if path:
            self.open_file(path)

    def open_file(self, path: str | Path, **options: Any) -> None:
        """Load a table into the Data tab (on a worker thread); waits for the workspace if needed."""
        path = str(path)
        if self.bridge.workspace is None:
            self._pending_file = (path, options)
            self.statusBar().showMessage(f"{Path(path).name} opens once the workspace is ready…")
            return
        # The current dataset stays selected everywhere until the new table has loaded: a file
        # that fails to open leaves the window exactly as it was.
        self.stack.setCurrentWidget(self.tabs)
        view = self.data_view
        self.tabs.setCurrentWidget(self.data_tab)
        view.open_file(path, **options)

    def _file_replaced(self) -> None:
        """A file took the Data tab's place: no dataset of the workspace is current any more."""
        self.sidebar.dataset_id = None
        self.sidebar.clear_selection()
        for other in self.other_views.values():
            other.set_dataset(None)
        self.menus.remove_action.setEnabled(False)
        self.dataset_selected.emit(None)

    def update_next_step(self, *_: Any) -> None:
        """While a file is open on the Data tab but not in the workspace, the other tabs say so
        and offer to add it (the one step between opening a file and getting suggestions)."""
        view = self.data_tab.built
        table = view.loaded if view is not None else None
        path = table.path if table is not None and table.dataset_id is None else None
        for title, lazy in self.other_views.items():
            if path is None:
                lazy.next_step.clear()
                continue
            lazy.next_step.show_step(
                add_file_text(title, path.name), "&Add to workspace", self.add_open_file
            )

    def add_open_file(self) -> None:
        """The next-step button: add the Data tab's table, or show it if its task is not ready."""
        view = self.data_view
        self.tabs.setCurrentWidget(self.data_tab)
        if view.task is not None and view.task_bar.add_button.isEnabled():
            view.add_to_workspace()
        else:
            view.task_bar.add_button.setFocus()

    def _file_failed(self, _path: str) -> None:
        """Opened from the welcome screen and failed: back to it, as if nothing had happened."""
        view = self.data_tab.built
        if self.dataset_id is None and view is not None and view.loaded is None:
            self.stack.setCurrentWidget(self.welcome)

    def _file_loaded(self, path: str) -> None:
        self.settings.add_recent_file(path)
        self.welcome.set_recent_files(self.settings.recent_files)
        self.setWindowTitle(f"{Path(path).name} — metadesk")

    # --- dropping a file (opened by `open_file`) ------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_file(files[0])

    # --- small things ---------------------------------------------------------------------------
    def show_home(self) -> None:
        """The welcome screen, with the recent files and the samples."""
        self.select_dataset(None)
        self.stack.setCurrentWidget(self.welcome)
        self.welcome.set_recent_files(self.settings.recent_files)
        if not self.welcome.samples:
            self.welcome.load_samples()

    def show_tab(self, index: int) -> None:
        if self.stack.currentWidget() is self.tabs:
            self.tabs.setCurrentIndex(index)

    def set_app_icon(self, icon: QIcon) -> None:
        self.setWindowIcon(icon)

    # --- closing --------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        self.settings.save_window_state(self.saveGeometry(), self.saveState())
        self.settings.sync()
        self._status_timer.stop()
        if self.data_tab.built is not None:
            self.data_tab.built.cancel_loading(quiet=True)
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

    def __init__(self, callback: Callable[[], Any], window: QWidget) -> None:
        super().__init__(window)
        self._callback: Callable[[], Any] | None = callback

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            obj.removeEventFilter(self)
            QTimer.singleShot(0, callback)
            self.deleteLater()
        return False

"""The Data tab: a file (or a workspace dataset) as rows, columns with roles, target and task type.

Loading, summarising and validating run on the bridge's worker threads; this widget only shows
results. "Add to workspace" snapshots the task and computes its meta-features in the background.
Its parts own their widgets: `TableHeading`, `TaskBar`, `DataTables`, `EmptyPage`, `LoadProgress`.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from metadesk.gui.frame_model import FrameModel
from metadesk.gui.settings import AppSettings
from metadesk.gui.views.column_summary import ColumnsModel
from metadesk.gui.views.data_encoding import TableHeading
from metadesk.gui.views.data_layout import EmptyPage, LoadProgress, TableLoader, table_page
from metadesk.gui.views.data_loading import (
    LoadedTable,
    describe_target,
    left_out,
    make_checked_task,
)
from metadesk.gui.views.data_sizes import DataTables, warm_up
from metadesk.gui.views.data_task import TaskBar, drop_classes_text, ready_message
from metadesk.gui.views.message_bar import MessageBar
from metadesk.gui.workers import WorkspaceBridge
from metadesk.gui.workspace_ref import opened

if TYPE_CHECKING:
    from metadesk.data.task import Task
    from metadesk.errors import FileTooLarge
    from metadesk.workspace.records import DatasetInfo
    from metadesk.workspace.service import Workspace

_CHECK_AFTER_MS = 200  # after a new table shows, before its task is checked
PART_ROWS = 100_000  # "Load the first N rows" / "a random sample of N rows" for a huge file


class DataView(QWidget):
    """`open_file(path)` loads a new table; `set_dataset(id)` shows a workspace dataset."""

    dataset_added = Signal(object)  # DatasetInfo, as soon as the task is in the workspace
    file_loaded = Signal(str)
    file_replaced = Signal()  # a file (or its part-loading choice) now stands in the view
    load_failed = Signal(str)  # the file that could not be opened (the error is reported)
    loading_changed = Signal(bool)
    task_changed = Signal(object)  # the valid Task, or None while the choice is invalid
    open_requested = Signal()

    def __init__(
        self,
        bridge: WorkspaceBridge,
        settings: AppSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.settings = settings
        self.loaded: LoadedTable | None = None
        self.task: Task | None = None
        self.dataset_id: str | None = None
        self._drop_classes: list[Any] = []  # rare classes the user chose to leave out

        self.frame_model = FrameModel(parent=self)
        self.columns_model = ColumnsModel(self)
        self.columns_model.role_edited.connect(self._role_edited)
        self._build()
        self.stack.setCurrentIndex(0)

    def _build(self) -> None:
        self.empty_page = EmptyPage()
        self.empty_page.open_requested.connect(self.open_requested)
        self.heading = TableHeading()
        self.heading.reread.connect(lambda path, options: self.open_file(path, **options))
        self.task_bar = TaskBar()  # hidden with the tables while there is no table to show
        self.task_bar.target_changed.connect(self._target_changed)
        self.task_bar.task_type_changed.connect(self._task_type_changed)
        self.task_bar.add_button.clicked.connect(self.add_to_workspace)
        self.message_bar = MessageBar()
        self.tables = DataTables(self.frame_model, self.columns_model, self.settings)
        self.load_progress = LoadProgress(self.empty_page.loading_panel, self)
        self.loader = TableLoader(self.bridge, self._workspace, self)
        self.loader.loaded.connect(self._loaded)
        self.loader.failed.connect(self._load_failed)
        self.loader.progress.connect(self._set_progress)
        self.loader.loading_changed.connect(self.loading_changed)
        self.load_progress.cancel_button.clicked.connect(self.cancel_loading)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_page)
        self.stack.addWidget(
            table_page([self.heading, self.task_bar, self.message_bar], self.tables)
        )
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.load_progress.row)  # above both pages: a first load starts empty
        outer.addWidget(self.stack)
        bar, tables = self.task_bar, self.tables
        order: list[QWidget] = [self.heading.encoding_combo, bar.target_combo, bar.task_type_combo]
        order += [bar.add_button, tables.columns_table, tables.rows_table]
        for first, second in pairwise(order):
            self.setTabOrder(first, second)
        self._set_progress(None)

    @property
    def loading(self) -> bool:
        return self.loader.loading

    def _set_progress(self, text: str | None, fraction: float | None = None) -> None:
        self.empty_page.set_busy(text is not None)
        self.load_progress.show_progress(
            text,
            fraction,
            centered=self.stack.currentIndex() == 0,
            cancellable=self.loader.loading,
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.tables.split_pending:
            QTimer.singleShot(0, self.tables.place_split)  # once it has its real height

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.task_bar.place_detected()

    def _workspace(self) -> Workspace:
        return opened(self.bridge.workspace)

    # --- loading a file -------------------------------------------------------------------------
    def open_file(self, path: str | Path, **options: Any) -> None:
        """Read `path` on a worker thread (options go to `read_table`: nrows=, sample=, sheet=)."""
        self.loader.open_file(Path(path), options)

    def cancel_loading(self, quiet: bool = False) -> None:
        if not self.loader.cancel() or quiet:
            return
        hint = "A read already under way ends in the background; nothing of it is kept."
        if self.stack.currentIndex() == 0:  # nothing shown yet: say it where the user looks
            self.empty_page.show_note(f"Loading cancelled. {hint}")
        else:
            self.message_bar.show_message("info", "Loading cancelled.", hint)

    def _load_failed(self, path: Path | None, exc: BaseException) -> None:
        from metadesk.errors import FileTooLarge

        if path is None:
            self.bridge.report_error(exc, "Opening the dataset")
        elif isinstance(exc, FileTooLarge):
            self._offer_part(path, exc)
        else:
            self.bridge.report_error(exc, f"Opening {path.name}")
            self.load_failed.emit(str(path))

    def _offer_part(self, path: Path, exc: FileTooLarge) -> None:
        """Too large to load whole: offer the first rows or a random sample of them."""
        n = PART_ROWS
        self._clear_table()  # the previous table must not pass for this file's
        self.stack.setCurrentIndex(1)
        self.heading.show_too_large(path.name)
        self.file_replaced.emit()
        self.message_bar.show_message(
            "warning",
            exc.message,
            exc.hint,
            [
                (f"Load the first {n:,} rows", lambda: self.open_file(path, nrows=n)),
                (f"Load a random sample of {n:,} rows", lambda: self.open_file(path, sample=n)),
            ],
        )

    def _clear_table(self) -> None:
        """Nothing loaded: empty tables, no target to pick, nothing to add."""
        self.loaded, self.task, self.dataset_id = None, None, None
        self.tables.clear()
        self.task_bar.clear()
        self.heading.clear()
        self.task_bar.hide()
        self.tables.hide()

    def _loaded(self, table: LoadedTable) -> None:
        self.dataset_id = table.dataset_id
        self._show_table(table)
        if table.path is not None and table.dataset_id is None:
            self.file_replaced.emit()
            self.file_loaded.emit(str(table.path))

    def _show_table(self, table: LoadedTable) -> None:
        self.loaded = table
        self._drop_classes = []
        self.task = table.task
        self.stack.setCurrentIndex(1)
        self.task_bar.show()
        self.tables.show()
        excluded = dict(getattr(table.task, "excluded", {}) or {})
        self.tables.show_table(table, excluded)
        self.heading.show_table(table)
        in_workspace = table.dataset_id is not None
        self.task_bar.show_table(table.frame.columns, table.target, stored=in_workspace)
        self.message_bar.clear()
        if in_workspace:
            self._show_task(table.task, describe_target(table.task))
            if excluded:  # the title line says it is in the workspace; this says what is not used
                excluded_text = left_out(excluded)
                self.message_bar.show_message(
                    "info",
                    f"{len(table.task.feature_columns)} features to learn from; "
                    f"left out: {excluded_text}.",
                )
        else:
            self.task_bar.add_button.setEnabled(False)
            self.task_bar.detected_label.setText("Checking…")
            # Check the task once the new table has painted (a paint and its layouts take up to
            # ~0.1 s on a loaded machine): the check's worker thread would compete with it for
            # the interpreter and stretch it into a visible freeze. The check takes seconds.
            QTimer.singleShot(_CHECK_AFTER_MS, self, lambda: self._check_if_shown(table))

    def _check_if_shown(self, table: LoadedTable) -> None:
        if self.loaded is table:
            self._remake_task()

    # --- the task -------------------------------------------------------------------------------
    def current_target(self) -> str:
        return self.task_bar.current_target()

    def _target_changed(self, _text: str) -> None:
        if self.loaded is None or self.loaded.dataset_id is not None:
            return
        self.tables.show_target(self.current_target())
        self._drop_classes = []
        self._remake_task()

    def _task_type_changed(self) -> None:
        if self.loaded is not None and self.loaded.dataset_id is None:
            self._remake_task()

    def _role_edited(self, _column: str, _role: str) -> None:
        self._remake_task()

    def _remake_task(self) -> None:
        table = self.loaded
        if table is None or table.dataset_id is not None:
            return
        target = self.current_target()
        roles = {
            name: self.columns_model.role_of(name) or table.roles.get(name, "")
            for name in table.roles
            if name != target
        }
        task_type = self.task_bar.chosen_task_type()
        folds = self.settings.folds if self.settings is not None else 5
        drop = list(self._drop_classes)

        def make():
            return make_checked_task(
                self._workspace(),
                table,
                target,
                roles,
                task_type=task_type,
                folds=folds,
                drop_classes=drop,
            )

        self.task = None
        self.task_bar.add_button.setEnabled(False)
        self.task_changed.emit(None)
        self.bridge.call(
            make,
            lambda result: self._task_ready(*result),
            self._task_failed,
            key="data-make-task",
            description="Checking the task",
        )

    def _task_ready(self, task: Task, target_text: str) -> None:
        self.task = task
        roles = {str(k): str(getattr(v, "value", v)) for k, v in task.roles.items()}
        self.columns_model.set_roles(roles, task.target, dict(task.excluded))
        self._show_task(task, target_text)
        self.task_bar.add_button.setEnabled(True)
        self.message_bar.show_message("success", *ready_message(task))
        self.task_changed.emit(task)

    def _show_task(self, task: Task, target_text: str) -> None:
        stored = self.loaded is not None and self.loaded.dataset_id is not None
        self.task_bar.show_task(task.task_type, target_text, stored=stored)

    def _task_failed(self, exc: BaseException) -> None:
        from metadesk.errors import RareClasses, UserError

        if not isinstance(exc, UserError):
            self.bridge.report_error(exc, "Checking the task")
            self.task_bar.detected_label.setText("")
            return
        self.task_bar.detected_label.set_parts("", "Not a usable task yet")
        actions = []
        if isinstance(exc, RareClasses) and exc.classes:
            classes = exc.classes
            actions.append((drop_classes_text(classes), lambda: self.drop_classes(classes)))
        self.message_bar.show_message("error", exc.message, exc.hint, actions)

    def drop_classes(self, classes: list) -> None:
        """Leave the rows of these (rare) classes out of the task, then check it again."""
        self._drop_classes = [*self._drop_classes, *classes]
        self._remake_task()

    # --- into the workspace ---------------------------------------------------------------------
    def add_to_workspace(self) -> None:
        task = self.task
        if task is None or (self.loaded is not None and self.loaded.dataset_id is not None):
            return
        self.task_bar.add_button.setEnabled(False)
        # Before the worker starts: from then on the GUI thread shares the interpreter with it.
        self._set_progress("Adding to the workspace…")
        self.bridge.call(
            lambda: self._workspace().add_dataset(task),
            lambda info: self._added(info, task),
            self._add_failed,
            description="Adding the dataset to the workspace",
        )

    def _add_failed(self, exc: BaseException) -> None:
        self._set_progress(None)
        self.task_bar.add_button.setEnabled(True)
        self.bridge.report_error(exc, "Adding the dataset")

    def _added(self, info: DatasetInfo, task: Task) -> None:
        self._set_progress(None)
        table = self.loaded
        if table is not None:
            self.loaded = replace(  # the reading options stay with the file, not the snapshot
                table, target=task.target, dataset_id=info.dataset_id, task=task, options=None
            )
        self.dataset_id = info.dataset_id
        self.task_bar.show_stored()
        self.heading.hide_encoding()  # the snapshot keeps the text as it was read
        self.columns_model.editable = False
        self.message_bar.show_message(
            "success",
            f"“{info.name}” is in your workspace. Computing its meta-features…",
            "Suggestions appear as soon as they are ready.",
        )
        dataset_id = info.dataset_id
        self.bridge.call(
            lambda: self._workspace().meta_features(dataset_id),
            lambda _mf: self._meta_features_ready(dataset_id),
            key=f"meta-features:{dataset_id}",
            description="Computing meta-features",
        )
        self.dataset_added.emit(info)

    def _meta_features_ready(self, dataset_id: str) -> None:
        if self.dataset_id == dataset_id:
            self.message_bar.show_message(
                "success",
                "Meta-features computed.",
                "See the Suggestions tab for the models metadesk recommends.",
            )

    # --- a workspace dataset --------------------------------------------------------------------
    def set_dataset(self, dataset_id: str | None) -> None:
        """Show a dataset of the workspace (from its snapshot); None shows the empty state."""
        if dataset_id is None:
            if self.loaded is None or self.loaded.dataset_id is not None:
                self._clear_table()
                self.stack.setCurrentIndex(0)
            return
        if self.loaded is not None and self.loaded.dataset_id == dataset_id:
            return  # just added from this view: already showing it
        self.loader.open_dataset(dataset_id)


__all__ = ["DataView", "warm_up"]  # warm_up lives with the sizes; callers import it here

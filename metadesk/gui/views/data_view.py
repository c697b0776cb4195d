"""The Data tab: a file (or a workspace dataset) as rows, columns with roles, target and task type.

Loading, summarising and validating run on the bridge's worker threads; this widget only shows
results. "Add to workspace" snapshots the task and computes its meta-features in the background.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from metadesk.gui.frame_model import FrameModel
from metadesk.gui.views.column_summary import ColumnsModel
from metadesk.gui.views.data_encoding import DataViewEncoding
from metadesk.gui.views.data_layout import DataViewLayout
from metadesk.gui.views.data_loading import (
    TASK_TYPE_LABELS,
    LoadedTable,
    describe_target,
    left_out,
    load_dataset_table,
    load_file_table,
    make_checked_task,
)
from metadesk.gui.views.data_sizes import warm_up

log = logging.getLogger(__name__)

_CHECK_AFTER_MS = 200  # after a new table shows, before its task is checked
PART_ROWS = 100_000  # "Load the first N rows" / "a random sample of N rows" for a huge file


class DataView(DataViewEncoding, DataViewLayout, QWidget):
    """`open_file(path)` loads a new table; `set_dataset(id)` shows a workspace dataset."""

    dataset_added = Signal(object)  # DatasetInfo, as soon as the task is in the workspace
    file_loaded = Signal(str)
    file_replaced = Signal()  # a file (or its part-loading choice) now stands in the view
    load_failed = Signal(str)  # the file that could not be opened (the error is reported)
    loading_changed = Signal(bool)
    task_changed = Signal(object)  # the valid Task, or None while the choice is invalid
    open_requested = Signal()

    def __init__(self, bridge, settings=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.settings = settings
        self.loaded: LoadedTable | None = None
        self.task = None
        self.dataset_id: str | None = None
        self._load_handle = None
        self._updating = False
        self._drop_classes: list = []  # rare classes the user chose to leave out
        self._shown_target: str | None = None  # the Rows header marked "(target)"

        self.frame_model = FrameModel(parent=self)
        self.columns_model = ColumnsModel(self)
        self.columns_model.role_edited.connect(self._role_edited)
        self._build()
        self._show_empty()

    @property
    def loading(self) -> bool:
        return self._load_handle is not None

    def _workspace(self):
        ws = self.bridge.workspace
        if ws is None:
            from metadesk.errors import WorkspaceProblem

            raise WorkspaceProblem("The workspace is still opening.", "Try again in a moment.")
        return ws

    # --- loading a file -------------------------------------------------------------------------
    def open_file(self, path: str | Path, **options: Any) -> None:
        """Read `path` on a worker thread (options go to `read_table`: nrows=, sample=, sheet=)."""
        path = Path(path)
        self.cancel_loading(quiet=True)
        bridge = self.bridge

        def load() -> LoadedTable:
            return load_file_table(self._workspace(), path, options)

        self._load_handle = bridge.call(
            load,
            self._loaded,
            lambda exc: self._load_failed(path, exc),
            key="data-load",
            description=f"Loading {path.name}",
            on_progress=lambda f, m: self._set_progress(m or f"Loading {path.name}…", f),
        )
        self._set_progress(f"Loading {path.name}…")
        self.loading_changed.emit(True)

    def cancel_loading(self, quiet: bool = False) -> None:
        if self._load_handle is None:
            return
        self._load_handle.cancel()
        self._load_handle = None
        self._set_progress(None)
        self.loading_changed.emit(False)
        if quiet:
            return
        hint = "A read already under way ends in the background; nothing of it is kept."
        if self.stack.currentIndex() == 0:  # nothing shown yet: say it where the user looks
            self.empty_note.setText(f"Loading cancelled. {hint}")
            self.empty_note.show()
        else:
            self.message_bar.show_message("info", "Loading cancelled.", hint)

    def _load_failed(self, path: Path, exc: BaseException) -> None:
        from metadesk.errors import FileTooLarge

        self._load_handle = None
        self._set_progress(None)
        self.loading_changed.emit(False)
        if isinstance(exc, FileTooLarge):
            self._clear_table()  # the previous table must not pass for this file's
            self.stack.setCurrentIndex(1)
            self.title_label.setText(path.name)
            self.info_label.setText("too large to load whole")
            self.file_replaced.emit()
            self.message_bar.show_message(
                "warning",
                exc.message,
                exc.hint,
                [
                    (
                        f"Load the first {PART_ROWS:,} rows",
                        lambda: self.open_file(path, nrows=PART_ROWS),
                    ),
                    (
                        f"Load a random sample of {PART_ROWS:,} rows",
                        lambda: self.open_file(path, sample=PART_ROWS),
                    ),
                ],
            )
            return
        self.bridge.report_error(exc, f"Opening {path.name}")
        self.load_failed.emit(str(path))

    def _clear_table(self) -> None:
        """Nothing loaded: empty tables, no target to pick, nothing to add."""
        self.loaded, self.task, self.dataset_id = None, None, None
        self.frame_model.set_frame(None)
        self.columns_model.set_summaries([], 0)
        self._updating = True
        self.target_combo.clear()
        self._updating = False
        self.detected_label.setText("")
        self.notes_label.hide()
        self.encoding_combo.hide()
        self.encoding_label.hide()
        self.add_button.setEnabled(False)
        self.columns_caption.setText("")
        self.rows_caption.setText("")
        self.task_bar.hide()
        self.splitter.hide()

    def _loaded(self, table: LoadedTable) -> None:
        self._load_handle = None
        self._set_progress(None)
        self.loading_changed.emit(False)
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
        self.splitter.show()
        frame = table.frame
        self.frame_model.set_frame(frame, table.columns)
        self.frame_model.set_target(table.target)
        self._shown_target = table.target
        self.columns_model.set_summaries(table.summaries, len(frame))
        self.columns_model.editable = table.dataset_id is None
        excluded = dict(getattr(table.task, "excluded", {}) or {})
        self.columns_model.set_roles(table.roles, table.target, excluded)
        self._size_row_columns()
        self._size_columns_table()
        self._show_captions(table)
        self._place_split()
        name = table.path.name if table.path else ""
        if table.task is not None:
            name = table.task.name or name
        self.title_label.setText(name)
        self.info_label.setText(self._info_text(table))
        self._show_encoding(table)
        notes = tuple(getattr(table.report, "notes", ()) or ())
        self.notes_label.setText(" ".join(notes[:4]) + (" …" if len(notes) > 4 else ""))
        self.notes_label.setToolTip("\n".join(notes))
        self.notes_label.setVisible(bool(notes))
        self._updating = True
        self.target_combo.clear()
        self.target_combo.addItems([str(c) for c in frame.columns])
        self.target_combo.setCurrentText(table.target)
        self.task_type_combo.setCurrentIndex(0)
        self._updating = False
        in_workspace = table.dataset_id is not None
        self.target_combo.setEnabled(not in_workspace)
        self.task_type_combo.setEnabled(not in_workspace)
        self.add_button.setVisible(not in_workspace)
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
            self.add_button.setEnabled(False)
            self.detected_label.setText("Checking…")
            # Check the task once the new table has painted (a paint and its layouts take up to
            # ~0.1 s on a loaded machine): the check's worker thread would compete with it for
            # the interpreter and stretch it into a visible freeze. The check takes seconds.
            QTimer.singleShot(
                _CHECK_AFTER_MS, self, lambda: self.loaded is table and self._remake_task()
            )

    def _column_selected(self, current, _previous) -> None:
        if current.isValid():
            self.rows_table.scrollTo(self.frame_model.index(0, current.row()))
            self.rows_table.selectColumn(current.row())
            self.columns_table.setFocus()

    # --- the task -------------------------------------------------------------------------------
    def current_target(self) -> str:
        return self.target_combo.currentText()

    def _target_changed(self, _text: str) -> None:
        if self._updating or self.loaded is None or self.loaded.dataset_id is not None:
            return
        names = self.loaded.frame.columns
        before, self._shown_target = self._shown_target, self.current_target()
        self.frame_model.set_target(self._shown_target)
        # Only the old and new target's headers changed ("… (target)"): resize just those.
        self._size_row_columns(
            [i for i, c in enumerate(names) if str(c) in (before, self.current_target())]
        )
        self._drop_classes = []
        self._remake_task()

    def _task_type_changed(self, _index: int) -> None:
        if not self._updating and self.loaded is not None and self.loaded.dataset_id is None:
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
        task_type = self.task_type_combo.currentData()
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
        self.add_button.setEnabled(False)
        self.task_changed.emit(None)
        self.bridge.call(
            make,
            lambda result: self._task_ready(*result),
            self._task_failed,
            key="data-make-task",
            description="Checking the task",
        )

    def _task_ready(self, task, target_text: str) -> None:
        self.task = task
        roles = {str(k): str(getattr(v, "value", v)) for k, v in task.roles.items()}
        self.columns_model.set_roles(roles, task.target, dict(task.excluded))
        self._show_task(task, target_text)
        self.add_button.setEnabled(True)
        notes = list(getattr(task, "notes", ()) or ())
        if task.excluded:
            notes.append(f"Left out: {left_out(task.excluded)}.")
        n_features = len(task.feature_columns)
        if task.dropped_rows and not notes:
            notes.append(f"{task.dropped_rows:,} rows were left out.")
        notes.append("Next: Add to workspace, and metadesk suggests which models to try first.")
        self.message_bar.show_message(
            "success",
            f"Ready: {task.n_rows:,} rows and {n_features} "
            f"{'feature' if n_features == 1 else 'features'} to learn from.",
            " ".join(notes),
        )
        self.task_changed.emit(task)

    def _show_task(self, task, target_text: str) -> None:
        label = TASK_TYPE_LABELS.get(task.task_type, task.task_type)
        chosen = self.task_type_combo.currentData()
        prefix = "" if chosen else "Detected: "
        self.detected_label.set_parts(prefix, label, f" — {target_text}")
        self.place_detected()
        self._updating = True
        self.task_type_combo.setItemText(0, f"Automatic ({label.split()[0].lower()})")
        if self.loaded is not None and self.loaded.dataset_id is not None:
            self.task_type_combo.setCurrentIndex(self.task_type_combo.findData(task.task_type))
        self._updating = False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.place_detected()

    def _task_failed(self, exc: BaseException) -> None:
        from metadesk.errors import RareClasses, UserError

        if not isinstance(exc, UserError):
            self.bridge.report_error(exc, "Checking the task")
            self.detected_label.setText("")
            return
        self.detected_label.set_parts("", "Not a usable task yet")
        actions = []
        if isinstance(exc, RareClasses) and exc.classes:
            shown = ", ".join(str(c) for c in exc.classes[:5]) + (
                ", …" if len(exc.classes) > 5 else ""
            )
            actions.append(
                (f"Drop these classes ({shown})", lambda: self.drop_classes(exc.classes))
            )
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
        self.add_button.setEnabled(False)
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
        self.add_button.setEnabled(True)
        self.bridge.report_error(exc, "Adding the dataset")

    def _added(self, info, task) -> None:
        self._set_progress(None)
        table = self.loaded
        if table is not None:
            self.loaded = LoadedTable(
                table.path,
                table.frame,
                table.report,
                table.roles,
                task.target,
                table.summaries,
                info.dataset_id,
                task,
                table.columns,
            )
        self.dataset_id = info.dataset_id
        self.add_button.setVisible(False)
        self.encoding_combo.hide()  # the snapshot keeps the text as it was read
        self.encoding_label.hide()
        self.place_detected()  # the button's room may let the detected task back beside it
        self.target_combo.setEnabled(False)
        self.task_type_combo.setEnabled(False)
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
                self._show_empty()
            return
        if self.loaded is not None and self.loaded.dataset_id == dataset_id:
            return  # just added from this view: already showing it
        self.cancel_loading(quiet=True)

        def load() -> LoadedTable:
            return load_dataset_table(self._workspace(), dataset_id)

        self._load_handle = self.bridge.call(
            load,
            self._loaded,
            lambda exc: self._dataset_failed(exc),
            key="data-load",
            description="Opening the dataset",
            on_progress=lambda f, m: self._set_progress(m or "Opening the dataset…", f),
        )
        self._set_progress("Opening the dataset from your workspace…")
        self.loading_changed.emit(True)

    def _dataset_failed(self, exc: BaseException) -> None:
        self._load_handle = None
        self._set_progress(None)
        self.loading_changed.emit(False)
        self.bridge.report_error(exc, "Opening the dataset")


__all__ = ["DataView", "warm_up"]  # warm_up lives with the sizes; callers import it here

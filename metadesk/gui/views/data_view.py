"""The Data tab: a file (or a workspace dataset) as rows, columns with roles, target and task type.

Loading, summarising and validating run on the bridge's worker threads; this widget only shows
results. "Add to workspace" snapshots the task and computes its meta-features in the background.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from metadesk.gui.frame_model import FrameModel
from metadesk.gui.views.column_summary import (
    ColumnsModel,
    ColumnSummary,
    RoleDelegate,
    SparklineDelegate,
    summarize_frame,
)
from metadesk.gui.views.message_bar import MessageBar

log = logging.getLogger(__name__)

TASK_TYPE_LABELS = {
    "binary": "Binary classification",
    "multiclass": "Multiclass classification",
    "regression": "Regression",
}
PART_ROWS = 100_000  # "Load the first N rows" / "a random sample of N rows" for a huge file


@dataclass(frozen=True)
class LoadedTable:
    """What a background load hands to the view."""

    path: Path | None
    frame: Any
    report: Any
    roles: dict[str, str]
    target: str
    summaries: list[ColumnSummary]
    dataset_id: str | None = None
    task: Any = None
    columns: list[Any] | None = None  # FrameModel.prepare_columns(frame), made on the worker


def suggest_target(frame) -> str:
    """`metadesk.data`'s target suggestion (a column named like target/class/label, else the last)."""
    from metadesk.data import suggest_target as suggest

    return str(suggest(frame))


def describe_target(task) -> str:
    """ "2 classes: yes 62%, no 38%" or "from 0.3 to 5.1, mean 2.4"; runs on a worker thread."""
    y = task.y
    if task.task_type == "regression":
        return f"from {y.min():,.4g} to {y.max():,.4g}, mean {y.mean():,.4g}"
    shares = y.value_counts(normalize=True)
    parts = [f"{k} {v:.0%}" for k, v in shares.head(3).items()]
    more = ", …" if len(shares) > 3 else ""
    return f"{len(shares)} classes: " + ", ".join(parts) + more


class DataView(QWidget):
    """`open_file(path)` loads a new table; `set_dataset(id)` shows a workspace dataset."""

    dataset_added = Signal(object)  # DatasetInfo, as soon as the task is in the workspace
    file_loaded = Signal(str)
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

        self.frame_model = FrameModel(parent=self)
        self.columns_model = ColumnsModel(self)
        self.columns_model.role_edited.connect(self._role_edited)
        self._build()
        self._show_empty()

    # --- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.stack = QStackedWidget()
        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        hint = QLabel("Open a table to see its rows, columns and the task it makes.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_open_button = QPushButton("Open a file…")
        self.empty_open_button.setAccessibleName("Open a file")
        self.empty_open_button.clicked.connect(self.open_requested)
        empty_layout.addWidget(hint)
        empty_layout.addWidget(self.empty_open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)
        self.stack.addWidget(empty)

        content = QWidget()
        self.title_label = QLabel()
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setAccessibleName("Table name")
        self.info_label = QLabel()
        self.info_label.setAccessibleName("Table information")
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setAccessibleName("What changed while reading")
        self.notes_label.setStyleSheet("color: palette(placeholder-text);")

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Loading progress")
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress_label = QLabel()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel loading")
        self.cancel_button.clicked.connect(self.cancel_loading)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.title_label)
        titles.addWidget(self.info_label)
        top.addLayout(titles, 1)
        top.addWidget(self.progress_label)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)

        self.target_combo = QComboBox()
        self.target_combo.setAccessibleName("Target column")
        self.target_combo.setToolTip("The column the model learns to predict")
        self.target_combo.setMinimumContentsLength(14)
        self.target_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.target_combo.currentTextChanged.connect(self._target_changed)
        self.task_type_combo = QComboBox()
        self.task_type_combo.setAccessibleName("Task type")
        self.task_type_combo.addItem("Automatic", None)
        for key, label in TASK_TYPE_LABELS.items():
            self.task_type_combo.addItem(label, key)
        self.task_type_combo.currentIndexChanged.connect(self._task_type_changed)
        self.detected_label = QLabel()
        self.detected_label.setAccessibleName("Detected task")
        self.add_button = QPushButton("Add to workspace")
        self.add_button.setAccessibleName("Add to workspace")
        self.add_button.setToolTip(
            "Keep a snapshot of this task in your workspace and compute its meta-features,"
            " so metadesk can suggest models for it"
        )
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.add_to_workspace)
        target_label = QLabel("&Target:")
        target_label.setBuddy(self.target_combo)
        type_label = QLabel("T&ask:")
        type_label.setBuddy(self.task_type_combo)
        task_row = QHBoxLayout()
        task_row.addWidget(target_label)
        task_row.addWidget(self.target_combo)
        task_row.addSpacing(12)
        task_row.addWidget(type_label)
        task_row.addWidget(self.task_type_combo)
        task_row.addSpacing(12)
        task_row.addWidget(self.detected_label, 1)
        task_row.addWidget(self.add_button)

        self.message_bar = MessageBar()

        self.columns_table = QTableView()
        self.columns_table.setAccessibleName("Columns and roles")
        self.columns_table.setModel(self.columns_model)
        self.columns_table.setItemDelegateForColumn(ColumnsModel.COL_ROLE, RoleDelegate(self))
        self.columns_table.setItemDelegateForColumn(ColumnsModel.COL_PLOT, SparklineDelegate(self))
        self.columns_table.setEditTriggers(
            QAbstractItemView.EditTrigger.CurrentChanged
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.columns_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.columns_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.columns_table.verticalHeader().hide()
        self.columns_table.setWordWrap(False)
        self.columns_table.setAlternatingRowColors(True)
        header = self.columns_table.horizontalHeader()
        header.setSectionResizeMode(ColumnsModel.COL_SUMMARY, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        for col, width in (
            (ColumnsModel.COL_NAME, 120),
            (ColumnsModel.COL_ROLE, 96),
            (ColumnsModel.COL_MISSING, 70),
            (ColumnsModel.COL_DISTINCT, 60),
            (ColumnsModel.COL_PLOT, 90),
        ):
            header.resizeSection(col, width)
        header.moveSection(ColumnsModel.COL_PLOT, ColumnsModel.COL_SUMMARY)
        self.columns_table.selectionModel().currentRowChanged.connect(self._column_selected)

        self.rows_table = QTableView()
        self.rows_table.setAccessibleName("Rows")
        self.rows_table.setModel(self.frame_model)
        self.rows_table.setWordWrap(False)
        self.rows_table.setAlternatingRowColors(True)
        self.rows_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        vheader = self.rows_table.verticalHeader()
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        vheader.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.columns_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)

        columns_box = QGroupBox("Columns")
        QVBoxLayout(columns_box).addWidget(self.columns_table)
        rows_box = QGroupBox("Rows")
        QVBoxLayout(rows_box).addWidget(self.rows_table)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(columns_box)
        self.splitter.addWidget(rows_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 400])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(content)
        layout.addLayout(top)
        layout.addWidget(self.notes_label)
        layout.addLayout(task_row)
        layout.addWidget(self.message_bar)
        layout.addWidget(self.splitter, 1)
        self.stack.addWidget(content)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.setTabOrder(self.target_combo, self.task_type_combo)
        self.setTabOrder(self.task_type_combo, self.add_button)
        self.setTabOrder(self.add_button, self.columns_table)
        self.setTabOrder(self.columns_table, self.rows_table)
        self._set_progress(None)

    # --- state display --------------------------------------------------------------------------
    def _show_empty(self) -> None:
        self.stack.setCurrentIndex(0)

    def _set_progress(self, text: str | None, fraction: float | None = None) -> None:
        busy = text is not None
        self.progress.setVisible(busy)
        self.progress_label.setVisible(busy)
        self.cancel_button.setVisible(busy and self._load_handle is not None)
        if busy:
            self.progress_label.setText(text)
            if fraction is None:
                self.progress.setRange(0, 0)
            else:
                self.progress.setRange(0, 100)
                self.progress.setValue(int(fraction * 100))

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
            frame, report = self._workspace().read_table(path, **options)
            roles = {str(k): str(getattr(v, "value", v)) for k, v in report.roles.items()}
            target = suggest_target(frame)
            summaries = summarize_frame(frame, roles)
            columns = FrameModel.prepare_columns(frame)
            return LoadedTable(path, frame, report, roles, target, summaries, columns=columns)

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
        if not quiet:
            self.message_bar.show_message("info", "Loading cancelled.")

    def _load_failed(self, path: Path, exc: BaseException) -> None:
        from metadesk.errors import FileTooLarge

        self._load_handle = None
        self._set_progress(None)
        self.loading_changed.emit(False)
        if isinstance(exc, FileTooLarge):
            self.stack.setCurrentIndex(1)
            self.title_label.setText(path.name)
            self.info_label.setText("Too large to load whole")
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

    def _loaded(self, table: LoadedTable) -> None:
        self._load_handle = None
        self._set_progress(None)
        self.loading_changed.emit(False)
        self.dataset_id = table.dataset_id
        self._show_table(table)
        if table.path is not None and table.dataset_id is None:
            self.file_loaded.emit(str(table.path))

    def _show_table(self, table: LoadedTable) -> None:
        self.loaded = table
        self._drop_classes = []
        self.task = table.task
        self.stack.setCurrentIndex(1)
        frame = table.frame
        self.frame_model.set_frame(frame, table.columns)
        self.frame_model.set_target(table.target)
        self.columns_model.set_summaries(table.summaries, len(frame))
        self.columns_model.editable = table.dataset_id is None
        excluded = dict(getattr(table.task, "excluded", {}) or {})
        self.columns_model.set_roles(table.roles, table.target, excluded)
        self._size_row_columns()
        name = table.path.name if table.path else ""
        if table.task is not None:
            name = table.task.name or name
        self.title_label.setText(name)
        self.info_label.setText(self._info_text(table))
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
            excluded_text = ", ".join(f"{c} ({r})" for c, r in excluded.items())
            self.message_bar.show_message(
                "info",
                f"In your workspace: {table.task.n_rows:,} rows, "
                f"{len(table.task.feature_columns)} features.",
                f"Left out: {excluded_text}." if excluded_text else "",
            )
        else:
            self.add_button.setEnabled(False)
            self.detected_label.setText("Checking…")
            self._remake_task()

    def _info_text(self, table: LoadedTable) -> str:
        frame, report = table.frame, table.report
        parts = [f"{len(frame):,} rows", f"{frame.shape[1]} columns"]
        if report is not None:
            fmt = str(getattr(report, "format", "") or "").upper()
            if getattr(report, "encoding", None):
                fmt += f", {report.encoding}"
            if getattr(report, "delimiter", None):
                shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}
                fmt += f", {shown.get(report.delimiter, repr(report.delimiter))}-separated"
            if getattr(report, "decimal", None) == ",":
                fmt += ", decimal comma"
            if fmt:
                parts.append(fmt)
            if getattr(report, "truncated", False):
                parts.append("part of the file")
        elif table.dataset_id:
            parts.append("snapshot in your workspace")
        return " · ".join(parts)

    def _size_row_columns(self) -> None:
        metrics = self.rows_table.fontMetrics()
        header = self.rows_table.horizontalHeader()
        for i in range(self.frame_model.columnCount()):
            title = str(self.frame_model.headerData(i, Qt.Orientation.Horizontal))
            header.resizeSection(i, min(220, max(64, metrics.horizontalAdvance(title) + 28)))

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
        self.frame_model.set_target(self.current_target())
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
        frame, path = table.frame, table.path
        name = path.stem if path else "table"
        drop = list(self._drop_classes)

        def make():
            from metadesk.data.roles import Role

            task = self._workspace().make_task(
                frame,
                target,
                task_type=task_type,
                roles={k: Role(v) for k, v in roles.items() if v},
                name=name,
                source_path=path,
                folds=folds,
                drop_classes=drop,
            )
            return task, describe_target(task)

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
            notes.append(
                "Left out: " + ", ".join(f"{c} ({r})" for c, r in task.excluded.items()) + "."
            )
        if task.dropped_rows and not notes:
            notes.append(f"{task.dropped_rows:,} rows were left out.")
        self.message_bar.show_message(
            "success",
            f"Ready: {task.n_rows:,} rows and {len(task.feature_columns)} features to learn from.",
            " ".join(notes),
        )
        self.task_changed.emit(task)

    def _show_task(self, task, target_text: str) -> None:
        label = TASK_TYPE_LABELS.get(task.task_type, task.task_type)
        chosen = self.task_type_combo.currentData()
        prefix = "" if chosen else "Detected: "
        self.detected_label.setText(f"{prefix}<b>{label}</b> — {target_text}")
        self.detected_label.setToolTip(f"{label}: {target_text}")
        self._updating = True
        self.task_type_combo.setItemText(0, f"Automatic ({label.split()[0].lower()})")
        if self.loaded is not None and self.loaded.dataset_id is not None:
            self.task_type_combo.setCurrentIndex(self.task_type_combo.findData(task.task_type))
        self._updating = False

    def _task_failed(self, exc: BaseException) -> None:
        from metadesk.errors import RareClasses, UserError

        if not isinstance(exc, UserError):
            self.bridge.report_error(exc, "Checking the task")
            self.detected_label.setText("")
            return
        self.detected_label.setText("<b>Not a usable task yet</b>")
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
                self.loaded, self.task, self.dataset_id = None, None, None
                self.frame_model.set_frame(None)
                self.columns_model.set_summaries([], 0)
                self._show_empty()
            return
        if self.loaded is not None and self.loaded.dataset_id == dataset_id:
            return  # just added from this view: already showing it
        self.cancel_loading(quiet=True)

        def load() -> LoadedTable:
            ws = self._workspace()
            task = ws.load_task(dataset_id)
            roles = {str(k): str(getattr(v, "value", v)) for k, v in task.roles.items()}
            summaries = summarize_frame(task.frame, roles)
            path = Path(task.source_path) if task.source_path else None
            return LoadedTable(
                path, task.frame, None, roles, task.target, summaries, dataset_id, task
            )

        self._load_handle = self.bridge.call(
            load,
            self._loaded,
            lambda exc: self._dataset_failed(exc),
            key="data-load",
            description="Opening the dataset",
            on_progress=lambda f, m: self._set_progress(m or "Opening the dataset…", f),
        )
        self._set_progress("Opening the dataset…")
        self.loading_changed.emit(True)

    def _dataset_failed(self, exc: BaseException) -> None:
        self._load_handle = None
        self._set_progress(None)
        self.loading_changed.emit(False)
        self.bridge.report_error(exc, "Opening the dataset")

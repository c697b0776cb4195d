"""How the Data tab looks: its widgets, their layout and tab order, sizes and the progress display.

`DataViewLayout` is mixed into `DataView` (data_view.py), which holds the behaviour.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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

from metadesk.gui.views.column_delegates import RoleDelegate, SparklineDelegate
from metadesk.gui.views.column_summary import ColumnsModel
from metadesk.gui.views.data_loading import TASK_TYPE_LABELS, LoadedTable
from metadesk.gui.views.data_sizes import DataViewSizes, RowNumberHeader
from metadesk.gui.views.elided_label import ElidedLabel
from metadesk.gui.views.message_bar import MessageBar
from metadesk.gui.views.queue_model import format_seconds

_CANCEL_TIP = (
    "Stop loading this file. A read already under way cannot be interrupted: it ends in the "
    "background and its result is thrown away."
)


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def _muted(label: QLabel) -> QLabel:
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


class DataViewLayout(DataViewSizes):
    """Widgets of the Data tab; expects `frame_model`, `columns_model` and the slots of `DataView`."""

    # --- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_empty())
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(self._build_title())
        # What reading changed, and beside it the encoding choice (room the title row lacks at 1024 px).
        notes_row = QHBoxLayout()
        notes_row.setSpacing(8)
        notes_row.addWidget(self.notes_label, 1)
        notes_row.addWidget(self.encoding_label)
        notes_row.addWidget(self.encoding_combo)
        layout.addLayout(notes_row)
        self.task_bar = QWidget()  # hidden with the tables while there is no table to show
        task_row = self._build_task_row()
        task_row.setContentsMargins(0, 0, 0, 0)
        self.task_bar.setLayout(task_row)
        layout.addWidget(self.task_bar)
        self.message_bar = MessageBar()
        layout.addWidget(self.message_bar)
        layout.addWidget(self._build_tables(), 1)
        layout.addStretch(0)  # takes the room only while the tables are hidden
        self.stack.addWidget(content)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._build_progress())  # above both pages: a first load starts empty
        outer.addWidget(self.stack)
        self.setTabOrder(self.encoding_combo, self.target_combo)
        self.setTabOrder(self.target_combo, self.task_type_combo)
        self.setTabOrder(self.task_type_combo, self.add_button)
        self.setTabOrder(self.add_button, self.columns_table)
        self.setTabOrder(self.columns_table, self.rows_table)
        self._set_progress(None)

    def _build_empty(self) -> QWidget:
        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        self.empty_hint = hint = QLabel(
            "Open a table to see its rows, columns and the task it makes."
        )
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_note = _muted(QLabel())  # what became of the last load, if it was cancelled
        self.empty_note.setAccessibleName("What happened to the last file")
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_note.setWordWrap(True)
        self.empty_note.hide()
        self.empty_open_button = QPushButton("Open a file…")
        self.empty_open_button.setAccessibleName("Open a file")
        self.empty_open_button.clicked.connect(self.open_requested)
        empty_layout.setSpacing(10)
        empty_layout.addWidget(self.empty_note)
        empty_layout.addWidget(hint)
        empty_layout.addWidget(self.empty_open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        # A first load has nothing to show yet: its progress sits here, in the middle.
        self.loading_panel = QWidget()
        self.loading_panel.setAccessibleName("Loading")
        self._center_layout = QVBoxLayout(self.loading_panel)
        self._center_layout.setSpacing(10)
        empty_layout.addWidget(self.loading_panel)
        empty_layout.addStretch(2)
        return empty

    def _build_title(self) -> QHBoxLayout:
        self.title_label = QLabel()
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setAccessibleName("Table name")
        self.info_label = _muted(QLabel())
        self.info_label.setAccessibleName("Table information")
        self.notes_label = _muted(QLabel())
        self.notes_label.setWordWrap(True)
        self.notes_label.setAccessibleName("What changed while reading")
        # A text file's encoding: the detected one, or the user's pick (the file is read again).
        self.encoding_combo = QComboBox()
        self.encoding_combo.setAccessibleName("Encoding")
        self.encoding_combo.setToolTip(
            "How the file's bytes become text. Pick another encoding if letters look wrong"
            " (for example 'SÃ¼d' or 'S³d' instead of 'Süd'); the file is read again."
        )
        self.encoding_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.encoding_combo.activated.connect(self._encoding_chosen)
        self.encoding_label = QLabel("&Encoding:")
        self.encoding_label.setBuddy(self.encoding_combo)
        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.title_label, 0, Qt.AlignmentFlag.AlignBaseline)
        top.addWidget(self.info_label, 1, Qt.AlignmentFlag.AlignBaseline)
        return top

    def _build_task_row(self) -> QHBoxLayout:
        self.target_combo = QComboBox()
        self.target_combo.setAccessibleName("Target column")
        self.target_combo.setToolTip("The column the model learns to predict")
        self.target_combo.setMinimumContentsLength(16)
        self.target_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.target_combo.currentTextChanged.connect(self._target_changed)
        self.task_type_combo = QComboBox()
        self.task_type_combo.setAccessibleName("Task type")
        self.task_type_combo.setToolTip("Automatic: decided from the target's values")
        self.task_type_combo.addItem("Automatic", None)
        for key, label in TASK_TYPE_LABELS.items():
            self.task_type_combo.addItem(label, key)
        self.task_type_combo.currentIndexChanged.connect(self._task_type_changed)
        self.detected_label = ElidedLabel(minimum_chars=16)  # ends in "…" when space is short
        self.detected_label.setAccessibleName("Detected task")
        self.add_button = QPushButton("Add to workspace")
        self.add_button.setAccessibleName("Add to workspace")
        self.add_button.setToolTip(
            "Keep a snapshot of this task in your workspace and compute its meta-features,"
            " so metadesk can suggest models for it"
        )
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.add_to_workspace)
        target_label = self._target_label = QLabel("&Target:")
        target_label.setBuddy(self.target_combo)
        type_label = self._type_label = QLabel("T&ask:")
        type_label.setBuddy(self.task_type_combo)
        row = QHBoxLayout()
        row.addWidget(target_label)
        row.addWidget(self.target_combo)
        row.addSpacing(14)
        row.addWidget(type_label)
        row.addWidget(self.task_type_combo)
        row.addSpacing(14)
        row.addWidget(self.detected_label, 1)
        row.addWidget(self.add_button)
        # Where the detected task goes when the row is too narrow to show it whole.
        self._task_row = row
        self._detected_row = QHBoxLayout()
        self._detected_below = False
        rows = QVBoxLayout()
        rows.setSpacing(4)
        rows.addLayout(row)
        rows.addLayout(self._detected_row)
        return rows

    def _build_tables(self) -> QSplitter:
        table = self.columns_table = QTableView()
        table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        table.setAccessibleName("Columns and roles")
        table.setModel(self.columns_model)
        table.setItemDelegateForColumn(ColumnsModel.COL_ROLE, RoleDelegate(self))
        table.setItemDelegateForColumn(ColumnsModel.COL_PLOT, SparklineDelegate(self))
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.CurrentChanged
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)  # full text in each cell's tooltip
        table.setAlternatingRowColors(True)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setMinimumSectionSize(40)
        header.setSectionResizeMode(ColumnsModel.COL_SUMMARY, QHeaderView.ResizeMode.Stretch)
        header.moveSection(ColumnsModel.COL_PLOT, ColumnsModel.COL_SUMMARY)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._size_columns_table()
        table.selectionModel().currentRowChanged.connect(self._column_selected)

        rows = self.rows_table = QTableView()
        rows.setTabKeyNavigation(False)
        rows.setAccessibleName("Rows")
        rows.setModel(self.frame_model)
        rows.setWordWrap(False)
        rows.setAlternatingRowColors(True)
        rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows.horizontalHeader().setHighlightSections(False)
        vheader = RowNumberHeader(rows)
        rows.setVerticalHeader(vheader)
        vheader.setDefaultSectionSize(self.fontMetrics().height() + 8)
        vheader.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.columns_caption = _muted(QLabel())
        self.rows_caption = _muted(QLabel())
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setAccessibleName("Columns and rows")
        self.splitter.addWidget(self._pane("Columns", self.columns_caption, table))
        self.splitter.addWidget(self._pane("Rows", self.rows_caption, rows))
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(8)
        self.splitter.splitterMoved.connect(self._split_moved)
        self._split_share: float | None = self._saved_split()
        self._placing_split = False
        self._split_pending = False
        return self.splitter

    def _pane(self, title: str, caption: QLabel, table: QTableView) -> QWidget:
        pane = QWidget()
        heading = QLabel(f"<b>{title}</b>")
        heading.setBuddy(table)
        bar = QHBoxLayout()
        bar.setSpacing(10)
        bar.addWidget(heading, 0, Qt.AlignmentFlag.AlignBaseline)
        bar.addWidget(caption, 1, Qt.AlignmentFlag.AlignBaseline)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(table, 1)
        return pane

    def _build_progress(self) -> QWidget:
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Loading progress")
        self.progress.setFixedWidth(160)
        self.progress.setTextVisible(False)
        self.progress_label = QLabel()
        self.progress_label.setAccessibleName("What is loading")
        self.elapsed_label = _muted(QLabel())
        self.elapsed_label.setAccessibleName("Time spent loading")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel loading")
        self.cancel_button.setToolTip(_CANCEL_TIP + " (Esc)")
        self.cancel_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))  # only while it shows
        self.cancel_button.clicked.connect(self.cancel_loading)
        self._progress_since = 0.0
        self._progress_clock = QTimer(self)
        self._progress_clock.setInterval(1000)
        self._progress_clock.timeout.connect(self._show_elapsed)
        self.progress_row = QWidget()
        self.progress_row.setAccessibleName("Loading")
        self._row_layout = QHBoxLayout(self.progress_row)
        self._row_layout.setContentsMargins(12, 8, 12, 2)
        self._row_layout.setSpacing(10)
        self._progress_centered: bool | None = None
        return self.progress_row

    def _arrange_progress(self, centered: bool) -> None:
        """Progress in the middle of the empty page, or as a strip over the table shown."""
        if centered == self._progress_centered:
            return
        self._progress_centered = centered
        for layout in (self._row_layout, self._center_layout):
            while layout.count():
                layout.takeAt(0)  # the widgets stay; only their place changes
        label_font = QFont(self.font())
        center = Qt.AlignmentFlag.AlignHCenter
        if centered:
            label_font.setPointSizeF(label_font.pointSizeF() * 1.15)
            label_font.setBold(True)
            self.progress.setFixedWidth(360)
            for widget in (
                self.progress_label,
                self.progress,
                self.elapsed_label,
                self.cancel_button,
            ):
                self._center_layout.addWidget(widget, 0, center)
        else:
            self.progress.setFixedWidth(160)
            row = self._row_layout
            row.addWidget(self.progress)
            row.addWidget(self.progress_label)
            row.addWidget(self.elapsed_label)
            row.addStretch(1)
            row.addWidget(self.cancel_button)
        self.progress_label.setFont(label_font)

    # --- state display --------------------------------------------------------------------------
    def _show_empty(self) -> None:
        self.stack.setCurrentIndex(0)

    def _set_progress(self, text: str | None, fraction: float | None = None) -> None:
        busy = text is not None
        centered = self.stack.currentIndex() == 0
        self._arrange_progress(centered)
        self.progress_row.setVisible(busy and not centered)
        self.loading_panel.setVisible(busy and centered)
        self.empty_hint.setVisible(not busy)  # "open a table" reads wrong while one loads
        if busy:
            self.empty_note.hide()
        self.empty_open_button.setVisible(not busy)
        self.cancel_button.setVisible(busy and self._load_handle is not None)
        if not busy:
            self._progress_clock.stop()
            return
        if not self._progress_clock.isActive():
            self._progress_since = time.monotonic()
            self._progress_clock.start()
        self.progress_label.setText(text)
        # Setting the range restarts the busy animation and re-lays the bar out: only on a change.
        if fraction is None:
            if self.progress.maximum() != 0:
                self.progress.setRange(0, 0)  # busy, unknown how long: the reader cannot tell
        else:
            if self.progress.maximum() != 100:
                self.progress.setRange(0, 100)
            self.progress.setValue(int(fraction * 100))
        self._show_elapsed()

    def _show_elapsed(self) -> None:
        seconds = time.monotonic() - self._progress_since
        # The first second says nothing; after it the clock shows the wait is real, not a hang.
        self.elapsed_label.setText(f"{format_seconds(seconds)} so far" if seconds >= 1 else "")

    def _info_text(self, table: LoadedTable) -> str:
        frame, report = table.frame, table.report
        parts = [f"{len(frame):,} rows", f"{frame.shape[1]:,} columns"]
        if report is not None:
            fmt = str(getattr(report, "format", "") or "").upper()
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
            task = table.task
            if task is not None:
                n = len(task.feature_columns)
                parts.append(f"{n:,} {_plural(n, 'feature')}")
            parts.append("in your workspace")
        return " · ".join(parts)

    def _show_captions(self, table: LoadedTable) -> None:
        n_rows, n_cols = len(table.frame), table.frame.shape[1]
        how = (
            "pick a role to change how a column is used; hover a cell for the whole summary"
            if self.columns_model.editable
            else "roles as stored in your workspace; hover a cell for the whole summary"
        )
        self.columns_caption.setText(f"{n_cols:,} {_plural(n_cols, 'column')} · {how}")
        part = " (part of the file)" if getattr(table.report, "truncated", False) else ""
        self.rows_caption.setText(
            f"{n_rows:,} {_plural(n_rows, 'row')}{part} · select a column above to jump to it"
        )

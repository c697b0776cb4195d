"""How the Data tab looks: its widgets, their layout and tab order, and the progress display.

`DataViewLayout` is mixed into `DataView` (data_view.py), which holds the behaviour.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
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

from metadesk.gui.views.column_summary import ColumnsModel, RoleDelegate, SparklineDelegate
from metadesk.gui.views.data_loading import TASK_TYPE_LABELS, LoadedTable
from metadesk.gui.views.message_bar import MessageBar


class DataViewLayout:
    """Widgets of the Data tab; expects `frame_model`, `columns_model` and the slots of `DataView`."""

    # --- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.stack = QStackedWidget()
        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        self.empty_hint = hint = QLabel(
            "Open a table to see its rows, columns and the task it makes."
        )
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
        self.progress.setMinimumWidth(160)
        self.progress.setMaximumWidth(260)
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

        # Progress sits above both pages: the first load starts from the empty page.
        self.progress_row = QWidget()
        progress_layout = QHBoxLayout(self.progress_row)
        progress_layout.setContentsMargins(9, 6, 9, 0)
        progress_layout.addWidget(self.progress_label)
        progress_layout.addWidget(self.progress)
        progress_layout.addWidget(self.cancel_button)
        progress_layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.progress_row)
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
        self.progress_row.setVisible(busy)
        self.empty_hint.setVisible(not busy)  # "open a table" reads wrong while one loads
        self.empty_open_button.setVisible(not busy)
        self.cancel_button.setVisible(busy and self._load_handle is not None)
        if busy:
            self.progress_label.setText(text)
            if fraction is None:
                self.progress.setRange(0, 0)
            else:
                self.progress.setRange(0, 100)
                self.progress.setValue(int(fraction * 100))

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

"""The Data tab's two tables, Columns above Rows, in a splitter (`DataTables`), and how big their
parts start: column widths from names and a screenful of rows, and the Columns/Rows split from the
number of columns (or where the user last dragged it).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from metadesk.gui.frame_model import FrameModel
from metadesk.gui.settings import AppSettings
from metadesk.gui.views.column_delegates import RoleDelegate, SparklineDelegate
from metadesk.gui.views.column_summary import ROLE_CHOICES, ColumnsModel
from metadesk.gui.views.data_encoding import muted
from metadesk.gui.views.data_loading import LoadedTable, plural

_Index = QModelIndex | QPersistentModelIndex

# Column widths of the Rows table come from this many rows (a screenful); a million-row table is
# never scanned on the GUI thread. Past `_MEASURED_COLUMNS` columns only the header is measured.
_SAMPLE_ROWS = 40
_MEASURED_COLUMNS = 120
_MEASURED_TEXTS = 4  # the longest texts of a column's sample: one of them is the widest
_CELL_WIDTH = (56, 260)  # narrowest and widest a Rows column starts
_MEASURED_SUMMARIES = 500  # columns of a very wide table measured for the Columns table
_SPLIT_KEY = "ui/data_split"  # the user's Columns/Rows split, as the Columns pane's share


class RowNumberHeader(QHeaderView):
    """The Rows table's row numbers, as wide as `setMinimumWidth` says (the widest number, set
    by the view). Qt's own size hint asks the model for 200 rows' headers in several roles each
    time the table is laid out: thousands of calls into Python on the GUI thread per new table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        self.setSectionsClickable(True)  # as QTableView's own: a click selects the row

    def sizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), self.defaultSectionSize())


class DataTables(QSplitter):
    """Columns (with their roles, editable for a file not yet in the workspace) above Rows; a
    column picked above is shown below."""

    def __init__(
        self,
        frame_model: FrameModel,
        columns_model: ColumnsModel,
        settings: AppSettings | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.frame_model, self.columns_model, self.settings = frame_model, columns_model, settings
        self._shown_target: str | None = None  # the Rows header marked "(target)"
        table = self.columns_table = QTableView()
        table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        table.setAccessibleName("Columns and roles")
        table.setModel(columns_model)
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
        self.size_columns_table()
        table.selectionModel().currentRowChanged.connect(self._column_selected)

        rows = self.rows_table = QTableView()
        rows.setTabKeyNavigation(False)
        rows.setAccessibleName("Rows")
        rows.setModel(frame_model)
        rows.setWordWrap(False)
        rows.setAlternatingRowColors(True)
        rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows.horizontalHeader().setHighlightSections(False)
        vheader = RowNumberHeader(rows)
        rows.setVerticalHeader(vheader)
        vheader.setDefaultSectionSize(self.fontMetrics().height() + 8)
        vheader.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.columns_caption = muted(QLabel())
        self.rows_caption = muted(QLabel())
        self.setAccessibleName("Columns and rows")
        self.addWidget(_pane("Columns", self.columns_caption, table))
        self.addWidget(_pane("Rows", self.rows_caption, rows))
        self.setStretchFactor(0, 1)
        self.setStretchFactor(1, 1)
        self.setChildrenCollapsible(False)
        self.setHandleWidth(8)
        self.splitterMoved.connect(self._split_moved)
        self._split_share: float | None = self._saved_split()
        self._placing_split = False
        self.split_pending = False

    def _column_selected(self, current: _Index, _previous: _Index) -> None:
        if current.isValid():
            self.rows_table.scrollTo(self.frame_model.index(0, current.row()))
            self.rows_table.selectColumn(current.row())
            self.columns_table.setFocus()

    def show_table(self, table: LoadedTable, excluded: dict[str, Any]) -> None:
        """A new table's rows and columns (`excluded`: columns its task leaves out, and why)."""
        frame = table.frame
        self.frame_model.set_frame(frame, table.columns)
        self.frame_model.set_target(table.target)
        self._shown_target = table.target
        self.columns_model.set_summaries(table.summaries, len(frame))
        self.columns_model.editable = table.dataset_id is None
        self.columns_model.set_roles(table.roles, table.target, excluded)
        self.size_row_columns()
        self.size_columns_table()
        self._show_captions(table)
        self.place_split()

    def show_target(self, target: str) -> None:
        """Another target picked: its header says "(target)", the old one's no longer."""
        before, self._shown_target = self._shown_target, target
        self.frame_model.set_target(target)
        # Only the old and new target's headers changed: resize just those.
        names = self.frame_model.frame.columns
        self.size_row_columns([i for i, c in enumerate(names) if str(c) in (before, target)])

    def clear(self) -> None:
        self.frame_model.set_frame(None)
        self.columns_model.set_summaries([], 0)
        self.columns_caption.setText("")
        self.rows_caption.setText("")

    def _show_captions(self, table: LoadedTable) -> None:
        n_rows, n_cols = len(table.frame), table.frame.shape[1]
        how = (
            "pick a role to change how a column is used; hover a cell for the whole summary"
            if self.columns_model.editable
            else "roles as stored in your workspace; hover a cell for the whole summary"
        )
        self.columns_caption.setText(f"{n_cols:,} {plural(n_cols, 'column')} · {how}")
        part = " (part of the file)" if getattr(table.report, "truncated", False) else ""
        self.rows_caption.setText(
            f"{n_rows:,} {plural(n_rows, 'row')}{part} · select a column above to jump to it"
        )

    def size_columns_table(self) -> None:
        """Fixed columns as wide as their content (names, role words, counts); Summary takes the
        rest and elides, with the whole text in its tooltip."""
        model, table = self.columns_model, self.columns_table
        metrics = table.fontMetrics()
        bold = QFont(table.font())
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        header = table.horizontalHeader()
        pad = 24
        rows = range(min(model.rowCount(), _MEASURED_SUMMARIES))

        def widest(col: int, floor: int, ceiling: int) -> int:
            title = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
            width = bold_metrics.horizontalAdvance(title)  # bold: the target's row is bold too
            for r in rows:
                width = max(width, bold_metrics.horizontalAdvance(str(model.index(r, col).data())))
            return max(floor, min(ceiling, width + pad))

        header.resizeSection(ColumnsModel.COL_NAME, widest(ColumnsModel.COL_NAME, 110, 240))
        role_width = max(metrics.horizontalAdvance(r) for r in (*ROLE_CHOICES, "target"))
        header.resizeSection(ColumnsModel.COL_ROLE, role_width + pad + 22)  # the combo's arrow
        header.resizeSection(ColumnsModel.COL_MISSING, widest(ColumnsModel.COL_MISSING, 70, 140))
        header.resizeSection(ColumnsModel.COL_DISTINCT, widest(ColumnsModel.COL_DISTINCT, 70, 120))
        header.resizeSection(ColumnsModel.COL_PLOT, 136)

    def size_row_columns(self, columns: list[int] | None = None) -> None:
        """Each Rows column as wide as its header and the first rows' text, within bounds.

        Runs on the GUI thread right after a load, while workers compete for the interpreter:
        the texts come straight from the model (no index objects) and only the longest few of
        each column are measured."""
        model = self.frame_model
        metrics = self.rows_table.fontMetrics()
        bold = QFont(self.rows_table.font())
        bold.setBold(True)
        header_metrics = QFontMetrics(bold)  # the target's header is bold: size every one so
        header = self.rows_table.horizontalHeader()
        rows = min(_SAMPLE_ROWS, model.rowCount())
        low, high = _CELL_WIDTH
        for i in columns if columns is not None else range(model.columnCount()):
            title = str(model.headerData(i, Qt.Orientation.Horizontal) or "")
            width = header_metrics.horizontalAdvance(title) + 28
            if i < _MEASURED_COLUMNS:
                texts = sorted(set(model.column_texts(i, rows)), key=len)[-_MEASURED_TEXTS:]
                for text in texts:
                    if text:
                        width = max(width, metrics.horizontalAdvance(text) + 16)
            header.resizeSection(i, max(low, min(high, width)))
        digits = metrics.horizontalAdvance(f"{model.rowCount():,}") + 16
        vertical = self.rows_table.verticalHeader()
        if vertical.minimumWidth() != digits:  # re-lays the table out: only when it changes
            vertical.setMinimumWidth(digits)

    def place_split(self) -> None:
        """Columns above, rows below: the Columns pane gets what its list needs (at most half),
        or the share the user dragged to last time. Waits for the view to be shown."""
        total = sum(self.sizes())
        self.split_pending = total <= 0 or not self.isVisible()
        if self.split_pending:
            return
        share = self._split_share
        if share is None:
            table = self.columns_table
            wanted = (
                table.horizontalHeader().sizeHint().height()
                + table.verticalHeader().defaultSectionSize()
                * max(3, self.columns_model.rowCount())
                + 2 * table.frameWidth()
                + self.columns_caption.sizeHint().height()
                + 10
            )
            share = min(0.5, wanted / total)
        self._placing_split = True
        self.setSizes([round(total * share), total - round(total * share)])
        self._placing_split = False

    def _split_moved(self, _pos: int, _index: int) -> None:
        if self._placing_split:
            return
        sizes = self.sizes()
        if sum(sizes) > 0:
            self._split_share = sizes[0] / sum(sizes)
            store = getattr(self.settings, "store", None)
            if store is not None:
                store.setValue(_SPLIT_KEY, round(self._split_share, 3))

    def _saved_split(self) -> float | None:
        store = getattr(self.settings, "store", None)
        if store is None:
            return None
        try:
            value = store.value(_SPLIT_KEY)
            share = float(value) if value is not None else None
        except (TypeError, ValueError):
            return None
        return share if share is not None and 0.1 <= share <= 0.9 else None


def _pane(title: str, caption: QLabel, table: QTableView) -> QWidget:
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


def warm_up(view: QWidget) -> None:
    """Idle-time work after the window first shows, so the first table shown is not the one
    paying for it: polish the view's widgets (style, fonts) and create the Qt enum types its
    models and delegates use (PySide builds each Python enum type on first use)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPainter, QPalette
    from PySide6.QtWidgets import QHeaderView, QStyle

    for kind in (
        Qt.ItemDataRole,
        Qt.ItemFlag,
        Qt.Orientation,
        Qt.AlignmentFlag,
        Qt.PenStyle,
        QPalette.ColorRole,
        QStyle.StateFlag,
        QStyle.PrimitiveElement,
        QPainter.RenderHint,
        QHeaderView.ResizeMode,
    ):
        list(kind)
    view.ensurePolished()
    for child in view.findChildren(QWidget):
        child.ensurePolished()

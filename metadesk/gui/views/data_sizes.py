"""How big the parts of the Data tab start: column widths from names and a screenful of rows,
and the Columns/Rows split from the number of columns (or where the user last dragged it).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QWidget

from metadesk.gui.views.column_summary import ROLE_CHOICES, ColumnsModel

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

    def __init__(self, parent=None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        self.setSectionsClickable(True)  # as QTableView's own: a click selects the row

    def sizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), self.defaultSectionSize())


class DataViewSizes:
    """Mixed into the Data view (through `DataViewLayout`); expects its tables, models, splitter
    and `settings`."""

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._split_pending:
            QTimer.singleShot(0, self._place_split)  # once the splitter has its real height

    def _size_columns_table(self) -> None:
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

    def _size_row_columns(self, columns: list[int] | None = None) -> None:
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

    def _place_split(self) -> None:
        """Columns above, rows below: the Columns pane gets what its list needs (at most half),
        or the share the user dragged to last time. Waits for the view to be shown."""
        total = sum(self.splitter.sizes())
        self._split_pending = total <= 0 or not self.isVisible()
        if self._split_pending:
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
        self.splitter.setSizes([round(total * share), total - round(total * share)])
        self._placing_split = False

    def _split_moved(self, _pos: int, _index: int) -> None:
        if self._placing_split:
            return
        sizes = self.splitter.sizes()
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

    def place_detected(self) -> None:
        """The detected task beside the choices when it fits whole, else on a line of its own."""
        label = self.detected_label
        if not label.text():
            return
        others = [self._target_label, self.target_combo, self._type_label, self.task_type_combo]
        if not self.add_button.isHidden():
            others.append(self.add_button)
        spacing = max(0, self._task_row.spacing())
        fixed = sum(w.sizeHint().width() for w in others) + 28 + spacing * (len(others) + 2)
        room = self.task_bar.width() - fixed
        below = label.sizeHint().width() > room
        if below == self._detected_below:
            return
        self._detected_below = below
        if below:
            self._task_row.removeWidget(label)
            self._detected_row.addWidget(label, 1)
            self._task_row.insertStretch(self._task_row.indexOf(self.add_button), 1)
        else:
            self._detected_row.removeWidget(label)
            stretch = self._task_row.itemAt(self._task_row.indexOf(self.add_button) - 1)
            if stretch is not None and stretch.spacerItem() is not None:
                self._task_row.removeItem(stretch)
            self._task_row.insertWidget(self._task_row.indexOf(self.add_button), label, 1)


def warm_up(view) -> None:
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

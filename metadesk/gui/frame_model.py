"""`FrameModel`: a read-only, virtualised `QAbstractTableModel` over a pandas DataFrame.

Cells are formatted only when the view asks for them, so a million rows scroll as fast as ten.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN_NUMBER = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_TEXT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
# Looked up once: the view asks for several roles of every visible cell on each paint.
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole
_FONT = Qt.ItemDataRole.FontRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_HORIZONTAL = Qt.Orientation.Horizontal


def format_value(value: Any) -> str:
    """How one cell reads: numbers compact, missing values empty, long text cut."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6g}"
    try:
        import numpy as np

        if isinstance(value, np.floating):
            return format_value(float(value))
        if isinstance(value, np.integer | np.bool_):
            return str(value.item())
        if isinstance(value, np.datetime64):
            if np.isnat(value):
                return ""
            text = str(value.astype("datetime64[s]")).replace("T", " ")
            return text[:-9] if text.endswith(" 00:00:00") else text
    except ImportError:  # pragma: no cover - numpy ships with pandas
        pass
    text = str(value)
    if text in ("NaT", "nan", "<NA>"):
        return ""
    if isinstance(value, datetime) and text.endswith(" 00:00:00"):
        return text[:-9]  # a date without a time of day
    return text if len(text) <= 200 else text[:197] + "…"


class _BlockColumn:
    """A pandas extension array (Arrow strings, categories, nullable ints) read by blocks of rows:
    the visible block is converted to a plain object array once, so each cell is a list lookup."""

    BLOCK = 256
    KEEP = 64  # blocks kept per column: many screens up and down

    def __init__(self, array) -> None:
        self._array = array
        self._blocks: dict[int, Any] = {}

    def __len__(self) -> int:
        return len(self._array)

    def __getitem__(self, row: int) -> Any:
        number, offset = divmod(row, self.BLOCK)
        block = self._blocks.get(number)
        if block is None:
            start = number * self.BLOCK
            block = self._convert(self._array[start : start + self.BLOCK])
            if len(self._blocks) >= self.KEEP:
                self._blocks.pop(next(iter(self._blocks)))
            self._blocks[number] = block
        return block[offset]

    def _convert(self, part) -> Any:
        import numpy as np

        return np.asarray(part, dtype=object)


class _DateColumn(_BlockColumn):
    """Dates and times, formatted a block at a time ("2024-01-31", "2024-01-31 08:15:00")."""

    def _convert(self, part) -> Any:
        texts = part.strftime("%Y-%m-%d %H:%M:%S")
        return [
            "" if t is None or t != t else (t[:-9] if t.endswith(" 00:00:00") else t) for t in texts
        ]


class OneCallPerCell:
    """Mixed into a table model before `QAbstractTableModel`: a view asks for all the roles of a
    cell in one `multiData` call instead of one `data` call per role (about eight). Each call
    from Qt into Python waits its turn for the interpreter, and while a worker thread loads or
    checks a big table that wait, times the calls of a repaint, is what freezes the window."""

    data: Callable[[_Index, int], Any]  # the model's own

    def multiData(
        self, index: _Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData, /
    ) -> None:
        span: Any = roleDataSpan  # a sequence of QModelRoleData (its stubs say less)
        for i in range(len(span)):
            item = span[i]
            value = self.data(index, item.role())
            if value is None:
                item.clearData()
            else:
                item.setData(value)


class FrameModel(OneCallPerCell, QAbstractTableModel):
    """Rows of `frame` with the column names as headers; the row index (1-based) as vertical header.

    `set_target(column)` marks the target column in bold; `set_frame()` swaps the data at once.
    """

    def __init__(self, frame=None, parent=None) -> None:
        super().__init__(parent)
        self._frame = None
        self._columns: list[Any] = []  # one numpy array per column, read lazily in data()
        self._names: list[str] = []
        self._numeric: list[bool] = []
        self._target: str | None = None
        if frame is not None:
            self.set_frame(frame)

    @property
    def frame(self) -> Any:
        return self._frame

    @staticmethod
    def prepare_columns(frame) -> list[Any]:
        """One indexable column each, for `set_frame(columns=)`: numpy views (no copy) or
        extension arrays read block by block. Converting a million Arrow strings at once would
        hold the interpreter lock for most of a second; this is cheap on any thread."""
        out: list[Any] = []
        for i in range(frame.shape[1]):
            column = frame.iloc[:, i]
            dtype = column.dtype
            if getattr(dtype, "kind", "") == "M":
                out.append(_DateColumn(column.array))
            elif type(dtype).__module__.startswith("numpy"):
                out.append(column.to_numpy())  # numbers and objects: a view, no copy
            else:
                out.append(_BlockColumn(column.array))
        return out

    def set_frame(self, frame, columns: list[Any] | None = None) -> None:
        """Show `frame`; pass `columns` from `prepare_columns` (worker thread) for big tables."""
        self.beginResetModel()
        self._frame = frame
        if frame is None:
            self._columns, self._names, self._numeric = [], [], []
        else:
            # Numeric columns are views of the frame's data: no copy of the table is made.
            self._columns = columns if columns is not None else self.prepare_columns(frame)
            self._names = [str(c) for c in frame.columns]
            self._numeric = [getattr(dtype, "kind", "O") in "iufb" for dtype in frame.dtypes]
        self.endResetModel()

    def column_texts(self, column: int, rows: int) -> list[str]:
        """How the first `rows` cells of a column read, without a model index per cell."""
        values = self._columns[column]
        return [format_value(values[r]) for r in range(min(rows, len(values)))]

    def set_target(self, column: str | None) -> None:
        self._target = column
        if self._names:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._names) - 1)

    # No `flags()` here: Qt's own (enabled, selectable) is what a read-only table needs, without a
    # call into Python for every cell painted.

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:
        """Qt's own asks `rowCount` and `columnCount` first: two calls into Python per cell."""
        if parent.isValid() or not (0 <= column < len(self._names)) or self._frame is None:
            return QModelIndex()
        if not 0 <= row < len(self._frame):
            return QModelIndex()
        return self.createIndex(row, column)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if parent.isValid() or self._frame is None:
            return 0
        return len(self._frame)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        if parent.isValid():
            return 0
        return len(self._names)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        if role in (_DISPLAY, _TOOLTIP):
            value = self._columns[index.column()][index.row()]
            text = format_value(value)
            if role == _TOOLTIP:
                return str(value) if text else "missing"
            return text
        if role == _ALIGNMENT:
            return _ALIGN_NUMBER if self._numeric[index.column()] else _ALIGN_TEXT
        if role == _ACCESSIBLE:
            return format_value(self._columns[index.column()][index.row()]) or "missing"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation == _HORIZONTAL:
            if section >= len(self._names):
                return None
            name = self._names[section]
            if role == _DISPLAY:
                return f"{name} (target)" if name == self._target else name
            if role == _FONT and name == self._target:
                font = QFont()
                font.setBold(True)
                return font
            if role == _TOOLTIP:
                return name
            if role == _FOREGROUND and name == self._target:
                return QColor(QGuiApplication.palette().color(QPalette.ColorRole.Link))
            return None
        if role == _DISPLAY:
            return f"{section + 1:,}"
        if role == _ALIGNMENT:
            return _ALIGN_NUMBER
        return None

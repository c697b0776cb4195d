"""`RowsModel`: a table model over a list of rows with named columns, the part the Columns and the
queue models share (row and column counts, horizontal headers only)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

_Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """Subclasses set `HEADERS` and fill `_rows`; `header(section, role)` adds header roles."""

    HEADERS: tuple[str, ...] = ()
    _rows: list[Any]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        return self.header(section, role)

    def header(self, section: int, role: int) -> Any:
        """A column's header in `role` (its title for the display role)."""
        return self.HEADERS[section] if role == Qt.ItemDataRole.DisplayRole else None

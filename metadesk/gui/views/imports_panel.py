"""The imports layered into the workspace's knowledge, one row each, with a button to remove one
(its datasets and runs; the shipped prior and the user's own results stay)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

_HEADERS = ("#", "Imported (UTC)", "Datasets", "Runs", "From")

_Index = QModelIndex | QPersistentModelIndex


class ImportsModel(QAbstractTableModel):
    """`ImportEntry` values as rows."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[Any] = []

    def set_entries(self, entries: list[Any]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return len(_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        e = self.entries[index.row()]
        sources = (
            e.datasets_file
            if e.datasets_file == e.runs_file
            else f"{e.datasets_file} and {e.runs_file}"
        )
        values = (
            e.import_id,
            e.imported_at[:16].replace("T", " "),
            f"{e.datasets:,}",
            f"{e.experiments or e.runs:,}",
            sources,
        )
        return values[index.column()]


class ImportsPanel(QWidget):
    """Lists the imports; `remove_requested(import_id)` once the user has confirmed a removal."""

    remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ImportsModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Imported knowledge")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for col in range(len(_HEADERS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(_HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self.empty_label = QLabel(
            "Nothing imported yet. Knowledge you import (Import knowledge…) is listed here, "
            "one row per import, and can be removed again."
        )
        self.empty_label.setWordWrap(True)
        self.remove_button = QPushButton("&Remove import")
        self.remove_button.setAccessibleName("Remove the selected import")
        self.remove_button.setToolTip(
            "Take the selected import's datasets and runs out of the knowledge"
        )
        self.remove_button.clicked.connect(self._remove_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_button)
        bar = QHBoxLayout()
        bar.addWidget(self.empty_label, 1)
        bar.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self._update_button()

    def set_entries(self, entries: list[Any]) -> None:
        self.model.set_entries(entries)
        self.empty_label.setText(
            f"{len(entries)} import{'s' if len(entries) != 1 else ''}, the later winning where "
            "they overlap. Your own results win over all of them."
            if entries
            else "Nothing imported yet. Knowledge you import (Import knowledge…) is listed "
            "here, one row per import, and can be removed again."
        )
        self._update_button()

    def selected_entry(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.model.entries):
            return None
        return self.model.entries[rows[0].row()]

    def _update_button(self, *_args: Any) -> None:
        self.remove_button.setEnabled(self.selected_entry() is not None)

    def confirm_remove(self, entry: Any) -> bool:
        answer = QMessageBox.question(
            self,
            "Remove import",
            f"Remove import {entry.import_id} ({entry.datasets:,} datasets, "
            f"{entry.experiments or entry.runs:,} runs "
            f"from {entry.datasets_file})? Suggestions will no longer use it.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def _remove_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is not None and self.confirm_remove(entry):
            self.remove_requested.emit(entry.import_id)

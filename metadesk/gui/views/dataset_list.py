"""The workspace's datasets as a list model with its two-line delegate, and `LazyView`, a tab that
builds its view on first show (keeping matplotlib off the path to the first window).
"""

from __future__ import annotations

import importlib
import inspect
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from metadesk.gui.settings import AppSettings
    from metadesk.gui.workers import WorkspaceBridge

log = logging.getLogger(__name__)
_Index = QModelIndex | QPersistentModelIndex
TASK_WORDS = {"binary": "Binary", "multiclass": "Multiclass", "regression": "Regression"}


class DatasetListModel(QAbstractListModel):
    ID_ROLE = Qt.ItemDataRole.UserRole + 1
    NAME_ROLE = Qt.ItemDataRole.UserRole + 2  # the first line, in bold
    DETAIL_ROLE = Qt.ItemDataRole.UserRole + 3  # the second line, muted

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.datasets: list[Any] = []

    def set_datasets(self, datasets: list[Any]) -> None:
        self.beginResetModel()
        self.datasets = list(datasets)
        self.endResetModel()

    def row_of(self, dataset_id: str | None) -> int:
        for i, d in enumerate(self.datasets):
            if d.dataset_id == dataset_id:
                return i
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.datasets)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        d = self.datasets[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{d.name}\n{self._detail(d)}"
        if role == self.NAME_ROLE:
            return d.name
        if role == self.DETAIL_ROLE:
            return self._detail(d)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{d.name}, {d.task_type}, {d.n_rows} rows, target {d.target}"
        if role == Qt.ItemDataRole.ToolTipRole:
            added = d.added_at[:16].replace("T", " ")
            source = f"\nFrom: {d.source_path}" if d.source_path else ""
            return f"{d.name}\nPredicts: {d.target}{source}\nAdded: {added}"
        if role == self.ID_ROLE:
            return d.dataset_id
        return None

    @staticmethod
    def _detail(d: Any) -> str:
        kind = TASK_WORDS.get(d.task_type, d.task_type)
        features = "feature" if d.n_features == 1 else "features"
        return f"{kind} · {d.n_rows:,} rows · {d.n_features} {features}"


class DatasetDelegate(QStyledItemDelegate):
    """Two lines per dataset: its name in bold, then task, rows and features, muted; elided to fit
    the list's width (the tooltip has everything)."""

    PAD_X, PAD_Y, GAP = 10, 7, 2

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.92)
        return bold, small

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        bold, small = self._fonts(option)
        height = QFontMetrics(bold).height() + QFontMetrics(small).height()
        return QSize(160, height + 2 * self.PAD_Y + self.GAP)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the panel (selection, hover, focus) only; the text is drawn below
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        bold, small = self._fonts(option)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        main = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = main if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        rect = option.rect.adjusted(self.PAD_X, self.PAD_Y, -self.PAD_X, -self.PAD_Y)
        painter.save()
        y = rect.top()
        for font, color, text in (
            (bold, main, index.data(DatasetListModel.NAME_ROLE) or ""),
            (small, muted, index.data(DatasetListModel.DETAIL_ROLE) or ""),
        ):
            metrics = QFontMetrics(font)
            painter.setFont(font)
            painter.setPen(color)
            line = QRect(rect.left(), y, rect.width(), metrics.height())
            elided = metrics.elidedText(str(text), Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(
                line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), elided
            )
            y += metrics.height() + self.GAP
        painter.restore()


class LazyView(QWidget):
    """Placeholder tab that imports `module.cls` and builds it the first time it is shown.

    While the module does not exist (yet), it says so instead of breaking the window.
    """

    def __init__(
        self,
        module: str,
        cls: str,
        bridge: WorkspaceBridge,
        settings: AppSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.module, self.cls = module, cls
        self.bridge, self.settings = bridge, settings
        self.view: Any = None  # the built view: a QWidget with `set_dataset(dataset_id)`
        self.dataset_id: str | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        from metadesk.gui.views.next_step import NextStepBar

        self.next_step = NextStepBar(self)  # "add the open file to the workspace", when it applies
        self._layout.addWidget(self.next_step)

    def ensure(self) -> QWidget | None:
        """Build the real view now (screenshots, self-test)."""
        if self.view is not None:
            return self.view
        # Imported when first shown (start-up stays fast); a missing view is a bug and fails here.
        factory = getattr(importlib.import_module(self.module), self.cls)
        kwargs = {}
        try:
            if "settings" in inspect.signature(factory).parameters:
                kwargs["settings"] = self.settings
        except (TypeError, ValueError):
            pass
        self.view = factory(self.bridge, **kwargs)
        self._layout.addWidget(self.view)
        if self.dataset_id is not None:
            self.view.set_dataset(self.dataset_id)
        return self.view

    def set_dataset(self, dataset_id: str | None) -> None:
        changed = dataset_id != self.dataset_id
        self.dataset_id = dataset_id
        if self.view is not None and changed:
            self.view.set_dataset(dataset_id)

    def showEvent(self, event) -> None:
        self.ensure()
        super().showEvent(event)

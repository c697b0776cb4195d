"""How the Columns table draws two of its cells: the role picker (a combo box, with an arrow that
shows the choice before the first click) and the distribution sparkline (a few rectangles).
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QComboBox, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from metadesk.gui.palette import accent
from metadesk.gui.views.column_summary import ROLE_CHOICES, ROLE_HINTS, ColumnsModel

_Index = QModelIndex | QPersistentModelIndex


class RoleDelegate(QStyledItemDelegate):
    """A combo box of roles for the Role column; editable cells show a small arrow, so the
    choice is visible before the first click."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        super().paint(painter, option, index)
        if not index.flags() & Qt.ItemFlag.ItemIsEditable:
            return
        style = option.widget.style() if option.widget else None
        if style is None:
            return
        arrow = QStyleOptionViewItem(option)
        size = 9
        arrow.rect = QRect(
            option.rect.right() - size - 6,
            option.rect.center().y() - size // 2,
            size,
            size,
        )
        selected = option.state & QStyle.StateFlag.State_Selected
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        arrow.palette.setColor(QPalette.ColorRole.ButtonText, option.palette.color(role))
        style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorArrowDown, arrow, painter)

    def createEditor(self, parent: QWidget, option, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName("Column role")
        for name in ROLE_CHOICES:
            combo.addItem(name)
            combo.setItemData(combo.count() - 1, ROLE_HINTS[name], Qt.ItemDataRole.ToolTipRole)
        # Commit as soon as a role is picked, no extra click needed.
        combo.activated.connect(lambda _i, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        combo = cast(QComboBox, editor)  # made by createEditor
        value = index.data(Qt.ItemDataRole.EditRole)
        combo.setCurrentIndex(max(0, combo.findText(str(value))))

    def setModelData(self, editor: QWidget, model, index: _Index) -> None:
        model.setData(index, cast(QComboBox, editor).currentText(), Qt.ItemDataRole.EditRole)


class SparklineDelegate(QStyledItemDelegate):
    """Draws the precomputed bar heights as a tiny histogram: no matplotlib, a few rectangles."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
            )
        bars = index.data(ColumnsModel.BARS_ROLE) or ()
        if not bars:
            return
        rect = QRectF(option.rect).adjusted(4, 4, -4, -4)
        left, bottom, full_width, full_height = (
            rect.left(),
            rect.bottom(),
            rect.width(),
            rect.height(),
        )
        n = len(bars)
        gap = 1.0 if full_width / n > 3 else 0.0
        width = (full_width - gap * (n - 1)) / n
        color = QColor(accent(option.palette))
        if option.state & QStyle.StateFlag.State_Selected:
            color = option.palette.color(QPalette.ColorRole.HighlightedText)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        # One drawing call for all bars: each call into Qt from here is a chance to wait for a
        # worker thread's turn with the interpreter while a big file loads.
        rects = []
        for i, h in enumerate(bars):
            height = max(1.0, h * full_height)
            rects.append(QRectF(left + i * (width + gap), bottom - height, max(1.0, width), height))
        painter.drawRects(rects)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        size = super().sizeHint(option, index)
        size.setWidth(120)
        return size

"""`ElidedLabel`: one line of text with an optional bold part that ends in "…" when the space is
short, instead of being cut mid-word; the whole text stays in `text()` and the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget


class ElidedLabel(QWidget):
    """`set_parts(before, bold, after)` or `setText(text)`; shrinks to `minimum_chars` wide."""

    def __init__(self, parent: QWidget | None = None, minimum_chars: int = 12) -> None:
        super().__init__(parent)
        self._parts: tuple[str, str, str] = ("", "", "")
        self._minimum_chars = minimum_chars
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_parts(self, before: str, bold: str = "", after: str = "") -> None:
        self._parts = (before, bold, after)
        self.setToolTip(self.text() if self.text() else "")
        self.setAccessibleDescription(self.text())
        self.updateGeometry()
        self.update()

    def setText(self, text: str) -> None:  # QLabel's name, so callers read alike
        self.set_parts(text)

    def text(self) -> str:
        return "".join(self._parts)

    def _fonts(self) -> tuple[QFont, QFont]:
        bold = QFont(self.font())
        bold.setBold(True)
        return self.font(), bold

    def sizeHint(self) -> QSize:
        normal, bold = self._fonts()
        width = sum(
            QFontMetrics(font).horizontalAdvance(part)
            for font, part in zip((normal, bold, normal), self._parts, strict=True)
        )
        return QSize(width + 2, QFontMetrics(bold).height())

    def minimumSizeHint(self) -> QSize:
        width = self.fontMetrics().averageCharWidth() * self._minimum_chars
        return QSize(min(width, self.sizeHint().width()), self.sizeHint().height())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        normal, bold = self._fonts()
        x, room = 0, self.width()
        align = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for font, part in zip((normal, bold, normal), self._parts, strict=True):
            if not part or room <= 0:
                continue
            metrics = QFontMetrics(font)
            shown = metrics.elidedText(part, Qt.TextElideMode.ElideRight, room)
            painter.setFont(font)
            width = metrics.horizontalAdvance(shown)
            painter.drawText(x, 0, width + 1, self.height(), align, shown)
            if shown != part:
                break  # elided: nothing after it fits
            x, room = x + width, room - width
        painter.end()

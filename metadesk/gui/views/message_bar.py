"""`MessageBar`: a coloured strip above a view that says what is wrong (or fine) and offers actions.

Validation messages from `make_task` and file problems are shown here, inline, instead of a pop-up.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout

_COLORS = {  # (light background, dark background, border)
    "info": ("#e8f1fb", "#1d2b3a", "#2f7ed8"),
    "success": ("#e7f6ec", "#1c2e23", "#29a36a"),
    "warning": ("#fff5e0", "#3a301a", "#d99100"),
    "error": ("#fdecea", "#3d2020", "#d1242f"),
}
_ICONS = {
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "success": QStyle.StandardPixmap.SP_DialogApplyButton,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
}


class MessageBar(QFrame):
    """`show_message(kind, text, hint, actions=[(label, callback)])`; `clear()` hides it."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageBar")
        self.setAccessibleName("Message")
        self.kind = ""
        self._icon = QLabel()
        self._icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        headline = QFont(self.text_label.font())
        headline.setWeight(QFont.Weight.DemiBold)  # what happened reads first; the hint after
        self.text_label.setFont(headline)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._buttons = QHBoxLayout()
        self._buttons.setSpacing(6)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.text_label)
        texts.addWidget(self.hint_label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self._icon, 0)
        layout.addLayout(texts, 1)
        layout.addLayout(self._buttons, 0)
        self.action_buttons: list[QPushButton] = []
        self.hide()

    def show_message(
        self,
        kind: str,
        text: str,
        hint: str = "",
        actions: list[tuple[str, Callable[[], None]]] | None = None,
    ) -> None:
        from metadesk.gui.palette import is_dark

        self.kind = kind
        self._paint_kind(is_dark())
        self._icon.setPixmap(
            self.style().standardIcon(_ICONS.get(kind, _ICONS["info"])).pixmap(20, 20)
        )
        self.text_label.setText(text)
        self.hint_label.setText(hint)
        self.hint_label.setVisible(bool(hint))
        for button in self.action_buttons:
            self._buttons.removeWidget(button)
            button.deleteLater()
        self.action_buttons = []
        for label, callback in actions or []:
            button = QPushButton(label)
            button.setAccessibleName(label)
            button.clicked.connect(callback)
            self._buttons.addWidget(button)
            self.action_buttons.append(button)
        self.setAccessibleDescription(f"{text} {hint}".strip())
        self.show()

    def _paint_kind(self, dark: bool) -> None:
        light_bg, dark_bg, border = _COLORS.get(self.kind, _COLORS["info"])
        bg = dark_bg if dark else light_bg
        self.setStyleSheet(
            f"#MessageBar {{ background: {bg}; border: 1px solid {border}; border-radius: 4px; }}"
        )

    def theme_changed(self) -> None:
        """Called by `apply_theme`: the background follows the new light or dark palette."""
        from metadesk.gui.palette import is_dark

        if self.kind:
            self._paint_kind(is_dark())

    def clear(self) -> None:
        self.kind = ""
        self.hide()

    def text(self) -> str:
        return f"{self.text_label.text()} {self.hint_label.text()}".strip()

"""Plain-language error dialog: the message and hint up front, the technical detail behind a button.

`show_error` is the one way the GUI reports a failure to the user; it never blocks the event loop.
"""

from __future__ import annotations

import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from metadesk.errors import UserError


def describe(exc: BaseException) -> tuple[str, str, str]:
    """(headline, hint, details) in plain words for any exception."""
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if isinstance(exc, UserError):
        details = exc.details or ""
        return exc.message, exc.hint, details
    return (
        "Something went wrong.",
        "This is a bug in metadesk, not something you did. The details below are also in the log "
        "file; please include them when you report it.",
        tb,
    )


class ErrorDialog(QDialog):
    """Message, hint, and a "Details" button that reveals the technical text (copyable)."""

    def __init__(
        self, exc: BaseException, parent: QWidget | None = None, *, context: str = ""
    ) -> None:
        super().__init__(parent)
        self.exception = exc
        headline, hint, details = describe(exc)
        self.setWindowTitle("metadesk" if not context else f"metadesk — {context}")
        self.setAccessibleName("Error")
        self.setMinimumWidth(460)

        icon = QLabel()
        std = QStyle.StandardPixmap.SP_MessageBoxWarning
        if not isinstance(exc, UserError):
            std = QStyle.StandardPixmap.SP_MessageBoxCritical
        icon.setPixmap(self.style().standardIcon(std).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.message_label = QLabel(f"<b>{_escape(headline)}</b>")
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Error message")
        self.hint_label = QLabel(_escape(hint))
        self.hint_label.setWordWrap(True)
        self.hint_label.setVisible(bool(hint))
        self.hint_label.setAccessibleName("What you can do")

        text = QVBoxLayout()
        text.addWidget(self.message_label)
        text.addWidget(self.hint_label)
        top = QHBoxLayout()
        top.addWidget(icon, 0)
        top.addLayout(text, 1)

        self.details_edit = QPlainTextEdit(details)
        self.details_edit.setReadOnly(True)
        self.details_edit.setVisible(False)
        self.details_edit.setMinimumHeight(180)
        self.details_edit.setAccessibleName("Technical details")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.details_button = QPushButton("Details…")
        self.details_button.setCheckable(True)
        self.details_button.setEnabled(bool(details))
        self.details_button.setAccessibleName("Show technical details")
        self.details_button.toggled.connect(self._toggle_details)
        self.copy_button = QPushButton("Copy details")
        self.copy_button.setVisible(False)
        self.copy_button.clicked.connect(
            lambda: QApplication.clipboard().setText(self.details_edit.toPlainText())
        )
        buttons.addButton(self.details_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setVisible(False)  # addButton shows it; only with the details
        self.details_button.setVisible(bool(details))  # nothing behind it: no dead button
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details_edit, 1)
        layout.addWidget(buttons)

    def _toggle_details(self, shown: bool) -> None:
        self.details_edit.setVisible(shown)
        self.copy_button.setVisible(shown)
        self.details_button.setText("Hide details" if shown else "Details…")
        self.adjustSize()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def show_error(parent: QWidget | None, exc: BaseException, *, context: str = "") -> ErrorDialog:
    """Open the error dialog window-modally without blocking, and return it."""
    dialog = ErrorDialog(exc, parent, context=context)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog

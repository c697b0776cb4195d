"""A bar saying the one next step and offering it as a button ("Add “sales.csv” to the workspace").

Shown at the top of the Suggestions, Results and Knowledge tabs while a file is open on the Data tab
but not yet in the workspace, so a view never just says "open or select a dataset" to someone who
has just opened one.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

NEXT_STEP_GAINS = {  # what adding the open file to the workspace gives, per tab
    "Suggestions": "which models to try first",
    "Results": "results once experiments run",
    "Knowledge": "where it stands among the known datasets",
}


def add_file_text(title: str, name: str) -> str:
    """What the `title` tab says while the file `name` is open on the Data tab only."""
    what = NEXT_STEP_GAINS.get(title, f"its {title.lower()}")
    return (
        f"<b>{escape(name)}</b> is open on the Data tab but not in your workspace yet. "
        f"Add it to see {what}."
    )


class NextStepBar(QFrame):
    """`show_step(text, button, action)` shows it; `clear()` hides it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nextStep")
        self.setAccessibleName("Next step")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # Palette roles, not fixed colours: readable in light and dark themes, and after a switch.
        self.setStyleSheet(
            "QFrame#nextStep { background: palette(alternate-base);"
            " border: 1px solid palette(highlight); border-radius: 4px; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.button = QPushButton()
        self.button.clicked.connect(self._clicked)
        self._action: Callable[[], None] | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def show_step(self, text: str, button: str, action: Callable[[], None]) -> None:
        self.label.setText(text)
        self.button.setText(button)
        self.button.setAccessibleName(button.replace("&", ""))
        self._action = action
        self.show()

    def clear(self) -> None:
        self._action = None
        self.hide()

    def _clicked(self) -> None:
        if self._action is not None:
            self._action()

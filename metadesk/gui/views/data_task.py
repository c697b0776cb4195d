"""The Data tab's task bar: the target column, the task type, the detected task and "Add to
workspace". The detected task sits beside the choices when it fits whole, else on a line below.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from metadesk.gui.views.data_loading import TASK_TYPE_LABELS, left_out
from metadesk.gui.views.elided_label import ElidedLabel

if TYPE_CHECKING:
    from metadesk.data.task import Task


class TaskBar(QWidget):
    """Emits `target_changed` and `task_type_changed` for the user's choices only (not while it
    fills its combos itself); `add_button` is the view's to connect."""

    target_changed = Signal(str)
    task_type_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._updating = False
        self.target_combo = QComboBox()
        self.target_combo.setAccessibleName("Target column")
        self.target_combo.setToolTip("The column the model learns to predict")
        self.target_combo.setMinimumContentsLength(16)
        self.target_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.target_combo.currentTextChanged.connect(self._target_changed)
        self.task_type_combo = QComboBox()
        self.task_type_combo.setAccessibleName("Task type")
        self.task_type_combo.setToolTip("Automatic: decided from the target's values")
        self.task_type_combo.addItem("Automatic", None)
        for key, label in TASK_TYPE_LABELS.items():
            self.task_type_combo.addItem(label, key)
        self.task_type_combo.currentIndexChanged.connect(self._task_type_changed)
        self.detected_label = ElidedLabel(minimum_chars=16)  # ends in "…" when space is short
        self.detected_label.setAccessibleName("Detected task")
        self.add_button = QPushButton("Add to workspace")
        self.add_button.setAccessibleName("Add to workspace")
        self.add_button.setToolTip(
            "Keep a snapshot of this task in your workspace and compute its meta-features,"
            " so metadesk can suggest models for it"
        )
        self.add_button.setDefault(True)
        self._target_label = QLabel("&Target:")
        self._target_label.setBuddy(self.target_combo)
        self._type_label = QLabel("T&ask:")
        self._type_label.setBuddy(self.task_type_combo)
        row = self._task_row = QHBoxLayout()
        row.addWidget(self._target_label)
        row.addWidget(self.target_combo)
        row.addSpacing(14)
        row.addWidget(self._type_label)
        row.addWidget(self.task_type_combo)
        row.addSpacing(14)
        row.addWidget(self.detected_label, 1)
        row.addWidget(self.add_button)
        # Where the detected task goes when the row is too narrow to show it whole.
        self._detected_row = QHBoxLayout()
        self._detected_below = False
        rows = QVBoxLayout(self)
        rows.setSpacing(4)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.addLayout(row)
        rows.addLayout(self._detected_row)

    def current_target(self) -> str:
        return self.target_combo.currentText()

    def chosen_task_type(self) -> str | None:
        """The task type the user picked; None for "Automatic"."""
        return self.task_type_combo.currentData()

    def _target_changed(self, text: str) -> None:
        if not self._updating:
            self.target_changed.emit(text)

    def _task_type_changed(self, _index: int) -> None:
        if not self._updating:
            self.task_type_changed.emit()

    def clear(self) -> None:
        self._updating = True
        self.target_combo.clear()
        self._updating = False
        self.detected_label.setText("")
        self.add_button.setEnabled(False)

    def show_table(self, columns: Sequence[object], target: str, *, stored: bool) -> None:
        """A new table's columns with its target; a `stored` one (in the workspace) is fixed."""
        self._updating = True
        self.target_combo.clear()
        self.target_combo.addItems([str(c) for c in columns])
        self.target_combo.setCurrentText(target)
        self.task_type_combo.setCurrentIndex(0)
        self._updating = False
        self.target_combo.setEnabled(not stored)
        self.task_type_combo.setEnabled(not stored)
        self.add_button.setVisible(not stored)

    def show_stored(self) -> None:
        """Just added to the workspace: the choices are fixed and there is nothing to add."""
        self.add_button.setVisible(False)
        self.place_detected()  # the button's room may let the detected task back beside it
        self.target_combo.setEnabled(False)
        self.task_type_combo.setEnabled(False)

    def show_task(self, task_type: str, target_text: str, *, stored: bool) -> None:
        """The detected (or chosen) task type and what the target holds."""
        label = TASK_TYPE_LABELS.get(task_type, task_type)
        prefix = "" if self.chosen_task_type() else "Detected: "
        self.detected_label.set_parts(prefix, label, f" — {target_text}")
        self.place_detected()
        self._updating = True
        self.task_type_combo.setItemText(0, f"Automatic ({label.split()[0].lower()})")
        if stored:
            self.task_type_combo.setCurrentIndex(self.task_type_combo.findData(task_type))
        self._updating = False

    def place_detected(self) -> None:
        """The detected task beside the choices when it fits whole, else on a line of its own."""
        label = self.detected_label
        if not label.text():
            return
        others: list[QWidget] = [
            self._target_label,
            self.target_combo,
            self._type_label,
            self.task_type_combo,
        ]
        if not self.add_button.isHidden():
            others.append(self.add_button)
        spacing = max(0, self._task_row.spacing())
        fixed = sum(w.sizeHint().width() for w in others) + 28 + spacing * (len(others) + 2)
        room = self.width() - fixed
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


def ready_message(task: Task) -> tuple[str, str]:
    """What a valid task gives to learn from, what was left out of it, and the next step."""
    notes = list(getattr(task, "notes", ()) or ())
    if task.excluded:
        notes.append(f"Left out: {left_out(task.excluded)}.")
    n_features = len(task.feature_columns)
    if task.dropped_rows and not notes:
        notes.append(f"{task.dropped_rows:,} rows were left out.")
    notes.append("Next: Add to workspace, and metadesk suggests which models to try first.")
    return (
        f"Ready: {task.n_rows:,} rows and {n_features} "
        f"{'feature' if n_features == 1 else 'features'} to learn from.",
        " ".join(notes),
    )


def drop_classes_text(classes: Sequence[Any]) -> str:
    """The button offering to leave rare classes out, naming the first five."""
    shown = ", ".join(str(c) for c in classes[:5]) + (", …" if len(classes) > 5 else "")
    return f"Drop these classes ({shown})"

"""Preferences: workers, Dask scheduler (with "Test connection"), folds, time limit, metric, theme."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from metadesk.gui.settings import MIN_MEMORY_MB, AppSettings
from metadesk.metric_names import METRIC_LABELS

if TYPE_CHECKING:
    from metadesk.gui.workers import CallHandle, WorkspaceBridge

METRICS = (("", "Automatic (accuracy or R²)"), *METRIC_LABELS.items())
THEME_LABELS = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))


class SettingsDialog(QDialog):
    """Edits an `AppSettings`; `accept()` writes them. `bridge` runs the connection test."""

    def __init__(
        self,
        settings: AppSettings,
        bridge: WorkspaceBridge | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.settings = settings
        self.bridge = bridge
        self._test_handle: CallHandle[Any] | None = None

        self.workers_spin = QSpinBox()
        self.workers_spin.setRange(1, 256)
        self.workers_spin.setValue(settings.workers)
        self.workers_spin.setAccessibleName("Workers")
        self.workers_spin.setToolTip("Experiments that run at the same time on this computer")
        self.scheduler_edit = QLineEdit(settings.scheduler)
        self.scheduler_edit.setPlaceholderText("tcp://host:8786")
        self.scheduler_edit.setAccessibleName("Dask scheduler address")
        self.scheduler_edit.setClearButtonEnabled(True)
        self.test_button = QPushButton("Test connection")
        self.test_button.setAccessibleName("Test connection to the scheduler")
        self.test_button.clicked.connect(self.test_connection)
        self.scheduler_edit.textChanged.connect(self._scheduler_edited)
        self.test_button.setEnabled(bool(settings.scheduler))
        self.test_label = QLabel()
        self.test_label.setWordWrap(True)
        self.test_label.setAccessibleName("Connection test result")
        self.test_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_label.hide()
        scheduler_row = QHBoxLayout()
        scheduler_row.addWidget(self.scheduler_edit, 1)
        scheduler_row.addWidget(self.test_button)

        self.folds_spin = QSpinBox()
        self.folds_spin.setRange(2, 20)
        self.folds_spin.setValue(settings.folds)
        self.folds_spin.setSuffix(" folds")
        self.folds_spin.setAccessibleName("Cross-validation folds")
        self.repeats_spin = QSpinBox()
        self.repeats_spin.setRange(1, 10)
        self.repeats_spin.setValue(settings.repeats)
        self.repeats_spin.setPrefix("× ")
        self.repeats_spin.setAccessibleName("Times cross-validation is repeated")
        self.repeats_spin.setToolTip(
            "Repeat cross-validation with reshuffled folds (e.g. 3 × 5-fold): steadier scores "
            "and fairer ties, at the cost of proportionally longer runs"
        )
        self.time_spin = QSpinBox()
        self.time_spin.setRange(1, 24 * 60)
        self.time_spin.setValue(max(1, round(settings.time_limit_s / 60)))
        self.time_spin.setSuffix(" min")
        self.time_spin.setAccessibleName("Time limit per experiment in minutes")
        self.time_spin.setToolTip(
            "An experiment that takes longer is stopped and marked 'timed out'"
        )
        self.memory_spin = QSpinBox()
        self.memory_spin.setRange(MIN_MEMORY_MB // 1024 or 1, 1024)
        self.memory_spin.setValue(max(1, round(settings.memory_limit_mb / 1024)))
        self.memory_spin.setSuffix(" GB")
        self.memory_spin.setAccessibleName("Memory limit per experiment in gigabytes")
        self.memory_spin.setToolTip(
            "An experiment that needs more is stopped and marked 'ran out of memory'"
        )
        spin_width = self.fontMetrics().horizontalAdvance("1440 folds") + 48
        for spin in (
            self.workers_spin,
            self.folds_spin,
            self.time_spin,
            self.repeats_spin,
            self.memory_spin,
        ):
            spin.setFixedWidth(spin_width)
        self.metric_combo = QComboBox()
        self.metric_combo.setAccessibleName("Default metric")
        for key, label in METRICS:
            self.metric_combo.addItem(label, key)
        self.metric_combo.setCurrentIndex(
            max(0, self.metric_combo.findData(settings.default_metric))
        )
        self.theme_combo = QComboBox()
        self.theme_combo.setAccessibleName("Theme")
        for key, label in THEME_LABELS:
            self.theme_combo.addItem(label, key)
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(settings.theme)))
        combo_width = self.fontMetrics().horizontalAdvance(METRICS[0][1]) + 56
        for combo in (self.metric_combo, self.theme_combo):
            combo.setMinimumWidth(combo_width)

        run_box = QGroupBox("Running experiments")
        run_form = _form(run_box)
        cores = os.cpu_count() or 1
        run_form.addRow(
            "&Workers:",
            _field(
                self.workers_spin,
                f"Experiments run side by side (this computer has {cores} "
                f"core{'s' if cores != 1 else ''}).",
            ),
        )
        scheduler_label = QLabel("Dask &scheduler:")
        scheduler_label.setBuddy(self.scheduler_edit)
        scheduler_field = _field(
            scheduler_row, "Empty: run on this computer. Or the address of a Dask cluster."
        )
        cast(QVBoxLayout, scheduler_field.layout()).addWidget(self.test_label)
        run_form.addRow(scheduler_label, scheduler_field)
        run_form.addRow(
            "&Folds:",
            _field(self.folds_spin, "More folds: steadier scores, longer runs."),
        )
        run_form.addRow(
            "&Repeated:",
            _field(
                self.repeats_spin,
                "× 3: all folds three times on reshuffled rows, for steadier ties.",
            ),
        )
        run_form.addRow(
            "Time &limit:",
            _field(self.time_spin, "Per experiment; a longer one stops as 'timed out'."),
        )
        from metadesk.experiments.spec import Protocol
        from metadesk.experiments.worker import memory_limit_note

        self.memory_note = QLabel(memory_limit_note(Protocol().memory_limit_mb))
        self.memory_note.setWordWrap(True)
        self.memory_note.setAccessibleName("Memory limit")
        self.memory_note.setStyleSheet("color: palette(placeholder-text);")
        run_form.addRow("Memory:", self.memory_note)
        run_form.addRow(
            "M&emory limit:",
            _field(self.memory_spin, "Per experiment; one that needs more stops with a message."),
        )
        run_form.addRow(
            "Default &metric:",
            _field(
                self.metric_combo,
                "Automatic: balanced accuracy when a class is rare (under 20 %).",
            ),
        )
        self.restart_note = QLabel(
            "Changes to workers and the scheduler apply when you press OK; experiments running"
            " then go back to the queue and start over."
        )
        self.restart_note.setWordWrap(True)
        self.restart_note.setStyleSheet("font-style: italic;")
        run_form.addRow(self.restart_note)
        look_box = QGroupBox("Appearance")
        look_form = _form(look_box)
        look_form.addRow("&Theme:", self.theme_combo)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(12)
        layout.addWidget(run_box)
        layout.addWidget(look_box)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(600)

    def _scheduler_edited(self, text: str) -> None:
        self.test_button.setEnabled(bool(text.strip()))
        self.test_label.clear()  # an answer about the old address would mislead
        self.test_label.hide()

    def _show_test(self, text: str) -> None:
        self.test_label.setText(text)
        self.test_label.setVisible(bool(text))

    def test_connection(self) -> None:
        """Ask the scheduler for its workers, on a worker thread; the answer appears below."""
        address = self.scheduler_edit.text().strip()
        if not address or self.bridge is None:
            return

        def check():
            from metadesk.experiments import check_scheduler

            return check_scheduler(address)

        self._show_test("Connecting…")
        self.test_button.setEnabled(False)
        self._test_handle = self.bridge.call(
            check,
            self._tested,
            self._test_failed,
            key="settings-test-scheduler",
            description="Testing the scheduler connection",
        )

    def _tested(self, info) -> None:
        self.test_button.setEnabled(True)
        if isinstance(info, dict):
            workers = info.get("workers", info.get("n_workers"))
            text = "Connected"
            if workers is not None:
                text += f": {workers} worker{'s' if workers != 1 else ''}"
            threads = info.get("threads") or info.get("nthreads")
            if threads:
                text += f", {threads} threads"
            self._show_test(f"✓ {text}.")
        else:
            self._show_test(f"✓ {info}" if info else "✓ Connected.")

    def _test_failed(self, exc: BaseException) -> None:
        from metadesk.errors import UserError

        self.test_button.setEnabled(True)
        if isinstance(exc, UserError):
            self._show_test(f"✗ {exc.message} {exc.hint}".strip())
        elif isinstance(exc, ImportError):
            self._show_test(
                "✗ Connecting to a cluster needs the 'cluster' extra: pip install 'metadesk[cluster]'."
            )
        else:
            self._show_test(f"✗ Could not connect: {exc}")

    def done(self, result: int) -> None:
        if self._test_handle is not None:
            self._test_handle.cancel()  # the dialog is going away: drop the late answer
        super().done(result)

    def accept(self) -> None:
        s = self.settings
        s.workers = self.workers_spin.value()
        s.scheduler = self.scheduler_edit.text()
        s.folds = self.folds_spin.value()
        s.repeats = self.repeats_spin.value()
        s.time_limit_s = float(self.time_spin.value() * 60)
        s.memory_limit_mb = self.memory_spin.value() * 1024
        s.default_metric = self.metric_combo.currentData() or ""
        s.theme = self.theme_combo.currentData() or "system"
        s.sync()
        super().accept()


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setContentsMargins(12, 14, 12, 12)
    form.setHorizontalSpacing(14)
    form.setVerticalSpacing(10)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return form


def _field(control: QWidget | QHBoxLayout, help_text: str) -> QWidget:
    """A control with one muted line under it saying what the setting does."""
    field = QWidget()
    layout = QVBoxLayout(field)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    if isinstance(control, QHBoxLayout):
        layout.addLayout(control)
    else:
        layout.addWidget(control, 0, Qt.AlignmentFlag.AlignLeft)
    help_label = QLabel(help_text)  # one short line: wrapped labels get clipped in forms
    help_label.setStyleSheet("color: palette(placeholder-text);")
    layout.addWidget(help_label)
    return field

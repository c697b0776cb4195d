"""About box: what metadesk is, and the versions of the pieces it runs on (read without importing them)."""

from __future__ import annotations

import platform
from importlib import metadata

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from metadesk import __version__

_PACKAGES = (
    ("scikit-learn", "scikit-learn"),
    ("pandas", "pandas"),
    ("NumPy", "numpy"),
    ("matplotlib", "matplotlib"),
    ("PySide6", "PySide6-Essentials"),
)


def versions() -> list[tuple[str, str]]:
    """(name, version) of metadesk, Python, Qt and the main libraries."""
    out = [
        ("metadesk", __version__),
        ("Python", platform.python_version()),
        ("Qt", qVersion()),
    ]
    for label, dist in _PACKAGES:
        try:
            out.append((label, metadata.version(dist)))
        except metadata.PackageNotFoundError:
            try:
                out.append((label, metadata.version(dist.split("-")[0])))
            except metadata.PackageNotFoundError:
                out.append((label, "not found"))
    return out


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, log_file: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("About metadesk")
        self.setAccessibleName("About metadesk")
        title = QLabel(
            f"<h2 style='margin:0'>metadesk <span style='font-weight:normal'>{__version__}</span></h2>"
        )
        blurb = QLabel(
            "Meta-learning for analysts: drop a table, pick the target, and get model "
            "configurations suggested from what worked on similar data. Every experiment you "
            "run makes the next suggestions better."
        )
        blurb.setWordWrap(True)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        rows = "".join(
            f"<tr><td style='padding-right:24px; color:{muted}'>{name}</td><td>{version}</td></tr>"
            for name, version in versions()
        )
        table = QLabel(f"<table>{rows}</table>")
        table.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        table.setAccessibleName("Versions")
        extra = QLabel(
            f"Running on {platform.system()} {platform.release()} ({platform.machine()})"
        )
        extra.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        heading = QHBoxLayout()
        heading.setSpacing(12)
        icon = QGuiApplication.windowIcon()  # the app's icon, set when the application starts
        if not icon.isNull():
            picture = QLabel()
            picture.setPixmap(icon.pixmap(48, 48))
            picture.setAccessibleName("metadesk icon")
            heading.addWidget(picture, 0, Qt.AlignmentFlag.AlignVCenter)
        heading.addWidget(title, 1, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(heading)
        layout.addWidget(blurb)
        layout.addWidget(table)
        layout.addWidget(extra)
        if log_file:
            log_label = QLabel(f"Log file: {log_file}")
            log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            log_label.setStyleSheet("color: palette(placeholder-text);")
            layout.addWidget(log_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy versions")
        copy.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(
                "\n".join(f"{n} {v}" for n, v in versions())
            )
        )
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

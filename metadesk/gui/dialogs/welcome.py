"""The welcome screen shown when no dataset is selected: open a file, a recent one, or a sample.

The bundled samples are listed (and their sizes counted) on a worker thread; cards appear when ready.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from metadesk.gui.workers import WorkspaceBridge

TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods", ".parquet", ".arff", ".dat"}


@dataclass(frozen=True)
class SampleInfo:
    path: str
    title: str
    rows: int
    columns: int
    description: str


def _readme_descriptions(folder: Path) -> dict[str, str]:
    """file name -> "Predicts species (setosa, …) · multiclass" from the samples' README table."""
    readme = folder / "README.md"
    if not readme.is_file():
        return {}
    out = {}
    for line in readme.read_text(encoding="utf-8", errors="replace").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0].startswith("`"):
            name = cells[0].strip("`")
            target, task = cells[2].replace("`", ""), cells[3].replace("`", "")
            task = {"binary": "yes/no classification", "multiclass": "classification"}.get(
                task, task
            )
            out[name] = f"Predicts {target} · {task}"
    return out


def list_samples(folder: Path) -> list[SampleInfo]:
    """The bundled sample tables with their size. Runs on a worker thread (reads small files)."""
    out: list[SampleInfo] = []
    if not folder.is_dir():
        return out
    described = _readme_descriptions(folder)
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in TABLE_SUFFIXES or path.name.startswith("."):
            continue
        rows = columns = 0
        if path.suffix.lower() in (".csv", ".tsv", ".txt"):
            try:
                with path.open(newline="", encoding="utf-8", errors="replace") as handle:
                    sample = handle.read(4096)
                    handle.seek(0)
                    try:
                        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
                    except csv.Error:
                        dialect = csv.excel
                    reader = csv.reader(handle, dialect)
                    header = next(reader, [])
                    columns = len(header)
                    rows = sum(1 for row in reader if row)
            except OSError:
                continue
        description = described.get(path.name, "")
        for sidecar in (path.with_suffix(".txt"), path.with_suffix(".md")):
            if not description and sidecar != path and sidecar.is_file():
                description = sidecar.read_text(encoding="utf-8", errors="replace").strip()
                description = description.splitlines()[0] if description else ""
                break
        title = path.stem.replace("_", " ").replace("-", " ").strip().capitalize()
        out.append(SampleInfo(str(path), title, rows, columns, description))
    return out


class Card(QPushButton):
    """A big clickable card: a title and two lines of plain text. Keyboard: Space/Enter."""

    def __init__(self, title: str, subtitle: str, body: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.setAccessibleName(title)
        self.setAccessibleDescription(f"{subtitle}. {body}".strip())
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumSize(230, 104)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        title_label = QLabel(title)
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        title_label.setFont(font)
        sub_label = QLabel(subtitle)
        sub_label.setStyleSheet("color: palette(placeholder-text);")
        body_label = QLabel(body)
        body_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(3)
        for label in (title_label, sub_label, body_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        body_label.setVisible(bool(body))
        layout.addStretch(1)
        self.setStyleSheet(
            "#Card { text-align: left; border: 1px solid palette(mid); border-radius: 8px;"
            " background: palette(base); }"
            "#Card:hover { border: 1px solid palette(highlight); }"
            "#Card:focus { border: 2px solid palette(highlight); }"
        )


class RecentFile(QPushButton):
    """One recent file: its name, then its folder muted; the whole line is the button."""

    def __init__(self, path: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("RecentFile")
        name, folder = Path(path).name, str(Path(path).parent)
        self.setAccessibleName(f"Open recent file {name}")
        self.setAccessibleDescription(folder)
        self.setToolTip(path)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        name_label = QLabel(name)
        folder_label = QLabel(folder)
        folder_label.setStyleSheet("color: palette(placeholder-text);")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(14)
        for label in (name_label, folder_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        layout.addStretch(1)
        height = max(name_label.sizeHint().height(), folder_label.sizeHint().height())
        self.setMinimumHeight(height + 10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMaximumWidth(900)
        self.setStyleSheet(
            "#RecentFile { border: 1px solid transparent; border-radius: 6px;"
            " background: transparent; }"
            "#RecentFile:hover { border: 1px solid palette(mid); background: palette(base); }"
            "#RecentFile:focus { border: 1px solid palette(highlight); }"
        )


class WelcomePage(QWidget):
    """Signals what the user picked; the main window does the opening."""

    open_requested = Signal()
    file_chosen = Signal(str)  # a sample or a recent file

    def __init__(
        self, bridge: WorkspaceBridge | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Welcome")
        self.bridge = bridge
        self.samples: list[SampleInfo] = []

        title = QLabel("Which model should you use on your table?")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            "Open a table and pick the column to predict. metadesk suggests model configurations "
            "from what worked on similar datasets, runs them in the background, and gets better "
            "with every result. Drop a file anywhere on this window to start."
        )
        intro.setWordWrap(True)
        intro.setMaximumWidth(760)
        self.open_button = QPushButton("Open a file…")
        self.open_button.setAccessibleName("Open a file")
        self.open_button.setDefault(True)
        self.open_button.setMinimumHeight(34)
        self.open_button.clicked.connect(self.open_requested)
        formats = QLabel("CSV, TSV, Excel (.xlsx, .xls, .ods), Parquet, ARFF, KEEL .dat")
        formats.setStyleSheet("color: palette(placeholder-text);")
        open_row = QHBoxLayout()
        open_row.addWidget(self.open_button)
        open_row.addWidget(formats)
        open_row.addStretch(1)

        self.samples_title = QLabel("<b>Try a sample dataset</b>")
        self.samples_grid = QGridLayout()
        self.samples_grid.setSpacing(12)
        self.recent_title = QLabel("<b>Recent files</b>")
        self.recent_box = QVBoxLayout()
        self.recent_box.setSpacing(2)

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(40, 32, 40, 32)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(open_row)
        layout.addSpacing(16)
        layout.addWidget(self.samples_title)
        layout.addLayout(self.samples_grid)
        layout.addSpacing(16)
        layout.addWidget(self.recent_title)
        layout.addLayout(self.recent_box)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.samples_title.hide()
        self.set_recent_files([])

    def load_samples(self, folder: Path | None = None) -> None:
        """List the samples on a worker thread (via the bridge), then show their cards."""
        if folder is None:
            from metadesk.resources import samples_dir

            folder = samples_dir()
        if self.bridge is None:
            self.show_samples(list_samples(folder))
            return
        self.bridge.call(
            lambda: list_samples(folder), self.show_samples, lambda exc: None, key="welcome-samples"
        )

    def show_samples(self, samples: list[SampleInfo]) -> None:
        self.samples = samples
        _empty(self.samples_grid)
        per_row = 4 if len(samples) % 4 == 0 else 3  # four samples: one even row
        for i, sample in enumerate(samples):
            subtitle = f"{sample.rows:,} rows · {sample.columns} columns" if sample.rows else ""
            card = Card(sample.title, subtitle, sample.description)
            card.setToolTip(sample.path)
            card.clicked.connect(lambda _c=False, p=sample.path: self.file_chosen.emit(p))
            self.samples_grid.addWidget(card, i // per_row, i % per_row)
        self.samples_title.setVisible(bool(samples))

    def set_recent_files(self, files: list[str]) -> None:
        _empty(self.recent_box)
        for path in files[:6]:
            button = RecentFile(path)
            button.clicked.connect(lambda _c=False, p=path: self.file_chosen.emit(p))
            self.recent_box.addWidget(button)
        self.recent_title.setVisible(bool(files))


def _empty(layout: QLayout) -> None:
    """Take every item out of `layout`, deleting its widgets."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()

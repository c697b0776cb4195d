"""The Data tab's heading: the table's name and what it is, what reading changed, and for a text
file not yet in the workspace the encoding choice (the detected encoding first, then the ones a
spreadsheet may have written; picking one reads the file again).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from metadesk.gui.views.data_loading import ENCODINGS, LoadedTable, encoding_label, plural


def muted(label: QLabel) -> QLabel:
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


class TableHeading(QWidget):
    """Title and information line above the notes line with the encoding choice; `reread` asks
    for the shown file read again with other options."""

    reread = Signal(object, object)  # the file's Path, the options for `read_table`

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._table: LoadedTable | None = None
        self.title_label = QLabel()
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setAccessibleName("Table name")
        self.info_label = muted(QLabel())
        self.info_label.setAccessibleName("Table information")
        self.notes_label = muted(QLabel())
        self.notes_label.setWordWrap(True)
        self.notes_label.setAccessibleName("What changed while reading")
        self.encoding_combo = QComboBox()
        self.encoding_combo.setAccessibleName("Encoding")
        self.encoding_combo.setToolTip(
            "How the file's bytes become text. Pick another encoding if letters look wrong"
            " (for example 'SÃ¼d' or 'S³d' instead of 'Süd'); the file is read again."
        )
        self.encoding_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.encoding_combo.activated.connect(self._encoding_chosen)
        self.encoding_label = QLabel("&Encoding:")
        self.encoding_label.setBuddy(self.encoding_combo)
        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.title_label, 0, Qt.AlignmentFlag.AlignBaseline)
        top.addWidget(self.info_label, 1, Qt.AlignmentFlag.AlignBaseline)
        # Beside the notes: room the title line lacks at 1024 px.
        notes_row = QHBoxLayout()
        notes_row.setSpacing(8)
        notes_row.addWidget(self.notes_label, 1)
        notes_row.addWidget(self.encoding_label)
        notes_row.addWidget(self.encoding_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addLayout(notes_row)

    def show_table(self, table: LoadedTable) -> None:
        self._table = table
        name = table.path.name if table.path else ""
        if table.task is not None:
            name = table.task.name or name
        self.title_label.setText(name)
        self.info_label.setText(info_text(table))
        self._show_encoding(table)
        notes = tuple(getattr(table.report, "notes", ()) or ())
        self.notes_label.setText(" ".join(notes[:4]) + (" …" if len(notes) > 4 else ""))
        self.notes_label.setToolTip("\n".join(notes))
        self.notes_label.setVisible(bool(notes))

    def show_too_large(self, name: str) -> None:
        self.title_label.setText(name)
        self.info_label.setText("too large to load whole")

    def clear(self) -> None:
        self._table = None
        self.notes_label.hide()
        self.hide_encoding()

    def hide_encoding(self) -> None:
        """No choice of encoding (a stored snapshot keeps the text as it was read)."""
        self.encoding_combo.hide()
        self.encoding_label.hide()

    def _show_encoding(self, table: LoadedTable) -> None:
        """The encoding choice, for a text file not yet in the workspace."""
        detected = getattr(table.report, "encoding", None) or ""
        shown = bool(detected) and table.dataset_id is None and table.path is not None
        self.encoding_combo.setVisible(shown)
        self.encoding_label.setVisible(shown)
        if not shown:
            return
        chosen = (table.options or {}).get("encoding")
        combo = self.encoding_combo
        combo.clear()
        if chosen is None:
            combo.addItem(f"{encoding_label(detected)} (detected)", detected)
        for codec, label in ENCODINGS:
            if chosen is not None or encoding_label(codec) != encoding_label(detected):
                combo.addItem(label, codec)
        found = combo.findData(chosen) if chosen is not None else 0
        if chosen is not None and found < 0:
            combo.insertItem(0, encoding_label(chosen), chosen)
            found = 0
        combo.setCurrentIndex(found)
        combo.setMinimumWidth(combo.sizeHint().width())  # the chosen name is never cut

    def _encoding_chosen(self, index: int) -> None:
        table = self._table
        codec = self.encoding_combo.itemData(index)
        if table is None or table.path is None or codec is None:
            return
        options = dict(table.options or {})
        if options.get("encoding", getattr(table.report, "encoding", None)) == codec:
            return
        options["encoding"] = codec
        self.reread.emit(Path(table.path), options)


def info_text(table: LoadedTable) -> str:
    """ "1,234 rows · 8 columns · CSV, comma-separated", or "… · in your workspace"."""
    frame, report = table.frame, table.report
    parts = [f"{len(frame):,} rows", f"{frame.shape[1]:,} columns"]
    if report is not None:
        fmt = str(getattr(report, "format", "") or "").upper()
        if getattr(report, "delimiter", None):
            shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}
            fmt += f", {shown.get(report.delimiter, repr(report.delimiter))}-separated"
        if getattr(report, "decimal", None) == ",":
            fmt += ", decimal comma"
        if fmt:
            parts.append(fmt)
        if getattr(report, "truncated", False):
            parts.append("part of the file")
    elif table.dataset_id:
        task = table.task
        if task is not None:
            n = len(task.feature_columns)
            parts.append(f"{n:,} {plural(n, 'feature')}")
        parts.append("in your workspace")
    return " · ".join(parts)

"""The Data tab's loading: `TableLoader` reads a file or a workspace dataset on the bridge, one at a
time; `EmptyPage` shows while nothing is open (or the last load was cancelled) and `LoadProgress`
is a strip over the table shown, or in the middle of the empty page on a first load.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from metadesk.gui.views.data_encoding import muted
from metadesk.gui.views.data_loading import LoadedTable, load_dataset_table, load_file_table
from metadesk.gui.views.queue_model import format_seconds
from metadesk.gui.workers import CallHandle, WorkspaceBridge

if TYPE_CHECKING:
    from metadesk.workspace.service import Workspace

_CANCEL_TIP = (
    "Stop loading this file. A read already under way cannot be interrupted: it ends in the "
    "background and its result is thrown away."
)


class TableLoader(QObject):
    """Loads on the bridge's worker threads; a new load (or `cancel`) drops the one under way.
    `progress` says what loads (text None: nothing any more)."""

    loaded = Signal(object)  # LoadedTable
    failed = Signal(object, object)  # the file's Path (None for a dataset), the exception
    progress = Signal(object, object)  # text or None, fraction or None (unknown)
    loading_changed = Signal(bool)

    def __init__(
        self, bridge: WorkspaceBridge, workspace: Callable[[], Workspace], parent: QObject
    ) -> None:
        super().__init__(parent)
        self.bridge, self._workspace = bridge, workspace
        self._handle: CallHandle[LoadedTable] | None = None

    @property
    def loading(self) -> bool:
        return self._handle is not None

    def open_file(self, path: Path, options: dict[str, Any]) -> None:
        """Read `path` (options go to `read_table`: nrows=, sample=, sheet=, encoding=)."""
        self.cancel()
        self._start(
            lambda: load_file_table(self._workspace(), path, options),
            path,
            f"Loading {path.name}",
            f"Loading {path.name}…",
            f"Loading {path.name}…",
        )

    def open_dataset(self, dataset_id: str) -> None:
        """Read a dataset's snapshot from the workspace."""
        self.cancel()
        self._start(
            lambda: load_dataset_table(self._workspace(), dataset_id),
            None,
            "Opening the dataset",
            "Opening the dataset…",
            "Opening the dataset from your workspace…",
        )

    def _start(
        self,
        load: Callable[[], LoadedTable],
        path: Path | None,
        description: str,
        busy_text: str,
        first_text: str,
    ) -> None:
        self._handle = self.bridge.call(
            load,
            self._done,
            lambda exc: self._failed(path, exc),
            key="data-load",
            description=description,
            on_progress=lambda f, m: self.progress.emit(m or busy_text, f),
        )
        self.progress.emit(first_text, None)
        self.loading_changed.emit(True)

    def cancel(self) -> bool:
        """Drop the load under way (a read already started ends in the background); False when
        nothing was loading."""
        if self._handle is None:
            return False
        self._handle.cancel()
        self._finish()
        return True

    def _finish(self) -> None:
        self._handle = None
        self.progress.emit(None, None)
        self.loading_changed.emit(False)

    def _done(self, table: LoadedTable) -> None:
        self._finish()
        self.loaded.emit(table)

    def _failed(self, path: Path | None, exc: BaseException) -> None:
        self._finish()
        self.failed.emit(path, exc)


class EmptyPage(QWidget):
    """ "Open a table…" with its button, what became of the last load, and room for a first load's
    progress (`loading_panel`)."""

    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.hint = QLabel("Open a table to see its rows, columns and the task it makes.")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = muted(QLabel())  # what became of the last load, if it was cancelled
        self.note.setAccessibleName("What happened to the last file")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.note.hide()
        self.open_button = QPushButton("Open a file…")
        self.open_button.setAccessibleName("Open a file")
        self.open_button.clicked.connect(self.open_requested)
        layout.setSpacing(10)
        layout.addWidget(self.note)
        layout.addWidget(self.hint)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.loading_panel = QWidget()
        self.loading_panel.setAccessibleName("Loading")
        layout.addWidget(self.loading_panel)
        layout.addStretch(2)

    def set_busy(self, busy: bool) -> None:
        """While a table loads, "open a table" reads wrong: only the progress shows."""
        self.hint.setVisible(not busy)
        if busy:
            self.note.hide()
        self.open_button.setVisible(not busy)

    def show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.show()


class LoadProgress(QObject):
    """A load's progress bar, what is loading, the time spent and Cancel (Esc), placed either in
    `row` (over the table shown) or in `panel` (the empty page's middle)."""

    def __init__(self, panel: QWidget, host: QWidget) -> None:
        super().__init__(host)
        self._host = host  # its font is the one the label's grows from
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Loading progress")
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(False)
        self.label = QLabel()
        self.label.setAccessibleName("What is loading")
        self.elapsed_label = muted(QLabel())
        self.elapsed_label.setAccessibleName("Time spent loading")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel loading")
        self.cancel_button.setToolTip(_CANCEL_TIP + " (Esc)")
        self.cancel_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))  # only while it shows
        self._since = 0.0
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._show_elapsed)
        self.row = QWidget()
        self.row.setAccessibleName("Loading")
        self._row_layout = QHBoxLayout(self.row)
        self._row_layout.setContentsMargins(12, 8, 12, 2)
        self._row_layout.setSpacing(10)
        self.panel = panel
        self._center_layout = QVBoxLayout(panel)
        self._center_layout.setSpacing(10)
        self._centered: bool | None = None

    def _arrange(self, centered: bool) -> None:
        """Progress in the middle of the empty page, or as a strip over the table shown."""
        if centered == self._centered:
            return
        self._centered = centered
        for layout in (self._row_layout, self._center_layout):
            while layout.count():
                layout.takeAt(0)  # the widgets stay; only their place changes
        label_font = QFont(self._host.font())
        center = Qt.AlignmentFlag.AlignHCenter
        if centered:
            label_font.setPointSizeF(label_font.pointSizeF() * 1.15)
            label_font.setBold(True)
            self.bar.setFixedWidth(360)
            for widget in (self.label, self.bar, self.elapsed_label, self.cancel_button):
                self._center_layout.addWidget(widget, 0, center)
        else:
            self.bar.setFixedWidth(160)
            row = self._row_layout
            row.addWidget(self.bar)
            row.addWidget(self.label)
            row.addWidget(self.elapsed_label)
            row.addStretch(1)
            row.addWidget(self.cancel_button)
        self.label.setFont(label_font)

    def show_progress(
        self,
        text: str | None,
        fraction: float | None = None,
        *,
        centered: bool,
        cancellable: bool,
    ) -> None:
        """`text` None hides it; `fraction` None is "busy, unknown how long"."""
        busy = text is not None
        self._arrange(centered)
        self.row.setVisible(busy and not centered)
        self.panel.setVisible(busy and centered)
        self.cancel_button.setVisible(busy and cancellable)
        if text is None:
            self._clock.stop()
            return
        if not self._clock.isActive():
            self._since = time.monotonic()
            self._clock.start()
        self.label.setText(text)
        # Setting the range restarts the busy animation and re-lays the bar out: only on a change.
        if fraction is None:
            if self.bar.maximum() != 0:
                self.bar.setRange(0, 0)  # busy, unknown how long: the reader cannot tell
        else:
            if self.bar.maximum() != 100:
                self.bar.setRange(0, 100)
            self.bar.setValue(int(fraction * 100))
        self._show_elapsed()

    def _show_elapsed(self) -> None:
        seconds = time.monotonic() - self._since
        # The first second says nothing; after it the clock shows the wait is real, not a hang.
        self.elapsed_label.setText(f"{format_seconds(seconds)} so far" if seconds >= 1 else "")


def table_page(parts: Sequence[QWidget], tables: QWidget) -> QWidget:
    """The page a table shows on: `parts` stacked above the tables, which take the room left."""
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(12, 10, 12, 8)
    layout.setSpacing(8)
    for part in parts:
        layout.addWidget(part)
    layout.addWidget(tables, 1)
    layout.addStretch(0)  # takes the room only while the tables are hidden
    return page

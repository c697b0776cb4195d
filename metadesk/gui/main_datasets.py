"""The main window's left side and its Data tab: `DatasetSidebar` lists the datasets of the
workspace and knows which one is current; `DataTab` holds the Data view, built on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QLabel, QListView, QPushButton, QVBoxLayout, QWidget

from metadesk.gui.settings import AppSettings
from metadesk.gui.views.dataset_list import DatasetDelegate, DatasetListModel
from metadesk.gui.workers import WorkspaceBridge

if TYPE_CHECKING:
    from metadesk.gui.views.data_view import DataView

_Index = QModelIndex | QPersistentModelIndex
FILE_FILTER = (
    "Tables (*.csv *.tsv *.tab *.txt *.xlsx *.xlsm *.xls *.ods *.parquet *.pq *.arff *.dat);;"
    "All files (*)"
)


class DatasetSidebar(QWidget):
    """The datasets of the workspace; `dataset_id` is the one the window's tabs show (None while
    the welcome screen or a file not in the workspace shows). Emits `picked` when the user (or a
    refresh that lost the current one) makes another dataset current."""

    picked = Signal(object)  # dataset id, or None
    open_requested = Signal()

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.dataset_id: str | None = None
        self._select_after_refresh: str | None = None
        self.model = DatasetListModel(self)
        self.list_view = QListView()
        self.list_view.setModel(self.model)
        self.list_view.setItemDelegate(DatasetDelegate(self.list_view))
        self.list_view.setAccessibleName("Datasets in the workspace")
        self.list_view.setSpacing(2)
        self.list_view.setUniformItemSizes(True)
        self.list_view.setAlternatingRowColors(False)
        self.list_view.selectionModel().currentChanged.connect(self._current_changed)
        self.list_view.clicked.connect(self._clicked)
        self.empty_label = QLabel("No datasets yet.\nOpen a file to add one.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: palette(placeholder-text);")
        self.empty_label.setWordWrap(True)
        self.open_button = QPushButton("Open a file…")
        self.open_button.setAccessibleName("Open a file")
        self.open_button.clicked.connect(self.open_requested)
        heading = QLabel("<b>Datasets</b>")
        heading.setBuddy(self.list_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addWidget(heading)
        layout.addWidget(self.list_view, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.open_button)
        self.setMinimumWidth(180)
        self.setTabOrder(self.list_view, self.open_button)
        self._update_visibility()

    def refresh(self, select: str | None = None) -> None:
        """List the workspace's datasets again (on a worker thread), then make `select` current."""
        ws = self.bridge.workspace
        if ws is None:
            return
        if select is not None:
            # Kept until shown: a newer refresh (an event's) replaces this call under the same key.
            self._select_after_refresh = select
        self.bridge.call(
            ws.datasets,
            lambda datasets: self._show(datasets, select),
            key="main-datasets",
            description="",
        )

    def _show(self, datasets: list[Any], select: str | None) -> None:
        pending = self._select_after_refresh
        current = select or pending or self.dataset_id
        self.model.set_datasets(datasets)
        self._update_visibility()
        row = self.model.row_of(current)
        if pending is not None and row >= 0:
            self._select_after_refresh = None
        if row >= 0:
            self.list_view.selectionModel().setCurrentIndex(
                self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        elif self.dataset_id is not None:
            self.picked.emit(None)

    def _update_visibility(self) -> None:
        has = self.model.rowCount() > 0
        self.list_view.setVisible(has)
        self.empty_label.setVisible(not has)

    def _current_changed(self, current: _Index, _previous: _Index) -> None:
        dataset_id = current.data(DatasetListModel.ID_ROLE) if current.isValid() else None
        if dataset_id != self.dataset_id:
            self.picked.emit(dataset_id)

    def _clicked(self, index: _Index) -> None:
        """A click on the dataset already current (but not shown, after a file) shows it again."""
        dataset_id = index.data(DatasetListModel.ID_ROLE) if index.isValid() else None
        if dataset_id is not None and dataset_id != self.dataset_id:
            self.picked.emit(dataset_id)

    def clear_selection(self, *, current: bool = False) -> None:
        """Nothing selected in the list (`current`: and no current item either)."""
        selection = self.list_view.selectionModel()
        selection.clearSelection()
        if current:
            selection.setCurrentIndex(self.model.index(-1), QItemSelectionModel.SelectionFlag.Clear)

    def remove(self, dataset_id: str) -> bool:
        """Ask, then remove the dataset and its experiments (on a worker thread); False if the
        user said no."""
        ws = self.bridge.workspace
        if ws is None:
            return False
        from PySide6.QtWidgets import QMessageBox

        row = self.model.row_of(dataset_id)
        name = self.model.datasets[row].name if row >= 0 else "this dataset"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove dataset",
            f"Remove “{name}” and its experiments from the workspace?",
            QMessageBox.StandardButton.Cancel,
            self.window(),
        )
        box.setInformativeText("Your original file is not touched.")
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not remove:
            return False
        self.bridge.call(
            lambda: ws.remove_dataset(dataset_id),
            lambda _r: self.refresh(),
            description="Removing the dataset",
        )
        return True


class DataTab(QWidget):
    """The Data tab. Its `DataView` (and the pandas-facing modules with it) is built the first
    time it is needed, for a faster start; its signals are passed on from here."""

    open_requested = Signal()
    file_loaded = Signal(str)
    file_replaced = Signal()
    load_failed = Signal(str)
    dataset_added = Signal(object)

    def __init__(
        self, bridge: WorkspaceBridge, settings: AppSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.bridge, self.settings = bridge, settings
        self.built: DataView | None = None
        self.setAccessibleName("Data")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def view(self) -> DataView:
        """The Data view, built now if it was not yet."""
        if self.built is None:
            from metadesk.gui.views.data_view import DataView

            view = DataView(self.bridge, self.settings)
            view.open_requested.connect(self.open_requested)
            view.file_loaded.connect(self.file_loaded)
            view.file_replaced.connect(self.file_replaced)
            view.load_failed.connect(self.load_failed)
            view.dataset_added.connect(self.dataset_added)
            self._layout.addWidget(view)
            self.built = view
        return self.built

    def warm_up(self) -> None:
        """Build the view and do its idle-time work (called once the window has painted)."""
        from metadesk.gui.views.data_view import warm_up

        warm_up(self.view)

    def choose_file(self) -> str:
        """Ask for a table to open, starting in the folder of the last one ("" if cancelled)."""
        from PySide6.QtWidgets import QFileDialog

        recent = self.settings.recent_files
        start = str(Path(recent[0]).parent) if recent else str(Path.home())
        path, _filter = QFileDialog.getOpenFileName(
            self.window(), "Open a table", start, FILE_FILTER
        )
        return path

    def has_table(self) -> bool:
        """A file (loaded or loading) stands in the view, not a dataset of the workspace."""
        view = self.built
        return view is not None and (view.loaded is not None or view.loading)

"""The main window's datasets and files: the list of datasets in the workspace, selecting, adding
and removing one, and opening a table (dialog, recent file, drop). Mixed into `MainWindow`.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel

from metadesk.gui.views.dataset_list import DatasetListModel

FILE_FILTER = (
    "Tables (*.csv *.tsv *.tab *.txt *.xlsx *.xlsm *.xls *.ods *.parquet *.pq *.arff *.dat);;"
    "All files (*)"
)
DATASET_EVENTS = frozenset({"dataset_added", "knowledge_changed"})
NEXT_STEP_GAINS = {  # what adding the open file to the workspace gives, per tab
    "Suggestions": "which models to try first",
    "Results": "results once experiments run",
    "Knowledge": "where it stands among the known datasets",
}


class MainWindowDatasets:
    """Expects the attributes of `MainWindow` (bridge, settings, dataset list, tabs, views)."""

    def refresh_datasets(self, select: str | None = None) -> None:
        ws = self.bridge.workspace
        if ws is None:
            return
        if select is not None:
            # Kept until shown: a newer refresh (an event's) replaces this call under the same key.
            self._select_after_refresh = select
        self.bridge.call(
            ws.datasets,
            lambda datasets: self._show_datasets(datasets, select),
            key="main-datasets",
            description="",
        )

    def _show_datasets(self, datasets: list[Any], select: str | None) -> None:
        pending = getattr(self, "_select_after_refresh", None)
        current = select or pending or self.dataset_id
        self.dataset_model.set_datasets(datasets)
        self._update_dataset_list_visibility()
        row = self.dataset_model.row_of(current)
        if pending is not None and row >= 0:
            self._select_after_refresh = None
        if row >= 0:
            self.dataset_list.selectionModel().setCurrentIndex(
                self.dataset_model.index(row),
                QItemSelectionModel.SelectionFlag.ClearAndSelect,
            )
        elif self.dataset_id is not None:
            self.select_dataset(None)

    def _update_dataset_list_visibility(self) -> None:
        has = self.dataset_model.rowCount() > 0
        self.dataset_list.setVisible(has)
        self.datasets_empty.setVisible(not has)

    def _on_event(self, event) -> None:
        if event.kind in DATASET_EVENTS:
            self.refresh_datasets()

    # --- datasets -------------------------------------------------------------------------------
    def _list_current_changed(self, current, _previous) -> None:
        dataset_id = current.data(DatasetListModel.ID_ROLE) if current.isValid() else None
        if dataset_id != self.dataset_id:
            self.select_dataset(dataset_id)

    def select_dataset(self, dataset_id: str | None) -> None:
        """Show a dataset in every tab (None: back to the welcome screen)."""
        self.dataset_id = dataset_id
        self.remove_action.setEnabled(dataset_id is not None)
        if dataset_id is not None:
            self.settings.last_dataset = dataset_id
            for lazy in self.other_views.values():
                lazy.next_step.clear()
        if dataset_id is None:
            self.dataset_list.selectionModel().clearSelection()
            self.dataset_list.selectionModel().setCurrentIndex(
                self.dataset_model.index(-1), QItemSelectionModel.SelectionFlag.Clear
            )
        if dataset_id is not None or self._data_view is not None:
            self.data_view.set_dataset(dataset_id)
        for view in self.other_views.values():
            view.set_dataset(dataset_id)
        draft = self._data_view is not None and (
            self._data_view.loaded is not None or self._data_view.loading
        )
        if dataset_id is None and not draft:
            self.stack.setCurrentWidget(self.welcome)
        else:
            self.stack.setCurrentWidget(self.tabs)
        self.dataset_selected.emit(dataset_id)

    def _dataset_added(self, info) -> None:
        self.settings.last_dataset = info.dataset_id
        self.update_next_step()
        self.refresh_datasets(select=info.dataset_id)
        self.dataset_id = info.dataset_id
        for view in self.other_views.values():
            view.set_dataset(info.dataset_id)
        self.remove_action.setEnabled(True)
        self.dataset_selected.emit(info.dataset_id)

    def remove_dataset(self) -> None:
        ws, dataset_id = self.bridge.workspace, self.dataset_id
        if ws is None or dataset_id is None:
            return
        from PySide6.QtWidgets import QMessageBox

        row = self.dataset_model.row_of(dataset_id)
        name = self.dataset_model.datasets[row].name if row >= 0 else "this dataset"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove dataset",
            f"Remove “{name}” and its experiments from the workspace?",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText("Your original file is not touched.")
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not remove:
            return
        if self.settings.last_dataset == dataset_id:
            self.settings.last_dataset = None
        self.bridge.call(
            lambda: ws.remove_dataset(dataset_id),
            lambda _r: self.refresh_datasets(),
            description="Removing the dataset",
        )
        self.select_dataset(None)

    # --- files ----------------------------------------------------------------------------------
    def open_file_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        recent = self.settings.recent_files
        start = str(Path(recent[0]).parent) if recent else str(Path.home())
        path, _filter = QFileDialog.getOpenFileName(self, "Open a table", start, FILE_FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str | Path, **options: Any) -> None:
        """Load a table into the Data tab (on a worker thread); waits for the workspace if needed."""
        path = str(path)
        if self.bridge.workspace is None:
            self._pending_file = (path, options)
            self.statusBar().showMessage(f"{Path(path).name} opens once the workspace is ready…")
            return
        # The current dataset stays selected everywhere until the new table has loaded: a file
        # that fails to open leaves the window exactly as it was.
        self.stack.setCurrentWidget(self.tabs)
        view = self.data_view
        self.tabs.setCurrentWidget(self.data_tab)
        view.open_file(path, **options)

    def _list_clicked(self, index) -> None:
        """A click on the dataset already current (but not shown, after a file) shows it again."""
        dataset_id = index.data(DatasetListModel.ID_ROLE) if index.isValid() else None
        if dataset_id is not None and dataset_id != self.dataset_id:
            self.select_dataset(dataset_id)

    def _file_replaced(self) -> None:
        """A file took the Data tab's place: no dataset of the workspace is current any more."""
        self.dataset_id = None
        self.dataset_list.selectionModel().clearSelection()
        for other in self.other_views.values():
            other.set_dataset(None)
        self.remove_action.setEnabled(False)
        self.dataset_selected.emit(None)

    def update_next_step(self, *_: Any) -> None:
        """While a file is open on the Data tab but not in the workspace, the other tabs say so
        and offer to add it (the one step between opening a file and getting suggestions)."""
        view = self._data_view
        table = view.loaded if view is not None else None
        draft = table is not None and table.dataset_id is None and table.path is not None
        for title, lazy in self.other_views.items():
            if not draft:
                lazy.next_step.clear()
                continue
            name = table.path.name
            what = NEXT_STEP_GAINS.get(title, f"its {title.lower()}")
            lazy.next_step.show_step(
                f"<b>{escape(name)}</b> is open on the Data tab but not in your workspace yet. "
                f"Add it to see {what}.",
                "&Add to workspace",
                self.add_open_file,
            )

    def add_open_file(self) -> None:
        """The next-step button: add the Data tab's table, or show it if its task is not ready."""
        view = self.data_view
        self.tabs.setCurrentWidget(self.data_tab)
        if view.task is not None and view.add_button.isEnabled():
            view.add_to_workspace()
        else:
            view.add_button.setFocus()

    def _file_failed(self, _path: str) -> None:
        """Opened from the welcome screen and failed: back to it, as if nothing had happened."""
        view = self._data_view
        if self.dataset_id is None and view is not None and view.loaded is None:
            self.stack.setCurrentWidget(self.welcome)

    def _file_loaded(self, path: str) -> None:
        self.settings.add_recent_file(path)
        self.welcome.set_recent_files(self.settings.recent_files)
        self.setWindowTitle(f"{Path(path).name} — metadesk")

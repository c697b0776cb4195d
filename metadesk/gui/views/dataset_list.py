"""The workspace's datasets as a list model, and `LazyView`, a tab that builds its view on first show.

Building Suggestions/Results/Knowledge lazily keeps matplotlib off the path to the first window.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

log = logging.getLogger(__name__)
_Index = QModelIndex | QPersistentModelIndex
TASK_WORDS = {"binary": "Binary", "multiclass": "Multiclass", "regression": "Regression"}


class DatasetListModel(QAbstractListModel):
    ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.datasets: list[Any] = []

    def set_datasets(self, datasets: list[Any]) -> None:
        self.beginResetModel()
        self.datasets = list(datasets)
        self.endResetModel()

    def row_of(self, dataset_id: str | None) -> int:
        for i, d in enumerate(self.datasets):
            if d.dataset_id == dataset_id:
                return i
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.datasets)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        d = self.datasets[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            kind = TASK_WORDS.get(d.task_type, d.task_type)
            return f"{d.name}\n{kind} · {d.n_rows:,} rows · {d.n_features} features"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{d.name}, {d.task_type}, {d.n_rows} rows, target {d.target}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Target: {d.target}\nFrom: {d.source_path}\nAdded: {d.added_at[:16].replace('T', ' ')}"
        if role == self.ID_ROLE:
            return d.dataset_id
        return None


class LazyView(QWidget):
    """Placeholder tab that imports `module.cls` and builds it the first time it is shown.

    While the module does not exist (yet), it says so instead of breaking the window.
    """

    def __init__(self, module: str, cls: str, bridge, settings=None, parent=None) -> None:
        super().__init__(parent)
        self.module, self.cls = module, cls
        self.bridge, self.settings = bridge, settings
        self.view: QWidget | None = None
        self.dataset_id: str | None = None
        self.available = True
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget | None:
        """Build the real view now (screenshots, self-test); None when it is not available."""
        if self.view is not None or not self.available:
            return self.view
        try:
            module = importlib.import_module(self.module)
            factory = getattr(module, self.cls)
        except (ImportError, AttributeError) as exc:
            log.warning("view %s.%s not available: %s", self.module, self.cls, exc)
            self.available = False
            label = QLabel("This view is not available in this build.")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._layout.addWidget(label)
            return None
        kwargs = {}
        try:
            if "settings" in inspect.signature(factory).parameters:
                kwargs["settings"] = self.settings
        except (TypeError, ValueError):
            pass
        self.view = factory(self.bridge, **kwargs)
        self._layout.addWidget(self.view)
        if self.dataset_id is not None:
            self.view.set_dataset(self.dataset_id)
        return self.view

    def set_dataset(self, dataset_id: str | None) -> None:
        changed = dataset_id != self.dataset_id
        self.dataset_id = dataset_id
        if self.view is not None and changed:
            self.view.set_dataset(dataset_id)

    def showEvent(self, event) -> None:
        self.ensure()
        super().showEvent(event)

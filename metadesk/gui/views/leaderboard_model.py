"""`LeaderboardModel`: the leaderboard DataFrame as a Qt table model, numbers in plain words."""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from metadesk.experiments.spec import METRIC_LABELS, metrics_for
from metadesk.workspace.report_numbers import duration_text, number_text

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class LeaderboardModel(QAbstractTableModel):
    """One row per configuration, best first: rank, label, the metric as mean ± std, the other
    metrics, fit time, and where the score comes from (own run or prior knowledge)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.frame = pd.DataFrame()
        self.metric = "accuracy"
        self.others: list[str] = []

    @property
    def columns(self) -> list[str]:
        return ["#", "Configuration", self.metric, *self.others, "fit_seconds", "provenance"]

    def set_frame(self, frame: pd.DataFrame, metric: str, task_type: str) -> None:
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
        self.metric = metric
        self.others = [m for m in metrics_for(task_type) if m != metric]
        self.endResetModel()

    def other_column(self, metric: str) -> int:
        return 3 + self.others.index(metric)

    def row(self, row: int) -> dict[str, Any]:
        return self.frame.iloc[row].to_dict()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        name = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            if name == self.metric:
                return f"{METRIC_LABELS.get(name, name)}\n(mean ± std)"
            return {"fit_seconds": "Fit time", "provenance": "Source"}.get(
                name, METRIC_LABELS.get(name, name)
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and name not in (
            "Configuration",
            "provenance",
        ):
            return _RIGHT
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.frame.iloc[index.row()]
        name = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if name == "#":
                return str(index.row() + 1)
            if name == "Configuration":
                text = str(r.get("label") or r.get("configuration_id"))
                return f"★ {text} (tuned)" if _flag(r.get("tuned")) else text
            if name == self.metric:
                folds = int(r.get("folds") or 0) if pd.notna(r.get("folds")) else 0
                text = f"{number_text(r.get(name))} ± {number_text(r.get(f'{name}_std'))}"
                rows = r.get("rows")
                sample = f", {int(rows):,} rows" if rows is not None and pd.notna(rows) else ""
                return text + (f" ({folds}-fold{sample})" if folds else "")
            if name == "fit_seconds":
                return duration_text(r.get(name))
            if name == "provenance":
                return "own run" if r.get(name) == "own" else str(r.get(name))
            return number_text(r.get(name))
        if role == Qt.ItemDataRole.TextAlignmentRole and name not in (
            "Configuration",
            "provenance",
        ):
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and name == "Configuration":
            found = "\nFound by “Find the best model…” (outside the shipped portfolio)"
            return str(r.get("configuration_id")) + (found if _flag(r.get("tuned")) else "")
        if role == Qt.ItemDataRole.UserRole:
            return str(r.get("configuration_id"))
        return None


def _flag(value: Any) -> bool:
    return bool(value) if value is not None and not pd.isna(value) else False

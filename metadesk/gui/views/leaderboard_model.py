"""`LeaderboardModel`: the leaderboard DataFrame as a Qt table model, numbers in plain words."""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from metadesk.experiments.spec import METRIC_LABELS, metrics_for
from metadesk.workspace.comparisons import with_baseline

__all__ = ["LeaderboardModel", "with_baseline"]
from metadesk.report.numbers import duration_text, number_text

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


_VERDICT_TIP = (
    "Compared with the best run on the same cross-validation folds (corrected resampled "
    "t-test). 'Tied' means the difference could be chance: pick among tied runs by speed "
    "or simplicity."
)


class LeaderboardModel(QAbstractTableModel):
    """One row per configuration, best first: rank, label, the metric as mean ± std, how it
    compares with the best, the other metrics, fit time, and where the score comes from (own run,
    prior knowledge, or the baseline row every run has to beat)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.frame = pd.DataFrame()
        self.metric = "accuracy"
        self.others: list[str] = []
        self._places: list[int | None] = []

    @property
    def columns(self) -> list[str]:
        return [
            "#",
            "Configuration",
            self.metric,
            "verdict",
            *self.others,
            "fit_seconds",
            "provenance",
        ]

    def set_frame(self, frame: pd.DataFrame, metric: str, task_type: str) -> None:
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
        self.metric = metric
        self.others = [m for m in metrics_for(task_type) if m != metric]
        places: list[int | None] = []
        place = 0
        for prov in self.frame.get("provenance", pd.Series(dtype=object)):
            if prov == "baseline":
                places.append(None)
            else:
                place += 1
                places.append(place)
        self._places = places
        self.endResetModel()

    def place(self, row: int) -> int | None:
        """The row's number in the # column (None for the baseline row)."""
        return self._places[row] if 0 <= row < len(self._places) else None

    def is_baseline(self, row: int) -> bool:
        return self.place(row) is None and 0 <= row < len(self.frame)

    def other_column(self, metric: str) -> int:
        return 4 + self.others.index(metric)

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
            return {
                "fit_seconds": "Fit time",
                "provenance": "Source",
                "verdict": "Against the best",
            }.get(name, METRIC_LABELS.get(name, name))
        if role == Qt.ItemDataRole.ToolTipRole and name == "verdict":
            return _VERDICT_TIP
        if role == Qt.ItemDataRole.TextAlignmentRole and name not in (
            "Configuration",
            "provenance",
            "verdict",
        ):
            return _RIGHT
        return None

    @staticmethod
    def _verdict_tip(r: pd.Series) -> str:
        p, same = r.get("p_value_vs_best"), r.get("prob_equivalent")
        if r.get("group") not in ("tied", "worse") or not pd.notna(p):
            return _VERDICT_TIP
        text = f"p = {p:.3f} against the best on the same folds."
        if pd.notna(same):
            text += f" {same:.0%} chance of being within one point of it (Bayesian test)."
        return text + "\n\n" + _VERDICT_TIP

    @staticmethod
    def _verdict(r: pd.Series) -> str:
        group = r.get("group")
        if group == "best":
            return "best"
        if group == "tied":
            return "tied with the best"
        if group == "worse":
            p = r.get("p_value_vs_best")
            return f"worse (p = {p:.3f})" if pd.notna(p) and p >= 0.001 else "worse (p < 0.001)"
        if group == "baseline":
            return "score to beat"
        return "not compared" if r.get("provenance") == "own" else ""

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.frame.iloc[index.row()]
        name = self.columns[index.column()]
        baseline = r.get("provenance") == "baseline"
        if role == Qt.ItemDataRole.DisplayRole:
            if name == "#":
                place = self.place(index.row())
                return "" if place is None else str(place)
            if name == "verdict":
                return self._verdict(r)
            if name == "Configuration":
                text = str(r.get("label") or r.get("configuration_id"))
                return f"★ {text} (tuned)" if _flag(r.get("tuned")) else text
            if name == self.metric:
                folds = int(r.get("folds") or 0) if pd.notna(r.get("folds")) else 0
                text = f"{number_text(r.get(name))} ± {number_text(r.get(f'{name}_std'))}"
                repeats = r.get("repeats")
                repeats = int(repeats) if pd.notna(repeats) and repeats else 1
                cv = f"{repeats}×{folds}-fold" if repeats > 1 else f"{folds}-fold"
                rows = r.get("rows")
                sample = f", {int(rows):,} rows" if rows is not None and pd.notna(rows) else ""
                return text + (f" ({cv}{sample})" if folds else "")
            if name == "fit_seconds":
                return duration_text(r.get(name))
            if name == "provenance":
                return {"own": "own run", "baseline": "reference"}.get(
                    str(r.get(name)), str(r.get(name))
                )
            return number_text(r.get(name))
        if role == Qt.ItemDataRole.TextAlignmentRole and name not in (
            "Configuration",
            "provenance",
            "verdict",
        ):
            return _RIGHT
        if role == Qt.ItemDataRole.FontRole and (
            baseline or (name == "verdict" and r.get("group") in ("best", "tied"))
        ):
            font = QFont()
            font.setItalic(baseline)
            font.setBold(not baseline)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and baseline:
            return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.ToolTipRole and name == "Configuration":
            if baseline:
                return (
                    "A model that ignores every feature: it always predicts the most frequent "
                    "class (or the mean). Any useful run beats it."
                )
            found = "\nFound by “Find the best model…” (outside the shipped portfolio)"
            name = str(r.get("label") or r.get("configuration_id"))
            return name + (found if _flag(r.get("tuned")) else "")
        if role == Qt.ItemDataRole.ToolTipRole and name == "verdict":
            return self._verdict_tip(r)
        if role == Qt.ItemDataRole.UserRole:
            return str(r.get("configuration_id"))
        return None


def _flag(value: Any) -> bool:
    return bool(value) if value is not None and not pd.isna(value) else False

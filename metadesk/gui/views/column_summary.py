"""Per-column summary of a table (missing, distinct, a one-line description, a tiny histogram),
computed on a worker thread, and the editable "Columns" model (drawn by column_delegates.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from metadesk.gui.frame_model import OneCallPerCell
from metadesk.gui.views.rows_model import RowsModel

_Index = QModelIndex | QPersistentModelIndex
# Role values of `metadesk.data.roles.Role`, in the order offered in the role picker.
ROLE_CHOICES = (
    "numeric",
    "categorical",
    "boolean",
    "datetime",
    "text",
    "identifier",
    "constant",
)
ROLE_HINTS = {
    "numeric": "a number the model uses as is",
    "categorical": "a label from a small set; the model one-hot encodes it",
    "boolean": "yes/no; used as 0/1",
    "datetime": "a date or time; used as parts (year, month, ...)",
    "text": "free text; left out for now",
    "identifier": "names a row (an id); left out — it cannot generalise",
    "constant": "the same value everywhere; left out — it carries no information",
}
_BINS = 16
# Histograms and distinct counts look at most this many rows: each pandas call on a column holds
# the interpreter lock, and the GUI thread waits for it; on a sample each wait stays short.
_SAMPLE = 50_000


_HEADER_TIPS = {
    1: "How the model uses the column; pick another role to change it",
    2: "Empty cells (and markers such as NA or ?)",
    3: "Different values, not counting missing ones",
    4: "Mean, spread and range for numbers; the most common values for labels",
    5: "How the values are spread (the most common values for labels)",
}


@dataclass(frozen=True)
class ColumnSummary:
    name: str
    dtype: str
    role: str
    missing: int
    distinct: int
    description: str  # "mean 3.2 · sd 1.1 · 0 to 10" or "'red' 40% · 'blue' 35% · …"
    bars: tuple[float, ...]  # heights in [0, 1] of the tiny histogram (top categories for labels)
    bar_labels: tuple[str, ...] = ()  # what each bar is, for the tooltip
    sampled: bool = False  # distinct counted on a sample of the rows


def _fmt(x: float) -> str:
    """Numbers the way an analyst writes them: 49,470 · 3.142 · 0.0012 · 2.1e+09."""
    if x != x:  # NaN
        return "–"
    magnitude = abs(x)
    if magnitude >= 1e9 or (0 < magnitude < 1e-3):
        return f"{x:.2g}"
    if magnitude >= 1000:
        return f"{x:,.0f}"
    return f"{x:.4g}"


def sample_rows(n: int) -> Any:
    """Positions of a seeded sample of `_SAMPLE` rows (None: use all). Generator.choice is O(size);
    `Series.sample` permutes every row and holds the interpreter lock for ~0.2 s on a million."""
    import numpy as np

    if n <= _SAMPLE:
        return None
    return np.sort(np.random.default_rng(0).choice(n, size=_SAMPLE, replace=False))


def summarize_column(series, role: str, rows=None) -> ColumnSummary:
    """One column's summary (on the sampled `rows` positions when given). Runs on a worker
    thread (pandas/numpy only, no Qt)."""
    import numpy as np
    import pandas as pd

    n = len(series)
    missing = int(series.isna().sum())
    if rows is None and n > _SAMPLE:
        rows = sample_rows(n)
    sample = series if rows is None else series.iloc[rows]
    present = sample.dropna()
    try:
        distinct = int(series.nunique(dropna=True)) if n <= _SAMPLE else int(present.nunique())
    except TypeError:  # unhashable cells (lists from odd JSON): count their text
        distinct = int(present.astype(str).nunique())
    bars: tuple[float, ...] = ()
    labels: tuple[str, ...] = ()
    numeric = pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    )
    if (
        numeric
        and role in ("numeric", "identifier", "constant", "datetime", "boolean")
        and len(present)
    ):
        values = present.to_numpy(dtype=float, na_value=np.nan)
        values = values[np.isfinite(values)]
        if len(values):
            lo, hi = float(values.min()), float(values.max())
            description = f"mean {_fmt(float(values.mean()))} · sd {_fmt(float(values.std()))}"
            description += f" · {_fmt(lo)} to {_fmt(hi)}"
            if hi > lo:
                counts, edges = np.histogram(values, bins=_BINS)
                top = counts.max() or 1
                bars = tuple(float(c) / top for c in counts)
                labels = tuple(
                    f"{_fmt(edges[i])} to {_fmt(edges[i + 1])}: {int(c):,}"
                    for i, c in enumerate(counts)
                )
            else:
                bars, labels = (1.0,), (f"{_fmt(lo)}: {len(values):,}",)
        else:
            description = "no finite values"
    elif pd.api.types.is_datetime64_any_dtype(series.dtype) and len(present):
        description = f"{_when(present.min())} to {_when(present.max())}"
        ints = present.astype("int64").to_numpy(dtype=float)
        counts, _ = np.histogram(ints, bins=_BINS)
        top = counts.max() or 1
        bars = tuple(float(c) / top for c in counts)
    elif len(present):
        counts = present.astype(str).value_counts()
        total = float(counts.sum())
        head = counts.head(8)
        top = float(head.iloc[0])
        bars = tuple(float(c) / top for c in head)
        labels = tuple(f"{k}: {int(c):,} ({c / total:.0%})" for k, c in head.items())
        parts = [f"'{_short(k)}' {c / total:.0%}" for k, c in head.head(2).items()]
        description = " · ".join(parts) + (" · …" if len(counts) > 2 else "")
    else:
        description = "all missing"
    return ColumnSummary(
        name=str(series.name),
        dtype=str(series.dtype),
        role=role,
        missing=missing,
        distinct=distinct,
        sampled=n > _SAMPLE,
        description=description,
        bars=bars,
        bar_labels=labels,
    )


def _when(value: Any) -> str:
    """A timestamp as an analyst writes it: the date alone when the time is midnight."""
    text = str(value)
    return text[:-9] if text.endswith(" 00:00:00") else text


def _short(text: Any, width: int = 14) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def summarize_frame(frame, roles: dict[str, str]) -> list[ColumnSummary]:
    """Every column's summary, in frame order. Runs on a worker thread."""
    from metadesk.gui.workers import current_task_state

    state = current_task_state()
    out = []
    rows = sample_rows(len(frame))
    for i, name in enumerate(frame.columns):
        if state is not None:
            if state.interrupted:
                break
            state.set_progress(
                i / max(1, frame.shape[1]),
                f"Summarising the columns ({i + 1:,} of {frame.shape[1]:,})",
            )
        out.append(summarize_column(frame[name], str(roles.get(str(name), "")), rows))
    return out


class ColumnsModel(OneCallPerCell, RowsModel):
    """One row per column: name, role (editable), type, missing, distinct, summary, distribution."""

    HEADERS = ("Column", "Role", "Missing", "Distinct", "Summary", "Distribution")
    COL_NAME, COL_ROLE, COL_MISSING, COL_DISTINCT, COL_SUMMARY, COL_PLOT = range(6)
    BARS_ROLE = Qt.ItemDataRole.UserRole + 1

    role_edited = Signal(str, str)  # column, new role

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[ColumnSummary] = []
        self._roles: dict[str, str] = {}
        self._target: str | None = None
        self._n_rows = 0
        self._excluded: dict[str, str] = {}
        self.editable = True

    def set_summaries(self, rows: list[ColumnSummary], n_rows: int) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._n_rows = n_rows
        self.endResetModel()

    def set_roles(
        self, roles: dict[str, str], target: str | None, excluded: dict[str, str]
    ) -> None:
        self._roles = dict(roles)
        self._target = target
        self._excluded = dict(excluded)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, self.COL_PLOT))

    def column_names(self) -> list[str]:
        return [r.name for r in self._rows]

    def role_of(self, name: str) -> str:
        return self._roles.get(name, "")

    def header(self, section: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            text = self.HEADERS[section]
            # Right-aligned titles would touch the next column's: an en space keeps them apart.
            return text + "\u2002" if section in (self.COL_MISSING, self.COL_DISTINCT) else text
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (
            self.COL_MISSING,
            self.COL_DISTINCT,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS.get(section)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if (
            index.column() == self.COL_ROLE
            and self.editable
            and self._rows[index.row()].name != self._target
        ):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        is_target = row.name == self._target
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_NAME:
                return row.name
            if col == self.COL_ROLE:
                return "target" if is_target else self._roles.get(row.name, row.role)
            if col == self.COL_MISSING:
                if not row.missing:
                    return "–"
                return f"{row.missing:,} ({row.missing / max(1, self._n_rows):.0%})"
            if col == self.COL_DISTINCT:
                return f"{row.distinct:,}+" if row.sampled else f"{row.distinct:,}"
            if col == self.COL_SUMMARY:
                return row.description
            return None
        if role == Qt.ItemDataRole.EditRole and col == self.COL_ROLE:
            return self._roles.get(row.name, row.role)
        if role == self.BARS_ROLE and col == self.COL_PLOT:
            return row.bars
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.COL_ROLE:
                if is_target:
                    return "The column the model learns to predict."
                current = self._roles.get(row.name, row.role)
                reason = self._excluded.get(row.name)
                hint = ROLE_HINTS.get(current, "")
                return f"{current}: {hint}" + (f"\nLeft out: {reason}" if reason else "")
            if col == self.COL_PLOT and row.bar_labels:
                return "\n".join(row.bar_labels)
            if col == self.COL_DISTINCT and row.sampled:
                return f"At least {row.distinct:,}: counted on a sample of {_SAMPLE:,} rows"
            if col in (self.COL_NAME, self.COL_SUMMARY, self.COL_MISSING, self.COL_DISTINCT):
                return self._describe(row, is_target)
            return None
        if role == Qt.ItemDataRole.FontRole and is_target and col in (self.COL_NAME, self.COL_ROLE):
            font = QFont()
            font.setBold(True)
            return font
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and col in (self.COL_NAME, self.COL_ROLE)
            and not is_target
            and row.name in self._excluded
        ):
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (
            self.COL_MISSING,
            self.COL_DISTINCT,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole and col == self.COL_PLOT:
            return "; ".join(row.bar_labels) or "no distribution"
        return None

    def _describe(self, row: ColumnSummary, is_target: bool) -> str:
        """The whole summary of one column, for the tooltips of its cells."""
        role = "the target" if is_target else self._roles.get(row.name, row.role)
        missing = (
            f"{row.missing:,} missing ({row.missing / max(1, self._n_rows):.1%})"
            if row.missing
            else "nothing missing"
        )
        distinct = f"{row.distinct:,}{'+' if row.sampled else ''} distinct"
        lines = [f"{row.name}: {role}, stored as {row.dtype}", row.description]
        lines.append(f"{distinct} · {missing}")
        reason = self._excluded.get(row.name)
        if reason and not is_target:
            lines.append(f"Left out: {reason}")
        return "\n".join(lines)

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != self.COL_ROLE:
            return False
        value = str(value)
        if value not in ROLE_CHOICES:
            return False
        name = self._rows[index.row()].name
        if self._roles.get(name) == value:
            return False
        self._roles[name] = value
        self.dataChanged.emit(index, index)
        self.role_edited.emit(name, value)
        return True

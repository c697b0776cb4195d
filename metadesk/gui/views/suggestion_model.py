"""`SuggestionModel` (the ranked suggestions as a Qt table model), the "why" pane's HTML, and
how long queueing a portfolio would take (`portfolio_estimate`, run on a worker)."""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from metadesk.experiments.spec import LOWER_IS_BETTER, METRIC_LABELS
from metadesk.knowledge.dataset_names import plain_name, source_of
from metadesk.report.insights import within_metric_range

if TYPE_CHECKING:
    from metadesk.workspace.service import Workspace

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def interval_text(predicted: float, low: float, high: float, digits: int = 3) -> str:
    """ "0.870 (0.840–0.900)"; a default-order suggestion has no prediction and says so."""
    if not math.isfinite(predicted):
        return "not predicted"
    if not (math.isfinite(low) and math.isfinite(high)):
        return f"{predicted:.{digits}f}"
    return f"{predicted:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"


def short_reason(s: Any) -> str:
    """The "Why" cell, leading with what differs from row to row: why it comes before
    higher-predicted ones when it does, else the scores (the similar datasets are mostly the same
    for every row): "0.960 / 0.954 on Breast cancer, Wdbc"."""
    if getattr(s, "order_note", ""):
        return s.order_note.split(":")[0].split(",")[0]
    if s.cold_start:
        return "Default order: nothing similar known yet"
    if not s.evidence:
        return "Predicted by the meta-model"
    shown = s.evidence[:3]
    scores = " / ".join(f"{e.score:.3f}" for e in shown)
    return f"{scores} on " + ", ".join(plain_name(e.dataset_name) for e in shown)


def full_reason(s: Any) -> str:
    """The Why cell's tooltip: every similar dataset by its plain name, its source, similarity
    and what this configuration scored there."""
    if s.cold_start or not s.evidence:
        return plain_reason(s)
    label = METRIC_LABELS.get(s.metric, s.metric)
    lines = [f"{label} of this configuration on the most similar known datasets:"]
    for e in s.evidence:
        source = source_of(e.dataset_name)
        where = f" ({source})" if source else ""
        lines.append(
            f"• {e.score:.3f} on {plain_name(e.dataset_name)}{where}, similarity {e.similarity:.2f}"
        )
    return "\n".join(lines)


def plain_reason(s: Any) -> str:
    """The meta-model's reason with each dataset called by its plain name."""
    text = str(s.reason or "")
    for e in sorted(s.evidence or (), key=lambda e: -len(e.dataset_name)):
        text = text.replace(e.dataset_name, plain_name(e.dataset_name))
    return text


def configuration_tip(config: Any) -> str:
    """A configuration's tooltip in words: its name and settings, never its raw id."""
    settings = ", ".join(f"{k} = {v}" for k, v in sorted(config.params.items()))
    name = config.label or config.algorithm
    return f"{name}\nSettings: {settings}" if settings else name


class SuggestionModel(QAbstractTableModel):
    """Suggestions: rank, configuration, predicted score with its 80% interval, and why in few
    words (the full reason is the cell's tooltip). Shown in the order to run them unless sorted
    by a column; `ranked()` is always the order to run them."""

    HEADERS = ("#", "Configuration", "Predicted", "Why")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self.metric = "accuracy"
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)

    def set_suggestions(self, suggestions: list[Any], metric: str) -> None:
        self.beginResetModel()
        self._rows = list(suggestions)
        self.metric = metric
        self._apply_sort()
        self.endResetModel()

    def suggestion(self, row: int) -> Any:
        return self._rows[row]

    def suggestions(self) -> list[Any]:
        """In the order shown."""
        return list(self._rows)

    def ranked(self) -> list[Any]:
        """In the order to run them, whatever the table is sorted by."""
        return sorted(self._rows, key=lambda s: s.rank)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._apply_sort()
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        column, order = self._sort
        better_high = self.metric not in LOWER_IS_BETTER

        def key(s: Any) -> tuple:
            if column == 1:
                return ((s.configuration.label or s.configuration.id).lower(), s.rank)
            if column == 2:  # best prediction first when descending, unknowns last
                p = s.predicted if math.isfinite(s.predicted) else -math.inf
                return (p if better_high else -p, -s.rank)
            if column == 3:
                return (short_reason(s).lower(), s.rank)
            return (s.rank,)

        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 2:  # on two lines: the column stays as narrow as its numbers
                return f"Predicted {METRIC_LABELS.get(self.metric, self.metric)}\n(80% interval)"
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (0, 2):
            return _RIGHT
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        s = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(s.rank)
            if col == 1:
                return s.configuration.label or s.configuration.id
            if col == 2:
                predicted, low, high = within_metric_range(s.metric, s.predicted, s.low, s.high)
                return interval_text(predicted, low, high)
            return short_reason(s)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 1:
                return configuration_tip(s.configuration)
            if col == 3:
                note = getattr(s, "order_note", "")
                full = full_reason(s)
                return f"{note}\n\n{full}" if note and note != s.reason else full
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 2):
            return _RIGHT
        if role == Qt.ItemDataRole.UserRole:
            return s.configuration.id
        return None


def _provenance(evidence: Any) -> str:
    """ "shipped knowledge; source: KEEL repository" / "your own run" / "imported knowledge"."""
    kind = {"prior": "shipped knowledge", "own": "your own run", "imported": "imported knowledge"}
    text = kind.get(str(evidence.provenance), str(evidence.provenance))
    source = source_of(evidence.dataset_name)
    return f"{text}; source: {source}" if source else text


def suggestion_html(s: Any, recommender: str = "") -> str:
    """The detail pane: what the configuration is, what is expected, and the evidence.
    `recommender` says in words what the ranking comes from (else the recommender's name shows)."""
    e = html.escape
    label = METRIC_LABELS.get(s.metric, s.metric)
    params = "".join(
        f"<tr><td>{e(str(k))}</td><td>{e(str(v))}</td></tr>"
        for k, v in sorted(s.configuration.params.items())
    )
    better = "lower" if s.metric in LOWER_IS_BETTER else "higher"
    parts = [f"<h3>{e(s.configuration.label or s.configuration.id)}</h3>"]
    predicted, low, high = within_metric_range(s.metric, s.predicted, s.low, s.high)
    if math.isfinite(predicted) and math.isfinite(low) and math.isfinite(high):
        parts.append(
            f"<p><b>Predicted {e(label)}:</b> {predicted:.3f}<br>"
            f"<span>80% interval {low:.3f} to {high:.3f} ({better} is better)</span></p>"
        )
    else:
        parts.append(f"<p>No prediction of {e(label)} yet: nothing similar is known.</p>")
    if s.expected_improvement and math.isfinite(s.expected_improvement) and not s.cold_start:
        parts.append(
            f"<p>Expected gain over the best of what is already run and ranked above it: "
            f"{s.expected_improvement:.3f}</p>"
        )
    if getattr(s, "order_note", "") and not s.cold_start:
        parts.append(f"<p><b>Why here:</b> {e(s.order_note)}</p>")
    parts.append(f"<p><b>Why:</b> {e(plain_reason(s))}</p>")
    if s.evidence:
        # A list, not a table: a narrow pane wraps between words instead of inside them.
        items = "".join(
            f"<li><b>{e(label)} {ev.score:.3f}</b> on {e(plain_name(ev.dataset_name))}"
            f"<br><span style='color:gray'>similarity {ev.similarity:.2f} · "
            f"{e(_provenance(ev))}</span></li>"
            for ev in s.evidence
        )
        parts.append(
            "<p><b>How it did on similar past datasets</b></p>"
            f"<ul style='margin-left:0; -qt-list-indent:1'>{items}</ul>"
        )
    if params:
        parts.append(
            f"<p><b>Settings</b> ({e(s.configuration.algorithm)})</p>"
            f"<table cellspacing='0' cellpadding='2'>{params}</table>"
        )
    if recommender:
        parts.append(f"<p style='color:gray'>Ranked from {e(recommender)}.</p>")
    elif s.recommender:
        parts.append(f"<p style='color:gray'>Ranked by {e(s.recommender)}.</p>")
    return "".join(parts)


def portfolio_estimate(ws: Workspace, dataset_id: str, count: int, time_limit_s: float) -> str:
    """ "About 25 min with 3 workers (runs here took 38 s each in the middle)." Runs on a worker."""
    from statistics import median

    from metadesk.gui.views.queue_model import format_seconds

    seconds = [
        e.result.wall_seconds
        for e in ws.experiments(dataset_id)
        if e.status == "ok" and e.result is not None and e.result.wall_seconds > 0
    ]
    workers = max(1, int(ws.workers_status().get("total", 0) or 1))
    who = f"{workers} worker{'s' if workers != 1 else ''}"
    if seconds:
        typical = median(seconds)
        total = typical * count / workers
        return (
            f"About {format_seconds(total)} with {who}: a run here took {format_seconds(typical)}"
            " in the middle, and slower models take longer. You can pause or cancel them."
        )
    most = time_limit_s * count / workers
    return (
        f"No run has finished on this dataset yet to estimate from; each may take up to "
        f"{format_seconds(time_limit_s)}, so at most {format_seconds(most)} with {who}. "
        "You can pause or cancel them."
    )

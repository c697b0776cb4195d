"""The queue's table model: rows fetched from the workspace on a worker thread, with elapsed time and
an ETA estimated from how long finished experiments of the same algorithm took.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

from metadesk.gui.palette import accent, is_dark
from metadesk.gui.views.rows_model import RowsModel

if TYPE_CHECKING:
    from metadesk.workspace.service import Workspace

_Index = QModelIndex | QPersistentModelIndex
ACTIVE = ("queued", "running", "interrupted")
STATE_WORDS = {
    "queued": "Waiting",
    "running": "Running",
    "ok": "Done",
    "failed": "Failed",
    "timeout": "Timed out",
    "cancelled": "Cancelled",
    "interrupted": "Interrupted",
}
WAITING = ("queued", "interrupted")
# What the Remaining column says when there is no honest number to give.
PAUSED_TEXT = "paused"
UNKNOWN_TEXT = "not known yet"
_DONE_COLOR = "#29a36a"
_DONE_DARK = "#3fb950"  # the same green, light enough on a dark background
_LIMIT = 10_000  # waiting rows simulated for start times; later ones say they are far off
QUEUE_EVENTS = frozenset(
    {"queued", "started", "finished", "cancelled", "paused", "resumed", "executor_error"}
)
RECENT_FINISHED = 200


def _epoch(iso: str | None) -> float | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso).timestamp()
    except ValueError:
        return None


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def summary_text(counts: dict[str, int], paused: bool) -> str:
    """One line over the queue, e.g. "1 running · 3 waiting · 12 finished (1 failed)"."""
    if not counts:
        if paused:
            return "Paused. Experiments you queue wait until you resume."
        return "No experiments yet. Queue some from the Suggestions tab."
    running = counts.get("running", 0)
    waiting = sum(counts.get(s, 0) for s in WAITING)
    if paused:
        parts = ["<b>Paused</b>"]
        if waiting:
            parts.append(f"{waiting:,} waiting until you resume")
        if running:
            parts.append(f"{running:,} still running to the end")
    else:
        parts = [f"{running:,} running"] if running else []
        if waiting:
            parts.append(f"{waiting:,} waiting")
        if not parts:
            parts.append("Nothing running")
    failed = counts.get("failed", 0) + counts.get("timeout", 0)  # a timeout is a failure too
    for n, word in ((counts.get("ok", 0), "done"), (failed, "failed")):
        if n:
            parts.append(f"{n:,} {word}")
    if counts.get("cancelled", 0):
        parts.append(f"{counts['cancelled']:,} cancelled")
    return " · ".join(parts)


@dataclass(frozen=True)
class QueueSnapshot:
    """What one refresh found: rows to show, typical durations, worker counts, pause state."""

    rows: list[Any]
    dataset_names: dict[str, str]
    typical_seconds: dict[str, float]  # by algorithm, with "" for all
    workers: dict[str, int] = field(default_factory=dict)
    paused: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def fetch_queue(ws: Workspace) -> QueueSnapshot:
    """Read the queue from the workspace. Runs on a worker thread."""
    rows = ws.experiments()
    active = [r for r in rows if r.status in ACTIVE]
    finished = [r for r in rows if r.status not in ACTIVE]
    finished.sort(key=lambda r: r.finished_at or "", reverse=True)
    durations: dict[str, list[float]] = {}
    for r in finished:
        if r.status == "ok" and r.result is not None and r.result.wall_seconds > 0:
            durations.setdefault(getattr(r, "algorithm", "") or "", []).append(
                r.result.wall_seconds
            )
            durations.setdefault("", []).append(r.result.wall_seconds)
    typical = {k: statistics.median(v) for k, v in durations.items()}
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    names = {d.dataset_id: d.name for d in ws.datasets()}
    status = ws.workers_status()
    return QueueSnapshot(
        rows=active + finished[:RECENT_FINISHED],
        dataset_names=names,
        typical_seconds=typical,
        workers={key: status[key] for key in ("busy", "free", "total")},
        paused=bool(ws.paused),
        counts=counts,
    )


class QueueModel(RowsModel):
    HEADERS = ("Configuration", "Dataset", "State", "Elapsed", "Remaining", "Result")
    COL_CONFIG, COL_DATASET, COL_STATE, COL_ELAPSED, COL_ETA, COL_SCORE = range(6)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.snapshot = QueueSnapshot([], {}, {})
        self.show_finished = True
        self._rows: list[Any] = []
        self._starts: dict[int, float] = {}  # estimated start (epoch) of each waiting experiment
        # The main window tells which metric to show.
        self.metric_for: Callable[[Any], str | None] = lambda row: None

    def set_snapshot(self, snapshot: QueueSnapshot) -> None:
        self.beginResetModel()
        self.snapshot = snapshot
        rows = snapshot.rows
        if not self.show_finished:
            rows = [r for r in rows if r.status in ACTIVE]
        self._rows = rows
        self._estimate_starts()
        self.endResetModel()

    def set_show_finished(self, show: bool) -> None:
        self.show_finished = show
        self.set_snapshot(self.snapshot)

    def row_at(self, i: int) -> Any:
        return self._rows[i]

    def _typical(self, row) -> float | None:
        t = self.snapshot.typical_seconds
        return t.get(getattr(row, "algorithm", "") or "", t.get(""))

    def _estimate_starts(self) -> None:
        """Waiting experiments start when a worker frees up: simulate the queue from now with the
        typical durations seen so far (no estimate before the first result, none while paused)."""
        self._starts = {}
        if self.snapshot.paused:
            return
        total = max(1, self.snapshot.workers.get("total", 1))
        now = time.time()
        free_at = []
        for r in self._rows:
            if r.status == "running":
                typical, started = self._typical(r), _epoch(r.started_at)
                if typical is None or started is None:
                    return
                free_at.append(max(now, started + typical))
        free_at += [now] * max(0, total - len(free_at))
        free_at.sort()
        waiting = sorted(
            (r for r in self._rows if r.status in WAITING),
            key=lambda r: (-r.priority, r.experiment_id),
        )
        for r in waiting[:_LIMIT]:
            typical = self._typical(r)
            if typical is None:
                return
            start = free_at.pop(0)
            self._starts[r.experiment_id] = start
            free_at.append(start + typical)
            free_at.sort()

    def header(self, section: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == self.COL_ETA:
            return (
                "Until it ends, estimated from how long finished experiments of the same kind took"
            )
        return None

    def elapsed(self, row) -> float | None:
        start = _epoch(row.started_at)
        if start is None:
            return None
        end = _epoch(row.finished_at) if row.status not in ACTIVE else None
        return (end or time.time()) - start

    def remaining(self, row) -> str:
        """Time until the experiment ends, in words; "paused" for waiting ones while paused."""
        if row.status == "running":
            typical, elapsed = self._typical(row), self.elapsed(row)
            if typical is None or elapsed is None:
                return UNKNOWN_TEXT
            left = typical - elapsed
            return f"~{format_seconds(left)}" if left >= 1.5 else "any moment"
        if row.status in WAITING:
            if self.snapshot.paused:
                return PAUSED_TEXT
            start = self._starts.get(row.experiment_id)
            if start is None:
                return UNKNOWN_TEXT
            left = start + (self._typical(row) or 0.0) - time.time()
            return f"~{format_seconds(left)}" if left >= 1.5 else "any moment"
        return ""

    def _remaining_tip(self, row) -> str:
        text = self.remaining(row)
        if text == PAUSED_TEXT:
            return "The queue is paused: this experiment starts once you resume it."
        if text == UNKNOWN_TEXT:
            return (
                "metadesk estimates the time once an experiment of this kind has finished "
                "on this computer."
            )
        if text:
            return "Estimated from how long finished experiments of the same kind took."
        return ""

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_CONFIG:
                return row.configuration_label or row.configuration_id
            if col == self.COL_DATASET:
                return self.snapshot.dataset_names.get(row.dataset_id, row.dataset_id[:10])
            if col == self.COL_STATE:
                return self._state_text(row)
            if col == self.COL_ELAPSED:
                return format_seconds(self.elapsed(row))
            if col == self.COL_ETA:
                return self.remaining(row)
            if col == self.COL_SCORE:
                return self._result_text(row)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._color(row, col)
        if role == Qt.ItemDataRole.FontRole and col == self.COL_STATE and row.status == "running":
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _state_text(self, row) -> str:
        return STATE_WORDS.get(row.status, row.status)

    def _error(self, row) -> str:
        return getattr(row, "error", "") or (row.result.error if row.result else "")

    def _tooltip(self, row, col: int) -> str:
        if col == self.COL_ETA:
            return self._remaining_tip(row)
        if col == self.COL_STATE and row.status == "interrupted":
            return (
                "Its worker stopped before it finished (metadesk closed or crashed); it runs again."
            )
        error = self._error(row)
        if error and row.status in ("failed", "timeout", "cancelled"):
            return error
        label = row.configuration_label or row.configuration_id
        return f"{label}\n{row.configuration_id}"

    def _color(self, row, col: int) -> QColor | None:
        palette = QGuiApplication.palette()
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        if col == self.COL_STATE:
            if row.status in ("failed", "timeout"):
                return palette.color(QPalette.ColorRole.BrightText)  # the palette's red
            if row.status == "ok":
                return QColor(_DONE_DARK if is_dark(palette) else _DONE_COLOR)
            if row.status == "running":
                return accent(palette)
            if row.status == "cancelled" or (self.snapshot.paused and row.status in WAITING):
                return muted
        if col == self.COL_ETA and self.remaining(row) in (PAUSED_TEXT, UNKNOWN_TEXT):
            return muted
        if col == self.COL_SCORE and row.status != "ok":
            return muted
        return None

    def _result_text(self, row) -> str:
        """The score for a finished experiment, else why there is none (first line of the error)."""
        result = row.result
        if row.status in ("failed", "timeout"):
            error = self._error(row).strip().splitlines()
            return error[0] if error else STATE_WORDS[row.status]
        if result is None or not result.ok or not result.mean:
            return ""
        from metadesk.experiments.spec import METRIC_LABELS

        metric = self.metric_for(row)
        if metric is None or metric not in result.mean:
            metric = (
                "accuracy"
                if "accuracy" in result.mean
                else ("r2" if "r2" in result.mean else next(iter(result.mean)))
            )
        std = result.std.get(metric)
        text = f"{METRIC_LABELS.get(metric, metric)} {result.mean[metric]:.3f}"
        return text + (f" ± {std:.3f}" if std is not None else "")

    def tick(self) -> None:
        """Advance the clocks of running and waiting rows: start times are simulated again from
        now, so an experiment that runs longer than usual pushes the ones behind it back."""
        if self._rows:
            if any(r.status in ACTIVE for r in self._rows):
                self._estimate_starts()
            self.dataChanged.emit(
                self.index(0, self.COL_ELAPSED),
                self.index(len(self._rows) - 1, self.COL_ETA),
                [Qt.ItemDataRole.DisplayRole],
            )

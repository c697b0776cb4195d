"""Find the best model within a time budget: the meta-model's suggestions first, then model-based
proposals, with cheap elimination on growing row subsamples (asynchronous successive halving).

Every trial is an ordinary experiment in the workspace (full rows, or a stratified row cap through
`Protocol.max_rows`), so trials run on any executor, survive a crash, feed the meta-dataset, and a
second call continues from everything already measured on the table.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from metadesk.experiments.spec import Protocol, Result
from metadesk.metric_names import LOWER_IS_BETTER, default_metric
from metadesk.portfolio import Configuration, default_order, get_configuration
from metadesk.portfolio.proposer import Proposer, Trial
from metadesk.portfolio.search_space import sample_configuration
from metadesk.workspace.events import Event, EventKind
from metadesk.workspace.records import configuration_from_row, is_shipped

if TYPE_CHECKING:
    from metadesk.workspace.service import Workspace

log = logging.getLogger(__name__)

PRIORITY = 100  # tuning trials go before anything else waiting in the queue
ETA = 3  # successive halving: a third of each rung moves on to three times the rows
MIN_RUNG_ROWS = 400  # smaller samples say too little about the full table
WARM = 6  # meta-model suggestions tried before model-based proposals
WAIT_S = 0.2


@dataclass(frozen=True)
class TunedPoint:
    configuration_id: str
    label: str
    score: float  # in the metric's own units
    std: float
    rows: int | None  # None: the full table (the same protocol as `run`)
    tuned: bool  # outside the shipped portfolio


@dataclass(frozen=True)
class TuneSnapshot:
    """Where a search stands: `curve` is (seconds since the start, best score) at each improvement."""

    dataset_id: str
    metric: str
    budget_seconds: float
    elapsed_seconds: float
    trials: int  # finished during this call
    total_trials: int  # finished on this table, ever
    best: TunedPoint | None
    portfolio_best: TunedPoint | None  # the best shipped configuration measured on the full table
    curve: tuple[tuple[float, float], ...] = ()
    running: tuple[str, ...] = ()
    stopped: str = ""  # "" while running, then "budget" or "user"

    def to_dict(self) -> dict[str, Any]:  # JSON for `metadesk tune --json`: values vary by key
        def point(p: TunedPoint | None) -> dict[str, object] | None:
            if p is None:
                return None
            return {
                "configuration_id": p.configuration_id,
                "label": p.label,
                "score": p.score,
                "std": p.std,
                "rows": p.rows,
                "tuned": p.tuned,
            }

        return {
            "dataset_id": self.dataset_id,
            "metric": self.metric,
            "budget_seconds": self.budget_seconds,
            "elapsed_seconds": round(self.elapsed_seconds, 2),
            "trials": self.trials,
            "total_trials": self.total_trials,
            "best": point(self.best),
            "portfolio_best": point(self.portfolio_best),
            "curve": [[round(t, 2), s] for t, s in self.curve],
            "stopped": self.stopped,
        }


def rung_rows(n_rows: int) -> list[int | None]:
    """Row caps of the rungs, smallest first; None (all rows) is the last rung."""
    caps: list[int | None] = [None]
    rows = n_rows
    while rows // ETA >= MIN_RUNG_ROWS and len(caps) < 3:
        rows //= ETA
        caps.insert(0, rows)
    return caps


class Tuner:
    """One search on one dataset. `run()` blocks until the budget is spent or `stop()` is called;
    `snapshot()` may be read from any thread while it runs."""

    def __init__(
        self,
        workspace: Workspace,
        dataset_id: str,
        budget_seconds: float,
        *,
        metric: str | None = None,
        warm_start: bool = True,
        seed: int = 0,
        started: float | None = None,
        on_progress: Callable[[TuneSnapshot], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.ws = workspace
        self.info = workspace.dataset(dataset_id)
        self.dataset_id = dataset_id
        self.budget = float(budget_seconds)
        self.metric = metric or default_metric(self.info.task_type)
        self.sign = -1.0 if self.metric in LOWER_IS_BETTER else 1.0
        self.warm_start = warm_start
        self.started = time.monotonic() if started is None else started
        # Stop a little early: cancelling trials, shutting the workers down and leaving take a
        # few seconds, and the whole command should end within 5% of the budget.
        self.deadline = self.started + self.budget - min(5.0, 0.05 * self.budget)
        self.on_progress = on_progress
        self.should_stop = should_stop
        self.rungs = rung_rows(self.info.n_rows)
        self.proposer = Proposer(self.info.task_type, seed=seed)
        self._seed = seed
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._configs: dict[str, Configuration] = {}
        self._mine: dict[int, tuple[str, int | None]] = {}
        self._finished_here = 0
        self._counted: set[int] = set()
        self._curve: list[tuple[float, float]] = []
        self._warm: list[Configuration] | None = None
        self._snapshot: TuneSnapshot | None = None
        self._warm_thread: threading.Thread | None = None

    # --- control ----------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop at once: running trials are cancelled, everything finished is kept."""
        self._stop.set()
        self._wake.set()

    def snapshot(self) -> TuneSnapshot | None:
        with self._lock:
            return self._snapshot

    # --- the loop ---------------------------------------------------------------------------
    def run(self) -> TuneSnapshot:
        unsubscribe = self.ws.subscribe(self._on_event)
        try:
            if self.warm_start:
                self._warm_thread = threading.Thread(
                    target=self._fetch_warm, name="metadesk-tune-warm", daemon=True
                )
                self._warm_thread.start()
            else:
                self._warm = []
            self._publish(self._history(), "")
            while not self._stop.is_set() and time.monotonic() < self.deadline:
                if self.should_stop is not None and self.should_stop():
                    self._stop.set()
                    break
                self._wake.clear()
                history = self._history()
                self._fill(history)
                self._publish(history, "")
                self._wake.wait(max(0.0, min(WAIT_S, self.deadline - time.monotonic())))
        finally:
            unsubscribe()
            self._cancel_mine()
            if self._warm_thread is not None:  # (a daemon: meta-features may still be on their way)
                self._warm_thread.join(timeout=0.1)
        stopped = "user" if self._stop.is_set() else "budget"
        snap = self._publish(self._history(), stopped)
        return snap

    def _on_event(self, event: Event) -> None:
        ends = (EventKind.FINISHED, EventKind.CANCELLED)
        if event.dataset_id == self.dataset_id and event.kind in ends:
            self._wake.set()

    def _fetch_warm(self) -> None:
        try:
            suggestions = self.ws.suggest(self.dataset_id, metric=self.metric, top=WARM)
            self._warm = [s.configuration for s in suggestions]
        except Exception:  # no meta-features or no model: the default order stands in
            log.warning("no suggestions to warm-start the search", exc_info=True)
            self._warm = []
        self._wake.set()

    def _cancel_mine(self) -> None:
        left = [eid for eid in self._mine if eid in self._open_ids()]
        for eid in left:
            try:
                self.ws.cancel(eid)
            except Exception:
                log.warning("could not cancel trial %s", eid, exc_info=True)

    def _open_ids(self) -> set[int]:
        rows = self.ws.store.experiments(self.dataset_id, ("queued", "running"))
        return {int(r["id"]) for r in rows}

    # --- what has been measured ---------------------------------------------------------------
    def _history(self) -> dict[tuple[str, int | None], tuple[str, float, float]]:
        """(configuration id, row cap) -> (status, mean, std) for every finished trial on this table."""
        out: dict[tuple[str, int | None], tuple[str, float, float]] = {}
        for r in self.ws.store.experiments(self.dataset_id, ("ok", "failed", "timeout")):
            protocol = r["protocol"]
            if int(protocol.get("folds", 5)) != 5 or int(protocol.get("repeats", 1)) != 1:
                continue
            cap = protocol.get("max_rows")
            cap = None if not cap or cap >= self.info.n_rows else int(cap)
            mean = std = math.nan
            if r["status"] == "ok" and r.get("result"):
                result = Result.from_json(r["result"])
                mean = float(result.mean.get(self.metric, math.nan))
                std = float(result.std.get(self.metric, math.nan))
            out[(r["configuration_id"], cap)] = (r["status"], mean, std)
            if r["id"] in self._mine and r["id"] not in self._counted:
                self._counted.add(r["id"])
                self._finished_here += 1
        return out

    def _configuration(self, config_id: str) -> Configuration | None:
        if config_id not in self._configs:
            row = self.ws.store.configuration(config_id)
            try:
                self._configs[config_id] = (
                    configuration_from_row(row) if row else get_configuration(config_id)
                )
            except Exception:
                return None
        return self._configs[config_id]

    # --- choosing the next trials -------------------------------------------------------------
    def _fill(self, history: dict[tuple[str, int | None], tuple[str, float, float]]) -> None:
        open_ids = self._open_ids()
        flying = {key for eid, key in self._mine.items() if eid in open_ids}
        status = self.ws.workers_status()
        capacity = max(int(status.get("total") or 0), 1)
        free = capacity - len(flying)
        while free > 0 and time.monotonic() < self.deadline - 0.5:
            pick = self._next(history, flying)
            if pick is None:
                return
            config, cap = pick
            left = self.deadline - time.monotonic()
            protocol = Protocol(folds=5, time_limit_s=max(left + 2.0, 5.0), max_rows=cap)
            eid = self.ws.queue(self.dataset_id, [config], priority=PRIORITY, protocol=protocol)[0]
            self._configs[config.id] = config
            self._mine[eid] = (config.id, cap)
            flying.add((config.id, cap))
            free -= 1

    def _next(
        self,
        history: dict[tuple[str, int | None], tuple[str, float, float]],
        flying: set[tuple[str, int | None]],
    ) -> tuple[Configuration, int | None] | None:
        busy = set(history) | flying
        full = self.rungs[-1]
        # 1. One configuration on all rows at once, so there is a fair result early.
        if not any(cap is None for _, cap in busy):
            first = self._first()
            if first is not None:
                return first, full
        # 2. Promote the best third of a rung to the next (asynchronous successive halving).
        for level in range(len(self.rungs) - 2, -1, -1):
            cap, up = self.rungs[level], self.rungs[level + 1]
            scored = sorted(
                (
                    (self.sign * mean, cid)
                    for (cid, c), (st, mean, _s) in history.items()
                    if c == cap and st == "ok" and math.isfinite(mean)
                ),
                reverse=True,
            )
            for _, cid in scored[: len(scored) // ETA]:
                config = self._configuration(cid)
                if config is not None and (cid, up) not in busy:
                    return config, up
        # 3. The meta-model's suggestions on all rows (a noisy small sample must not eliminate
        # them), then 4. model-based proposals, which start on the smallest sample.
        start = self.rungs[0]
        taken = {cid for cid, _ in busy}
        for config in self._warm or []:
            if config.id not in taken:
                return config, full
        if self._warm is None and self.warm_start:  # suggestions not ready: the default order
            for cid in default_order(self.info.task_type)[:WARM]:
                if cid not in taken:
                    return get_configuration(cid), start
        trials = [
            Trial(config, (cap or self.info.n_rows) / self.info.n_rows, self.sign * mean)
            for (cid, cap), (st, mean, _s) in history.items()
            if st == "ok" and math.isfinite(mean) and (config := self._configuration(cid))
        ]
        proposal = self.proposer.propose(trials, 1, taken)
        return (proposal[0], start) if proposal else None

    def _first(self) -> Configuration | None:
        if self._warm:
            return self._warm[0]
        if self.warm_start:
            return get_configuration(default_order(self.info.task_type)[0])
        import numpy as np

        return sample_configuration(self.info.task_type, np.random.default_rng(self._seed))

    # --- reporting ---------------------------------------------------------------------------
    def _publish(
        self, history: dict[tuple[str, int | None], tuple[str, float, float]], stopped: str
    ) -> TuneSnapshot:
        elapsed = time.monotonic() - self.started
        best = portfolio = None
        for (cid, cap), (st, mean, std) in history.items():
            if cap is not None or st != "ok" or not math.isfinite(mean):
                continue
            config = self._configuration(cid)
            point = TunedPoint(
                cid, config.label if config else cid, mean, std, None, not is_shipped(cid)
            )
            if best is None or self.sign * mean > self.sign * best.score:
                best = point
            if not point.tuned and (
                portfolio is None or self.sign * mean > self.sign * portfolio.score
            ):
                portfolio = point
        if best is not None and (
            not self._curve or self.sign * best.score > self.sign * self._curve[-1][1]
        ):
            self._curve.append((0.0 if not self._curve and not self._mine else elapsed, best.score))
        open_ids = self._open_ids() if not stopped else set()
        running = tuple(
            self._configs[cid].label if cid in self._configs else cid
            for eid, (cid, _cap) in self._mine.items()
            if eid in open_ids
        )
        snap = TuneSnapshot(
            dataset_id=self.dataset_id,
            metric=self.metric,
            budget_seconds=self.budget,
            elapsed_seconds=elapsed,
            trials=self._finished_here,
            total_trials=len(history),
            best=best,
            portfolio_best=portfolio,
            curve=tuple(self._curve),
            running=running,
            stopped=stopped,
        )
        with self._lock:
            changed = self._snapshot is None or (
                self._snapshot.trials,
                self._snapshot.curve,
                self._snapshot.running,
            ) != (snap.trials, snap.curve, snap.running)
            self._snapshot = snap
        if self.on_progress is not None and (changed or stopped):
            self.on_progress(snap)
        return snap

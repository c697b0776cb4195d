"""The dispatcher: one plain thread that keeps the executor's workers busy with queued experiments.

It claims the highest-priority queued row, submits its spec, writes each `Result` in a transaction and
tells listeners what changed. The queue lives in the store, so a crash loses nothing but running work.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from typing import TypedDict

from metadesk.errors import ExecutionProblem
from metadesk.experiments.executor import Executor, ExperimentHandle
from metadesk.experiments.spec import ExperimentSpec, Result
from metadesk.knowledge.store import Store, register_runner, runner_id
from metadesk.workspace.events import (
    Emit,
    Event,
    EventKind,
    ExecutorError,
    Finished,
    Started,
)
from metadesk.workspace.stored import StoreRow

log = logging.getLogger(__name__)

# The retention rule for out-of-fold predictions: the best this many experiments of a dataset.
KEEP_PREDICTIONS = 40
POLL_S = 0.05  # how often finished futures are collected; small next to any experiment
RECHECK_S = 1.0  # how often the store is re-read for work queued by another process


class WorkersStatus(TypedDict):
    busy: int  # experiments running now
    free: int
    total: int  # the executor's workers (a cluster's may change)


class Dispatcher:
    """Runs until `stop()`. `build_spec(row)` turns a claimed store row into an `ExperimentSpec`
    (raising `ValueError`/`UserError` with a plain message when it cannot); `emit(event)`
    forwards an event to the workspace's listeners."""

    def __init__(
        self,
        store: Store,
        executor: Executor,
        build_spec: Callable[[StoreRow], ExperimentSpec],
        emit: Emit,
        *,
        paused: bool = False,
    ) -> None:
        self.store = store
        self.executor = executor
        self._build_spec = build_spec
        self._emit = emit
        self._runner = runner_id(f"{id(self):x}")
        self._cond = threading.Condition()
        self._stopping = False
        self._paused = paused
        self._to_cancel: set[int] = set()
        # experiment id -> (handle, claimed store row)
        self._running: dict[int, tuple[ExperimentHandle, StoreRow]] = {}
        self._settled: bool | None = None  # None: busy; True: queue empty; False: stuck (paused)
        self._look = True  # the queue may have changed: read it on the next turn
        self._capacity: int | None = None
        self._last_look = 0.0
        self._thread = threading.Thread(target=self._loop, name="metadesk-dispatcher")

    # --- control (any thread) -------------------------------------------------------------------
    def start(self) -> None:
        register_runner(self._runner, True)
        self._thread.start()

    def stop(self) -> None:
        """Stop dispatching, kill running experiments, put them back in the queue, close the executor."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join()  # (a listener closing the workspace runs on this very thread)
        running = list(self._running.items())
        self._running.clear()
        for _eid, (handle, _row) in running:
            _quietly(handle.cancel)
        if running:
            self.store.release([eid for eid, _ in running])
        register_runner(self._runner, False)
        _quietly(self.executor.close)

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        with self._cond:
            self._paused = True
            self._cond.notify_all()

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._settled = None
            self._look = True
            self._cond.notify_all()

    def wake(self) -> None:
        with self._cond:
            self._settled = None
            self._look = True
            self._cond.notify_all()

    def cancel(self, experiment_ids: list[int]) -> None:
        """Kill the workers of these experiments if they run here (the store is already updated)."""
        with self._cond:
            self._to_cancel.update(experiment_ids)
            self._cond.notify_all()

    def status(self) -> WorkersStatus:
        total = self._capacity or int(self.executor.workers or 0)
        busy = len(self._running)
        return {"busy": busy, "free": max(total - busy, 0), "total": total}

    def wait(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued or running here. False on timeout, or at once when paused
        (by the user or an executor error) with work left, since waiting could not end."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                if self._settled is not None and not self._running:
                    return self._settled
                if not self._thread.is_alive():
                    return not self._running and self.store.count(("queued",)) == 0
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(POLL_S if left is None else min(left, POLL_S * 4))

    # --- the thread -----------------------------------------------------------------------------
    def _loop(self) -> None:
        try:
            while True:
                with self._cond:
                    if self._stopping:
                        return
                    cancels, self._to_cancel = self._to_cancel, set()
                self._cancel_now(cancels)
                self._collect()
                self._fill()
                with self._cond:
                    if self._stopping:
                        return
                    self._cond.notify_all()  # wake waiters to re-check idleness
                    if not self._to_cancel:
                        self._cond.wait(POLL_S)
        except Exception as exc:  # a bug or a lost database: say so instead of dying silently
            if self._stopping:  # closed from a listener on this thread: the store is gone
                return
            log.exception("the dispatcher stopped")
            stopped = ExecutorError(f"Dispatching stopped: {exc}")
            self._emit(Event(EventKind.EXECUTOR_ERROR, payload=stopped))
        finally:
            with self._cond:
                self._cond.notify_all()

    def _cancel_now(self, ids: set[int]) -> None:
        for eid in ids:
            entry = self._running.pop(eid, None)
            if entry is None:
                continue
            self._look = True
            handle, row = entry
            _quietly(handle.cancel)
            self._emit(Event(EventKind.CANCELLED, row["dataset_id"], eid))

    def _collect(self) -> None:
        for eid, (handle, row) in list(self._running.items()):
            try:
                if not handle.done():
                    continue
            except Exception:
                log.exception("checking experiment %d failed", eid)
            self._running.pop(eid, None)
            self._look = True
            result = self._result_of(handle, row)
            self._record(eid, row, result)

    def _result_of(self, handle: ExperimentHandle, row: StoreRow) -> Result:
        try:
            # A remote executor may hand back the Result in its serialised forms.
            result: object = handle.result(1.0)
            if isinstance(result, Result):
                return result
            if isinstance(result, str):
                return Result.from_json(result)
            if isinstance(result, dict):
                return Result(**result)
            raise TypeError(f"an executor returned {type(result).__name__}, not a Result")
        except (
            Exception
        ) as exc:  # executors report experiment failures as results; this is a lost worker
            log.warning("experiment %s: the worker was lost", row["id"], exc_info=True)
            return Result(
                dataset_id=row["dataset_id"],
                configuration_id=row["configuration_id"],
                status="failed",
                error=f"The worker running this experiment stopped unexpectedly ({type(exc).__name__}).",
                details=traceback.format_exc(),
            )

    def _record(self, eid: int, row: StoreRow, result: Result) -> None:
        status = result.status if result.status in ("ok", "failed", "timeout") else "failed"
        if result.status == "cancelled":
            status = "cancelled"
        written = self.store.finish(
            eid,
            status,
            result_json=result.to_json(),
            scores=dict(result.mean) if status == "ok" else {},
            error=result.error,
            predictions=result.predictions if status == "ok" else b"",
        )
        if not written:  # cancelled meanwhile: the store already says so
            return
        if status == "ok" and result.predictions:
            self.store.prune_predictions(row["dataset_id"], KEEP_PREDICTIONS)
        finished = Finished(
            status=status,
            configuration_id=row["configuration_id"],
            configuration_label=row.get("configuration_label") or "",
            scores=dict(result.mean) if status == "ok" else {},
            error=result.error,
        )
        self._emit(Event(EventKind.FINISHED, row["dataset_id"], eid, finished))
        if status == "ok":
            self._emit(Event(EventKind.SUGGESTIONS_STALE, row["dataset_id"]))

    def _fill(self) -> None:
        elapsed = time.monotonic() - self._last_look
        if elapsed >= RECHECK_S or self._capacity is None:
            # A cluster's size can change; asking it is not free, so only now and then.
            self._capacity = max(int(self.executor.workers or 1), 1)
        capacity = self._capacity
        # Look at the store only when something changed here, or now and then for other processes.
        if not self._look and (elapsed < RECHECK_S or len(self._running) >= capacity):
            return
        self._look = False
        self._last_look = time.monotonic()
        claimed_any = False
        while not self._paused and not self._stopping and len(self._running) < capacity:
            row = self.store.claim_next(self._runner)
            if row is None:
                break
            claimed_any = True
            try:
                spec = self._build_spec(row)
            except Exception as exc:
                message = getattr(exc, "message", None) or str(exc)
                self.store.finish(row["id"], "failed", result_json=None, error=message)
                failed = Finished("failed", row["configuration_id"], error=message)
                self._emit(Event(EventKind.FINISHED, row["dataset_id"], row["id"], failed))
                continue
            try:
                handle = self.executor.submit(spec)
            except Exception as exc:  # the executor is broken: keep the queue, stop dispatching
                log.warning("submitting experiment %d failed", row["id"], exc_info=True)
                self.store.release([row["id"]])
                with self._cond:
                    self._paused = True
                    self._look = True  # settle on the next turn so that waiters hear at once
                message = getattr(exc, "message", None) or str(exc)
                self._emit(Event(EventKind.EXECUTOR_ERROR, payload=ExecutorError(message)))
                self._emit(Event(EventKind.PAUSED))
                break
            self._running[row["id"]] = (handle, row)
            started = Started(row["configuration_id"], row.get("configuration_label") or "")
            self._emit(Event(EventKind.STARTED, row["dataset_id"], row["id"], started))
        with self._cond:
            if claimed_any or self._running:
                self._settled = None
            else:
                # Nothing runs here: either the queue is empty, or it is paused with work left.
                self._settled = self.store.count(("queued",)) == 0


def _quietly(fn: Callable[[], object]) -> None:
    try:
        fn()
    except Exception:  # shutting down: a failure here must not hide the real outcome
        log.debug("ignored during shutdown", exc_info=True)


def make_executor(workers: int | None, scheduler: str | None) -> Executor:
    """A `DaskExecutor` when a scheduler address is given, else a `LocalExecutor`. Raises
    `ExecutionProblem` when the scheduler cannot be reached (nothing in the queue changes)."""
    if scheduler:
        from metadesk.experiments.cluster import DaskExecutor

        try:
            return DaskExecutor(scheduler)
        except ExecutionProblem:
            raise
        except Exception as exc:  # connection refused, timeouts, a missing optional package
            raise ExecutionProblem(
                f"The cluster scheduler at {scheduler} cannot be reached.",
                "Check the address and that the scheduler is running; the queue is kept.",
                details=str(exc),
            ) from exc
    from metadesk.experiments.local import LocalExecutor

    return LocalExecutor(workers)

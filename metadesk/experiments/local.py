"""`LocalExecutor`: experiments in a pebble process pool on this machine, one per worker at a time.

Waiting experiments stay here (not in the pool's pipe), so cancelling one never touches a worker;
cancelling a running one kills only its worker process, which the pool replaces.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError

from pebble import ProcessExpired, ProcessFuture, ProcessPool

from metadesk.errors import ExecutionProblem
from metadesk.experiments.executor import (
    Executor,
    OutcomeHandle,
    cancelled_result,
    crashed_result,
    error_result,
    timeout_result,
)
from metadesk.experiments.spec import ExperimentSpec, Result
from metadesk.experiments.worker import effective_memory_limit, execute, start_worker

log = logging.getLogger(__name__)


def default_workers() -> int:
    """One worker per core, leaving one core for the application: at least 1."""
    return max(1, (os.cpu_count() or 1) - 1)


class LocalHandle(OutcomeHandle):
    def __init__(self, executor: LocalExecutor, spec: ExperimentSpec) -> None:
        super().__init__(spec)
        self._executor = executor
        self.future: ProcessFuture[Result] | None = None  # once the experiment is in a worker
        self.started_at = 0.0

    def running(self) -> bool:
        """True once a worker process has started the experiment, until it ends."""
        return self.future is not None and self.future.running() and not self.outcome.done()

    def cancel(self) -> None:
        self._executor._cancel(self)


class LocalExecutor(Executor):
    """Runs experiments in `workers` spawned processes (default: cores - 1, at least 1).

    `memory_limit_mb` caps every experiment (on POSIX), on top of each protocol's own limit.
    `initializer(*initargs)` runs once in each worker process after start-up (for extensions and
    tests that register algorithms).
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        memory_limit_mb: int | None = None,
        initializer: Callable[..., object] | None = None,
        initargs: Sequence[object] = (),
    ) -> None:
        self._workers = max(1, int(workers)) if workers else default_workers()
        self.memory_limit_mb = memory_limit_mb
        self._lock = threading.RLock()
        self._pending: deque[LocalHandle] = deque()
        self._inflight: set[LocalHandle] = set()
        self._closed = False
        self._pool = ProcessPool(
            max_workers=self.workers,
            initializer=start_worker,
            initargs=(initializer, tuple(initargs)),
            context=multiprocessing.get_context("spawn"),
        )

    @property
    def workers(self) -> int:
        return self._workers

    def submit(self, spec: ExperimentSpec) -> LocalHandle:
        handle = LocalHandle(self, spec)
        with self._lock:
            if self._closed:
                raise ExecutionProblem(
                    "The local workers have been shut down.", "Start them again to run experiments."
                )
            self._pending.append(handle)
            self._dispatch()
        return handle

    def busy(self) -> int:
        with self._lock:
            return len(self._inflight)

    def waiting(self) -> int:
        with self._lock:
            return len(self._pending)

    def describe(self) -> str:
        return f"{self.workers} local worker{'s' if self.workers != 1 else ''}"

    def close(self, cancel: bool = True) -> None:
        with self._lock:
            if self._closed and not self._pending and not self._inflight:
                self._pool.stop()
                self._pool.join()
                return
            self._closed = True
            if cancel:
                while self._pending:
                    waiting = self._pending.popleft()
                    waiting.deliver(cancelled_result(waiting.spec))
                for handle in list(self._inflight):
                    if handle.future is not None:
                        handle.future.cancel()
            outstanding = [*self._pending, *self._inflight]
        if not cancel:
            for handle in outstanding:
                handle.outcome.result()
            self._pool.close()
        else:
            self._pool.stop()
        self._pool.join()
        for handle in outstanding:  # anything the pool dropped while stopping
            handle.deliver(cancelled_result(handle.spec))

    # -- internals -------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Hand waiting experiments to free workers (call with the lock held)."""
        while self._pending and len(self._inflight) < self.workers:
            handle = self._pending.popleft()
            limit = effective_memory_limit(
                handle.spec.protocol.memory_limit_mb, self.memory_limit_mb
            )
            timeout = handle.spec.protocol.time_limit_s or None
            try:
                future = self._pool.schedule(
                    execute, args=(handle.spec, None, limit), timeout=timeout
                )
            except RuntimeError as exc:  # the pool is stopping or broken
                handle.deliver(error_result(handle.spec, exc))
                continue
            handle.future = future
            handle.started_at = time.monotonic()
            self._inflight.add(handle)
            future.add_done_callback(functools.partial(self._finished, handle, limit=limit))

    def _finished(
        self, handle: LocalHandle, future: ProcessFuture[Result], limit: int | None
    ) -> None:
        handle.deliver(_outcome(handle, future, limit))
        with self._lock:
            self._inflight.discard(handle)
            if not self._closed or self._pending:
                self._dispatch()

    def _cancel(self, handle: LocalHandle) -> None:
        with self._lock:
            if handle in self._pending:
                self._pending.remove(handle)
                handle.deliver(cancelled_result(handle.spec))
                return
            future = handle.future
        if future is not None and not future.done():
            # pebble kills the worker process of a running task and starts a fresh one.
            future.cancel()


def _outcome(handle: LocalHandle, future: ProcessFuture[Result], limit: int | None) -> Result:
    spec = handle.spec
    try:
        return future.result()
    except CancelledError:
        return cancelled_result(spec)
    except TimeoutError:
        return timeout_result(spec, time.monotonic() - handle.started_at)
    except ProcessExpired as exc:
        return crashed_result(spec, exc.exitcode, limit)
    except Exception as exc:  # the machinery failed (e.g. the spec could not be sent)
        log.exception("experiment %s could not be run", spec.configuration.id)
        return error_result(spec, exc)

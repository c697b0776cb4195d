"""An in-process executor whose experiments finish when the test says so (no threads, no processes)."""

from __future__ import annotations

import time
from collections.abc import Callable

from metadesk.experiments.executor import Executor, ExperimentHandle
from metadesk.experiments.spec import ExperimentSpec, Result


class FakeHandle(ExperimentHandle):
    """Finishes `delay` seconds after submission, or when `release()` is called."""

    def __init__(self, spec: ExperimentSpec, result: Result, delay: float | None) -> None:
        self.spec = spec
        self._result = result
        self._due = None if delay is None else time.monotonic() + delay
        self.cancelled = False
        self.released = False

    def release(self) -> None:
        self.released = True

    def done(self) -> bool:
        return (
            self.cancelled
            or self.released
            or (self._due is not None and time.monotonic() >= self._due)
        )

    def result(self, timeout: float | None = None) -> Result:
        if self.cancelled:
            return Result(self.spec.dataset_id, self.spec.configuration.id, "cancelled")
        return self._result

    def cancel(self) -> None:
        self.cancelled = True

    def running(self) -> bool:
        return not self.done()


def ok_result(spec: ExperimentSpec) -> Result:
    score = 0.5 + (sum(map(ord, spec.configuration.id)) % 40) / 100
    return Result(
        spec.dataset_id,
        spec.configuration.id,
        "ok",
        fold_scores={"accuracy": [score] * spec.protocol.folds},
        mean={"accuracy": score, "balanced_accuracy": score},
        std={"accuracy": 0.01, "balanced_accuracy": 0.01},
        fit_seconds=0.01,
    )


class FakeExecutor(Executor):
    """The executor interface in process: `delay` seconds per experiment, `outcome(spec)` its
    Result, `fail_submit` raised by every `submit` (workers that are gone)."""

    def __init__(
        self,
        workers: int = 2,
        outcome: Callable[[ExperimentSpec], Result] = ok_result,
        delay: float | None = 0.0,
        fail_submit: Exception | None = None,
    ) -> None:
        self._workers = workers
        self.outcome = outcome
        self.delay = delay
        self.fail_submit = fail_submit
        self.handles: list[FakeHandle] = []
        self.closed = False

    @property
    def workers(self) -> int:
        return self._workers

    def submit(self, spec: ExperimentSpec) -> FakeHandle:
        if self.fail_submit is not None:
            raise self.fail_submit
        handle = FakeHandle(spec, self.outcome(spec), self.delay)
        self.handles.append(handle)
        return handle

    def busy(self) -> int:
        return sum(1 for h in self.handles if not h.done())

    def close(self, cancel: bool = True) -> None:
        self.closed = True
        if cancel:
            for handle in self.handles:
                if not handle.done():
                    handle.cancel()

    def describe(self) -> str:
        return f"fake executor, {self.workers} workers"


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)

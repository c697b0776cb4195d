"""`InlineExecutor`: runs each experiment for real in the dispatcher's thread, for tests that want
real scores without child processes (the view tests and the using-a-result tests share it)."""

from __future__ import annotations

from typing import Any

from metadesk.experiments.spec import ExperimentSpec, Result


class FinishedHandle:
    """The handle of an experiment that already ran: done, with its result."""

    def __init__(self, result: Result) -> None:
        self._result = result

    def done(self) -> bool:
        return True

    def result(self, timeout: float | None = None) -> Result:
        return self._result

    def cancel(self) -> None:
        pass


class InlineExecutor:
    """Runs each experiment for real, in the dispatcher's thread: real scores, no processes."""

    workers = 1

    def submit(self, spec: ExperimentSpec) -> FinishedHandle:
        from metadesk.experiments.runner import run

        return FinishedHandle(run(spec))

    def running(self) -> list[Any]:
        return []

    def busy(self) -> int:
        return 0

    def close(self) -> None:
        pass

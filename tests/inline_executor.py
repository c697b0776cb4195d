"""`InlineExecutor`: runs each experiment for real in the dispatcher's thread, for tests that want
real scores without child processes (the view tests and the using-a-result tests share it)."""

from __future__ import annotations

from metadesk.experiments.executor import Executor, ExperimentHandle
from metadesk.experiments.spec import ExperimentSpec, Result


class FinishedHandle(ExperimentHandle):
    """The handle of an experiment that already ran: done, with its result."""

    def __init__(self, spec: ExperimentSpec, result: Result) -> None:
        self.spec = spec
        self._result = result

    def done(self) -> bool:
        return True

    def result(self, timeout: float | None = None) -> Result:
        return self._result

    def cancel(self) -> None:
        pass  # it has run already: nothing left to stop

    def running(self) -> bool:
        return False


class InlineExecutor(Executor):
    """Runs each experiment for real, in the dispatcher's thread: real scores, no processes."""

    workers = 1

    def submit(self, spec: ExperimentSpec) -> FinishedHandle:
        from metadesk.experiments.runner import run

        return FinishedHandle(spec, run(spec))

    def busy(self) -> int:
        return 0  # each experiment ends within `submit`

    def close(self, cancel: bool = True) -> None:
        pass  # no workers to stop

    def describe(self) -> str:
        return "in-process executor (tests)"

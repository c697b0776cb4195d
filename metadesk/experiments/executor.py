"""What every executor offers (`submit`, `busy`, `close`, `describe`) and the handle of one experiment.

Both are `typing.Protocol`s, checkable at run time: the local and cluster executors subclass them,
and anything else offering the same methods (a test's in-process executor) is an executor too.
Also turns a task that ended without a Result (killed, timed out, crashed) into a plain Result.
"""

from __future__ import annotations

import traceback
from abc import abstractmethod
from concurrent.futures import CancelledError, Future
from dataclasses import replace
from types import TracebackType
from typing import Protocol, TypeVar, runtime_checkable

from metadesk.experiments.runner import failed_result
from metadesk.experiments.spec import ExperimentSpec, Result

_E = TypeVar("_E", bound="Executor")


@runtime_checkable
class ExperimentHandle(Protocol):
    """One submitted experiment. `result()` never raises for an experiment that failed; a
    cancelled or killed experiment gives a `cancelled` Result."""

    spec: ExperimentSpec

    @abstractmethod
    def done(self) -> bool: ...

    @abstractmethod
    def result(self, timeout: float | None = None) -> Result:
        """Wait for the Result; raises TimeoutError only if `timeout` passes before it is ready."""

    @abstractmethod
    def cancel(self) -> None:
        """Drop a waiting experiment, or kill the worker process of a running one."""

    @abstractmethod
    def running(self) -> bool: ...


@runtime_checkable
class Executor(Protocol):
    """Runs experiments in the background; `workers` experiments at a time."""

    @property
    @abstractmethod
    def workers(self) -> int:
        """How many experiments run at a time."""

    @abstractmethod
    def submit(self, spec: ExperimentSpec) -> ExperimentHandle: ...

    @abstractmethod
    def busy(self) -> int:
        """How many experiments are running now."""

    @abstractmethod
    def close(self, cancel: bool = True) -> None:
        """Stop the workers. With `cancel`, running and waiting experiments are cancelled;
        without it, they finish first."""

    @abstractmethod
    def describe(self) -> str: ...

    def __enter__(self: _E) -> _E:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(cancel=True)


class OutcomeHandle(ExperimentHandle):
    """A handle whose Result is delivered through a plain future by its executor."""

    def __init__(self, spec: ExperimentSpec) -> None:
        self.spec = spec
        self.outcome: Future[Result] = Future()

    def done(self) -> bool:
        return self.outcome.done()

    def result(self, timeout: float | None = None) -> Result:
        return self.outcome.result(timeout)

    def deliver(self, result: Result) -> None:
        if not self.outcome.done():
            self.outcome.set_result(result)


def cancelled_result(spec: ExperimentSpec) -> Result:
    return failed_result(spec, "cancelled", "The experiment was cancelled.")


def timeout_result(spec: ExperimentSpec, seconds: float) -> Result:
    limit = spec.protocol.time_limit_s
    message = (
        f"The experiment was stopped after its time limit of {limit:g} seconds. "
        "Raise the time limit, or cap the rows used for experiments on large tables."
    )
    return replace(failed_result(spec, "timeout", message), wall_seconds=max(0.0, seconds))


def crashed_result(
    spec: ExperimentSpec, exit_code: int | None, memory_limit_mb: int | None
) -> Result:
    return failed_result(spec, "failed", crash_message(exit_code, memory_limit_mb))


# Signals only another process sends: the worker did not end itself, so its memory is not to blame
# (unless the system's out-of-memory killer sent SIGKILL, which only the system log can tell).
_FROM_OUTSIDE = {9: "SIGKILL", 15: "SIGTERM", 1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT"}
# Signals a process raises on itself when a native library fails, e.g. an allocation refused
# under the memory limit (abort) or a bad pointer.
_FROM_INSIDE = {6: "SIGABRT", 11: "SIGSEGV", 7: "SIGBUS", 4: "SIGILL", 8: "SIGFPE"}


def crash_message(exit_code: int | None, memory_limit_mb: int | None) -> str:
    """Why a worker process ended without a result, in plain words: killed from outside (which
    is not the experiment's fault, so it can simply be run again) or crashed by itself."""
    signal_number = -exit_code if exit_code is not None and exit_code < 0 else None
    if signal_number in _FROM_OUTSIDE:
        return (
            f"The worker process was ended from outside metadesk ({_FROM_OUTSIDE[signal_number]}), "
            "by another program, a person, or the system when the computer as a whole ran short "
            "of memory. The experiment itself did not fail: run it again."
        )
    if signal_number in _FROM_INSIDE:
        message = f"The worker process crashed ({_FROM_INSIDE[signal_number]})."
        if memory_limit_mb and signal_number == 6:
            message += (
                f" The experiment most likely ran out of memory (limit {memory_limit_mb} MB)."
            )
        return message
    message = f"The worker process stopped unexpectedly (exit code {exit_code})."
    if memory_limit_mb:
        message += f" The experiment may have run out of memory (limit {memory_limit_mb} MB)."
    return message


def error_result(spec: ExperimentSpec, exc: BaseException) -> Result:
    """An error raised by the execution machinery itself, not by the experiment."""
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    text = str(exc).strip() or type(exc).__name__
    return failed_result(spec, "failed", f"The experiment could not be run: {text}", details)


def is_cancellation(exc: BaseException) -> bool:
    return isinstance(exc, CancelledError)

"""The worker side of an executor: what a child process or a Dask worker calls to run one experiment.

Importing this module pins BLAS/OpenMP to one thread before numpy is loaded, so N workers use
N cores; the memory limit is set per experiment with `RLIMIT_AS` where the OS has it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)

# Before any numerical library is imported in a fresh worker process.
for _name in THREAD_VARIABLES:
    os.environ[_name] = "1"

if TYPE_CHECKING:
    import pandas as pd

    from metadesk.experiments.spec import ExperimentSpec, Result


def effective_memory_limit(*limits_mb: int | None) -> int | None:
    """The tightest of the given limits; None when there is none."""
    given = [int(m) for m in limits_mb if m]
    return min(given) if given else None


def _address_space_bytes() -> int:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def memory_limit_holds(platform: str | None = None) -> bool:
    """Whether `memory_limit` is enforced here: on Linux (RLIMIT_AS). macOS accepts the limit but
    ignores it, and Windows has none, so there an experiment can use all the memory it finds."""
    platform = platform or sys.platform
    return platform.startswith("linux")


def memory_limit_note(limit_mb: int | None, platform: str | None = None) -> str:
    """The sentence the settings and the README say about the memory limit on this system."""
    if not limit_mb:
        return "Experiments run without a memory limit."
    if memory_limit_holds(platform):
        return (
            f"Each experiment may use up to {limit_mb:,} MB; beyond that it fails as out of memory."
        )
    return (
        f"The limit of {limit_mb:,} MB per experiment holds on Linux only: on this system an "
        "experiment can use all free memory (run fewer workers for large tables)."
    )


@contextmanager
def memory_limit(limit_mb: int | None) -> Iterator[None]:
    """Let the code inside allocate at most `limit_mb` MB beyond what the process holds already.

    Beyond it, allocations fail with MemoryError. A no-op where `resource` or RLIMIT_AS is missing.
    """
    try:
        import resource
    except ImportError:  # Windows
        yield
        return
    if not limit_mb or not hasattr(resource, "RLIMIT_AS"):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = _address_space_bytes() + int(limit_mb) * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):  # not allowed here (some containers): run without the limit
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


# How much lower than the app a background process runs (Unix niceness): on a laptop whose cores
# are all fitting models, the window still gets the CPU the moment it needs it.
BACKGROUND_NICENESS = 10


def lower_priority(step: int = BACKGROUND_NICENESS) -> None:
    """Run this process at a lower CPU priority than the app (a no-op where the OS has no nice)."""
    if hasattr(os, "nice"):
        with suppress(OSError):  # not allowed here: run at the same priority
            os.nice(step)


def start_worker(
    initializer: Callable[..., object] | None = None, initargs: Sequence[object] = ()
) -> None:
    """Pool initializer: run below the app's priority, and load the runner (and scikit-learn)
    before the first task arrives."""
    lower_priority()
    import metadesk.experiments.runner  # noqa: F401

    if initializer is not None:
        initializer(*initargs)


def execute(
    spec: ExperimentSpec, data: pd.DataFrame | None = None, memory_limit_mb: int | None = None
) -> Result:
    """Run one experiment under a memory limit; returns a Result, never raises for a failure."""
    from metadesk.experiments.runner import run

    limit = effective_memory_limit(spec.protocol.memory_limit_mb, memory_limit_mb)
    spec = replace(spec, protocol=replace(spec.protocol, memory_limit_mb=limit))
    with memory_limit(limit):
        return run(spec, data)

"""`DaskExecutor`: the same face as `LocalExecutor`, over a Dask cluster (`distributed.Client`).

Each dataset snapshot is read here and scattered to the cluster once. On a Dask worker every
experiment runs in a child process of that worker, so a time limit, a memory limit and
cancelling a running experiment kill only that child: Dask itself cannot stop a running task.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.util
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError
from typing import TYPE_CHECKING

import pandas as pd

from metadesk.data.snapshot import read_snapshot
from metadesk.errors import ExecutionProblem
from metadesk.experiments.executor import (
    Executor,
    ExperimentHandle,
    cancelled_result,
    crashed_result,
    error_result,
    timeout_result,
)
from metadesk.experiments.spec import ExperimentSpec, Result
from metadesk.experiments.worker import effective_memory_limit, execute, start_worker

if TYPE_CHECKING:
    from dask.typing import Key
    from distributed import Client, Future, Worker
    from pebble import ProcessPool

log = logging.getLogger(__name__)

_POLL_SECONDS = 0.1


def _client_type() -> type[Client]:
    try:
        from distributed import Client
    except ImportError as exc:
        raise ExecutionProblem(
            "Running experiments on a cluster needs the optional Dask package.",
            "Install metadesk with the cluster extra: pip install 'metadesk[cluster]'.",
            details=str(exc),
        ) from exc
    return Client


def _connect(address: str, timeout: float) -> Client:
    client_type = _client_type()
    address = address.strip()
    if not address:
        raise ExecutionProblem(
            "No scheduler address was given.",
            "Enter it as tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786.",
        )
    try:
        _probe(address, timeout)
        return client_type(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # refused, unreachable, timed out, a bad address
        _disarm_half_built_client(exc, client_type)
        raise ExecutionProblem(
            f"The Dask scheduler at {address} cannot be reached.",
            "Check the address and that the scheduler is running and reachable from this computer.",
            details=f"{type(exc).__name__}: {exc}",
        ) from exc


def _probe(address: str, timeout: float) -> None:
    """Open and close a TCP connection to a tcp:// scheduler first: an address that cannot be
    reached fails here, before a Client exists that would print a traceback when collected."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme != "tcp" or not parts.hostname:
        return  # tls://, inproc:// and the like: the Client says what is wrong
    with socket.create_connection((parts.hostname, parts.port or 8786), timeout=timeout):
        pass


def _disarm_half_built_client(exc: BaseException, client_type: type[Client]) -> None:
    """A Client whose constructor failed still runs `close()` when garbage-collected, which times
    out and prints a traceback after our plain message: close it now and make that a no-op."""
    tb = exc.__traceback__
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("self")
        if isinstance(candidate, client_type):
            with contextlib.suppress(Exception):
                candidate.close(timeout=1)
            with contextlib.suppress(Exception):
                # Its __del__ checks this private attribute before closing.
                candidate._Client__loop = None  # type: ignore[attr-defined]
            return
        tb = tb.tb_next


def _cluster_size(client: Client) -> tuple[int, int]:
    workers = client.scheduler_info().get("workers", {})
    return len(workers), sum(int(w.get("nthreads", 1)) for w in workers.values())


def check_scheduler(address: str, timeout: float = 5) -> str:
    """Connect once and describe the cluster in plain words, or raise `ExecutionProblem`."""
    client = _connect(address, timeout)
    try:
        workers, threads = _cluster_size(client)
    finally:
        client.close()
    if workers == 0:
        return f"Connected to the Dask scheduler at {address}, but it has no workers yet."
    return (
        f"Connected to the Dask scheduler at {address}: {workers} worker"
        f"{'s' if workers != 1 else ''}, {threads} experiment{'s' if threads != 1 else ''} at a time."
    )


# -- the worker side -----------------------------------------------------------------------------

_PoolKey = tuple[Callable[..., object] | None, tuple[object, ...]]
_pools: dict[_PoolKey, ProcessPool] = {}
_pools_lock = threading.Lock()


def _worker_pool(
    initializer: Callable[..., object] | None, initargs: Sequence[object]
) -> ProcessPool:
    """One process pool per Dask worker process (and initializer), sized to its threads."""
    from distributed import get_worker
    from pebble import ProcessPool

    key = (initializer, tuple(initargs))
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None or not pool.active:
            # Dask workers are daemonic by default, and daemonic processes may not start children;
            # ours are killed with their worker, so this is safe.
            current = multiprocessing.current_process()
            if current.daemon:
                current.daemon = False
            pool = ProcessPool(
                max_workers=max(1, int(get_worker().state.nthreads)),
                initializer=start_worker,
                initargs=(initializer, tuple(initargs)),
                context=multiprocessing.get_context("spawn"),
            )
            if not _pools:
                # Stop our children before multiprocessing waits for them at worker exit.
                multiprocessing.util.Finalize(None, _stop_pools, exitpriority=10)
            _pools[key] = pool
        return pool


def _stop_pools() -> None:
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.stop()
        pool.join(timeout=5)


def _wanted(worker: Worker, key: Key) -> bool:
    task = worker.state.tasks.get(key)
    return task is not None and task.state not in ("cancelled", "released", "forgotten")


def run_on_dask_worker(
    spec: ExperimentSpec,
    data: pd.DataFrame,
    memory_limit_mb: int | None,
    initializer: Callable[..., object] | None = None,
    initargs: Sequence[object] = (),
) -> Result:
    """The Dask task: run the experiment in a child process, watching for cancellation."""
    from distributed import get_worker
    from pebble import ProcessExpired

    worker = get_worker()
    key = worker.get_current_task()
    pool = _worker_pool(initializer, initargs)
    started = time.monotonic()
    future = pool.schedule(
        execute, args=(spec, data, memory_limit_mb), timeout=spec.protocol.time_limit_s or None
    )
    while not future.done():
        if not _wanted(worker, key):
            future.cancel()  # kills the child process; its core is free at once
            return cancelled_result(spec)
        time.sleep(_POLL_SECONDS)
    try:
        return future.result()
    except CancelledError:
        return cancelled_result(spec)
    except TimeoutError:
        return timeout_result(spec, time.monotonic() - started)
    except ProcessExpired as exc:
        return crashed_result(spec, exc.exitcode, memory_limit_mb)
    except Exception as exc:
        return error_result(spec, exc)


# -- the client side -----------------------------------------------------------------------------


class DaskHandle(ExperimentHandle):
    def __init__(
        self, executor: DaskExecutor, spec: ExperimentSpec, future: Future[Result]
    ) -> None:
        self.spec = spec
        self._executor = executor
        self._future = future
        self._result: Result | None = None
        self._cancelled = False

    def done(self) -> bool:
        return self._cancelled or self._future.done()

    def running(self) -> bool:
        return not self.done()

    def cancel(self) -> None:
        if not self.done():
            self._cancelled = True
            self._future.cancel()

    def result(self, timeout: float | None = None) -> Result:
        if self._result is not None:
            return self._result
        if self._cancelled or self._future.cancelled():
            self._result = cancelled_result(self.spec)
            return self._result
        try:
            result = self._future.result(timeout=timeout)
        except CancelledError:
            result = cancelled_result(self.spec)
        except TimeoutError:
            if not self._future.done():
                raise  # the wait ran out, not the experiment
            result = error_result(self.spec, TimeoutError("the cluster timed out"))
        except Exception as exc:  # a worker died, data was lost, the scheduler went away
            self._executor._forget_data(self.spec.dataset_id)
            result = error_result(self.spec, exc)
        self._result = result
        self._executor._settled(self)
        return result


class DaskExecutor(Executor):
    """Runs experiments on the Dask cluster whose scheduler listens at `address`.

    Raises `ExecutionProblem` when the scheduler cannot be reached within `connect_timeout`
    seconds, or when the optional `distributed` package is missing.
    """

    def __init__(
        self,
        address: str,
        *,
        connect_timeout: float = 5,
        memory_limit_mb: int | None = None,
        initializer: Callable[..., object] | None = None,
        initargs: Sequence[object] = (),
    ) -> None:
        self.address = address.strip()
        self.memory_limit_mb = memory_limit_mb
        self._initializer = initializer
        self._initargs = tuple(initargs)
        self._client = _connect(self.address, connect_timeout)
        self._lock = threading.Lock()
        self._data: dict[tuple[str, str], Future[pd.DataFrame]] = {}
        self._handles: set[DaskHandle] = set()
        self._closed = False

    @property
    def workers(self) -> int:
        """How many experiments the cluster runs at a time (its worker threads)."""
        try:
            return max(1, _cluster_size(self._client)[1])
        except Exception:
            return 1

    def submit(self, spec: ExperimentSpec) -> DaskHandle:
        if self._closed:
            raise ExecutionProblem(
                "The connection to the cluster has been closed.",
                "Connect again to run experiments.",
            )
        data = self._dataset(spec)
        limit = effective_memory_limit(spec.protocol.memory_limit_mb, self.memory_limit_mb)
        future = self._client.submit(
            run_on_dask_worker,
            spec,
            data,
            limit,
            self._initializer,
            self._initargs,
            key=f"metadesk-{spec.key}-{uuid.uuid4().hex[:8]}",
            pure=False,
        )
        handle = DaskHandle(self, spec, future)
        with self._lock:
            self._handles.add(handle)
        return handle

    def busy(self) -> int:
        with self._lock:
            ours = {h._future.key for h in self._handles if not h.done()}
        if not ours:
            return 0
        try:
            processing = self._client.processing()
        except Exception:
            return min(len(ours), self.workers)
        return sum(1 for keys in processing.values() for k in keys if k in ours)

    def describe(self) -> str:
        try:
            workers, _ = _cluster_size(self._client)
        except Exception:
            return f"Dask cluster at {self.address}"
        return f"Dask cluster at {self.address}: {workers} worker{'s' if workers != 1 else ''}"

    def close(self, cancel: bool = True) -> None:
        if self._closed:
            return
        self._closed = True
        with self._lock:
            handles = list(self._handles)
        if cancel:
            for handle in handles:
                handle.cancel()
        else:
            for handle in handles:
                handle.result()
        try:
            with self._lock:
                data = list(self._data.values())
                self._data.clear()
            if data:
                self._client.cancel(data)
        finally:
            self._client.close()

    # -- internals -------------------------------------------------------------------------------

    def _dataset(self, spec: ExperimentSpec) -> Future[pd.DataFrame]:
        """The scattered snapshot of the spec's dataset: read and sent once per dataset."""
        key = (spec.dataset_id, spec.snapshot_path)
        with self._lock:
            future = self._data.get(key)
        if future is not None:
            return future
        try:
            frame = read_snapshot(spec.snapshot_path)
        except Exception as exc:
            raise ExecutionProblem(
                "The saved copy of the dataset cannot be read, so it cannot be sent to the cluster.",
                "Load the table again.",
                details=f"{type(exc).__name__}: {exc}",
            ) from exc
        scattered: Future[pd.DataFrame] = self._client.scatter(frame, hash=False)
        with self._lock:
            self._data[key] = scattered
        return scattered

    def _forget_data(self, dataset_id: str) -> None:
        with self._lock:
            for key in [k for k in self._data if k[0] == dataset_id]:
                del self._data[key]

    def _settled(self, handle: DaskHandle) -> None:
        with self._lock:
            self._handles.discard(handle)

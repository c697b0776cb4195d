"""Meta-features computed in a child process, so C code that holds the interpreter lock (scipy's
sparse products in the landmarkers, pandas on big frames) never freezes the GUI thread.

One spawned process serves one request at a time over a pipe; only plain dicts cross it.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import traceback
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from metadesk.errors import UserError, WorkspaceProblem

if TYPE_CHECKING:
    from metadesk.workspace.stored import StoreRow

log = logging.getLogger(__name__)

# What the child needs of a dataset's store row to rebuild its task from the snapshot.
ROW_FIELDS = (
    "id",
    "name",
    "target",
    "task_type",
    "roles",
    "feature_roles",
    "snapshot_path",
    "source_path",
)
_THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


class MetaFeatureChild:
    """A spawned process computing meta-features from a dataset's snapshot, started on the first
    `extract()` and kept for the next ones until `close()`. Thread-safe: requests queue up."""

    def __init__(self) -> None:
        self._request_lock = threading.Lock()  # one request at a time
        self._state_lock = threading.Lock()  # guards the process and pipe below
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._busy = False
        self._closed = False

    @property
    def started(self) -> bool:
        with self._state_lock:
            return self._process is not None and self._process.is_alive()

    def start(self) -> None:
        """Start the process now (it loads its libraries meanwhile) rather than on first use."""
        with self._state_lock:
            if not self._closed:
                self._ensure_started()

    def extract(self, row: StoreRow) -> list[StoreRow]:
        """The `MetaFeatures.to_records()` of the dataset whose store `row` is given. Raises
        `WorkspaceProblem` when its table cannot be rebuilt, when the child stops unexpectedly,
        or when this object was closed meanwhile."""
        request = {k: _plain(row.get(k)) for k in ROW_FIELDS}
        with self._request_lock:
            with self._state_lock:
                if self._closed:
                    raise _closed_problem()
                process, conn = self._ensure_started()
                self._busy = True
            try:
                conn.send(request)
                wait([conn, process.sentinel])
                # A reply may be waiting even when the process ended right after sending it.
                reply = conn.recv() if conn.poll() else None
            except (EOFError, OSError):
                reply = None
            finally:
                with self._state_lock:
                    self._busy = False
            if reply is None:
                self._discard(process)
                if self._closed:
                    raise _closed_problem()
                raise WorkspaceProblem(
                    f"Computing the meta-features of '{row.get('name')}' stopped unexpectedly.",
                    "Try again; if it happens again, the computer may be short of memory.",
                )
        if reply["ok"]:
            records: list[StoreRow] = reply["records"]
            return records
        if reply["problem"]:
            raise WorkspaceProblem(reply["message"], reply["hint"])
        raise RuntimeError(f"meta-feature extraction failed in the child:\n{reply['traceback']}")

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop the child: at once when it is computing, else after it has read its last request.
        A thread waiting in `extract()` gets a `WorkspaceProblem`. Safe to call more than once."""
        with self._state_lock:
            self._closed = True
            process, conn, busy = self._process, self._conn, self._busy
            self._process = self._conn = None
        if process is None:
            return
        if not busy and conn is not None:
            with contextlib.suppress(OSError):  # "no more requests": the child leaves its loop
                conn.send(None)
            process.join(timeout_s)
        if process.is_alive():
            process.terminate()
            process.join(timeout_s)
        if process.is_alive():  # pragma: no cover - terminate is not refused on our own child
            process.kill()
            process.join()
        if conn is not None:
            conn.close()
        process.close()

    # --- internals -------------------------------------------------------------------------------
    def _ensure_started(self) -> tuple[BaseProcess, Connection]:
        if self._process is not None and self._process.is_alive():
            assert self._conn is not None
            return self._process, self._conn
        if self._process is not None:  # it died between requests: forget it, start another
            self._forget()
        # spawn: a clean interpreter (no forked Qt or threads); frozen apps re-enter through
        # their entry point, which calls multiprocessing.freeze_support() first.
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe(duplex=True)
        process = ctx.Process(
            target=serve, args=(child,), name="metadesk-metafeatures", daemon=True
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        log.info("meta-feature process %s started", process.pid)
        return process, parent

    def _discard(self, process: BaseProcess) -> None:
        """Forget a child that stopped (or must stop) without answering."""
        with self._state_lock:
            if self._process is not process:
                return  # close() has taken it already
            self._forget()

    def _forget(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is not None:
            if process.is_alive():
                process.terminate()
            process.join(5.0)
        if conn is not None:
            conn.close()


def _closed_problem() -> WorkspaceProblem:
    return WorkspaceProblem("This workspace has been closed.", "Open it again.")


def _plain(value: object) -> object:
    """Store values as plain builtins (tuples become lists), nothing else crosses the pipe."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# --- the child's side ------------------------------------------------------------------------------
def serve(conn: Connection) -> None:
    """The child process: answer requests until told to stop or the parent goes away."""
    for name in _THREAD_VARIABLES:  # one core per child, like the experiment workers
        os.environ[name] = "1"
    from metadesk.experiments.worker import lower_priority

    lower_priority()  # below the window's priority, like the experiment workers
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # numpy may be loaded already (the package's imports)
    import metadesk.metafeatures  # noqa: F401  # loaded before the first request, not during it

    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        try:
            conn.send(compute(request))
        except OSError:
            return


def compute(row: StoreRow) -> dict[str, Any]:  # a reply: plain values varying by key
    """Rebuild the task from its snapshot as `Workspace.load_task` does and extract its
    meta-features; the answer is a plain dict, failures included."""
    try:
        import metadesk.metafeatures as mf
        from metadesk.workspace.stored import task_from_row

        values = mf.extract_meta_features(task_from_row(row))
        return {"ok": True, "records": values.to_records()}
    except UserError as exc:  # e.g. the snapshot is lost: said in plain words in the GUI
        return {"ok": False, "problem": True, "message": exc.message, "hint": exc.hint}
    except Exception:
        return {"ok": False, "problem": False, "traceback": traceback.format_exc()}

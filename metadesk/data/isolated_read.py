"""Reading a compressed file (a workbook, Parquet) in a child process with a memory limit.

A hostile file can make a native reader allocate hundreds of gigabytes or abort the process. Here
only the child dies, and its death becomes a plain `FileProblem`. The table comes back as an Arrow
IPC file (data only, never pickle); the notes and the report fields come back as plain values.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import traceback
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TypedDict

import pandas as pd

from metadesk import errors
from metadesk.data.archive_checks import human_bytes
from metadesk.data.report import ReportFields
from metadesk.data.sources import total_memory
from metadesk.errors import FileProblem, UserError

log = logging.getLogger(__name__)

# A child reading a file may use at most this share of the computer's memory...
_MEMORY_SHARE = 0.5
# ...and never less than this (small machines, or memory the OS will not tell).
_MIN_BUDGET = 1024**3
_PRELOAD = ["metadesk.data.readers", "python_calamine", "pyarrow.parquet"]


class ReadOptions(TypedDict, total=False):
    """The keyword arguments of `readers.read_format`, sent to the child as they are."""

    sheet: str | int | None
    nrows: int | None


class _Reply(TypedDict, total=False):
    """What the child sends back: `ok` and the read's notes, truncation and report fields; or
    the `UserError` it raised (kind, message, hint, details, size_bytes); or that memory ran
    out; or the traceback of anything else."""

    ok: bool
    notes: list[str]
    truncated: bool
    extra: ReportFields
    memory: bool
    kind: str
    message: str
    hint: str
    details: str
    size_bytes: int
    traceback: str


def reading_memory_budget() -> int:
    """Bytes a child process may allocate while reading one file."""
    ram = total_memory()
    if ram is None:
        return 4 * 1024**3
    return max(_MIN_BUDGET, int(ram * _MEMORY_SHARE))


def read_isolated(
    reader: str, path: Path, options: ReadOptions, memory_budget: int
) -> tuple[pd.DataFrame, list[str], bool, ReportFields]:
    """Run `readers.read_format(reader, path, **options)` in a child process limited to
    `memory_budget` bytes: (frame, notes, truncated, report fields). Raises `FileProblem` (or the
    reader's own `UserError`) for anything that goes wrong, the child's death included."""
    workdir = Path(tempfile.mkdtemp(prefix="metadesk-read-"))  # 0700 by mkdtemp
    out = workdir / "table.arrow"
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_child_main,
        args=(child, reader, str(path), options, str(out), memory_budget),
        name="metadesk-read",
        daemon=True,
    )
    try:
        process.start()
        child.close()
        reply = _wait_for_reply(parent, process)
        if reply is None:
            process.join(5.0)
            raise _death_problem(path, process.exitcode, memory_budget, _tail(workdir / "stderr"))
        if not reply["ok"]:
            raise _problem_from(path, reply, memory_budget)
        import pyarrow as pa

        from metadesk.data.arrow_frames import to_pandas

        with pa.OSFile(str(out)) as source:
            table = pa.ipc.open_file(source).read_all()
        frame = to_pandas(table)
        return frame, reply["notes"], reply["truncated"], reply["extra"]
    finally:
        parent.close()
        if process.is_alive():
            process.kill()
        process.join(5.0)
        with contextlib.suppress(ValueError):
            process.close()
        shutil.rmtree(workdir, ignore_errors=True)


def _context() -> ForkServerContext | SpawnContext:
    """forkserver where it exists (each read forks a process that has the readers loaded already),
    spawn elsewhere and in frozen apps. Never plain fork: the app may hold Qt and threads."""
    if sys.platform != "win32" and not getattr(sys, "frozen", False):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def _wait_for_reply(conn: Connection, process: BaseProcess) -> _Reply | None:
    try:
        wait([conn, process.sentinel])
        # A reply may be waiting even when the process ended right after sending it.
        return conn.recv() if conn.poll() else None
    except (EOFError, OSError):
        return None


def _tail(log_path: Path, limit: int = 4000) -> str:
    """The end of what the child wrote to its error stream (a native reader's panic message)."""
    try:
        data = log_path.read_bytes()
    except OSError:
        return ""
    return data[-limit:].decode("utf-8", errors="replace")


def _death_problem(path: Path, exitcode: int | None, budget: int, stderr: str) -> FileProblem:
    how = "stopped"
    if exitcode is not None and exitcode < 0:
        with contextlib.suppress(ValueError):
            how = f"stopped ({signal.Signals(-exitcode).name})"
    log.warning("reading %s: the reader process %s, exit code %s", path, how, exitcode)
    return FileProblem(
        f"{path.name} could not be read: the reader {how} on it, most likely because the file "
        f"asks for more than the {human_bytes(budget)} of memory allowed for reading, or it is "
        "damaged.",
        "Open it in its program and save it again (delete empty rows and columns after the "
        "table), or export the table as CSV.",
        details=f"reader process exit code {exitcode}\n{stderr}".strip(),
    )


def _problem_from(path: Path, reply: _Reply, budget: int) -> UserError:
    if reply.get("memory"):
        return FileProblem(
            f"{path.name} needs more than the {human_bytes(budget)} of memory allowed for reading "
            "a file.",
            "Load part of it with a row limit, or export the table as CSV.",
        )
    if "message" in reply:
        kind = getattr(errors, reply["kind"], FileProblem)
        if not (isinstance(kind, type) and issubclass(kind, UserError)):
            kind = FileProblem
        extra = {"size_bytes": reply["size_bytes"]} if reply.get("size_bytes") else {}
        return kind(reply["message"], reply["hint"], details=reply["details"], **extra)
    log.warning("reading %s failed in the reader process:\n%s", path, reply["traceback"])
    return FileProblem(
        f"{path.name} could not be read: its content confused the reader.",
        "Open it in its program and save it again, or export the table as CSV.",
        details=reply["traceback"],
    )


# --- the child's side ------------------------------------------------------------------------------
def _child_main(
    conn: Connection, reader: str, path: str, options: ReadOptions, out: str, budget: int
) -> None:
    _quiet_stderr(Path(out).with_name("stderr"))
    _limit_memory(budget)
    reply: _Reply
    try:
        reply = _read_and_write(reader, Path(path), options, Path(out))
    except MemoryError:
        reply = {"ok": False, "memory": True}
    except UserError as exc:
        reply = {
            "ok": False,
            "kind": type(exc).__name__,
            "message": exc.message,
            "hint": exc.hint,
            "details": exc.details,
            "size_bytes": getattr(exc, "size_bytes", 0),
        }
    except Exception:
        reply = {"ok": False, "traceback": traceback.format_exc()}
    with contextlib.suppress(OSError):
        conn.send(reply)
    conn.close()


def _read_and_write(reader: str, path: Path, options: ReadOptions, out: Path) -> _Reply:
    import pyarrow as pa

    from metadesk.data.readers import read_format

    frame, notes, truncated, extra = read_format(reader, path, **options)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with pa.OSFile(str(out), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    # The report fields are text (`ReportFields`): they pickle as they are.
    return {"ok": True, "notes": notes, "truncated": truncated, "extra": extra}


def _quiet_stderr(log_path: Path) -> None:
    """Send the child's error stream to a file: a native reader's panic goes into the message's
    details, not onto the user's terminal."""
    with contextlib.suppress(OSError):
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 2)
        os.close(fd)


def _limit_memory(budget: int) -> None:
    """Cap the child's address space at what it holds now plus `budget` (POSIX only)."""
    try:
        import resource
    except ImportError:  # Windows: the size checks before reading are the guard there
        return
    if not hasattr(resource, "RLIMIT_AS"):
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = _address_space() + budget
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    with contextlib.suppress(ValueError, OSError):  # not allowed here: read without the cap
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _address_space() -> int:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0

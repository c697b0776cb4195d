"""The workspace database: one SQLite connection per thread, transactions that take the write lock up
front, the schema brought up to date on open, and plain-language refusals of files that are not ours.
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from metadesk.errors import WorkspaceProblem
from metadesk.knowledge import integrity, schema

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
SQLITE_HEADER = b"SQLite format 3\x00"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


# Dispatchers alive in this process: a second workspace object on the same file must not take
# their running rows for leftovers of a crash.
_LIVE_DISPATCHERS: set[str] = set()
_live_lock = threading.Lock()


def runner_id(token: str = "") -> str:
    """Who is running an experiment (host:pid:token): tells a crashed process from a live one."""
    return f"{socket.gethostname()}:{os.getpid()}:{token}"


def register_runner(runner: str, alive: bool) -> None:
    with _live_lock:
        if alive:
            _LIVE_DISPATCHERS.add(runner)
        else:
            _LIVE_DISPATCHERS.discard(runner)


def _process_alive(pid: int) -> bool:
    import psutil  # a declared dependency: os.kill(pid, 0) would end the process on Windows

    return psutil.pid_exists(pid)


def runner_alive(runner: str | None) -> bool:
    if not runner:
        return False
    host, pid, _token = [*runner.rsplit(":", 2), "", ""][:3]
    if host != socket.gethostname():
        return True  # another machine sharing the file: we cannot tell, so leave its rows alone
    if not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        with _live_lock:
            return runner in _LIVE_DISPATCHERS
    return _process_alive(int(pid))


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(16) == SQLITE_HEADER
    except OSError:
        return False


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("metadesk")) / "workspace.sqlite"


class Database:
    """A workspace file. One connection per thread (the dispatcher writes too); writes go through
    `transaction()`, which takes the write lock up front so two writers never deadlock."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path).expanduser().resolve()
        self.snapshot_dir = self.path.parent / "snapshots"
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self._prepare()

    # --- connections --------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(
                str(self.path),
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            con.row_factory = sqlite3.Row
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            con.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise self._problem(exc) from exc
        with self._lock:
            self._all.append(con)
        return con

    @property
    def con(self) -> sqlite3.Connection:
        if self._closed:
            raise WorkspaceProblem("This workspace has been closed.", "Open it again.")
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = self._connect()
        return con

    def close(self) -> None:
        self._closed = True
        with self._lock:
            cons, self._all = self._all, []
        for con in cons:
            try:
                con.close()
            except (
                sqlite3.Error
            ):  # closing is best effort: the file is consistent after each commit
                log.debug("closing a connection failed", exc_info=True)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        con = self.con
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._problem(exc) from exc
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        else:
            try:
                con.execute("COMMIT")
            except sqlite3.Error as exc:
                con.execute("ROLLBACK")
                raise self._problem(exc) from exc

    def _problem(self, exc: sqlite3.Error) -> WorkspaceProblem:
        text = str(exc).lower()
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            return WorkspaceProblem(
                f"The workspace {self.path} cannot be written.",
                "Check that the file and its folder are writable, or open another workspace.",
                details=str(exc),
            )
        if "malformed" in text:
            return integrity.damaged(self.path, str(exc))
        if "not a database" in text or "encrypted" in text:
            return WorkspaceProblem(
                f"{self.path} is not a metadesk workspace.",
                "Choose a workspace file created by metadesk, or a new file name.",
                details=str(exc),
            )
        if "locked" in text or "busy" in text:
            return WorkspaceProblem(
                f"The workspace {self.path} is busy in another program.",
                "Wait a moment and try again.",
                details=str(exc),
            )
        return WorkspaceProblem(f"The workspace {self.path} cannot be used.", details=str(exc))

    # --- schema ---------------------------------------------------------------------------------
    def _prepare(self) -> None:
        if self.path.is_dir():
            raise WorkspaceProblem(
                f"{self.path} is a folder, not a workspace file.",
                "Choose a file name ending in .sqlite.",
            )
        if self.path.exists() and not self.path.is_file():  # opening a named pipe would hang
            raise WorkspaceProblem(
                f"{self.path} is not a regular file.",
                "Choose a workspace file ending in .sqlite.",
            )
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        if fresh:
            try:
                self.path.parent.mkdir(mode=integrity.PRIVATE_FOLDER, parents=True, exist_ok=True)
                # Created for its owner only; SQLite gives the -wal and -shm files the same mode.
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, integrity.PRIVATE_FILE))
            except OSError as exc:
                raise WorkspaceProblem(
                    f"The folder for the workspace {self.path} cannot be created.",
                    "Choose a folder you can write to.",
                    details=str(exc),
                ) from exc
        elif not _looks_like_sqlite(self.path):
            # SQLite would happily overwrite a tiny non-database file: never touch a user's file.
            raise WorkspaceProblem(
                f"{self.path} is not a metadesk workspace.",
                "Choose a workspace file created by metadesk, or a new file name.",
            )
        elif not os.access(self.path, os.W_OK) or not os.access(self.path.parent, os.W_OK):
            raise WorkspaceProblem(
                f"The workspace {self.path} is read-only.",
                "Make the file and its folder writable, or copy it somewhere you can write.",
            )
        con = self.con
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.Error as exc:
            self.close()
            raise self._problem(exc) from exc
        if not fresh and (app_id != schema.APPLICATION_ID or version == 0) and tables:
            self.close()
            raise WorkspaceProblem(
                f"{self.path} is a database, but not a metadesk workspace.",
                "Choose a workspace file created by metadesk, or a new file name.",
            )
        if version > schema.SCHEMA_VERSION:
            self.close()
            raise WorkspaceProblem(
                f"The workspace {self.path} was written by a newer version of metadesk.",
                "Update metadesk to open it; this version would not understand it.",
            )
        try:
            if not fresh:
                integrity.check_integrity(con, self.path)
                if version < schema.SCHEMA_VERSION:
                    integrity.take_backup(con, self.path, "before-migration")
                elif integrity.backup_is_due(self.path):
                    integrity.take_backup(con, self.path, "daily")
            con.execute("PRAGMA journal_mode = WAL")
            for step in range(version, schema.SCHEMA_VERSION):
                with self.transaction():
                    schema.MIGRATIONS[step](con)
                    con.execute(f"PRAGMA user_version = {step + 1}")
                    con.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
                log.info("workspace %s migrated to schema %d", self.path, step + 1)
        except sqlite3.Error as exc:
            self.close()
            raise self._problem(exc) from exc
        except WorkspaceProblem:
            self.close()
            raise

    def schema_version(self) -> int:
        return int(self.con.execute("PRAGMA user_version").fetchone()[0])

    def integrity_ok(self) -> bool:
        return self.con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

"""The workspace store: one SQLite file holding datasets, meta-features, configurations and experiments.

The queue and the results are one `experiments` table with a status column, so a crash can never
separate them. Plain values in and out (dicts, JSON text): this layer knows nothing of the domain.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from metadesk.errors import WorkspaceProblem

log = logging.getLogger(__name__)

# Written into the file header so that any other SQLite file is recognised as "not a workspace".
APPLICATION_ID = 0x4D444B31  # "MDK1"
ACTIVE = ("queued", "running")
BUSY_TIMEOUT_MS = 10_000


def _script(con: sqlite3.Connection, sql: str) -> None:
    # Statement by statement: `executescript` would commit the migration's transaction half-way.
    for statement in sql.split(";"):
        if statement.strip():
            con.execute(statement)


def _v1(con: sqlite3.Connection) -> None:
    _script(
        con,
        """
        CREATE TABLE datasets (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            task_type TEXT NOT NULL,
            target TEXT NOT NULL,
            roles TEXT NOT NULL DEFAULT '{}',
            feature_roles TEXT NOT NULL DEFAULT '[]',
            excluded TEXT NOT NULL DEFAULT '{}',
            dropped_rows INTEGER NOT NULL DEFAULT 0,
            source_path TEXT NOT NULL DEFAULT '',
            snapshot_path TEXT NOT NULL,
            n_rows INTEGER NOT NULL,
            n_features INTEGER NOT NULL,
            added_at TEXT NOT NULL
        );
        CREATE TABLE meta_features (
            dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            value REAL,
            status TEXT NOT NULL,
            grp TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (dataset_id, name)
        );
        CREATE TABLE configurations (
            id TEXT PRIMARY KEY,
            algorithm TEXT NOT NULL,
            params TEXT NOT NULL DEFAULT '{}',
            label TEXT NOT NULL DEFAULT '',
            task_types TEXT NOT NULL DEFAULT '[]'
        );
        CREATE TABLE experiments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
            configuration_id TEXT NOT NULL REFERENCES configurations(id),
            protocol TEXT NOT NULL,
            protocol_key TEXT NOT NULL,
            spec_key TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL,
            priority INTEGER NOT NULL DEFAULT 0,
            queued_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT,
            runner TEXT,
            interruptions INTEGER NOT NULL DEFAULT 0,
            result TEXT,
            scores TEXT,
            error TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX experiments_by_status ON experiments(status, priority DESC, id);
        CREATE INDEX experiments_by_dataset ON experiments(dataset_id, status);
        """,
    )


# Forward migrations: MIGRATIONS[i] brings a file from user_version i to i + 1. Append, never edit.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1]
SCHEMA_VERSION = len(MIGRATIONS)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def runner_id() -> str:
    """Who is running an experiment: used on open to tell a crashed process from a live one."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_alive(pid: int) -> bool:
    try:
        import psutil

        return psutil.pid_exists(pid)
    except ImportError:
        pass
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _runner_alive(runner: str | None) -> bool:
    if not runner:
        return False
    host, _, pid = runner.rpartition(":")
    if host != socket.gethostname():
        return True  # another machine sharing the file: we cannot tell, so leave its rows alone
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    return _process_alive(int(pid))


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("metadesk")) / "workspace.sqlite"


class Store:
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
        if "not a database" in text or "malformed" in text or "encrypted" in text:
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
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        if fresh:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise WorkspaceProblem(
                    f"The folder for the workspace {self.path} cannot be created.",
                    "Choose a folder you can write to.",
                    details=str(exc),
                ) from exc
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
        if not fresh and (app_id != APPLICATION_ID or version == 0) and tables:
            self.close()
            raise WorkspaceProblem(
                f"{self.path} is a database, but not a metadesk workspace.",
                "Choose a workspace file created by metadesk, or a new file name.",
            )
        if version > SCHEMA_VERSION:
            self.close()
            raise WorkspaceProblem(
                f"The workspace {self.path} was written by a newer version of metadesk.",
                "Update metadesk to open it; this version would not understand it.",
            )
        try:
            con.execute("PRAGMA journal_mode = WAL")
            for step in range(version, SCHEMA_VERSION):
                with self.transaction():
                    MIGRATIONS[step](con)
                    con.execute(f"PRAGMA user_version = {step + 1}")
                    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
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

    # --- datasets -------------------------------------------------------------------------------
    def put_dataset(self, row: dict[str, Any]) -> bool:
        """Insert the dataset unless it is known; True if it was new."""
        cols = [
            "id",
            "name",
            "task_type",
            "target",
            "roles",
            "feature_roles",
            "excluded",
            "dropped_rows",
            "source_path",
            "snapshot_path",
            "n_rows",
            "n_features",
            "added_at",
        ]
        values = dict(row)
        for key in ("roles", "feature_roles", "excluded"):
            if not isinstance(values.get(key), str):
                values[key] = json.dumps(values.get(key) or ({} if key != "feature_roles" else []))
        values.setdefault("added_at", now())
        with self.transaction() as con:
            cur = con.execute(
                f"INSERT OR IGNORE INTO datasets ({', '.join(cols)}) "
                f"VALUES ({', '.join('?' for _ in cols)})",
                [values.get(c, "" if c in ("source_path",) else 0) for c in cols],
            )
            return cur.rowcount == 1

    def datasets(self) -> list[dict[str, Any]]:
        rows = self.con.execute("SELECT * FROM datasets ORDER BY added_at, id").fetchall()
        return [_dataset(r) for r in rows]

    def dataset(self, dataset_id: str) -> dict[str, Any] | None:
        row = self.con.execute("SELECT * FROM datasets WHERE id = ?", (dataset_id,)).fetchone()
        return _dataset(row) if row else None

    def remove_dataset(self, dataset_id: str) -> None:
        with self.transaction() as con:
            con.execute("DELETE FROM datasets WHERE id = ?", (dataset_id,))

    # --- meta-features --------------------------------------------------------------------------
    def put_meta_features(self, dataset_id: str, records: Sequence[dict[str, Any]]) -> None:
        with self.transaction() as con:
            con.execute("DELETE FROM meta_features WHERE dataset_id = ?", (dataset_id,))
            con.executemany(
                "INSERT INTO meta_features (dataset_id, name, value, status, grp, reason) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        dataset_id,
                        r["name"],
                        _finite_or_none(r.get("value")),
                        r.get("status", "computed"),
                        r.get("group", ""),
                        r.get("reason", "") or "",
                    )
                    for r in records
                ],
            )

    def meta_features(self, dataset_id: str) -> list[dict[str, Any]]:
        rows = self.con.execute(
            "SELECT name, value, status, grp, reason FROM meta_features WHERE dataset_id = ? "
            "ORDER BY rowid",
            (dataset_id,),
        ).fetchall()
        return [
            {
                "name": r["name"],
                "value": r["value"],
                "status": r["status"],
                "group": r["grp"],
                "reason": r["reason"],
            }
            for r in rows
        ]

    def all_meta_features(self) -> list[tuple[str, str, float | None, str]]:
        """(dataset_id, name, value, status) for every stored meta-feature."""
        rows = self.con.execute(
            "SELECT dataset_id, name, value, status FROM meta_features"
        ).fetchall()
        return [tuple(r) for r in rows]

    # --- configurations -------------------------------------------------------------------------
    def put_configurations(self, configs: Sequence[dict[str, Any]]) -> None:
        """Insert or refresh configurations (id, algorithm, params, label, task_types)."""
        with self.transaction() as con:
            con.executemany(
                "INSERT INTO configurations (id, algorithm, params, label, task_types) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET algorithm = excluded.algorithm, "
                "params = excluded.params, label = excluded.label, task_types = excluded.task_types",
                [
                    (
                        c["id"],
                        c["algorithm"],
                        json.dumps(c.get("params") or {}, sort_keys=True),
                        c.get("label", ""),
                        json.dumps(list(c.get("task_types") or ())),
                    )
                    for c in configs
                ],
            )

    def configuration(self, configuration_id: str) -> dict[str, Any] | None:
        row = self.con.execute(
            "SELECT * FROM configurations WHERE id = ?", (configuration_id,)
        ).fetchone()
        return _configuration(row) if row else None

    def configurations(self) -> list[dict[str, Any]]:
        rows = self.con.execute("SELECT * FROM configurations ORDER BY id").fetchall()
        return [_configuration(r) for r in rows]

    # --- experiments: queue ---------------------------------------------------------------------
    def enqueue(
        self,
        items: Sequence[dict[str, Any]],
        *,
        priority: int = 0,
        requeue: Callable[[dict[str, Any]], bool] = lambda row: False,
    ) -> list[tuple[int, bool]]:
        """Queue experiments given as dicts with dataset_id, configuration_id, protocol (dict),
        protocol_key and spec_key. An identical experiment is returned, not duplicated; a finished
        one that is not `ok` is queued again only where `requeue(row)` says so.
        Returns (experiment id, newly queued) per item, in order."""
        out: list[tuple[int, bool]] = []
        stamp = now()
        with self.transaction() as con:
            for item in items:
                row = con.execute(
                    "SELECT * FROM experiments WHERE spec_key = ?", (item["spec_key"],)
                ).fetchone()
                if row is None:
                    cur = con.execute(
                        "INSERT INTO experiments (dataset_id, configuration_id, protocol, "
                        "protocol_key, spec_key, status, priority, queued_at) "
                        "VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)",
                        (
                            item["dataset_id"],
                            item["configuration_id"],
                            json.dumps(item["protocol"], sort_keys=True),
                            item["protocol_key"],
                            item["spec_key"],
                            priority,
                            stamp,
                        ),
                    )
                    out.append((int(cur.lastrowid), True))
                    continue
                existing = _experiment(row)
                if existing["status"] in ACTIVE or existing["status"] == "ok":
                    if existing["status"] == "queued" and priority > existing["priority"]:
                        con.execute(
                            "UPDATE experiments SET priority = ? WHERE id = ?",
                            (priority, existing["id"]),
                        )
                    out.append((existing["id"], False))
                elif requeue(existing):
                    con.execute(
                        "UPDATE experiments SET status = 'queued', priority = ?, queued_at = ?, "
                        "protocol = ?, started_at = NULL, finished_at = NULL, runner = NULL, "
                        "result = NULL, scores = NULL, error = '' WHERE id = ?",
                        (
                            priority,
                            stamp,
                            json.dumps(item["protocol"], sort_keys=True),
                            existing["id"],
                        ),
                    )
                    out.append((existing["id"], True))
                else:
                    out.append((existing["id"], False))
        return out

    def claim_next(self, runner: str) -> dict[str, Any] | None:
        """Mark the highest-priority queued experiment running (atomically) and return it."""
        with self.transaction() as con:
            row = con.execute(
                "SELECT id FROM experiments WHERE status = 'queued' "
                "ORDER BY priority DESC, id LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            con.execute(
                "UPDATE experiments SET status = 'running', started_at = ?, runner = ? WHERE id = ?",
                (now(), runner, row["id"]),
            )
            full = con.execute("SELECT * FROM experiments WHERE id = ?", (row["id"],)).fetchone()
        return _experiment(full)

    def finish(
        self,
        experiment_id: int,
        status: str,
        *,
        result_json: str | None,
        scores: dict[str, float] | None = None,
        error: str = "",
    ) -> bool:
        """Record the outcome of a running experiment; False if it was no longer running."""
        with self.transaction() as con:
            cur = con.execute(
                "UPDATE experiments SET status = ?, finished_at = ?, result = ?, scores = ?, "
                "error = ? WHERE id = ? AND status = 'running'",
                (
                    status,
                    now(),
                    result_json,
                    json.dumps(scores or {}, sort_keys=True),
                    error,
                    experiment_id,
                ),
            )
            return cur.rowcount == 1

    def cancel(self, experiment_ids: Sequence[int] | None = None) -> list[int]:
        """Cancel queued or running experiments (all when `experiment_ids` is None).
        Returns the ids that changed."""
        with self.transaction() as con:
            if experiment_ids is None:
                rows = con.execute(
                    "SELECT id FROM experiments WHERE status IN ('queued', 'running')"
                ).fetchall()
            else:
                ids = list(experiment_ids)
                rows = con.execute(
                    f"SELECT id FROM experiments WHERE status IN ('queued', 'running') "
                    f"AND id IN ({', '.join('?' for _ in ids)})",
                    ids,
                ).fetchall()
            changed = [int(r["id"]) for r in rows]
            con.executemany(
                "UPDATE experiments SET status = 'cancelled', finished_at = ?, "
                "error = 'Cancelled.' WHERE id = ?",
                [(now(), i) for i in changed],
            )
        return changed

    def release(self, experiment_ids: Sequence[int]) -> None:
        """Put running experiments back in the queue (the workspace is closing)."""
        with self.transaction() as con:
            con.executemany(
                "UPDATE experiments SET status = 'queued', started_at = NULL, runner = NULL "
                "WHERE id = ? AND status = 'running'",
                [(i,) for i in experiment_ids],
            )

    def recover_interrupted(self) -> list[int]:
        """Rows left `running` by a process that died become interrupted and are queued again."""
        with self.transaction() as con:
            rows = con.execute(
                "SELECT id, runner FROM experiments WHERE status = 'running'"
            ).fetchall()
            dead = [int(r["id"]) for r in rows if not _runner_alive(r["runner"])]
            con.executemany(
                "UPDATE experiments SET status = 'queued', started_at = NULL, runner = NULL, "
                "interruptions = interruptions + 1 WHERE id = ?",
                [(i,) for i in dead],
            )
        if dead:
            log.warning("re-queued %d experiment(s) interrupted by a crash", len(dead))
        return dead

    # --- experiments: reading -------------------------------------------------------------------
    def experiment(self, experiment_id: int) -> dict[str, Any] | None:
        row = self.con.execute(
            "SELECT e.*, c.label AS configuration_label FROM experiments e "
            "LEFT JOIN configurations c ON c.id = e.configuration_id WHERE e.id = ?",
            (experiment_id,),
        ).fetchone()
        return _experiment(row) if row else None

    def experiments(
        self, dataset_id: str | None = None, statuses: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        sql = (
            "SELECT e.*, c.label AS configuration_label, c.algorithm AS algorithm "
            "FROM experiments e LEFT JOIN configurations c ON c.id = e.configuration_id"
        )
        where: list[str] = []
        args: list[Any] = []
        if dataset_id is not None:
            where.append("e.dataset_id = ?")
            args.append(dataset_id)
        if statuses:
            where.append(f"e.status IN ({', '.join('?' for _ in statuses)})")
            args.extend(statuses)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.id"
        return [_experiment(r) for r in self.con.execute(sql, args).fetchall()]

    def count(self, statuses: Sequence[str]) -> int:
        return int(
            self.con.execute(
                f"SELECT count(*) FROM experiments WHERE status IN "
                f"({', '.join('?' for _ in statuses)})",
                list(statuses),
            ).fetchone()[0]
        )

    def ok_version(self) -> int:
        """Changes whenever a result is added or removed: the meta-model's cache key."""
        row = self.con.execute(
            "SELECT count(*), coalesce(max(finished_at), '') FROM experiments WHERE status = 'ok'"
        ).fetchone()
        return hash((row[0], row[1]))


def _finite_or_none(value: Any) -> float | None:
    if value is None:
        return None
    v = float(value)
    return v if v == v and v not in (float("inf"), float("-inf")) else None


def _dataset(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    for key in ("roles", "feature_roles", "excluded"):
        d[key] = json.loads(d[key] or ("[]" if key == "feature_roles" else "{}"))
    return d


def _configuration(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["params"] = json.loads(d["params"] or "{}")
    d["task_types"] = tuple(json.loads(d["task_types"] or "[]"))
    return d


def _experiment(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["protocol"] = json.loads(d["protocol"] or "{}")
    d["scores"] = json.loads(d["scores"]) if d.get("scores") else {}
    return d

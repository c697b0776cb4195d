"""The experiments table of the workspace file: the queue and the results in one table with a status
column (so a crash can never separate them), and each experiment's out-of-fold predictions.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from metadesk.knowledge.database import Database, now, runner_alive

log = logging.getLogger(__name__)

ACTIVE = ("queued", "running")


class ExperimentTables(Database):
    """Experiment queries of the workspace store (plain records in and out)."""

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
                    new_id = cur.lastrowid
                    assert new_id is not None  # set by the INSERT above
                    out.append((new_id, True))
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
            full = con.execute(
                "SELECT e.*, c.label AS configuration_label, c.algorithm AS algorithm "
                "FROM experiments e LEFT JOIN configurations c ON c.id = e.configuration_id "
                "WHERE e.id = ?",
                (row["id"],),
            ).fetchone()
        return _experiment(full)

    def finish(
        self,
        experiment_id: int,
        status: str,
        *,
        result_json: str | None,
        scores: dict[str, float] | None = None,
        error: str = "",
        predictions: bytes = b"",
    ) -> bool:
        """Record the outcome of a running experiment, with its out-of-fold predictions when
        given; False if it was no longer running."""
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
            if cur.rowcount == 1 and predictions:
                con.execute(
                    "INSERT OR REPLACE INTO predictions (experiment_id, data, bytes) "
                    "VALUES (?, ?, ?)",
                    (experiment_id, sqlite3.Binary(predictions), len(predictions)),
                )
            return cur.rowcount == 1

    # --- out-of-fold predictions ------------------------------------------------------------------
    def predictions(self, experiment_id: int) -> bytes | None:
        row = self.con.execute(
            "SELECT data FROM predictions WHERE experiment_id = ?", (experiment_id,)
        ).fetchone()
        return bytes(row["data"]) if row else None

    def predictions_size(self, dataset_id: str | None = None) -> tuple[int, int]:
        """(how many experiments keep predictions, their bytes), for one dataset or all."""
        sql = "SELECT count(*), coalesce(sum(p.bytes), 0) FROM predictions p"
        args: list[Any] = []
        if dataset_id is not None:
            sql += " JOIN experiments e ON e.id = p.experiment_id WHERE e.dataset_id = ?"
            args.append(dataset_id)
        row = self.con.execute(sql, args).fetchone()
        return int(row[0]), int(row[1])

    def prune_predictions(self, dataset_id: str, keep: int) -> int:
        """The retention rule: a dataset keeps the predictions of its `keep` best experiments
        (by balanced accuracy, or R² for regression; newest first on a tie). Returns how many
        were removed."""
        with self.transaction() as con:
            rows = con.execute(
                "SELECT p.experiment_id FROM predictions p "
                "JOIN experiments e ON e.id = p.experiment_id WHERE e.dataset_id = ? "
                "ORDER BY coalesce(json_extract(e.scores, '$.balanced_accuracy'), "
                "json_extract(e.scores, '$.r2'), -1e300) DESC, e.id DESC",
                (dataset_id,),
            ).fetchall()
            drop = [(int(r[0]),) for r in rows[keep:]]
            con.executemany("DELETE FROM predictions WHERE experiment_id = ?", drop)
        return len(drop)

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
            dead = [int(r["id"]) for r in rows if not runner_alive(r["runner"])]
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


def _experiment(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["protocol"] = json.loads(d["protocol"] or "{}")
    d["scores"] = json.loads(d["scores"]) if d.get("scores") else {}
    return d

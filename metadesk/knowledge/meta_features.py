"""The meta-features tables of the workspace file: each dataset's values with their statuses, and
the extractor version that computed them, so values from an older definition can be recomputed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from metadesk.knowledge.database import Database


class MetaFeatureTables(Database):
    """Meta-feature queries of the workspace store (plain records in and out)."""

    # --- meta-features --------------------------------------------------------------------------
    def put_meta_features(
        self, dataset_id: str, records: Sequence[dict[str, Any]], *, version: int = 0
    ) -> bool:
        """Replace the dataset's meta-features in one transaction, recording the extractor
        `version` that computed them (0 = unknown, which readers treat as stale). False, and
        nothing written, when the dataset is no longer in the workspace."""
        with self.transaction() as con:
            if con.execute("SELECT 1 FROM datasets WHERE id = ?", (dataset_id,)).fetchone() is None:
                return False
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
            con.execute(
                "UPDATE datasets SET meta_features_version = ?, meta_features_generation = "
                "(SELECT coalesce(max(meta_features_generation), 0) + 1 FROM datasets) WHERE id = ?",
                (int(version), dataset_id),
            )
        return True

    def stored_meta_features(self, dataset_id: str) -> tuple[int, list[dict[str, Any]]] | None:
        """(extractor version, records) in one query; None for an unknown dataset. The records
        are empty when nothing was computed yet."""
        rows = self.con.execute(
            "SELECT d.meta_features_version AS version, m.name, m.value, m.status, m.grp, "
            "m.reason FROM datasets d LEFT JOIN meta_features m ON m.dataset_id = d.id "
            "WHERE d.id = ? ORDER BY m.rowid",
            (dataset_id,),
        ).fetchall()
        if not rows:
            return None
        records = [_record(r) for r in rows if r["name"] is not None]
        return int(rows[0]["version"]), records

    def stale_meta_features(
        self, version: int, dataset_ids: Sequence[str] | None = None
    ) -> list[str]:
        """Datasets whose meta-features are missing, computed by another extractor version than
        `version`, or partly over budget; in the order they were added."""
        sql = (
            "SELECT d.id FROM datasets d WHERE (d.meta_features_version != ? "
            "OR NOT EXISTS (SELECT 1 FROM meta_features m WHERE m.dataset_id = d.id) "
            "OR EXISTS (SELECT 1 FROM meta_features m WHERE m.dataset_id = d.id "
            "AND m.status = 'over_budget'))"
        )
        args: list[Any] = [int(version)]
        if dataset_ids is not None:
            ids = list(dataset_ids)
            sql += f" AND d.id IN ({', '.join('?' for _ in ids)})"
            args.extend(ids)
        sql += " ORDER BY d.added_at, d.id"
        return [r["id"] for r in self.con.execute(sql, args).fetchall()]

    def meta_features(self, dataset_id: str) -> list[dict[str, Any]]:
        rows = self.con.execute(
            "SELECT name, value, status, grp, reason FROM meta_features WHERE dataset_id = ? "
            "ORDER BY rowid",
            (dataset_id,),
        ).fetchall()
        return [_record(r) for r in rows]

    def all_meta_features(self) -> list[tuple[str, str, float | None, str]]:
        """(dataset_id, name, value, status) for every stored meta-feature."""
        rows = self.con.execute(
            "SELECT dataset_id, name, value, status FROM meta_features"
        ).fetchall()
        return [tuple(r) for r in rows]


def _record(row: sqlite3.Row) -> dict[str, Any]:
    """One stored meta-feature as a plain record (the column `grp` is the record's `group`)."""
    return {
        "name": row["name"],
        "value": row["value"],
        "status": row["status"],
        "group": row["grp"],
        "reason": row["reason"],
    }


def _finite_or_none(value: Any) -> float | None:
    if value is None:
        return None
    v = float(value)
    return v if v == v and v not in (float("inf"), float("-inf")) else None

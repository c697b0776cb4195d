"""The workspace store: one SQLite file holding datasets, meta-features, configurations and experiments.

Plain values in and out (dicts, JSON text): this layer knows nothing of the domain. The experiments
(queue, results, predictions) are in `metadesk.knowledge.experiments`, the meta-features in
`metadesk.knowledge.meta_features`; here the datasets, the configurations and the exports.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from metadesk.knowledge.database import (
    Database,
    default_path,
    now,
    register_runner,
    runner_id,
)
from metadesk.knowledge.experiments import ExperimentTables
from metadesk.knowledge.meta_features import MetaFeatureTables
from metadesk.knowledge.schema import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "Database",
    "Store",
    "default_path",
    "now",
    "register_runner",
    "runner_id",
]


class Store(MetaFeatureTables, ExperimentTables):
    """A workspace file and its queries. See `Database` for connections and transactions,
    `MetaFeatureTables` for the meta-features and `ExperimentTables` for the experiments."""

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
        return [self._located(_dataset(r)) for r in rows]

    def dataset(self, dataset_id: str) -> dict[str, Any] | None:
        row = self.con.execute("SELECT * FROM datasets WHERE id = ?", (dataset_id,)).fetchone()
        return self._located(_dataset(row)) if row else None

    def _located(self, d: dict[str, Any]) -> dict[str, Any]:
        # A workspace folder moved or copied elsewhere keeps its snapshots beside the file.
        recorded = Path(d["snapshot_path"])
        beside = self.snapshot_dir / recorded.name
        if not recorded.exists() and beside.exists():
            d["snapshot_path"] = str(beside)
        return d

    def set_snapshot(self, dataset_id: str, snapshot_path: str) -> None:
        with self.transaction() as con:
            con.execute(
                "UPDATE datasets SET snapshot_path = ? WHERE id = ?", (snapshot_path, dataset_id)
            )

    def remove_dataset(self, dataset_id: str) -> None:
        with self.transaction() as con:
            con.execute("DELETE FROM datasets WHERE id = ?", (dataset_id,))

    # --- exports --------------------------------------------------------------------------------
    def record_export(self, dataset_id: str, configuration_id: str, kind: str, path: str) -> None:
        """Remember that a model (kind "model") or predictions ("predictions") were written."""
        with self.transaction() as con:
            con.execute(
                "INSERT INTO exports (dataset_id, configuration_id, kind, path, at) "
                "VALUES (?, ?, ?, ?, ?)",
                (dataset_id, configuration_id, kind, str(path), now()),
            )

    def exports(self, dataset_id: str) -> list[dict[str, Any]]:
        """This dataset's exports, oldest first: configuration_id, kind, path, at."""
        rows = self.con.execute(
            "SELECT configuration_id, kind, path, at FROM exports WHERE dataset_id = ? ORDER BY id",
            (dataset_id,),
        ).fetchall()
        return [dict(r) for r in rows]

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

    def knowledge_version(self) -> tuple[int, str, int, int, int]:
        """Changes whenever a result or a dataset's meta-features are added, recomputed or removed:
        the meta-model's cache key."""
        row = self.con.execute(
            "SELECT count(*), coalesce(max(finished_at), '') FROM experiments WHERE status = 'ok'"
        ).fetchone()
        features = self.con.execute(
            "SELECT count(*), count(DISTINCT dataset_id) FROM meta_features"
        ).fetchone()
        generation = self.con.execute(
            "SELECT coalesce(max(meta_features_generation), 0) FROM datasets"
        ).fetchone()
        return (int(row[0]), str(row[1]), int(features[0]), int(features[1]), int(generation[0]))


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

"""The workspace file's schema: forward migrations, applied in order, counted in `PRAGMA user_version`.

Append a migration to change the schema; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# Written into the file header so that any other SQLite file is recognised as "not a workspace".
APPLICATION_ID = 0x4D444B31  # "MDK1"


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


def _v2(con: sqlite3.Connection) -> None:
    # Which extractor version computed each dataset's meta-features (0 = unknown: stored before
    # versions were kept, so stale): values from an older definition are recomputed on next use.
    # The generation grows with every replacement, so the meta-model's cache notices a recompute.
    # Added columns only, so a process still running the v1 code keeps working on a migrated file.
    _script(
        con,
        """
        ALTER TABLE datasets ADD COLUMN meta_features_version INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE datasets ADD COLUMN meta_features_generation INTEGER NOT NULL DEFAULT 0
        """,
    )


def _out_of_fold_predictions(con: sqlite3.Connection) -> None:
    # Out-of-fold predictions of an experiment (a compressed NumPy archive), apart from the
    # experiments table so that listing experiments never reads them; gone with the experiment.
    _script(
        con,
        """
        CREATE TABLE IF NOT EXISTS predictions (
            experiment_id INTEGER PRIMARY KEY REFERENCES experiments(id) ON DELETE CASCADE,
            data BLOB NOT NULL,
            bytes INTEGER NOT NULL
        )
        """,
    )


def _exports(con: sqlite3.Connection) -> None:
    # What was exported from a dataset (a fitted model, a prediction file), so the report can say
    # which model left metadesk and where it went. A new table only: older code ignores it.
    _script(
        con,
        """
        CREATE TABLE exports (
            id INTEGER PRIMARY KEY,
            dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
            configuration_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            path TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX exports_by_dataset ON exports(dataset_id, id)
        """,
    )


# Forward migrations: MIGRATIONS[i] brings a file from user_version i to i + 1. Append, never edit.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _v1,
    _v2,
    _out_of_fold_predictions,
    _exports,
]
SCHEMA_VERSION = len(MIGRATIONS)

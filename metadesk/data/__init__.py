"""Reading tables and defining the learning task: the foundation every other layer builds on.

`read_table` -> (frame, `ReadReport`); `make_task` -> `Task`; snapshots keep the task's data as
content-addressed Parquet so nothing later depends on the user's original file.
"""

from __future__ import annotations

from metadesk.data.fingerprint import fingerprint
from metadesk.data.readers import read_table
from metadesk.data.report import ColumnReport, ReadReport
from metadesk.data.roles import USABLE_ROLES, Role, infer_role, infer_roles
from metadesk.data.snapshot import (
    read_snapshot,
    snapshot_metadata,
    snapshot_path,
    task_from_snapshot,
    write_snapshot,
)
from metadesk.data.sources import FORMATS_BY_SUFFIX, SUPPORTED
from metadesk.data.task import (
    MAX_CLASSES,
    MIN_ROWS,
    TASK_TYPES,
    Task,
    detect_task_type,
    make_task,
    suggest_target,
)

__all__ = [
    "FORMATS_BY_SUFFIX",
    "MAX_CLASSES",
    "MIN_ROWS",
    "SUPPORTED",
    "TASK_TYPES",
    "USABLE_ROLES",
    "ColumnReport",
    "ReadReport",
    "Role",
    "Task",
    "detect_task_type",
    "fingerprint",
    "infer_role",
    "infer_roles",
    "make_task",
    "read_snapshot",
    "read_table",
    "snapshot_metadata",
    "snapshot_path",
    "suggest_target",
    "task_from_snapshot",
    "write_snapshot",
]

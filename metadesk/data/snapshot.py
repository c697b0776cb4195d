"""Content-addressed Parquet snapshots of a task's data, so experiments never need the user's file.

`<dataset_id>.parquet` is written atomically (temp file, then rename) and only once; the task's
target, type and roles travel in the file's metadata so a `Task` can be rebuilt from it alone.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TypedDict

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from metadesk.data.arrow_frames import to_pandas
from metadesk.data.roles import Role, infer_roles
from metadesk.data.task import Task, detect_task_type
from metadesk.data.text_dtype import TEXT
from metadesk.errors import FileProblem

_META_KEY = b"metadesk.task"
_BLOCK_ROWS = 100_000  # rows converted and written per call (one Parquet row group)


class SnapshotMetadata(TypedDict, total=False):
    """What a snapshot records about its task (JSON in the Parquet file's metadata)."""

    dataset_id: str
    name: str
    target: str
    task_type: str
    roles: dict[str, str]  # column -> `Role` value
    excluded: dict[str, str]
    dropped_rows: int
    source_path: str | None
    notes: list[str]


def snapshot_path(folder: Path | str, dataset_id: str) -> Path:
    return Path(folder) / f"{dataset_id}.parquet"


def _task_metadata(task: Task) -> SnapshotMetadata:
    return {
        "dataset_id": task.dataset_id,
        "name": task.name,
        "target": task.target,
        "task_type": task.task_type,
        "roles": {str(k): Role(v).value for k, v in task.roles.items()},
        "excluded": dict(task.excluded),
        "dropped_rows": task.dropped_rows,
        "source_path": str(task.source_path) if task.source_path else None,
        "notes": list(task.notes),
    }


def write_snapshot(task: Task, folder: Path | str) -> Path:
    """Write the task's frame as `<folder>/<dataset_id>.parquet` unless it is already there."""
    folder = Path(folder)
    final = snapshot_path(folder, task.dataset_id)
    if final.exists() and final.stat().st_size > 0:
        return final
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{task.dataset_id}.", suffix=".tmp", dir=folder)
        os.close(fd)
        try:
            _write_parquet(task, tmp)
            os.replace(tmp, final)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise FileProblem(
            f"The data snapshot could not be written to {folder}.",
            "Check that the workspace folder exists, is writable and has free space.",
            details=str(exc),
        ) from exc
    return final


def _write_parquet(task: Task, path: str) -> None:
    """The frame, a block of rows at a time (one row group each), with the task in the metadata.

    Converting or writing a million rows in one call would hold the interpreter lock for a tenth
    of a second or more, freezing the window that waits for it; no whole-frame copy is made."""
    frame = task.frame
    # Parquet needs one type per column; mixed Python objects are stored as their text.
    as_text = [c for c in frame.columns if frame[c].dtype == object]
    writer = None
    try:
        for start in range(0, max(len(frame), 1), _BLOCK_ROWS):
            block = frame.iloc[start : start + _BLOCK_ROWS]
            if as_text:
                block = block.assign(**{str(c): block[c].astype(TEXT) for c in as_text})
            if writer is None:
                table = pa.Table.from_pandas(block, preserve_index=False)
                meta = dict(table.schema.metadata or {})
                meta[_META_KEY] = json.dumps(_task_metadata(task)).encode()
                schema = table.schema.with_metadata(meta)
                writer = pq.ParquetWriter(path, schema, compression="zstd")
                table = table.replace_schema_metadata(meta)
            else:
                table = pa.Table.from_pandas(block, schema=schema, preserve_index=False)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()


def _read(path: Path, columns: list[str] | None = None) -> pa.Table:
    try:
        return pq.read_table(path, columns=columns)
    except FileNotFoundError as exc:
        raise FileProblem(
            f"The data snapshot {path.name} is missing.",
            "Load the original file again to recreate it.",
            details=str(exc),
        ) from exc
    except (pa.ArrowException, OSError) as exc:
        raise FileProblem(
            f"The data snapshot {path.name} is damaged.",
            "Delete it and load the original file again.",
            details=str(exc),
        ) from exc


def read_snapshot(path: Path | str, columns: list[str] | None = None) -> pd.DataFrame:
    """The frame stored in a snapshot (only `columns` when given), with its column types. The one
    reader of snapshots: the workspace, the workers and the cluster's data upload all use it."""
    return to_pandas(_read(Path(path), columns))


def snapshot_metadata(path: Path | str) -> SnapshotMetadata:
    """What `write_snapshot` recorded about the task (empty for a foreign Parquet file)."""
    try:
        schema = pq.read_schema(path)
    except FileNotFoundError as exc:
        raise FileProblem(f"The data snapshot {Path(path).name} is missing.", "") from exc
    except (pa.ArrowException, OSError) as exc:
        raise FileProblem(f"The data snapshot {Path(path).name} is damaged.", "") from exc
    raw = (schema.metadata or {}).get(_META_KEY)
    meta: SnapshotMetadata = json.loads(raw) if raw else {}
    return meta


def task_from_snapshot(
    path: Path | str,
    *,
    target: str | None = None,
    task_type: str | None = None,
    roles: Mapping[str, Role | str] | None = None,
    name: str | None = None,
    dataset_id: str | None = None,
    source_path: Path | str | None = None,
) -> Task:
    """Rebuild a `Task` from its snapshot; arguments override what the snapshot recorded."""
    path = Path(path)
    table = _read(path)
    raw = (table.schema.metadata or {}).get(_META_KEY)
    meta: SnapshotMetadata = json.loads(raw) if raw else {}
    frame = to_pandas(table)  # in blocks of rows: the window may be waiting on this thread
    target = target or meta.get("target")
    if not target or target not in frame.columns:
        raise FileProblem(
            f"The data snapshot {path.name} does not say which column is the target.",
            "Load the original file again and pick the target.",
        )
    stored_roles = {k: Role(v) for k, v in (meta.get("roles") or {}).items()}
    if roles:
        stored_roles.update({k: Role(v) for k, v in roles.items()})
    if any(c not in stored_roles for c in frame.columns if c != target):
        guessed = infer_roles(frame.drop(columns=[target]))
        stored_roles = {**guessed, **stored_roles}
    source = source_path or meta.get("source_path")
    return Task(
        dataset_id=dataset_id or meta.get("dataset_id") or path.stem,
        name=name or meta.get("name") or path.stem,
        frame=frame,
        target=target,
        task_type=task_type or meta.get("task_type") or detect_task_type(frame[target]),
        roles=stored_roles,
        excluded=dict(meta.get("excluded") or {}),
        dropped_rows=int(meta.get("dropped_rows") or 0),
        source_path=Path(source) if source else None,
        notes=tuple(meta.get("notes") or ()),
    )

"""A stored dataset: its store row, the `Task` rebuilt from its snapshot, and the spec of an
experiment on it. Every place that needs a dataset back from the store goes through here (the
workspace, the dispatcher, the meta-feature child process, fitting on the whole table).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from metadesk.data.task import Task
from metadesk.errors import WorkspaceProblem
from metadesk.experiments.spec import ExperimentSpec, Protocol
from metadesk.knowledge.store import Store
from metadesk.portfolio.configuration import Configuration

# The store speaks plain dicts: column -> its SQLite or JSON value, whose type depends on the
# column (the store is untyped by design, so a row's values are `Any`).
StoreRow = dict[str, Any]
DatasetRow = StoreRow  # a dataset's row: the fields of `records.dataset_row`


def dataset_row(store: Store, dataset_id: str) -> DatasetRow:
    """The dataset's store row; `WorkspaceProblem` in plain words when it is not there."""
    row = store.dataset(dataset_id)
    if row is None:
        raise WorkspaceProblem(
            f"No dataset {dataset_id} in this workspace.", "Load the table again to add it."
        )
    return row


def task_from_row(row: DatasetRow) -> Task:
    """The `Task` of a dataset's store row, from its snapshot (never the user's original file),
    with exactly the feature columns recorded when it was added."""
    from metadesk.data import task_from_snapshot

    if not Path(row["snapshot_path"]).exists():
        raise WorkspaceProblem(
            f"The stored copy of '{row['name']}' is missing.",
            "Load the original file again to restore it.",
        )
    task = task_from_snapshot(
        row["snapshot_path"],
        target=row["target"],
        task_type=row["task_type"],
        roles=row["roles"],
        name=row["name"],
        dataset_id=row["id"],
        source_path=row["source_path"] or None,
    )
    return with_stored_columns(task, row)


def load_task(store: Store, dataset_id: str) -> Task:
    return task_from_row(dataset_row(store, dataset_id))


def with_stored_columns(task: Task, row: DatasetRow) -> Task:
    """The task with exactly the feature columns recorded when it was added, in that order."""
    columns = [c for c, _ in row["feature_roles"]] + [row["target"]]
    missing = [c for c in columns if c not in task.frame.columns]
    if missing:
        raise WorkspaceProblem(
            f"The stored copy of '{row['name']}' lacks columns {missing[:5]}.",
            "Remove the dataset and load its file again.",
        )
    if list(task.frame.columns) == columns:
        return task
    return dataclasses.replace(task, frame=task.frame[columns])


def spec_from_row(
    row: DatasetRow, configuration: Configuration, protocol: Protocol
) -> ExperimentSpec:
    """The spec that runs `configuration` under `protocol` on the stored dataset `row`."""
    return ExperimentSpec(
        dataset_id=row["id"],
        snapshot_path=row["snapshot_path"],
        target=row["target"],
        task_type=row["task_type"],
        roles=tuple((str(c), str(r)) for c, r in row["feature_roles"]),
        configuration=configuration,
        protocol=protocol,
    )


def stored_spec(
    store: Store,
    dataset_id: str,
    configuration: Configuration,
    protocol: Protocol,
    task: Task | None = None,
) -> tuple[ExperimentSpec, Task]:
    """The spec of `configuration` on a stored dataset, and the dataset's task (rebuilt from
    its snapshot unless given): what fitting on the whole table, the baseline and permutation
    importance run."""
    row = dataset_row(store, dataset_id)
    task = task if task is not None else task_from_row(row)
    return spec_from_row(row, configuration, protocol), task

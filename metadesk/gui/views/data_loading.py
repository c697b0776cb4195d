"""What the Data view loads on a worker thread: a file or a workspace dataset, summarised and ready
to show (`LoadedTable`), and the task made from the user's choices. No Qt here besides the model's
column preparation, so all of it can run off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metadesk.gui.frame_model import FrameModel
from metadesk.gui.views.column_summary import ColumnSummary, summarize_frame

TASK_TYPE_LABELS = {
    "binary": "Binary classification",
    "multiclass": "Multiclass classification",
    "regression": "Regression",
}


@dataclass(frozen=True)
class LoadedTable:
    """What a background load hands to the view."""

    path: Path | None
    frame: Any
    report: Any
    roles: dict[str, str]
    target: str
    summaries: list[ColumnSummary]
    dataset_id: str | None = None
    task: Any = None
    columns: list[Any] | None = None  # FrameModel.prepare_columns(frame), made on the worker


def suggest_target(frame) -> str:
    """`metadesk.data`'s target suggestion (a column named like target/class/label, else the last)."""
    from metadesk.data import suggest_target as suggest

    return str(suggest(frame))


def describe_target(task) -> str:
    """ "2 classes: yes 62%, no 38%" or "from 0.3 to 5.1, mean 2.4"; runs on a worker thread."""
    y = task.y
    if task.task_type == "regression":
        return f"from {y.min():,.4g} to {y.max():,.4g}, mean {y.mean():,.4g}"
    shares = y.value_counts(normalize=True)
    parts = [f"{k} {v:.0%}" for k, v in shares.head(3).items()]
    more = ", …" if len(shares) > 3 else ""
    return f"{len(shares)} classes: " + ", ".join(parts) + more


def role_values(roles) -> dict[str, str]:
    return {str(k): str(getattr(v, "value", v)) for k, v in roles.items()}


def load_file_table(ws, path: Path, options: dict[str, Any]) -> LoadedTable:
    """Read a file through the workspace, suggest its target, summarise its columns."""
    frame, report = ws.read_table(path, **options)
    roles = role_values(report.roles)
    summaries = summarize_frame(frame, roles)
    return LoadedTable(
        path,
        frame,
        report,
        roles,
        suggest_target(frame),
        summaries,
        columns=FrameModel.prepare_columns(frame),
    )


def load_dataset_table(ws, dataset_id: str) -> LoadedTable:
    """A workspace dataset, rebuilt from its snapshot."""
    task = ws.load_task(dataset_id)
    roles = role_values(task.roles)
    summaries = summarize_frame(task.frame, roles)
    path = Path(task.source_path) if task.source_path else None
    columns = FrameModel.prepare_columns(task.frame)
    return LoadedTable(
        path, task.frame, None, roles, task.target, summaries, dataset_id, task, columns
    )


def make_checked_task(ws, table: LoadedTable, target: str, roles: dict[str, str], **options):
    """`workspace.make_task` with the user's roles; returns (task, target description)."""
    from metadesk.data.roles import Role

    path = table.path
    task = ws.make_task(
        table.frame,
        target,
        roles={k: Role(v) for k, v in roles.items() if v},
        name=path.stem if path else "table",
        source_path=path,
        **options,
    )
    return task, describe_target(task)

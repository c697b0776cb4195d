"""What the Data view loads on a worker thread: a file or a workspace dataset, summarised and ready
to show (`LoadedTable`), and the task made from the user's choices. No Qt here besides the model's
column preparation, so all of it can run off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metadesk.gui.frame_model import FrameModel
from metadesk.gui.views.column_summary import ColumnSummary, summarize_frame

if TYPE_CHECKING:
    from metadesk.data.task import Task
    from metadesk.workspace.service import Workspace

TASK_TYPE_LABELS = {
    "binary": "Binary classification",
    "multiclass": "Multiclass classification",
    "regression": "Regression",
}

# The encodings a user can pick for a text file, as (codec, label); the detected one comes first.
ENCODINGS = (
    ("utf-8", "UTF-8"),
    ("utf-8-sig", "UTF-8 with BOM"),
    ("cp1252", "Windows-1252 (Western)"),
    ("latin-1", "Latin-1 (ISO-8859-1)"),
    ("iso8859-15", "Latin-9 (ISO-8859-15)"),
    ("cp1250", "Windows-1250 (Central European)"),
    ("cp1251", "Windows-1251 (Cyrillic)"),
    ("cp1253", "Windows-1253 (Greek)"),
    ("utf-16", "UTF-16"),
)


def plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def encoding_label(codec: str) -> str:
    """ "Windows-1252 (Western)" for cp1252; the codec's own name when it has no label."""
    import codecs

    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return codec
    for known, label in ENCODINGS:
        if codecs.lookup(known).name == name and (known == "utf-8-sig") == (codec == "utf-8-sig"):
            return label
    return codec


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
    options: dict[str, Any] | None = None  # what `read_table` was given (nrows, encoding, …)


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


def format_bytes(size: int) -> str:
    """File sizes as the file manager shows them: 812 bytes · 52 KB · 1.4 MB · 2.1 GB."""
    if size < 1000:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000
        if value < 999.5 or unit == "TB":
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    return f"{value:.0f} TB"  # pragma: no cover - the loop always returns


def reading_message(path: Path, options: dict[str, Any]) -> str:
    """ "Reading sales.csv (1.4 MB)" plus which part, said before the read starts."""
    try:
        size = f" ({format_bytes(path.stat().st_size)})"
    except OSError:
        size = ""  # read_table says what is wrong with the file
    part = ""
    if options.get("nrows"):
        part = f", first {int(options['nrows']):,} rows"
    elif options.get("sample"):
        part = f", a random sample of {int(options['sample']):,} rows"
    return f"Reading {path.name}{size}{part}"


class LoadInterrupted(Exception):
    """The user cancelled while the file was being read: nothing more is done with it."""


def load_file_table(ws: Workspace, path: Path, options: dict[str, Any]) -> LoadedTable:
    """Read a file through the workspace, suggest its target, summarise its columns."""
    from metadesk.gui.workers import current_task_state

    state = current_task_state()
    if state is not None:
        # The reader cannot report how far it is: say what is read and how big it is.
        state.set_progress(None, reading_message(path, options))
    frame, report = ws.read_table(path, **options)
    if state is not None and state.interrupted:
        raise LoadInterrupted(path.name)  # cancelled during the read: skip the summaries
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
        options=dict(options),
    )


def load_dataset_table(ws: Workspace, dataset_id: str) -> LoadedTable:
    """A workspace dataset, rebuilt from its snapshot."""
    from metadesk.gui.workers import current_task_state

    state = current_task_state()
    if state is not None:
        state.set_progress(None, "Reading the dataset's snapshot from your workspace")
    task = ws.load_task(dataset_id)
    roles = role_values(task.roles)
    summaries = summarize_frame(task.frame, roles)
    path = Path(task.source_path) if task.source_path else None
    columns = FrameModel.prepare_columns(task.frame)
    return LoadedTable(
        path, task.frame, None, roles, task.target, summaries, dataset_id, task, columns
    )


def make_checked_task(
    ws: Workspace, table: LoadedTable, target: str, roles: dict[str, str], **options: Any
) -> tuple[Task, str]:
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


def left_out(excluded: Mapping[str, str]) -> str:
    """ "id: looks like a row identifier; notes: the same value in every row" (reasons have
    their own parentheses, so none are added around them)."""
    return "; ".join(f"{column}: {reason}" for column, reason in excluded.items())

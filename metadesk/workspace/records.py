"""The workspace's values (`DatasetInfo`, `ExperimentRow`) and their conversion from store rows.

The store speaks plain dicts and JSON; this module turns them into the values the faces see, into
`ExperimentSpec`s for workers, and into the leaderboard table.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from metadesk.data.roles import Role
from metadesk.data.task import Task
from metadesk.experiments.spec import ExperimentSpec, Protocol, Result
from metadesk.knowledge.store import Store
from metadesk.metric_names import LOWER_IS_BETTER, default_metric, metrics_for
from metadesk.portfolio.configuration import Configuration
from metadesk.workspace.stored import DatasetRow, StoreRow, spec_from_row


@dataclass(frozen=True)
class DatasetInfo:
    dataset_id: str
    name: str
    task_type: str
    target: str
    n_rows: int
    n_features: int
    source_path: str  # the user's original file (may have moved since; the snapshot is what counts)
    snapshot_path: str
    added_at: str  # ISO timestamp


@dataclass(frozen=True)
class ExperimentRow:
    """One row of the queue / results table."""

    experiment_id: int
    dataset_id: str
    configuration_id: str
    configuration_label: str
    status: str  # queued | running | ok | failed | timeout | cancelled | interrupted
    priority: int
    queued_at: str
    started_at: str | None
    finished_at: str | None
    result: Result | None  # present once finished
    algorithm: str = ""
    interruptions: int = 0  # times a crash interrupted it (it was queued again each time)
    error: str = ""  # plain-language message for failed / timeout / cancelled


def dataset_row(task: Task, snapshot_path: Path) -> DatasetRow:
    return {
        "id": task.dataset_id,
        "name": task.name or task.dataset_id,
        "task_type": task.task_type,
        "target": task.target,
        "roles": {c: Role(r).value for c, r in task.roles.items()},
        "feature_roles": [list(p) for p in task.feature_roles()],
        "excluded": dict(task.excluded),
        "dropped_rows": int(task.dropped_rows),
        "source_path": str(task.source_path or ""),
        "snapshot_path": str(snapshot_path),
        "n_rows": int(task.n_rows),
        "n_features": len(task.feature_columns),
    }


def dataset_info(row: DatasetRow) -> DatasetInfo:
    return DatasetInfo(
        dataset_id=row["id"],
        name=row["name"],
        task_type=row["task_type"],
        target=row["target"],
        n_rows=int(row["n_rows"]),
        n_features=int(row["n_features"]),
        source_path=row["source_path"] or "",
        snapshot_path=row["snapshot_path"],
        added_at=row["added_at"],
    )


def configuration_row(c: Configuration) -> StoreRow:
    return {
        "id": c.id,
        "algorithm": c.algorithm,
        "params": c.params,
        "label": c.label,
        "task_types": c.task_types,
    }


def configuration_from_row(row: StoreRow) -> Configuration:
    return Configuration(
        id=row["id"],
        algorithm=row["algorithm"],
        params=dict(row["params"]),
        label=row["label"],
        task_types=tuple(row["task_types"]) or ("binary", "multiclass", "regression"),
    )


def queue_item(dataset: DatasetRow, c: Configuration, protocol: Protocol) -> StoreRow:
    """What the store needs to queue one experiment, with the identity used to de-duplicate it."""
    spec = spec_from_row(dataset, c, protocol)
    return {
        "dataset_id": dataset["id"],
        "configuration_id": c.id,
        "protocol": protocol.to_dict(),
        "protocol_key": protocol.key(),
        "spec_key": spec.key,
    }


def requeue_rule(protocol: Protocol, *, retry_failed: bool) -> Callable[[StoreRow], bool]:
    """Which finished, not-ok experiments a new request queues again: cancelled and interrupted
    ones always; failed ones when asked; timed-out ones when asked or given more time."""

    def requeue(old: StoreRow) -> bool:
        if old["status"] in ("cancelled", "interrupted") or retry_failed:
            return True
        more_time = protocol.time_limit_s > float(old["protocol"].get("time_limit_s") or 0)
        return old["status"] == "timeout" and more_time

    return requeue


def experiment_row(row: StoreRow) -> ExperimentRow:
    result = Result.from_json(row["result"]) if row.get("result") else None
    return ExperimentRow(
        experiment_id=int(row["id"]),
        dataset_id=row["dataset_id"],
        configuration_id=row["configuration_id"],
        configuration_label=row.get("configuration_label") or row["configuration_id"],
        status=row["status"],
        priority=int(row["priority"]),
        queued_at=row["queued_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        result=result,
        algorithm=row.get("algorithm") or "",
        interruptions=int(row.get("interruptions") or 0),
        error=row.get("error") or "",
    )


def spec_builder(store: Store) -> Callable[[StoreRow], ExperimentSpec]:
    """What the dispatcher calls to turn a claimed row into a spec; reads only the store."""

    def build(row: StoreRow) -> ExperimentSpec:
        ds = store.dataset(row["dataset_id"])
        cfg = store.configuration(row["configuration_id"])
        if ds is None or cfg is None:
            raise ValueError("The dataset or configuration of this experiment was removed.")
        if not Path(ds["snapshot_path"]).exists():
            raise ValueError(
                f"The stored copy of '{ds['name']}' is missing; load its file again to run it."
            )
        return spec_from_row(ds, configuration_from_row(cfg), Protocol.from_dict(row["protocol"]))

    return build


def most_rows_first(experiments: list[StoreRow]) -> list[StoreRow]:
    """Store rows ordered so that, per configuration, the one measured on all rows comes first,
    then larger row samples (a search scores many configurations on samples first)."""

    def rows(r: StoreRow) -> float:
        cap = (r.get("protocol") or {}).get("max_rows")
        return math.inf if not cap else float(cap)

    return sorted(experiments, key=lambda r: (-rows(r), -int(r.get("id") or 0)))


def is_shipped(configuration_id: str) -> bool:
    """True for the shipped portfolio's configurations; False for points found by a search."""
    return configuration_id in _shipped_ids()


@functools.cache
def _shipped_ids() -> frozenset[str]:
    from metadesk.portfolio import default_portfolio

    return frozenset(c.id for t in ("binary", "regression") for c in default_portfolio(t))


def leaderboard_frame(
    task_type: str,
    own: list[StoreRow],
    prior_runs: pd.DataFrame | None,
    configurations: dict[str, Configuration],
    metric: str | None = None,
) -> pd.DataFrame:
    """Columns: configuration_id, label, algorithm, <metric> and <metric>_std for every metric of
    the task type, fit_seconds, provenance, experiment_id (None for prior rows), folds, rows (the
    row sample's size, None for all rows), tuned (found by a search); best first."""
    metrics = metrics_for(task_type)
    metric = metric or default_metric(task_type)
    rows: list[dict[str, object]] = []  # one per leaderboard line
    seen: set[str] = set()
    for r in most_rows_first(own):
        result = r.get("parsed_result")  # parsed once by a caller that reads the results too
        if result is None:
            result = Result.from_json(r["result"]) if r.get("result") else None
        if result is None or r["configuration_id"] in seen:
            continue  # one row per configuration: the one measured on the most rows
        seen.add(r["configuration_id"])
        row = {
            "configuration_id": r["configuration_id"],
            "label": r.get("configuration_label") or r["configuration_id"],
            "algorithm": r.get("algorithm") or "",
        }
        for m in metrics:
            row[m] = result.mean.get(m, math.nan)
            row[f"{m}_std"] = result.std.get(m, math.nan)
        row.update(
            fit_seconds=result.fit_seconds,
            provenance="own",
            experiment_id=int(r["id"]),
            folds=int(r["protocol"].get("folds", 0)),
            repeats=int(r["protocol"].get("repeats", 1) or 1),
            rows=r["protocol"].get("max_rows") or None,
            tuned=not is_shipped(r["configuration_id"]),
        )
        rows.append(row)
    if prior_runs is not None and len(prior_runs):
        for cid, group in prior_runs.groupby("configuration_id"):
            if cid in seen:
                continue  # own results win over prior ones
            cfg = configurations.get(str(cid))
            scores = dict(zip(group["metric"], group["score"], strict=False))
            stds = dict(zip(group["metric"], group["std"], strict=False)) if "std" in group else {}
            row = {
                "configuration_id": str(cid),
                "label": cfg.label if cfg and cfg.label else str(cid),
                "algorithm": cfg.algorithm if cfg else str(group["algorithm"].iloc[0]),
            }
            for m in metrics:
                row[m] = float(scores.get(m, math.nan))
                row[f"{m}_std"] = float(stds.get(m, math.nan))
            fit = group["fit_seconds"].iloc[0] if "fit_seconds" in group else math.nan
            folds = group["folds"].iloc[0] if "folds" in group else 0
            row.update(
                fit_seconds=float(fit),
                provenance="prior",
                experiment_id=None,
                folds=int(folds) if folds == folds else 0,
                rows=None,
                tuned=False,
            )
            rows.append(row)
    columns = ["configuration_id", "label", "algorithm"]
    for m in metrics:
        columns += [m, f"{m}_std"]
    columns += ["fit_seconds", "provenance", "experiment_id", "folds", "repeats", "rows", "tuned"]
    frame = pd.DataFrame(rows, columns=columns)
    if len(frame) and metric in frame:
        frame = frame.sort_values(
            metric, ascending=metric in LOWER_IS_BETTER, na_position="last", kind="stable"
        ).reset_index(drop=True)
    frame.attrs["metric"] = metric
    return frame


def snapshot_folder(folder: Path) -> Path:
    """The workspace's folder of table copies, created for its owner only; a plain message when
    it cannot be (a file of that name, no permission)."""
    from metadesk.errors import WorkspaceProblem

    if folder.exists() and not folder.is_dir():
        raise WorkspaceProblem(
            f"{folder} is a file, but the workspace keeps its copies of tables there.",
            "Move or rename that file, or open a workspace in another folder.",
        )
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceProblem(
            f"The folder {folder} cannot be created.",
            "Check that the workspace's folder is writable.",
            details=str(exc),
        ) from exc
    return folder

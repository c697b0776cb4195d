"""Knowledge exchange: a `MetaDataset` as two plain tables (CSV or Parquet), never pickle.

`read_exchange` validates every row first and raises `KnowledgeProblem` listing the problems, so a
bad file imports nothing. `load_prior` reads a folder in this format (the shipped prior, or the
workspace's imported knowledge) plus any saved evaluation JSON; `combine` layers two meta-datasets.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from metadesk.errors import KnowledgeProblem
from metadesk.metamodel.exchange_checks import (
    RUN_OPTIONAL,
    Problems,
    check_datasets,
    check_runs,
    configurations_from_runs,
    read_raw,
)
from metadesk.metamodel.metrics import TASK_TYPES, metrics_for
from metadesk.metamodel.values import (
    DATASET_COLUMNS,
    OPTIONAL_RUN_COLUMNS,
    RUN_COLUMNS,
    MetaDataset,
    parse_fold_scores,
)
from metadesk.portfolio.configuration import Configuration

log = logging.getLogger(__name__)

FORMATS = {"csv": ".csv", "parquet": ".parquet"}
EVALUATION_GLOB = "evaluation*.json"


def read_exchange(
    datasets_path: Path | str, runs_path: Path | str, *, provenance: str = "imported"
) -> MetaDataset:
    """Read and validate a datasets table and a runs table. Raises `KnowledgeProblem` (nothing
    imported) listing every problem found, row by row. A `provenance` column in the files wins."""
    datasets_path, runs_path = Path(datasets_path), Path(runs_path)
    problems = Problems()
    ds_raw = read_raw(datasets_path, problems)
    runs_raw = read_raw(runs_path, problems)
    if ds_raw is None or runs_raw is None:
        problems.raise_if_any()
    datasets = check_datasets(ds_raw, datasets_path, problems, provenance)
    runs, configurations = check_runs(runs_raw, runs_path, datasets, problems, provenance)
    problems.raise_if_any()
    return MetaDataset(datasets=datasets, runs=runs, configurations=configurations)


def write_exchange(
    meta_dataset: MetaDataset, folder: Path | str, fmt: str = "csv"
) -> tuple[Path, Path]:
    """Write `datasets.<fmt>` and `runs.<fmt>` into `folder`; returns their paths."""
    if fmt not in FORMATS:
        raise KnowledgeProblem(
            f"'{fmt}' is not an exchange format.", "Use csv or parquet.", problems=[]
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ds = meta_dataset.datasets.copy()
    ds.index = ds.index.astype(str)
    ds.index.name = "dataset_id"
    for col in DATASET_COLUMNS:
        if col not in ds:
            ds[col] = "" if col != "provenance" else "prior"
    features = [c for c in ds.columns if c not in DATASET_COLUMNS]
    ds = ds.reset_index()[["dataset_id", *DATASET_COLUMNS, *features]]
    runs = meta_dataset.runs.copy()
    optional = [c for c in OPTIONAL_RUN_COLUMNS if c in runs]
    runs = runs[[*RUN_COLUMNS, *optional]].reset_index(drop=True)
    # Labels and settings travel with the runs so that unknown configurations stay described.
    cfgs = meta_dataset.configurations
    runs["label"] = [cfgs[c].label if c in cfgs else "" for c in runs["configuration_id"]]
    runs["params"] = [
        json.dumps(cfgs[c].params, sort_keys=True) if c in cfgs else "{}"
        for c in runs["configuration_id"]
    ]
    ext = FORMATS[fmt]
    paths = (folder / f"datasets{ext}", folder / f"runs{ext}")
    for frame, path in zip((ds, runs), paths, strict=False):
        tmp = path.with_name(path.name + ".tmp")
        if fmt == "csv":
            frame.to_csv(tmp, index=False)
        else:
            frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    return paths


def load_prior(folder: Path | str | None, *, provenance: str = "prior") -> MetaDataset | None:
    """The meta-dataset stored in `folder` (Parquet preferred over CSV), with any saved evaluation
    (`evaluation*.json`); None when the folder holds no knowledge. Everything loaded is marked
    `provenance` ('prior'; 'imported' for a workspace's imported knowledge), whatever the files say:
    knowledge exported as 'own' elsewhere is not this workspace's own.

    Only reads: no model is fitted or evaluated here (that waits until suggestions are asked for)."""
    if folder is None:
        return None
    folder = Path(folder)
    for ext in (".parquet", ".csv"):
        ds, runs = folder / f"datasets{ext}", folder / f"runs{ext}"
        if ds.is_file() and runs.is_file():
            md = _read_trusted(ds, runs, provenance) if ext == ".parquet" else None
            if md is None:  # not as written by `write_exchange`: validate row by row
                md = read_exchange(ds, runs, provenance=provenance)
            md.datasets["provenance"] = provenance
            md.runs["provenance"] = provenance
            evaluations = _read_evaluations(folder)
            return MetaDataset(md.datasets, md.runs, md.configurations, evaluations)
    return None


def _read_trusted(datasets_path: Path, runs_path: Path, provenance: str) -> MetaDataset | None:
    """A quick read of Parquet tables as `write_exchange` writes them, with whole-column checks
    only; None when anything is unexpected, so that the caller validates row by row instead."""
    try:
        raw_ds = pd.read_parquet(datasets_path)
        raw_runs = pd.read_parquet(runs_path)
    except Exception:  # unreadable: the validated read reports it properly
        return None
    required = ["dataset_id", "name", "task_type", "group"]
    if any(c not in raw_ds for c in required) or any(c not in raw_runs for c in RUN_COLUMNS):
        return None
    extra = set(raw_runs.columns) - set(RUN_COLUMNS) - set(RUN_OPTIONAL)
    features = [c for c in raw_ds.columns if c not in ("dataset_id", *DATASET_COLUMNS)]
    if extra or any(not is_numeric_dtype(raw_ds[c]) or is_bool_dtype(raw_ds[c]) for c in features):
        return None
    if any(raw_ds[c].isna().any() for c in required if c != "name"):
        return None
    ids = raw_ds["dataset_id"].astype(str).str.strip()
    types = raw_ds["task_type"].astype(str).str.strip().str.lower()
    if ids.duplicated().any() or (ids == "").any() or not types.isin(TASK_TYPES).all():
        return None
    values = raw_ds[features].to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(values).any():
        return None
    names = raw_ds["name"].fillna("").astype(str).str.strip()
    groups = raw_ds["group"].astype(str).str.strip()
    datasets = pd.DataFrame(
        {
            "name": names.where(names != "", ids).to_numpy(),
            "task_type": types.to_numpy(),
            "group": groups.where(groups != "", ids).to_numpy(),
            "provenance": provenance,
        },
        index=pd.Index(ids.to_numpy(), name="dataset_id"),
    )
    if features:
        block = pd.DataFrame(values, index=datasets.index, columns=features)
        datasets = pd.concat([datasets, block], axis=1)
    for c in ("dataset_id", "configuration_id", "algorithm", "metric"):
        if raw_runs[c].isna().any():
            return None
    runs = pd.DataFrame(
        {
            "dataset_id": raw_runs["dataset_id"].astype(str).str.strip().to_numpy(),
            "configuration_id": raw_runs["configuration_id"].astype(str).str.strip().to_numpy(),
            "algorithm": raw_runs["algorithm"].astype(str).str.strip().to_numpy(),
            "metric": raw_runs["metric"].astype(str).str.strip().str.lower().to_numpy(),
        }
    )
    if not is_numeric_dtype(raw_runs["score"]):
        return None
    runs["score"] = raw_runs["score"].to_numpy(dtype=float, na_value=np.nan)
    task = runs["dataset_id"].map(datasets["task_type"])
    regression = task == "regression"
    applies = (regression & runs["metric"].isin(metrics_for("regression"))) | (
        ~regression & runs["metric"].isin(metrics_for("binary"))
    )
    if (
        task.isna().any()
        or not applies.all()
        or not np.isfinite(runs["score"].to_numpy()).all()
        or (runs[["configuration_id", "algorithm"]] == "").any().any()
        or runs.duplicated(["dataset_id", "configuration_id", "metric"]).any()
    ):
        return None
    for col in ("std", "folds", "fit_seconds"):
        if col in raw_runs:
            if not is_numeric_dtype(raw_runs[col]):
                return None
            arr = raw_runs[col].to_numpy(dtype=float, na_value=np.nan)
            if (np.isinf(arr) | (arr < 0)).any():
                return None
            runs[col] = arr
    if "fold_scores" in raw_runs:
        folds = raw_runs["fold_scores"].fillna("")
        if not folds.map(lambda v: v == "" or parse_fold_scores(v) is not None).all():
            return None
        runs["fold_scores"] = folds.astype(str).to_numpy()
    runs["provenance"] = provenance
    problems = Problems()
    meta = raw_runs.reset_index(drop=True)
    configurations = configurations_from_runs(meta, runs, datasets, runs_path.name, 1, problems)
    if problems.items:
        return None
    return MetaDataset(datasets=datasets, runs=runs, configurations=configurations)


def _read_evaluations(folder: Path) -> dict[str, dict[str, Any]]:
    """'task_type/metric' -> saved `EvaluationReport.to_dict()`; unreadable files are skipped."""
    out: dict[str, dict[str, Any]] = {}  # Any: JSON values of mixed kinds
    for path in sorted(folder.glob(EVALUATION_GLOB)):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("Skipping saved evaluation %s: %s", path, exc)
            continue
        reports = [data] if isinstance(data, dict) and "figures" in data else []
        if isinstance(data, dict) and not reports:
            reports = [v for v in data.values() if isinstance(v, dict) and "figures" in v]
        elif isinstance(data, list):
            reports = [v for v in data if isinstance(v, dict) and "figures" in v]
        for r in reports:
            if "task_type" in r and "metric" in r:
                out[f"{r['task_type']}/{r['metric']}"] = r
    return out


def combine(prior: MetaDataset | None, own: MetaDataset | None) -> MetaDataset:
    """`prior` with `own` layered on top: own rows win for the same dataset, and own scores win
    for the same dataset, configuration and metric."""
    if prior is None and own is None:
        return MetaDataset.empty()
    if prior is None:
        return own  # type: ignore[return-value]
    if own is None:
        return prior
    frames = [f for f in (prior.datasets, own.datasets) if len(f)]
    if not frames:
        datasets = (prior.datasets if len(prior.datasets.columns) else own.datasets).copy()
    elif len(frames) == 1:
        datasets = frames[0].copy()
    else:
        datasets = pd.concat(frames, axis=0, sort=False)
        datasets = datasets[~datasets.index.duplicated(keep="last")]
    datasets.index.name = "dataset_id"
    ordered = [c for c in DATASET_COLUMNS if c in datasets]
    datasets = datasets[ordered + [c for c in datasets.columns if c not in DATASET_COLUMNS]]
    run_frames = [f for f in (prior.runs, own.runs) if len(f)]
    if not run_frames:
        runs = own.runs.copy() if len(own.runs.columns) else prior.runs.copy()
    elif len(run_frames) == 1:
        runs = run_frames[0].reset_index(drop=True)
    else:
        runs = pd.concat(run_frames, axis=0, ignore_index=True, sort=False)
        key = ["dataset_id", "configuration_id", "metric"]
        runs = runs[~runs.duplicated(key, keep="last")].reset_index(drop=True)
    configurations: dict[str, Configuration] = dict(prior.configurations)
    for cid, cfg in own.configurations.items():
        # A runnable description is never replaced by one that cannot run.
        if cid not in configurations or cfg.runnable or not configurations[cid].runnable:
            configurations[cid] = cfg
    evaluations = {**prior.evaluations, **own.evaluations}
    return MetaDataset(datasets, runs, configurations, evaluations)

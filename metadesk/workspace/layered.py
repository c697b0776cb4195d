"""Layered knowledge: the shipped prior, imported meta-datasets and this workspace's own results.

Own results win over imported ones, which win over the prior. The fitted meta-model is cached per
(task type, metric) and refitted only when a result arrives or knowledge is imported.
"""

from __future__ import annotations

import logging
import math
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from metadesk.experiments.spec import Result
from metadesk.knowledge.store import Store
from metadesk.metamodel.values import MetaDataset, format_fold_scores
from metadesk.metric_names import default_metric
from metadesk.workspace.imports import ImportedKnowledge, ImportEntry
from metadesk.workspace.knowledge_checks import check_ranges, precheck_files
from metadesk.workspace.records import configuration_from_row, most_rows_first

if TYPE_CHECKING:
    from metadesk.metamodel.facade import MetaModel

log = logging.getLogger(__name__)

RUN_COLUMNS = [
    "dataset_id",
    "configuration_id",
    "algorithm",
    "metric",
    "score",
    "std",
    "folds",
    "fit_seconds",
    "provenance",
    "fold_scores",
]


def empty_meta_dataset() -> MetaDataset:
    return MetaDataset.empty()


def own_meta_dataset(store: Store) -> MetaDataset:
    """This workspace's datasets, meta-features and finished `ok` results as a `MetaDataset`."""
    ds_rows = store.datasets()
    datasets = pd.DataFrame(
        [
            {
                "dataset_id": d["id"],
                "name": d["name"],
                "task_type": d["task_type"],
                "group": d["id"],
                "provenance": "own",
            }
            for d in ds_rows
        ],
        columns=["dataset_id", "name", "task_type", "group", "provenance"],
    ).set_index("dataset_id")
    features: dict[str, dict[str, float]] = {}
    for dataset_id, name, value, status in store.all_meta_features():
        ok = status == "computed" and value is not None
        features.setdefault(dataset_id, {})[name] = (
            float(value) if value is not None and ok else math.nan
        )
    if features:
        mf = pd.DataFrame.from_dict(features, orient="index")
        datasets = datasets.join(mf, how="left")
    runs: dict[tuple[str, str, str], dict[str, object]] = {}  # one row of the runs table
    for r in most_rows_first(store.experiments(statuses=("ok",))):
        if not r.get("result"):
            continue
        result = Result.from_json(r["result"])
        for metric, score in result.mean.items():
            # Several protocols on one pair: the one on most rows wins, then the latest.
            if (r["dataset_id"], r["configuration_id"], metric) in runs:
                continue
            runs[(r["dataset_id"], r["configuration_id"], metric)] = {
                "dataset_id": r["dataset_id"],
                "configuration_id": r["configuration_id"],
                "algorithm": r.get("algorithm") or "",
                "metric": metric,
                "score": float(score),
                "std": float(result.std.get(metric, math.nan)),
                "folds": int(r["protocol"].get("folds", 0)),
                "fit_seconds": float(result.fit_seconds),
                "provenance": "own",
                "fold_scores": format_fold_scores(result.fold_scores.get(metric, ())),
            }
    configurations = {c["id"]: configuration_from_row(c) for c in store.configurations()}
    return MetaDataset(
        datasets=datasets,
        runs=pd.DataFrame(list(runs.values()), columns=RUN_COLUMNS),
        configurations=configurations,
    )


class Knowledge:
    """What the workspace knows, and the meta-models fitted on it (thread-safe, lazily built)."""

    def __init__(self, store: Store, prior_dir: Path | str | bool | None) -> None:
        self.store = store
        self._prior_dir = prior_dir
        self.imported_dir = store.path.with_suffix(".knowledge")
        self.imports = ImportedKnowledge(self.imported_dir)
        self.imports.recover()
        self._lock = threading.RLock()
        self._prior: MetaDataset | None = None
        self._imported: MetaDataset | None = None
        # (task type, metric) -> (the knowledge's version when fitted, the model)
        self._models: dict[tuple[str, str], tuple[tuple[object, ...], MetaModel]] = {}
        self._generation = 0  # bumped when prior or imported knowledge changes

    # --- the layers -----------------------------------------------------------------------------
    def prior(self) -> MetaDataset:
        with self._lock:
            if self._prior is None:
                self._prior = self._load_prior()
            return self._prior

    def _load_prior(self) -> MetaDataset:
        if self._prior_dir is False:
            return empty_meta_dataset()
        if self._prior_dir is None or self._prior_dir is True:
            from metadesk.resources import prior_dir

            folder = prior_dir()
        else:
            folder = Path(self._prior_dir)
        from metadesk.metamodel import load_prior

        return load_prior(folder) or empty_meta_dataset()

    def imported(self) -> MetaDataset:
        with self._lock:
            if self._imported is None:
                self._imported = self.imports.load() or empty_meta_dataset()
            return self._imported

    def without_own(self) -> MetaDataset:
        from metadesk.metamodel import combine

        return combine(self.prior(), self.imported())

    def combined(self) -> MetaDataset:
        from metadesk.metamodel import combine

        return combine(self.without_own(), own_meta_dataset(self.store))

    def import_exchange(self, datasets_path: Path, runs_path: Path) -> dict[str, int]:
        from metadesk.metamodel import read_exchange

        precheck_files(datasets_path, runs_path)
        incoming = read_exchange(datasets_path, runs_path)  # validates all; raises KnowledgeProblem
        check_ranges(incoming, datasets_path, runs_path)
        with self._lock:
            entry = self.imports.add(incoming, datasets_path, runs_path)
            self._changed()
        return {
            "datasets": entry.datasets,
            "runs": entry.runs,
            "configurations": entry.configurations,
        }

    def import_entries(self) -> list[ImportEntry]:
        with self._lock:
            return self.imports.entries()

    def remove_import(self, import_id: str) -> ImportEntry:
        with self._lock:
            entry = self.imports.remove(import_id)
            self._changed()
            return entry

    def _changed(self) -> None:
        self._imported = None
        self._generation += 1
        self._models.clear()

    # --- the meta-model -------------------------------------------------------------------------
    def model(self, task_type: str, metric: str | None = None) -> MetaModel:
        """The fitted `MetaModel` for this task type and metric, refitted when knowledge changed."""
        from metadesk.metamodel.facade import MetaModel

        metric = metric or default_metric(task_type)
        key = (task_type, metric)
        with self._lock:
            version = (self._generation, self.store.knowledge_version())
            cached = self._models.get(key)
            if cached is not None and cached[0] == version:
                return cached[1]
            model = MetaModel(task_type, metric).fit(self.combined())
            self._models[key] = (version, model)
            return model

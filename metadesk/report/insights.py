"""Plain-data views of results and knowledge for plots: the dataset map, the score heatmap and
best-so-far series. Pure numpy/pandas on values the workspace returns; safe on a worker thread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metadesk.experiments.spec import LOWER_IS_BETTER
from metadesk.knowledge.dataset_names import plain_name
from metadesk.metamodel.metrics import within_range
from metadesk.workspace.records import ExperimentRow


def within_metric_range(metric: str, *values: float) -> tuple[float, ...]:
    """`values` clipped to what `metric` can reach (an 80% interval up to 1.045 accuracy is 1.0)."""
    return within_range(metric, *values)


# Columns of MetaDataset.datasets that are not meta-features.
_NON_FEATURES = ("name", "task_type", "group", "provenance")


@dataclass(frozen=True)
class DatasetMap:
    """Datasets placed on the first two principal components of their scaled meta-features."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    provenance: tuple[str, ...]
    xy: np.ndarray = field(repr=False)
    current: int | None  # index of the current dataset in `ids`
    neighbours: tuple[int, ...]  # indices of its nearest datasets, nearest first
    explained: tuple[float, ...] = ()  # share of variation along each component
    by_distance: tuple[int, ...] = ()  # every dataset of the same task family, nearest first

    @property
    def neighbour_ids(self) -> list[str]:
        return [self.ids[i] for i in self.neighbours]


def _family(task_type: object) -> str:
    return "regression" if str(task_type) == "regression" else "classification"


def meta_feature_matrix(datasets: pd.DataFrame) -> pd.DataFrame:
    """The numeric meta-feature columns of `MetaDataset.datasets` (non-features dropped)."""
    cols = [c for c in datasets.columns if c not in _NON_FEATURES]
    return datasets[cols].apply(pd.to_numeric, errors="coerce").astype(float)


def robust_scaled(features: pd.DataFrame) -> np.ndarray:
    """Median-imputed, median/IQR-scaled values; all-missing and constant columns dropped."""
    x = features.to_numpy(dtype=float, copy=True)
    if x.size == 0:
        return np.zeros((len(features), 0))
    keep = ~np.all(np.isnan(x), axis=0)
    x = x[:, keep]
    if x.shape[1] == 0:
        return np.zeros((len(features), 0))
    median = np.nanmedian(x, axis=0)
    rows, cols = np.where(np.isnan(x))
    x[rows, cols] = median[cols]
    q1, q3 = np.percentile(x, [25, 75], axis=0)
    scale = q3 - q1
    spread = x.max(axis=0) - x.min(axis=0)
    scale = np.where(scale > 0, scale, spread)  # fall back where half the values are equal
    keep = scale > 0
    x = (x[:, keep] - median[keep]) / scale[keep]
    return np.clip(x, -10, 10)  # one extreme meta-feature must not decide the whole map


def dataset_map(
    datasets: pd.DataFrame,
    current_id: str | None = None,
    current_features: Mapping[str, float] | None = None,
    *,
    current_name: str = "this dataset",
    current_task_type: str | None = None,
    k: int = 5,
) -> DatasetMap:
    """PCA of robust-scaled imputed meta-features. The current dataset is added from
    `current_features` when it is not in the meta-dataset yet; its `k` nearest datasets of the same
    task family (classification or regression) are its neighbours."""
    frame = datasets.copy()
    if "provenance" not in frame:
        frame["provenance"] = "prior"
    if "name" not in frame:
        frame["name"] = frame.index.astype(str)
    if current_id is not None and current_id not in frame.index and current_features:
        row: dict[str, object] = {c: np.nan for c in frame.columns}
        row.update({k_: v for k_, v in current_features.items() if k_ in frame.columns})
        row.update(name=current_name, provenance="own", task_type=current_task_type or "")
        frame = pd.concat([frame, pd.DataFrame([row], index=[current_id])])
    ids = tuple(str(i) for i in frame.index)
    names = tuple(plain_name(str(n)) for n in frame["name"].fillna("").to_numpy())
    provenance = tuple(str(p) for p in frame["provenance"].fillna("prior").to_numpy())
    scaled = robust_scaled(meta_feature_matrix(frame))
    n = len(ids)
    if n == 0:
        return DatasetMap((), (), (), np.zeros((0, 2)), None, ())
    centred = scaled - scaled.mean(axis=0) if scaled.shape[1] else np.zeros((n, 0))
    xy = np.zeros((n, 2))
    explained: tuple[float, ...] = ()
    if centred.shape[1] and n > 1:
        u, s, _ = np.linalg.svd(centred, full_matrices=False)
        comps = min(2, len(s))
        xy[:, :comps] = u[:, :comps] * s[:comps]
        total = float((s**2).sum())
        if total > 0:
            explained = tuple(float(v) / total for v in (s[:comps] ** 2))
    current = ids.index(current_id) if current_id in ids else None
    neighbours: tuple[int, ...] = ()
    if current is not None and centred.shape[1]:
        dist = np.abs(scaled - scaled[current]).sum(axis=1)  # L1, as the kNN recommender
        dist[current] = np.inf
        if "task_type" in frame and frame["task_type"].iloc[current]:
            family = _family(frame["task_type"].iloc[current])
            other = np.array([_family(t) != family for t in frame["task_type"].to_numpy()])
            dist[other] = np.inf
        order = [int(i) for i in np.argsort(dist, kind="stable") if np.isfinite(dist[i])]
        neighbours = tuple(order[:k])
    else:
        order = []
    return DatasetMap(ids, names, provenance, xy, current, neighbours, explained, tuple(order))


@dataclass(frozen=True)
class ScoreHeatmap:
    matrix: np.ndarray = field(repr=False)  # configurations x datasets, 0 = worst .. 1 = best
    configuration_ids: tuple[str, ...]
    configuration_labels: tuple[str, ...]
    dataset_ids: tuple[str, ...]
    dataset_labels: tuple[str, ...]


def score_heatmap(
    runs: pd.DataFrame,
    metric: str,
    dataset_ids: Sequence[str],
    *,
    dataset_names: Mapping[str, str] | None = None,
    configuration_labels: Mapping[str, str] | None = None,
    top: int = 12,
) -> ScoreHeatmap:
    """Scores of the best `top` configurations (by mean normalised score) on the given datasets,
    normalised per dataset so datasets of different difficulty share one colour scale."""
    empty = ScoreHeatmap(np.zeros((0, 0)), (), (), (), ())
    if runs is None or runs.empty or not dataset_ids:
        return empty
    sel = runs[(runs["metric"] == metric) & runs["dataset_id"].isin(list(dataset_ids))]
    if sel.empty:
        return empty
    table = sel.pivot_table(
        index="configuration_id", columns="dataset_id", values="score", aggfunc="mean"
    )
    if metric in LOWER_IS_BETTER:
        table = -table
    low, high = table.min(axis=0), table.max(axis=0)
    span = (high - low).replace(0, np.nan)
    norm = (table - low) / span
    for col in span.index[span.isna()]:  # one configuration (or a tie) on that dataset: all best
        norm[col] = table[col].notna().astype(float).where(table[col].notna())
    # Configurations measured on most of these datasets first, then the best of them.
    rank = pd.DataFrame({"n": norm.notna().sum(axis=1), "mean": norm.mean(axis=1, skipna=True)})
    order = rank.sort_values(["n", "mean"], ascending=False, kind="stable").index[:top]
    cols = [d for d in dataset_ids if d in norm.columns]
    norm = norm.loc[order, cols]
    names = dataset_names or {}
    labels = configuration_labels or {}
    return ScoreHeatmap(
        norm.to_numpy(dtype=float),
        tuple(str(c) for c in norm.index),
        tuple(labels.get(c) or str(c) for c in norm.index),
        tuple(str(d) for d in cols),
        tuple(names.get(d) or str(d) for d in cols),
    )


def finished_scores(experiments: Sequence[ExperimentRow], metric: str) -> list[tuple[str, float]]:
    """(configuration label, score) of the ok experiments in the order they finished."""
    done: list[tuple[ExperimentRow, float]] = []
    for e in experiments:
        score = e.result.score(metric) if e.status == "ok" and e.result is not None else None
        if score is not None:
            done.append((e, float(score)))
    done.sort(key=lambda pair: (pair[0].finished_at or "", pair[0].experiment_id))
    return [(e.configuration_label or e.configuration_id, score) for e, score in done]

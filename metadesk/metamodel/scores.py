"""The numeric view of a `MetaDataset` for one task family and metric: a dataset x configuration
score matrix normalised per dataset, and robust-scaled meta-features with missing values imputed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metadesk.metamodel.metrics import LOWER_IS_BETTER, POINT, orient
from metadesk.metamodel.values import MetaDataset

# Below this spread (metric units) a dataset's scores are treated as ties, not amplified into noise.
MIN_SCALE = 1e-3
# ...and for scores counted in points (accuracy, AUC, R²): half a point. On a dataset where every
# model is near 100%, 0.1-point differences are noise, yet at the smaller floor they became many
# spreads and outweighed the datasets where the choice of model matters.
MIN_SCALE_POINTS = 0.5 * POINT
# Normalised scores are floored here (a diverged model on R² can be hundreds of spreads below).
# At three spreads below the median: one collapse among a configuration's neighbours otherwise
# dragged its predicted score down on every table (held-out bias on R² -2.4 points; now -1).
Z_FLOOR = -3.0
# Shortfalls from a dataset's best are floored here (metric units, for scores counted in points):
# fifty points below the best is a failure, however much further below it fell.
SHORTFALL_FLOOR = 0.5


def task_family(task_type: str) -> tuple[str, ...]:
    """Binary and multiclass knowledge is pooled: the number of classes is itself a meta-feature."""
    return ("regression",) if task_type == "regression" else ("binary", "multiclass")


@dataclass(frozen=True, eq=False)
class ScoreTable:
    """`raw[d, c]`: the score of configuration c on dataset d in metric units (NaN when unknown);
    `z[d, c]`: the same score oriented so that greater is better and normalised per dataset:
    (oriented - loc[d]) / scale[d] with loc the median and scale a robust spread over configurations."""

    metric: str
    dataset_ids: list[str]
    names: list[str]
    groups: np.ndarray
    provenance: list[str]
    config_ids: list[str]
    raw: np.ndarray
    z: np.ndarray
    loc: np.ndarray
    scale: np.ndarray
    features: np.ndarray  # datasets x meta-features, raw values (NaN allowed)
    feature_names: list[str]
    # Standard error of each score (fold standard deviation / sqrt(folds)); NaN when unknown.
    se: np.ndarray | None = None

    @property
    def n_datasets(self) -> int:
        return len(self.dataset_ids)

    @classmethod
    def build(cls, meta_dataset: MetaDataset, task_type: str, metric: str) -> ScoreTable:
        ds = meta_dataset.datasets
        ds = ds[ds["task_type"].isin(task_family(task_type))] if len(ds) else ds
        ds = ds.set_axis(ds.index.astype(str), axis=0)
        runs = meta_dataset.runs
        if len(runs):
            runs = runs[(runs["metric"] == metric) & runs["dataset_id"].astype(str).isin(ds.index)]
            runs = runs[np.isfinite(pd.to_numeric(runs["score"], errors="coerce"))]
        if len(runs) == 0 or len(ds) == 0:
            return cls._empty(metric, meta_dataset.feature_names)
        matrix = _pivot(runs)
        matrix = matrix[matrix.notna().sum(axis=1) >= 2]  # one score cannot be normalised
        se = _standard_errors(runs, matrix)
        if len(matrix) == 0:
            return cls._empty(metric, meta_dataset.feature_names)
        raw = matrix.to_numpy(dtype=float)
        oriented = orient(raw, metric)
        floor = MIN_SCALE if metric in LOWER_IS_BETTER else MIN_SCALE_POINTS
        loc, scale = robust_location_scale(oriented, floor)
        ds = ds.loc[matrix.index]
        names = meta_dataset.feature_names
        features = (
            ds[names].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
            if names
            else np.zeros((len(ds), 0))
        )
        provenance = (
            ds["provenance"].fillna("prior").astype(str).tolist()
            if "provenance" in ds
            else ["prior"] * len(ds)
        )
        groups = ds["group"].fillna("").astype(str).to_numpy()
        groups = np.where(groups == "", matrix.index.to_numpy(dtype=str), groups)
        return cls(
            metric=metric,
            dataset_ids=[str(i) for i in matrix.index],
            names=ds["name"].fillna("").astype(str).tolist(),
            groups=groups,
            provenance=provenance,
            config_ids=[str(c) for c in matrix.columns],
            raw=raw,
            # How far below the pack a configuration that failed badly fell says nothing useful.
            z=np.maximum((oriented - loc[:, None]) / scale[:, None], Z_FLOOR),
            loc=loc,
            scale=scale,
            features=features,
            feature_names=list(names),
            se=se,
        )

    @classmethod
    def _empty(cls, metric: str, feature_names: list[str]) -> ScoreTable:
        return cls(
            metric=metric,
            dataset_ids=[],
            names=[],
            groups=np.array([], dtype=str),
            provenance=[],
            config_ids=[],
            raw=np.zeros((0, 0)),
            z=np.zeros((0, 0)),
            loc=np.zeros(0),
            scale=np.ones(0),
            features=np.zeros((0, len(feature_names))),
            feature_names=list(feature_names),
        )

    def subset(self, rows: np.ndarray) -> ScoreTable:
        """The same table restricted to some datasets (for held-out evaluation)."""
        rows = np.asarray(rows)
        return ScoreTable(
            metric=self.metric,
            dataset_ids=[self.dataset_ids[i] for i in rows],
            names=[self.names[i] for i in rows],
            groups=self.groups[rows],
            provenance=[self.provenance[i] for i in rows],
            config_ids=self.config_ids,
            raw=self.raw[rows],
            z=self.z[rows],
            loc=self.loc[rows],
            scale=self.scale[rows],
            features=self.features[rows],
            feature_names=self.feature_names,
            se=None if self.se is None else self.se[rows],
        )

    def shortfall(self) -> np.ndarray | None:
        """Each score's distance below its dataset's best, in metric units (0 = the best, negative
        below it, NaN unknown), floored at `SHORTFALL_FLOOR`: the very units regret is counted in.
        None for metrics not counted in points (RMSE, log loss): their units differ per dataset."""
        if self.metric in LOWER_IS_BETTER:
            return None
        oriented = orient(self.raw, self.metric)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            best = np.nanmax(oriented, axis=1, keepdims=True) if oriented.size else oriented
        short: np.ndarray = np.maximum(oriented - best, -SHORTFALL_FLOOR)
        return short

    def meta_features_of(self, row: int) -> dict[str, float]:
        return dict(zip(self.feature_names, self.features[row].tolist(), strict=False))


def _pivot(runs: pd.DataFrame) -> pd.DataFrame:
    """dataset x configuration mean score (NaN when unknown); a lean `pivot_table`."""
    d_codes, d_uniques = pd.factorize(runs["dataset_id"].astype(str), sort=True)
    c_codes, c_uniques = pd.factorize(runs["configuration_id"].astype(str), sort=True)
    total = np.zeros((len(d_uniques), len(c_uniques)))
    count = np.zeros_like(total)
    scores = pd.to_numeric(runs["score"], errors="coerce").to_numpy(dtype=float)
    np.add.at(total, (d_codes, c_codes), scores)
    np.add.at(count, (d_codes, c_codes), 1.0)
    with np.errstate(invalid="ignore"):
        values = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return pd.DataFrame(values, index=pd.Index(d_uniques), columns=pd.Index(c_uniques))


def _standard_errors(runs: pd.DataFrame, matrix: pd.DataFrame) -> np.ndarray:
    """Each score's standard error, aligned with `matrix` (NaN where the runs do not say)."""
    out = np.full(matrix.shape, np.nan)
    if "std" not in runs or len(matrix) == 0:
        return out
    std = pd.to_numeric(runs["std"], errors="coerce").to_numpy(dtype=float)
    folds = (
        pd.to_numeric(runs["folds"], errors="coerce").to_numpy(dtype=float)
        if "folds" in runs
        else np.full(len(runs), 5.0)
    )
    folds = np.where(np.isfinite(folds) & (folds >= 2), folds, 5.0)
    rows = matrix.index.get_indexer(runs["dataset_id"].astype(str))
    cols = matrix.columns.get_indexer(runs["configuration_id"].astype(str))
    ok = (rows >= 0) & (cols >= 0) & np.isfinite(std)
    out[rows[ok], cols[ok]] = std[ok] / np.sqrt(folds[ok])
    return out


def robust_location_scale(
    oriented: np.ndarray, floor: float = MIN_SCALE
) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the median, and the interquartile range scaled to a normal sd (std as fallback),
    never below `floor`."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        loc = np.nanmedian(oriented, axis=1)
        q75, q25 = np.nanpercentile(oriented, [75, 25], axis=1)
        scale = (q75 - q25) / 1.349
        std = np.nanstd(oriented, axis=1)
    scale = np.where(scale > floor, scale, np.maximum(std, floor))
    return loc, scale


class FeatureScaler:
    """Signed log, then median / IQR scaling (or z-scores) with missing values at the centre (or
    left missing) and outliers clipped (or not).

    Columns that are mostly missing or constant carry no similarity signal and are dropped."""

    def __init__(
        self,
        max_missing: float = 0.5,
        clip: float | None = 4.0,
        robust: bool = True,
        fill_missing: bool = True,
    ) -> None:
        self.max_missing = max_missing
        self.clip = clip
        # robust=False: mean and standard deviation (z-scores) instead of median and IQR.
        self.robust = robust
        # fill_missing=False: missing values stay NaN, for distances that skip them.
        self.fill_missing = fill_missing
        self.names: list[str] = []
        self._keep = np.zeros(0, dtype=int)
        self._median = np.zeros(0)
        self._scale = np.ones(0)
        self._all_names: list[str] = []

    def fit(self, features: np.ndarray, names: Sequence[str]) -> FeatureScaler:
        self._all_names = list(names)
        x = _signed_log(features)
        if x.shape[0] == 0 or x.shape[1] == 0:
            self._keep = np.zeros(0, dtype=int)
        else:
            missing = np.mean(~np.isfinite(x), axis=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                med = np.nanmedian(x, axis=0)
                q75, q25 = np.nanpercentile(x, [75, 25], axis=0)
                std = np.nanstd(x, axis=0)
                mean = np.nanmean(x, axis=0)
            scale = np.where(q75 - q25 > 1e-9, (q75 - q25) / 1.349, std)
            if not self.robust:
                med, scale = mean, std
            keep = (missing <= self.max_missing) & np.isfinite(scale) & (scale > 1e-9)
            self._keep = np.flatnonzero(keep)
            self._median = med[self._keep]
            self._scale = scale[self._keep]
        self.names = [self._all_names[i] for i in self._keep]
        return self

    def transform(self, features: np.ndarray) -> np.ndarray:
        x = _signed_log(features)[:, self._keep]
        z = (x - self._median) / self._scale
        z = np.where(np.isfinite(z), z, 0.0 if self.fill_missing else np.nan)
        clipped: np.ndarray = z if self.clip is None else np.clip(z, -self.clip, self.clip)
        return clipped

    def transform_one(self, meta_features: Mapping[str, float]) -> np.ndarray:
        row = np.array(
            [[_as_float(meta_features.get(n, np.nan)) for n in self._all_names]], dtype=float
        )
        one: np.ndarray = self.transform(row)[0]
        return one


def rank_values(a: np.ndarray, method: str = "average") -> np.ndarray:
    """Ranks from 1 (smallest) with ties averaged (or given their minimum rank); a lean
    `scipy.stats.rankdata` for the evaluation's inner loop."""
    a = np.asarray(a)
    sorter = np.argsort(a, kind="mergesort")
    inv = np.empty(sorter.size, dtype=np.intp)
    inv[sorter] = np.arange(sorter.size)
    s = a[sorter]
    obs = np.r_[True, s[1:] != s[:-1]]
    dense = obs.cumsum()[inv]
    count = np.r_[np.nonzero(obs)[0], len(obs)]
    ranks: np.ndarray
    if method == "min":
        ranks = (count[dense - 1] + 1).astype(float)
    else:
        ranks = 0.5 * (count[dense] + count[dense - 1] + 1)
    return ranks


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = rank_values(a), rank_values(b)
    ra, rb = ra - ra.mean(), rb - rb.mean()
    denom = math.sqrt(float(ra @ ra) * float(rb @ rb))
    return float(ra @ rb / denom) if denom > 0 else math.nan


def _as_float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def _signed_log(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore"):
        out: np.ndarray = np.sign(x) * np.log1p(np.abs(x))
    return out

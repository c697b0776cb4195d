"""The known datasets most similar to a new one, by robust-scaled meta-features, and what each
configuration scored there: the "why" of a suggestion for every recommender, and a per-dataset
prediction for those (a fixed ranking) that do not otherwise look at the new dataset.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from metadesk.metamodel.forecast import Forecast, weighted_mean_sd
from metadesk.metamodel.scores import FeatureScaler, ScoreTable
from metadesk.metamodel.values import Evidence

# Neighbours whose results make a prediction; evidence is taken from the most similar of all.
K_NEIGHBOURS = 12
EVIDENCE_SHOWN = 3


class Neighbourhood:
    """Distances between a dataset and the known ones (mean absolute difference of robust-scaled
    meta-features), turned into similarities in (0, 1] by the typical distance between sources."""

    def __init__(self, table: ScoreTable, sharpness: float = 2.0) -> None:
        self.table = table
        self.sharpness = sharpness
        self.scaler = FeatureScaler().fit(table.features, table.feature_names)
        self.x = self.scaler.transform(table.features)
        self.h = 1.0
        n = table.n_datasets
        if n >= 2 and self.x.shape[1]:
            dist = self.pairwise()
            other = np.where(table.groups[:, None] == table.groups[None, :], np.inf, dist)
            nearest = other.min(axis=1)
            nearest = nearest[np.isfinite(nearest)]
            if nearest.size and np.median(nearest) > 0:
                self.h = float(np.median(nearest))

    def pairwise(self) -> np.ndarray:
        f = max(self.x.shape[1], 1)
        dist: np.ndarray = np.abs(self.x[:, None, :] - self.x[None, :, :]).sum(axis=2) / f
        return dist

    def distances(self, meta_features: Mapping[str, float]) -> np.ndarray:
        if self.x.shape[1] == 0:
            return np.zeros(self.table.n_datasets)
        x = self.scaler.transform_one(meta_features)
        dist: np.ndarray = np.abs(self.x - x).mean(axis=1)
        return dist

    def similarity(self, dist: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + dist / self.h)

    def nearest(
        self, sim: np.ndarray, k: int = K_NEIGHBOURS, exclude: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the `k` most similar known datasets (not `exclude`d) and their weights (sum 1)."""
        w = sim**self.sharpness
        if exclude is not None:
            w = np.where(exclude, 0.0, w)
        k = min(k, int((w > 0).sum()))
        idx = np.argsort(-w, kind="stable")[:k]
        return idx, w[idx] / w[idx].sum()


def neighbour_forecast(
    table: ScoreTable,
    idx: np.ndarray,
    wk: np.ndarray,
    cols: np.ndarray,
    z_ext: np.ndarray,
    mean_ext: np.ndarray,
    sd_ext: np.ndarray,
    quantile: float,
) -> Forecast:
    """Scores on the known datasets `idx` weighted by `wk` (sum 1), normalised units; the level is
    theirs too. `z_ext`, `mean_ext`, `sd_ext` have an extra column for column -1 (never measured);
    the scenarios are the neighbours' own scores."""
    zk = z_ext[idx][:, cols]
    mean_z, sd_z = weighted_mean_sd(zk, wk, mean_ext[cols], sd_ext[cols], 0.5)
    loc = float(wk @ table.loc[idx])
    scale = float(wk @ table.scale[idx])
    loc_sd = math.sqrt(float(wk @ (table.loc[idx] - loc) ** 2) + (0.25 * scale) ** 2)
    return Forecast(
        config_ids=[],
        mean_z=mean_z,
        sd_z=sd_z,
        loc=loc,
        scale=scale,
        loc_sd=loc_sd,
        quantile=quantile,
        scenarios=np.where(np.isfinite(zk), zk, mean_z[None, :]),
        weights=wk,
    )


def neighbour_evidence(
    table: ScoreTable, order: np.ndarray, sim: np.ndarray, cols: np.ndarray
) -> list[tuple[Evidence, ...]]:
    """For each column, up to three known datasets (most similar first, rows `order` with
    similarities `sim` in the same order) where that configuration has a score."""
    out = []
    for c in cols:
        ev: list[Evidence] = []
        if c >= 0:
            for j, s in zip(order, sim, strict=False):
                score = table.raw[j, c]
                if np.isfinite(score):
                    ev.append(
                        Evidence(
                            dataset_id=table.dataset_ids[j],
                            dataset_name=table.names[j] or table.dataset_ids[j],
                            similarity=round(float(s), 4),
                            score=float(score),
                            provenance=table.provenance[j],
                        )
                    )
                if len(ev) == EVIDENCE_SHOWN:
                    break
        out.append(tuple(ev))
    return out

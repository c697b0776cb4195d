"""The recommenders' shared face and the `AverageRank` baseline (a fixed ranking).

Every recommender: `fit(meta_dataset, task_type, metric) -> self`, then
`rank(meta_features, candidates, observed=None) -> list[Suggestion]`, best first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from metadesk.metamodel.forecast import (
    Z80,
    Forecast,
    anchor_location,
    suggestions_from,
)
from metadesk.metamodel.level import LevelModel
from metadesk.metamodel.metrics import sign
from metadesk.metamodel.neighbours import (
    K_NEIGHBOURS,
    Neighbourhood,
    neighbour_evidence,
    neighbour_forecast,
)
from metadesk.metamodel.scores import ScoreTable, rank_values
from metadesk.metamodel.values import MetaDataset, Suggestion
from metadesk.portfolio.configuration import Configuration

_R = TypeVar("_R", bound="Recommender")


@dataclass(frozen=True)
class Query:
    """What a forecast is asked: a dataset's meta-features, the configurations to predict, what is
    already measured on it (id -> score, metric units) and descriptions of ids the table may not
    know (for descriptor-based models)."""

    meta_features: Mapping[str, float]
    config_ids: Sequence[str]
    observed: Mapping[str, float]
    configurations: Mapping[str, Configuration]


class Recommender:
    """Base class: keeps the fitted `ScoreTable` and turns forecasts into suggestions."""

    name = "recommender"
    label = "recommender"
    # True for an order that is the same for every table (what is predicted may still differ).
    fixed_ranking = False

    def __init__(self) -> None:
        self.metric = ""
        self.task_type = ""
        self.table: ScoreTable | None = None
        self.configurations: dict[str, Configuration] = {}
        self.level = LevelModel()
        self._col: dict[str, int] = {}

    def fit(self: _R, meta_dataset: MetaDataset, task_type: str, metric: str) -> _R:
        self.task_type = task_type
        self.configurations = dict(meta_dataset.configurations)
        return self.fit_table(ScoreTable.build(meta_dataset, task_type, metric))

    def fit_table(
        self: _R,
        table: ScoreTable,
        configurations: Mapping[str, Configuration] | None = None,
        level: LevelModel | None = None,
    ) -> _R:
        """`level`: a `LevelModel` already fitted on this very table, shared between
        recommenders (held-out evaluation fits several on each split)."""
        if configurations is not None:
            self.configurations = dict(configurations)
        self.level = level if level is not None else LevelModel().fit(table)
        self.table = table
        self.metric = table.metric
        self._col = {cid: j for j, cid in enumerate(table.config_ids)}
        self._fit(table)
        return self

    def _fit(self, table: ScoreTable) -> None:
        raise NotImplementedError

    def forecast(
        self,
        meta_features: Mapping[str, float],
        config_ids: Sequence[str],
        observed: Mapping[str, float] | None = None,
        configurations: Mapping[str, Configuration] | None = None,
    ) -> Forecast:
        """Predictions for `config_ids` on a dataset with these meta-features (normalised units).

        `observed`: configuration id -> score already measured on this dataset (metric units).
        `configurations` describes ids the meta-dataset may not know (for descriptor-based models)."""
        return self._forecast(
            Query(meta_features, config_ids, observed or {}, configurations or {})
        )

    def _forecast(self, q: Query) -> Forecast:
        """What each recommender implements: `forecast` for one `Query`."""
        raise NotImplementedError

    def rank(
        self,
        meta_features: Mapping[str, float],
        candidates: Sequence[Configuration],
        observed: Mapping[str, float] | None = None,
    ) -> list[Suggestion]:
        """Runnable candidates not yet observed, in the order to run them.

        `observed`: configuration id -> score already measured on this dataset (metric units)."""
        if self.table is None:
            raise RuntimeError(f"{type(self).__name__}.rank called before fit")
        if hasattr(meta_features, "as_floats"):  # a `metafeatures.MetaFeatures` value
            meta_features = meta_features.as_floats()
        obs = _clean_observed(observed)
        seen: set[str] = set()
        cands = []
        for c in candidates:
            if c.runnable and c.id not in obs and c.id not in seen:
                seen.add(c.id)
                cands.append(c)
        if not cands:
            return []
        ids = [c.id for c in cands] + [o for o in obs if o not in seen]
        fc = self.forecast(meta_features, ids, obs, configurations={c.id: c for c in cands})
        return suggestions_from(fc, cands, obs, self.metric, self.name)

    # --- shared pieces -------------------------------------------------------------------------
    def _fitted_table(self) -> ScoreTable:
        if self.table is None:
            raise RuntimeError(f"{type(self).__name__} used before fit")
        return self.table

    def _columns(self, config_ids: Sequence[str]) -> np.ndarray:
        """Column of each id in the score table; -1 for configurations never measured."""
        return np.array([self._col.get(c, -1) for c in config_ids], dtype=int)

    def _observed_arrays(
        self, config_ids: Sequence[str], observed: Mapping[str, float]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Positions (into config_ids) of observed configurations and their oriented scores."""
        pos = [i for i, c in enumerate(config_ids) if c in observed]
        vals = np.array([observed[config_ids[i]] for i in pos], dtype=float) * sign(self.metric)
        return np.array(pos, dtype=int), vals


def _clean_observed(observed: Mapping[str, float] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for k, v in (observed or {}).items():
        try:
            f = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(f):
            out[str(k)] = f
    return out


def _extend(values: np.ndarray, fill: float) -> np.ndarray:
    """Append one column/entry for "never measured" so that column -1 indexes it."""
    if values.ndim == 1:
        return np.append(values, fill)
    return np.hstack([values, np.full((values.shape[0], 1), fill)])


def _calibrate(ratios: list[np.ndarray], level: float = 0.8) -> float:
    """Conformal-style multiplier: the `level` quantile of |residual| / predicted sd."""
    r = np.concatenate(ratios) if ratios else np.zeros(0)
    r = r[np.isfinite(r)]
    return float(np.quantile(r, level)) if r.size >= 10 else Z80


class AverageRank(Recommender):
    """The classic baseline: one fixed order, by each configuration's average rank across datasets.

    What it predicts for a dataset, and why, still comes from the most similar known datasets: the
    similarity-weighted scores of each configuration there. `diversify=True` (what the product
    offers) keeps the first pick but orders the rest by expected improvement over the picks above
    on those datasets, so near-twins do not follow each other; the default is the classic order,
    the baseline every other recommender is measured against."""

    name = "average_rank"
    label = "a fixed ranking (average rank)"
    fixed_ranking = True

    def __init__(self, diversify: bool = False, k: int = K_NEIGHBOURS) -> None:
        super().__init__()
        self.diversify = diversify
        self.k = k
        self._hood: Neighbourhood | None = None

    def _fit(self, t: ScoreTable) -> None:
        n_c = len(t.config_ids)
        self._hood = None
        if t.n_datasets == 0 or n_c == 0:
            self._mean_rank = np.zeros(n_c)
            self._mean_z = np.zeros(n_c)
            self._sd_z = np.ones(n_c)
            self._loc, self._scale, self._loc_sd, self._q = 0.0, 1.0, 0.0, Z80
            return
        known = np.isfinite(t.z)
        # Percentile ranks (0 = best) so that datasets with fewer runs count the same.
        ranks = np.full(t.z.shape, np.nan)
        for d in range(t.n_datasets):
            k = known[d]
            ranks[d, k] = (rank_values(-t.z[d, k]) - 1) / max(k.sum() - 1, 1)
        with np.errstate(all="ignore"):
            cnt = known.sum(axis=0)
            self._mean_rank = np.where(cnt > 0, np.nansum(ranks, axis=0) / np.maximum(cnt, 1), 1.0)
            self._mean_z = np.where(cnt > 0, np.nansum(t.z, axis=0) / np.maximum(cnt, 1), 0.0)
            dev = np.where(known, (t.z - self._mean_z) ** 2, 0.0)
            self._sd_z = np.sqrt(dev.sum(axis=0) / np.maximum(cnt, 1)) + 1e-6
        self._loc = float(np.median(t.loc))
        self._scale = float(np.median(t.scale))
        self._loc_sd = float(np.std(t.loc)) if t.n_datasets > 1 else abs(self._loc) * 0.1
        self._z_ext = _extend(t.z, np.nan)
        self._mean_ext = _extend(self._mean_z, 0.0)
        self._sd_ext = _extend(self._sd_z, float(np.median(self._sd_z)))
        oriented = sign(t.metric) * t.raw
        self._q = Z80
        self._hood = Neighbourhood(t)
        # Each known dataset predicted from the other sources calibrates the interval.
        cols = np.arange(n_c)
        sim_all = self._hood.similarity(self._hood.pairwise())
        same = t.groups[:, None] == t.groups[None, :]
        ratios = []
        for i in range(t.n_datasets):
            if same[i].all():
                continue
            fc = self._neighbour_forecast(sim_all[i], cols, same[i])
            if self.level.fitted:
                fc.loc, fc.scale, fc.loc_sd = (float(v) for v in self.level.heldout[i])
            pred = fc.loc + fc.scale * fc.mean_z
            sd = np.sqrt((fc.scale * fc.sd_z) ** 2 + fc.loc_sd**2)
            ratios.append((np.abs(oriented[i] - pred) / sd)[known[i]])
        self._q = _calibrate(ratios)

    def _neighbour_forecast(
        self, sim: np.ndarray, cols: np.ndarray, exclude: np.ndarray | None = None
    ) -> Forecast:
        """Scores on the nearest known datasets, weighted by similarity (normalised units)."""
        assert self._hood is not None and self.table is not None
        idx, wk = self._hood.nearest(sim, self.k, exclude)
        return neighbour_forecast(
            self.table, idx, wk, cols, self._z_ext, self._mean_ext, self._sd_ext, self._q
        )

    def _forecast(self, q: Query) -> Forecast:
        meta_features, config_ids, observed = q.meta_features, q.config_ids, q.observed
        cols = self._columns(config_ids)
        order_key = _extend(self._mean_rank, 2.0)[cols]  # never measured: after all known ones
        pos, vals = self._observed_arrays(config_ids, observed or {})
        if self._hood is None or self.table is None:
            mean_z = _extend(self._mean_z, 0.0)[cols]
            sd_z = _extend(self._sd_z, float(np.median(self._sd_z)) if self._sd_z.size else 1.0)
            loc, loc_sd = anchor_location(self._loc, self._loc_sd, self._scale, mean_z[pos], vals)
            fc = Forecast(
                config_ids=list(config_ids),
                mean_z=mean_z,
                sd_z=sd_z[cols],
                loc=loc,
                scale=self._scale,
                loc_sd=loc_sd,
                quantile=self._q,
            )
        else:
            sim = self._hood.similarity(self._hood.distances(meta_features))
            fc = self._neighbour_forecast(sim, cols)
            fc.config_ids = list(config_ids)
            level = self.level.predict(meta_features) if self.level.fitted else None
            if level is not None:
                fc.loc, fc.scale, fc.loc_sd = level
            fc.loc, fc.loc_sd = anchor_location(fc.loc, fc.loc_sd, fc.scale, fc.mean_z[pos], vals)
            order = np.argsort(-sim, kind="stable")
            t = self.table
            fc.explain = lambda: neighbour_evidence(t, order, sim[order], cols)
        if self.diversify and fc.scenarios is not None:
            fc.lead = order_key
        else:
            fc.fixed_order = order_key
        return fc


class DiversifiedRank(AverageRank):
    """The fixed ranking's first pick, then expected improvement over the picks above on the
    most similar known datasets: measured on its own so that the gain over the classic order is
    a held-out figure, not a hope."""

    name = "average_rank_diverse"
    label = "a fixed ranking (average rank) without near-twins in a row"

    def __init__(self, k: int = K_NEIGHBOURS) -> None:
        super().__init__(diversify=True, k=k)

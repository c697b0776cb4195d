"""`NearestDatasets`: the auto-sklearn warm start. kNN over z-scored meta-features (a distance
that skips what is missing), active-testing re-weighting by observed results, the level of scores
from `LevelModel`, and intervals calibrated on held-out groups.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping

import numpy as np
from scipy.spatial.distance import cdist

from metadesk.metamodel.forecast import Z80, Forecast, anchor_location
from metadesk.metamodel.metrics import sign
from metadesk.metamodel.neighbours import neighbour_evidence, neighbour_forecast
from metadesk.metamodel.recommenders import AverageRank, Query, Recommender, _calibrate, _extend
from metadesk.metamodel.scores import FeatureScaler, ScoreTable, rank_values
from metadesk.metamodel.values import Evidence

# Numbers of neighbours tried at fit time.
K_GRID = (5, 10, 20, 40)


class NearestDatasets(Recommender):
    """kNN over z-scored meta-features: the configurations that did well on the most similar
    known datasets. Observed results re-weight the neighbours (active testing): datasets where the
    configurations already run here scored alike get more say.

    Learned feature weights are off by default: they made held-out regret worse on a public OpenML
    meta-dataset and on the shipped prior (first pick 1.52 vs 1.32 points of accuracy, 49.6 vs 7.1
    of R²); kept as an option to measure."""

    name = "nearest_datasets"
    label = "similar datasets (nearest datasets)"

    def __init__(
        self,
        k: int | None = 12,
        sharpness: float = 2.0,
        tau: float = 1.0,
        learn_weights: bool = False,
        level_weight: float = 0.25,
    ) -> None:
        super().__init__()
        self.level_weight = level_weight
        self.learn_weights = learn_weights
        self.k = k  # None: chosen at fit time by held-out regret
        self.k_ = k or 12
        self.sharpness = sharpness
        self.tau = tau

    def _fit(self, t: ScoreTable) -> None:
        self.scaler = FeatureScaler(clip=None, robust=False, fill_missing=False)
        self.scaler.fit(t.features, t.feature_names)
        self._x = self.scaler.transform(t.features)
        n_c = len(t.config_ids)
        known = np.isfinite(t.z)
        cnt = known.sum(axis=0)
        self._cfg_mean = np.where(cnt > 0, np.nansum(t.z, axis=0) / np.maximum(cnt, 1), 0.0)
        dev = np.where(known, (t.z - self._cfg_mean) ** 2, 0.0)
        self._cfg_sd = np.sqrt(dev.sum(axis=0) / np.maximum(cnt, 1)) + 1e-3
        sd_fill = float(np.median(self._cfg_sd)) if n_c else 1.0
        self._z_ext = _extend(t.z, np.nan)
        # Scenarios for the order: shortfalls from each neighbour's best in metric units, the
        # units regret is counted in (normalised scores where the metric has no common unit).
        short = t.shortfall()
        if short is None:
            self._short_ext, self._short_fill = None, None
        else:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                fill = np.nanmean(short, axis=0) if short.size else np.zeros(n_c)
            self._short_fill = _extend(np.where(np.isfinite(fill), fill, 0.0), 0.0)
            self._short_ext = _extend(short, np.nan)
        self._mean_ext = _extend(self._cfg_mean, 0.0)
        self._sd_ext = _extend(self._cfg_sd, sd_fill)
        self._w = self._feature_weights(t)
        self._xw = self._x * self._w
        self._h = 1.0
        self._q = Z80
        # Each known dataset's level (loc, scale, loc_sd) as predicted from the other groups.
        self.heldout_level = np.column_stack([t.loc, t.scale, np.abs(t.loc) * 0.1 + 1e-3])
        if self.level.fitted:
            self.heldout_level = self.level.heldout.copy()
        # ...and its normalised scores predicted the same way (a feature for the surrogate).
        self.heldout_z = np.tile(self._cfg_mean, (t.n_datasets, 1))
        if t.n_datasets < 2:
            return
        dist = self._pairwise()
        same = t.groups[:, None] == t.groups[None, :]
        other = np.where(same, np.inf, dist)
        nearest = other.min(axis=1)
        nearest = nearest[np.isfinite(nearest)]
        self._h = float(np.median(nearest)) if nearest.size and np.median(nearest) > 0 else 1.0
        # Each dataset predicted from the other groups: picks the number of neighbours (when
        # `k` is None) by held-out regret, then calibrates the interval on the same forecasts.
        cols = np.arange(n_c)
        oriented = sign(t.metric) * t.raw
        rows = [i for i in range(t.n_datasets) if np.isfinite(other[i]).any()]
        grid = [self.k] if self.k is not None else [k for k in K_GRID if k < len(rows)] or [3]
        best: tuple[float, int, list[Forecast]] | None = None
        for k in grid:
            self.k_ = k
            fcs, regret = [], []
            for i in rows:
                fc = self._forecast_cols(
                    other[i], cols, np.zeros(0, int), np.zeros(0), same[i], self._heldout_level(i)
                )
                fcs.append(fc)
                ok = known[i]
                score = np.where(ok, fc.mean_z, -np.inf)
                top = np.argsort(-score, kind="stable")[:3]
                top = top[ok[top]]
                regret.append(
                    oriented[i, ok].max() - 0.5 * (oriented[i, top[0]] + oriented[i, top].max())
                )
            mean_regret = float(np.mean(regret)) if regret else 0.0
            if best is None or mean_regret < best[0] - 1e-12:
                best = (mean_regret, k, fcs)
        assert best is not None
        self.k_ = best[1]
        ratios = []
        for i, fc in zip(rows, best[2], strict=True):
            self.heldout_level[i] = (fc.loc, fc.scale, fc.loc_sd)
            self.heldout_z[i] = fc.mean_z
            pred = fc.loc + fc.scale * fc.mean_z
            sd = np.sqrt((fc.scale * fc.sd_z) ** 2 + fc.loc_sd**2)
            ok = known[i]
            ratios.append(np.abs(oriented[i, ok] - pred[ok]) / sd[ok])
        self._q = _calibrate(ratios)

    def _heldout_level(self, i: int) -> tuple[float, float, float] | None:
        if not self.level.fitted:
            return None
        loc, scale, loc_sd = self.heldout_level[i]
        return float(loc), float(scale), float(loc_sd)

    def _pairwise(self) -> np.ndarray:
        if np.isfinite(self._xw).all():  # nothing missing: the same distances, in one C call
            dist: np.ndarray = cdist(self._xw, self._xw, "cityblock")
            return dist
        return np.vstack([self._row_distances(self._xw[i]) for i in range(self._xw.shape[0])])

    def _distances(self, meta_features: Mapping[str, float]) -> np.ndarray:
        return self._row_distances(self.scaler.transform_one(meta_features) * self._w)

    def _row_distances(self, x: np.ndarray) -> np.ndarray:
        """Weighted L1 distance over the meta-features known on both sides, scaled up to all of
        them; a pair with nothing in common is as far as any pair can be."""
        diff = np.abs(self._xw - x)
        known = np.isfinite(diff)
        n_known = known.sum(axis=1)
        total = np.where(known, diff, 0.0).sum(axis=1)
        f = max(self._xw.shape[1], 1)
        dist = total * f / np.maximum(n_known, 1)
        return np.where(n_known > 0, dist, np.inf if not dist.size else np.nanmax(dist) + 1.0)

    def _feature_weights(self, t: ScoreTable) -> np.ndarray:
        """Weight of each meta-feature in the distance: how well differences in it go along with
        differences in which configurations do well (across groups only, so it generalises).
        Uniform when that cannot be told (few datasets) or `learn_weights` is off."""
        n, f = self._x.shape
        uniform = np.full(f, 1.0 / max(f, 1))
        if not self.learn_weights or f == 0 or n < 8:
            return uniform
        filled = np.where(np.isfinite(t.z), t.z, self._cfg_mean[None, :])
        profile = cdist(filled, filled, "cityblock") / max(filled.shape[1], 1)
        iu = np.triu_indices(n, 1)
        cross = t.groups[iu[0]] != t.groups[iu[1]]
        if cross.sum() < 20:
            return uniform
        i, j = iu[0][cross], iu[1][cross]
        if i.size > 20000:  # a sample of pairs is plenty to weigh features
            pick = np.random.default_rng(0).choice(i.size, 20000, replace=False)
            i, j = i[pick], j[pick]
        target = rank_values(profile[i, j])
        target = target - target.mean()
        weights = np.zeros(f)
        for k in range(f):
            diff = rank_values(np.nan_to_num(np.abs(self._x[i, k] - self._x[j, k]), nan=0.0))
            diff = diff - diff.mean()
            denom = math.sqrt(float(diff @ diff) * float(target @ target))
            weights[k] = max(float(diff @ target) / denom, 0.0) if denom > 0 else 0.0
        if weights.sum() <= 0:
            return uniform
        normalised: np.ndarray = weights / weights.sum()
        return normalised

    def _forecast(self, q: Query) -> Forecast:
        meta_features, config_ids, observed = q.meta_features, q.config_ids, q.observed
        t = self._fitted_table()
        cols = self._columns(config_ids)
        pos, vals = self._observed_arrays(config_ids, observed or {})
        if t.n_datasets == 0:
            return AverageRank().fit_table(t).forecast(meta_features, config_ids, observed)
        level = self.level.predict(meta_features) if self.level.fitted else None
        fc = self._forecast_cols(self._distances(meta_features), cols, pos, vals, level=level)
        fc.config_ids = list(config_ids)
        return fc

    def _forecast_cols(
        self,
        dist: np.ndarray,
        cols: np.ndarray,
        obs_pos: np.ndarray,
        obs_vals: np.ndarray,
        exclude: np.ndarray | None = None,
        level: tuple[float, float, float] | None = None,
    ) -> Forecast:
        """`level`: the dataset's (loc, scale, loc_sd) from `LevelModel`; None: the neighbours'."""
        t = self._fitted_table()
        sim = 1.0 / (1.0 + dist / self._h)
        w = sim**self.sharpness
        if exclude is not None:
            w = np.where(exclude, 0.0, w)
        if obs_pos.size:
            w = w * self._agreement(w, cols[obs_pos], obs_vals)
        k = min(self.k_, int((w > 0).sum()))
        idx = np.argsort(-w, kind="stable")[:k]
        wk = w[idx] / w[idx].sum()
        fc = neighbour_forecast(
            t, idx, wk, cols, self._z_ext, self._mean_ext, self._sd_ext, self._q
        )
        if level is not None:
            fc.loc, fc.scale, fc.loc_sd = level
        if obs_pos.size:
            fc.loc, fc.loc_sd = anchor_location(
                fc.loc, fc.loc_sd, fc.scale, fc.mean_z[obs_pos], obs_vals
            )
        if self._short_ext is not None and self._short_fill is not None:
            sk = self._short_ext[idx][:, cols]
            # A configuration a neighbour never ran: what the neighbours that ran it saw, not
            # the average over every known dataset.
            known_k = np.isfinite(sk)
            wsum = wk @ known_k
            local = np.where(
                wsum > 0,
                (wk @ np.where(known_k, sk, 0.0)) / np.maximum(wsum, 1e-12),
                self._short_fill[cols],
            )
            fc.scenarios = np.where(known_k, sk, local[None, :])
            fc.scenario_scale = 1.0
        if exclude is None:
            fc.explain = lambda: self._evidence(sim, cols)
        return fc

    def _agreement(self, w: np.ndarray, obs_cols: np.ndarray, obs_vals: np.ndarray) -> np.ndarray:
        """Likelihood-like weight of each known dataset given what was measured here."""
        t = self._fitted_table()
        k = min(self.k_, int((w > 0).sum()))
        idx = np.argsort(-w, kind="stable")[:k]
        wk = w[idx] / w[idx].sum()
        loc, scale = float(wk @ t.loc[idx]), float(wk @ t.scale[idx])
        loc_sd = math.sqrt(float(wk @ (t.loc[idx] - loc) ** 2))
        here = (obs_vals - loc) / scale
        there = self._z_ext[:, obs_cols]
        there = np.where(np.isfinite(there), there, self._mean_ext[obs_cols][None, :])
        # Only how the observed configurations compare with each other is evidence: their level
        # mostly reflects how hard this dataset is, which the neighbours cannot tell.
        # The level counts as far as the neighbours agree on it (a dataset's difficulty is often
        # not predictable from its meta-features): its weight falls with their spread.
        level = (here.mean() - there.mean(axis=1)) ** 2 / (1.0 + (loc_sd / scale) ** 2)
        if here.size >= 2:
            shape = np.mean(((here - here.mean()) - (there - there.mean(axis=1)[:, None])) ** 2, 1)
        else:
            shape = np.zeros(there.shape[0])
        d = shape + self.level_weight * level
        n = min(here.size, 5)
        weight: np.ndarray = np.exp(-0.5 * n * d / self.tau**2)
        return weight

    def _evidence(self, sim: np.ndarray, cols: np.ndarray) -> list[tuple[Evidence, ...]]:
        """The most similar known datasets where each configuration has a score (not only among
        the neighbours used: a configuration measured on fewer datasets is still explained)."""
        order = np.argsort(-sim, kind="stable")
        return neighbour_evidence(self._fitted_table(), order, sim[order], cols)

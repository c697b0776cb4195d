"""`Surrogate`: a tree ensemble on meta-features plus configuration descriptors that predicts each
configuration's normalised score; the spread across trees gives the interval and the scenarios.

Trees are grown on bootstrap samples of whole groups, so each tree's left-out groups give honest
held-out residuals to calibrate the 80% interval (conformal-style) at no extra cost.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from sklearn.tree import ExtraTreeRegressor

from metadesk.finite import finite_or_none
from metadesk.metamodel.bagging import grow_by_group
from metadesk.metamodel.forecast import Forecast, anchor_location, weighted_mean_sd
from metadesk.metamodel.metrics import sign
from metadesk.metamodel.nearest import NearestDatasets
from metadesk.metamodel.recommenders import Query, Recommender, _calibrate
from metadesk.metamodel.scores import ScoreTable
from metadesk.metamodel.values import Evidence
from metadesk.portfolio.configuration import Configuration

# Weight of the observed level (vs the relative standing) when re-weighting trees.
LEVEL_WEIGHT = 0.25


def describe(config: Configuration) -> dict[str, float]:
    """Numeric descriptor of a configuration: the portfolio's own when it offers one, else the
    algorithm (one-hot) and its numeric parameters (log-scaled when positive)."""
    portfolio = importlib.import_module("metadesk.portfolio")
    own = getattr(portfolio, "configuration_descriptor", None)
    if own is not None:
        try:
            d = own(config)
            if isinstance(d, Mapping):
                return {str(k): _num(v) for k, v in d.items()}
            return {f"d{i}": _num(v) for i, v in enumerate(d)}
        except Exception:  # a descriptor that fails on a foreign configuration: use ours
            pass
    out = {f"algorithm={config.algorithm}": 1.0}
    for k, v in config.params.items():
        if isinstance(v, bool):
            out[f"{config.algorithm}.{k}"] = float(v)
        elif isinstance(v, (int, float)) and math.isfinite(v):
            out[f"{config.algorithm}.{k}"] = math.log10(v) if v > 0 else float(v)
        elif v is not None:
            out[f"{config.algorithm}.{k}={v}"] = 1.0
    return out


def configuration_from_id(config_id: str) -> Configuration:
    """A best-effort `Configuration` from a readable id ``algorithm:key=value,...`` (not runnable)."""
    algorithm, _, rest = config_id.partition(":")
    params: dict[str, float | str] = {}
    for part in rest.split(","):
        key, eq, value = part.partition("=")
        if not eq:
            continue
        try:
            params[key.strip()] = float(value)
        except ValueError:
            params[key.strip()] = value.strip()
    return Configuration(config_id, algorithm or config_id, params, runnable=False)


def _num(v: object) -> float:
    f = finite_or_none(v)
    return math.nan if f is None else f


class Surrogate(Recommender):
    name = "surrogate"
    label = "a model of past results (surrogate)"

    def __init__(
        self,
        n_trees: int = 24,
        min_samples_leaf: int = 5,
        max_features: float = 0.25,
        max_rows: int = 6000,
        tau: float = 0.6,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.n_trees = n_trees
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.max_rows = max_rows
        self.tau = tau
        self.seed = seed

    # --- fitting -------------------------------------------------------------------------------
    def _fit(self, t: ScoreTable) -> None:
        self.knn = NearestDatasets().fit_table(t, self.configurations, self.level)
        self.scaler = self.knn.scaler
        # Only meta-features that carry similarity signal (kNN's learned weights) feed the trees.
        self._feat = np.flatnonzero(self.knn._w > 0.1 / max(self.knn._w.size, 1))
        x_d = self.knn._x[:, self._feat]
        n_c = len(t.config_ids)
        self._cfg_mean = self.knn._cfg_mean
        self._cfg_sd = self.knn._cfg_sd
        self._desc_names: list[str] = []
        desc = self._descriptors(t.config_ids, {}, fit=True)
        self._desc = desc
        self.trees: list[ExtraTreeRegressor] = []
        self._q = 1.2816
        d_idx, c_idx = np.nonzero(np.isfinite(t.z))
        if d_idx.size < 10 or n_c == 0:
            return
        rng = np.random.default_rng(self.seed)
        if d_idx.size > self.max_rows:  # bounded refit time; rows are a random sample of runs
            keep = rng.choice(d_idx.size, self.max_rows, replace=False)
            d_idx, c_idx = d_idx[keep], c_idx[keep]
        # float32 once: the trees' own dtype, so no per-tree conversion or validation copy.
        x = np.ascontiguousarray(
            np.hstack(
                [
                    x_d[d_idx],
                    desc[c_idx],
                    self._cfg_mean[c_idx, None],
                    self.knn.heldout_z[d_idx, c_idx][:, None],
                ]
            ),
            dtype=np.float32,
        )
        base = self.knn.heldout_z[d_idx, c_idx]
        y = t.z[d_idx, c_idx] - base
        groups, g_of = np.unique(t.groups, return_inverse=True)
        bag = grow_by_group(
            x,
            y,
            g_of[d_idx],
            groups.size,
            self.n_trees,
            rng,
            max_features=self.max_features,
            min_samples_leaf=self.min_samples_leaf,
        )
        self.trees = bag.trees
        oob_sum, oob_sq, oob_n = bag.oob_sum[:, 0], bag.oob_sq[:, 0], bag.oob_n
        # Held-out calibration: out-of-bag predictions with the level predicted from other groups.
        ok = oob_n >= 2
        if ok.sum() >= 10:
            mean = oob_sum[ok] / oob_n[ok]
            sd = np.sqrt(np.maximum(oob_sq[ok] / oob_n[ok] - mean**2, 0.0))
            sd = np.sqrt(sd**2 + self._cfg_sd[c_idx[ok]] ** 2 * 0.25)
            level = self.knn.heldout_level[d_idx[ok]]
            z_hat = base[ok] + mean
            pred = level[:, 0] + level[:, 1] * z_hat
            psd = np.sqrt((level[:, 1] * sd) ** 2 + level[:, 2] ** 2)
            oriented = sign(t.metric) * t.raw[d_idx[ok], c_idx[ok]]
            self._q = _calibrate([np.abs(oriented - pred) / psd])

    def _descriptors(
        self, config_ids: Sequence[str], extra: Mapping[str, Configuration], fit: bool = False
    ) -> np.ndarray:
        dicts = []
        for cid in config_ids:
            cfg = extra.get(cid) or self.configurations.get(cid) or configuration_from_id(cid)
            dicts.append(describe(cfg))
        if fit:
            self._desc_names = sorted({k for d in dicts for k in d})
        m = np.array([[d.get(k, 0.0) for k in self._desc_names] for d in dicts], dtype=float)
        m = m.reshape(len(dicts), len(self._desc_names))
        return np.where(np.isfinite(m), m, -1.0)

    # --- predicting ----------------------------------------------------------------------------
    def _forecast(self, q: Query) -> Forecast:
        meta_features, config_ids, observed = q.meta_features, q.config_ids, q.observed
        level = self.knn.forecast(meta_features, config_ids, None)
        if not self.trees:
            return level
        cols = self._columns(config_ids)
        known = cols >= 0
        desc = np.zeros((len(config_ids), len(self._desc_names)))
        if known.any():
            desc[known] = self._desc[cols[known]]
        if (~known).any():
            unknown = [c for c, k in zip(config_ids, known, strict=False) if not k]
            desc[~known] = self._descriptors(unknown, q.configurations)
        cfg_mean = np.where(known, self._cfg_mean[np.maximum(cols, 0)], 0.0)
        cfg_sd = np.where(known, self._cfg_sd[np.maximum(cols, 0)], float(np.median(self._cfg_sd)))
        x_d = self.scaler.transform_one(meta_features)[self._feat]
        # The nearest datasets' prediction is a feature: trees correct it where they know better.
        x = np.hstack(
            [
                np.repeat(x_d[None, :], len(config_ids), 0),
                desc,
                cfg_mean[:, None],
                level.mean_z[:, None],
            ]
        )
        x32 = np.ascontiguousarray(x, dtype=np.float32)
        # The trees' own predict skips sklearn's per-call validation (~1 ms each): ranking is hot.
        scen = (
            np.vstack([t.tree_.predict(x32).reshape(len(x32), -1)[:, 0] for t in self.trees])
            + level.mean_z[None, :]
        )
        w = np.ones(scen.shape[0])
        pos, vals = self._observed_arrays(config_ids, observed or {})
        if pos.size:
            # Trees that got the observed configurations' relative standing right count more;
            # their level only as far as the dataset's difficulty could be foreseen.
            here = (vals - level.loc) / level.scale
            there = scen[:, pos]
            lvl = (here.mean() - there.mean(axis=1)) ** 2 / (1 + (level.loc_sd / level.scale) ** 2)
            d = LEVEL_WEIGHT * lvl
            if pos.size >= 2:
                d = d + np.mean(((here - here.mean()) - (there - there.mean(1)[:, None])) ** 2, 1)
            w = np.exp(-0.5 * min(pos.size, 5) * (d - d.min()) / self.tau**2)
        w = w / w.sum()
        mean_z, sd_z = weighted_mean_sd(scen, w, cfg_mean, cfg_sd * 0.5, 0.0)
        sd_z = np.sqrt(sd_z**2 + (cfg_sd * 0.5) ** 2)
        loc, loc_sd = level.loc, level.loc_sd
        explain = level.explain
        if pos.size:
            loc, loc_sd = anchor_location(loc, loc_sd, level.scale, mean_z[pos], vals)
            explain = self._explain_observed(meta_features, config_ids, observed)
        return Forecast(
            config_ids=list(config_ids),
            mean_z=mean_z,
            sd_z=sd_z,
            loc=loc,
            scale=level.scale,
            loc_sd=loc_sd,
            quantile=self._q,
            scenarios=scen,
            weights=w,
            explain=explain,
        )

    def _explain_observed(
        self,
        meta_features: Mapping[str, float],
        config_ids: Sequence[str],
        observed: Mapping[str, float] | None,
    ) -> Callable[[], list[tuple[Evidence, ...]]]:
        # Evidence re-weighted by what was measured here, built only if suggestions are shown.
        def explain() -> list[tuple[Evidence, ...]]:
            fc = self.knn.forecast(meta_features, config_ids, observed)
            assert fc.explain is not None  # the nearest datasets always explain a forecast
            return fc.explain()

        return explain

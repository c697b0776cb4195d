"""`LevelModel`: how well the configurations will do on a dataset overall, from its meta-features.

A recommender predicts each configuration's standing (normalised score); the level and spread
turn that into the metric's own units. Averaging the nearest datasets' levels ran several points
high on tables unlike the prior's, while the landmarkers (cheap models already fitted on the
table) say directly how learnable it is: the level is the best landmarker's score plus a gap
that a small tree ensemble learns from the meta-features. The trees grow on bootstrap samples of
whole groups, so each dataset's prediction from the trees that never saw its group is an honest
held-out level for calibrating intervals. Metrics without landmarkers keep the neighbours' level.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping

import numpy as np
from sklearn.tree import ExtraTreeRegressor

from metadesk.metamodel.bagging import grow_by_group
from metadesk.metamodel.scores import FeatureScaler, ScoreTable

# The landmarkers that anchor the level, per metric: the best of the cheap models already
# cross-validated on the table. Trees then learn only the gap to it, so a table harder than any
# known one (trees cannot extrapolate) still gets a level near its own landmarkers.
ANCHORS: dict[str, tuple[str, str]] = {
    # metric: (suffix of the landmarker names, how to turn one into the metric's units)
    "accuracy": ("ErrRate", "one_minus"),
    "balanced_accuracy": ("ErrRate", "one_minus"),
    "f1_macro": ("ErrRate", "one_minus"),
    "roc_auc": ("AUC", "same"),
    "r2": (".R2", "same"),
}
# Fewer known datasets than this: the neighbours' average level is kept (too little to learn).
MIN_DATASETS = 12
N_TREES = 64


class LevelModel:
    """Predicts a dataset's level (`loc`: the median oriented score over configurations) and
    spread (`scale`) from its meta-features, with a standard error for the level.

    `heldout[i]` = (loc, scale, loc_sd) predicted for known dataset i by trees that did not see
    its group; `bias` is the mean held-out error of the level (predicted minus measured)."""

    def __init__(self, n_trees: int = N_TREES, min_samples_leaf: int = 3, seed: int = 0) -> None:
        self.n_trees = n_trees
        self.min_samples_leaf = min_samples_leaf
        self.seed = seed
        self.trees: list[ExtraTreeRegressor] = []
        self.scaler = FeatureScaler(clip=6.0)
        self.heldout = np.zeros((0, 3))
        self.bias = 0.0
        self._extra_var = 0.0
        self._anchor_cols: list[tuple[int, str]] = []
        self._anchor_names: list[str] = []
        self._anchor_fill = 0.0
        self._memo: dict[bytes, tuple[float, float, float]] = {}

    @property
    def fitted(self) -> bool:
        return bool(self.trees)

    def fit(self, table: ScoreTable) -> LevelModel:
        n = table.n_datasets
        self.trees = []
        self._memo = {}
        self.heldout = np.column_stack([table.loc, table.scale, np.full(n, np.nan)])
        if n < MIN_DATASETS or len(np.unique(table.groups)) < 4:
            return self
        self.scaler.fit(table.features, table.feature_names)
        x = np.ascontiguousarray(self.scaler.transform(table.features), dtype=np.float32)
        if x.shape[1] == 0:
            return self
        self._anchor_cols = _anchor_columns(table.metric, table.feature_names)
        self._anchor_names = [table.feature_names[i] for i, _ in self._anchor_cols]
        anchor = self._anchor(table.features)
        if np.isfinite(anchor).mean() < 0.5:
            # Without landmarkers to anchor it, a tree's level is no better than the neighbours'.
            return self
        self._anchor_fill = float(np.nanmedian(anchor)) if np.isfinite(anchor).any() else 0.0
        anchor = np.where(np.isfinite(anchor), anchor, self._anchor_fill)
        y = np.column_stack([table.loc - anchor, np.log(table.scale)])
        groups, g_of = np.unique(table.groups, return_inverse=True)
        bag = grow_by_group(
            x,
            y,
            g_of,
            groups.size,
            self.n_trees,
            np.random.default_rng(self.seed),
            max_features=0.5,
            min_samples_leaf=self.min_samples_leaf,
        )
        self.trees = bag.trees
        oob_sum, oob_sq, oob_n = bag.oob_sum, bag.oob_sq, bag.oob_n
        ok = oob_n >= 3
        if ok.sum() < MIN_DATASETS // 2:
            self.trees = []
            return self
        mean = oob_sum[ok] / oob_n[ok, None]
        spread = np.sqrt(np.maximum(oob_sq[ok, 0] / oob_n[ok] - mean[:, 0] ** 2, 0.0))
        mean[:, 0] += anchor[ok]
        resid = mean[:, 0] - table.loc[ok]
        self.bias = float(np.mean(resid))
        # What the trees' own spread does not explain, added to every prediction's variance.
        self._extra_var = max(float(np.mean((resid - self.bias) ** 2 - spread**2)), 0.0)
        self.heldout[ok, 0] = mean[:, 0] - self.bias
        self.heldout[ok, 1] = np.exp(mean[:, 1])
        self.heldout[ok, 2] = np.sqrt(spread**2 + self._extra_var)
        # Datasets every tree saw (rare): their own level, with the typical error.
        typical = float(np.sqrt(np.mean(resid**2)))
        self.heldout[~ok, 2] = typical
        return self

    def _anchor(self, features: np.ndarray, names_given: bool = False) -> np.ndarray:
        """The best landmarker per row; `names_given`: columns already in `_anchor_names` order."""
        if not self._anchor_cols:
            return np.full(features.shape[0], np.nan)
        hows = [h for _, h in self._anchor_cols]
        cols = features if names_given else features[:, [i for i, _ in self._anchor_cols]]
        return _best_landmarker(np.asarray(cols, dtype=float), hows)

    def predict(self, meta_features: Mapping[str, float]) -> tuple[float, float, float] | None:
        """(loc, scale, loc_sd) for a dataset with these meta-features; None when not fitted."""
        if not self.trees:
            return None
        x = np.ascontiguousarray(self.scaler.transform_one(meta_features)[None, :], np.float32)
        row = np.array([[_float(meta_features.get(n)) for n in self._anchor_names]])
        key = x.tobytes() + row.tobytes()
        if key not in self._memo:
            # Re-ranking after each result asks again for the same table: the trees answer once.
            p = np.vstack([t.tree_.predict(x).reshape(1, -1)[0] for t in self.trees])
            anchor = float(self._anchor(row, names_given=True)[0]) if self._anchor_names else 0.0
            anchor = anchor if math.isfinite(anchor) else self._anchor_fill
            loc = anchor + float(p[:, 0].mean()) - self.bias
            loc_sd = float(np.sqrt(p[:, 0].var() + self._extra_var))
            if len(self._memo) >= 64:
                self._memo.clear()
            self._memo[key] = (loc, float(np.exp(p[:, 1].mean())), loc_sd)
        return self._memo[key]


def _anchor_columns(metric: str, names: list[str]) -> list[tuple[int, str]]:
    suffix, how = ANCHORS.get(metric, ("", ""))
    if not suffix:
        return []
    return [(i, how) for i, n in enumerate(names) if n.endswith(suffix)]


def _float(v: object) -> float:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return f


def _best_landmarker(values: np.ndarray, hows: list[str]) -> np.ndarray:
    """Per row: the best landmarker score in the metric's units (NaN when none is known)."""
    if values.shape[1] == 0:
        return np.full(values.shape[0], np.nan)
    conv = np.where(np.array(hows) == "one_minus", 1.0 - values, values)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        best = np.nanmax(conv, axis=1)
    # A collapsed landmarker says "hard", not "minus infinity".
    floored: np.ndarray = np.maximum(best, -1.0)
    return floored

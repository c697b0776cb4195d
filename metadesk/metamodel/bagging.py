"""Tree ensembles grown on bootstrap samples of whole groups (a dataset and its variants), shared
by the level model and the surrogate: each row's trees that never saw its group give an honest
held-out prediction (out of bag) at no extra cost."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.tree import ExtraTreeRegressor


@dataclass
class GroupBag:
    """The trees, and per row the sum, sum of squares and count of out-of-bag predictions
    (shape (rows, outputs) for the sums)."""

    trees: list[ExtraTreeRegressor]
    oob_sum: np.ndarray
    oob_sq: np.ndarray
    oob_n: np.ndarray


def grow_by_group(
    x: np.ndarray,
    y: np.ndarray,
    row_group: np.ndarray,
    n_groups: int,
    n_trees: int,
    rng: np.random.Generator,
    *,
    max_features: float,
    min_samples_leaf: int,
) -> GroupBag:
    """`n_trees` extremely randomised trees on `x` (float32) and `y`, each on a bootstrap sample of
    the `n_groups` groups (`row_group[i]`: row i's group, 0..n_groups-1)."""
    n = x.shape[0]
    outputs = 1 if y.ndim == 1 else y.shape[1]
    bag = GroupBag([], np.zeros((n, outputs)), np.zeros((n, outputs)), np.zeros(n))
    for _ in range(n_trees):
        counts = np.bincount(rng.integers(0, n_groups, n_groups), minlength=n_groups)
        weight = counts[row_group].astype(float)
        inbag = weight > 0
        tree = ExtraTreeRegressor(
            max_features=max_features,
            min_samples_leaf=min_samples_leaf,
            random_state=int(rng.integers(2**31 - 1)),
        )
        tree.fit(x[inbag], y[inbag], sample_weight=weight[inbag])
        bag.trees.append(tree)
        out = ~inbag
        if out.any():
            p = tree.tree_.predict(x[out]).reshape(int(out.sum()), -1)
            bag.oob_sum[out] += p
            bag.oob_sq[out] += p**2
            bag.oob_n[out] += 1
    return bag

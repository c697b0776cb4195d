"""Landmark models that treat numeric and nominal attributes natively, the way Weka's do.

`NaiveBayesMixed` follows weka.classifiers.bayes.NaiveBayes (normal densities with a minimum spread
set by the data's precision, Laplace-smoothed nominal counts, missing values ignored), and
`nearest_neighbour` follows weka IBk with k = 1 (range-normalised Euclidean distance, nominal
mismatch 1, Weka's rules for missing values). `TreeFamily` grows one entropy tree and reads the
stump, the depth-limited trees and the cost-complexity-pruned trees off it, so all cost one fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg, sparse
from sklearn.covariance import ledoit_wolf
from sklearn.tree import DecisionTreeClassifier

_DENSE_ONEHOT_MAX = 4096  # one-hot columns up to which a dense float32 product beats sparse


@dataclass(frozen=True)
class Fold:
    """One side of a split: numeric values (NaN missing) and nominal codes (-1 missing)."""

    numeric: np.ndarray
    nominal: np.ndarray


def _precision(x: np.ndarray) -> np.ndarray:
    """Per column, the mean gap between sorted distinct values (Weka NaiveBayes); 0.01 otherwise."""
    out = np.full(x.shape[1], 0.01)
    for j in range(x.shape[1]):
        values = np.unique(x[:, j][~np.isnan(x[:, j])])
        if values.size > 1:
            out[j] = (values[-1] - values[0]) / (values.size - 1)
    return out


class NaiveBayesMixed:
    """Naive Bayes over numeric (normal) and nominal (Laplace counts) attributes."""

    def __init__(self, n_classes: int, nominal_levels: np.ndarray) -> None:
        self.k = n_classes
        self.levels = np.maximum(np.asarray(nominal_levels, dtype=np.int64), 1)

    def fit(self, train: Fold, y: np.ndarray) -> NaiveBayesMixed:
        k = self.k
        counts = np.bincount(y, minlength=k).astype(np.float64)
        self.log_prior = np.log((counts + 1.0) / (counts.sum() + k))
        x = train.numeric
        min_std = _precision(x) / 6.0  # Weka: precision / (2 * 3)
        present = ~np.isnan(x)
        x0 = np.where(present, x, 0.0)
        onehot_y = np.eye(k)[y]  # (n, k)
        n_kf = onehot_y.T @ present  # (k, features)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n_kf > 0, (onehot_y.T @ x0) / n_kf, 0.0)
            sq = onehot_y.T @ (x0 * x0)
            var = np.where(n_kf > 0, sq / n_kf - mean * mean, 0.0)
        self.mean = mean
        self.std = np.maximum(np.sqrt(np.maximum(var, 0.0)), min_std)
        self.log_tables = []
        for j, levels in enumerate(self.levels):
            codes = train.nominal[:, j]
            keep = codes >= 0
            table = np.bincount(y[keep] * levels + codes[keep], minlength=k * levels).reshape(
                k, levels
            )
            self.log_tables.append(
                np.log((table + 1.0) / (table.sum(axis=1, keepdims=True) + levels))
            )
        return self

    def predict_proba(self, test: Fold) -> np.ndarray:
        x = test.numeric
        joint = np.tile(self.log_prior, (x.shape[0], 1))
        present = ~np.isnan(x)
        x0 = np.where(present, x, 0.0)
        for c in range(self.k):
            z = (x0 - self.mean[c]) / self.std[c]
            logpdf = -0.5 * z * z - np.log(self.std[c]) - 0.5 * np.log(2 * np.pi)
            joint[:, c] += np.where(present, logpdf, 0.0).sum(axis=1)
        for j, table in enumerate(self.log_tables):
            codes = test.nominal[:, j]
            keep = (codes >= 0) & (codes < table.shape[1])
            joint[keep] += table[:, codes[keep]].T
        joint -= joint.max(axis=1, keepdims=True)
        proba = np.exp(joint)
        return proba / proba.sum(axis=1, keepdims=True)


def _onehot(codes: np.ndarray, levels: np.ndarray) -> sparse.csr_matrix:
    """Sparse one-hot of nominal codes; a missing value gets no column, so it never matches."""
    n = codes.shape[0]
    offsets = np.concatenate([[0], np.cumsum(levels)[:-1]]).astype(np.int64)
    rows, cols = np.nonzero(codes >= 0)
    return sparse.csr_matrix(
        (np.ones(rows.size), (rows, offsets[cols] + codes[rows, cols])),
        shape=(n, int(np.sum(levels))),
    )


def nearest_neighbour(train: Fold, test: Fold, nominal_levels: np.ndarray) -> np.ndarray:
    """Index into `train` of each test row's nearest neighbour (weka IBk distance, k = 1)."""
    lo = np.nanmin(train.numeric, axis=0, initial=np.inf, where=~np.isnan(train.numeric))
    hi = np.nanmax(train.numeric, axis=0, initial=-np.inf, where=~np.isnan(train.numeric))
    span = hi - lo
    ok = np.isfinite(span) & (span > 0)
    scale = np.where(ok, span, 1.0)
    shift = np.where(ok, lo, 0.0)

    def normalised(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = np.where(ok, (x - shift) / scale, 0.0)  # Weka: a constant attribute normalises to 0
        present = ~np.isnan(x)
        return np.where(present, z, 0.0), present.astype(np.float64)

    a, ma = normalised(train.numeric)
    b, mb = normalised(test.numeric)
    # Weka: one value missing counts the largest possible difference, both missing count 1.
    ga = np.where(ma > 0, np.maximum(a, 1 - a) ** 2, 0.0)
    gb = np.where(mb > 0, np.maximum(b, 1 - b) ** 2, 0.0)
    # Every term of the squared distance as one float32 product: rows of `left` against rows of
    # `right` sum b^2 [a present] + a^2 [b present] - 2ab + the missing-value terms - matches.
    left = [b * b, mb, -2.0 * b, gb, 1 - mb]
    right = [ma, a * a, a, 1 - ma, ga + (1 - ma)]
    dense_hot = None
    if train.nominal.shape[1]:
        levels = np.maximum(np.asarray(nominal_levels, dtype=np.int64), 1)
        a_hot, b_hot = _onehot(train.nominal, levels), _onehot(test.nominal, levels)
        if a_hot.shape[1] <= _DENSE_ONEHOT_MAX:
            left.append(-b_hot.toarray())
            right.append(a_hot.toarray())
        else:
            dense_hot = (b_hot @ a_hot.T).toarray()
    dist = np.hstack(left).astype(np.float32) @ np.hstack(right).astype(np.float32).T
    if dense_hot is not None:
        dist -= dense_hot
    return np.argmin(dist, axis=1)


def lda_proba(a: np.ndarray, y: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """Linear discriminant with a Ledoit-Wolf-shrunk pooled within-class covariance."""
    present, y_local = np.unique(y, return_inverse=True)
    counts = np.bincount(y_local).astype(np.float64)
    means = (np.eye(present.size)[y_local].T @ a) / counts[:, None]
    cov, _ = ledoit_wolf(a - means[y_local], assume_centered=True)
    cov += 1e-9 * np.eye(cov.shape[0])  # a constant column would make it singular
    coef = linalg.solve(cov, means.T, assume_a="pos")
    intercept = -0.5 * np.einsum("cp,pc->c", means, coef) + np.log(counts / counts.sum())
    scores = b @ coef + intercept
    scores -= scores.max(axis=1, keepdims=True)
    proba = np.exp(scores)
    out = np.zeros((b.shape[0], k))
    out[:, present] = proba / proba.sum(axis=1, keepdims=True)
    return out


class TreeFamily:
    """One unpruned entropy tree (min 2 rows per leaf); views of it as smaller trees.

    `truncated(d)` is the tree cut at depth d (a greedy depth-d tree); `pruned(alpha)` is the
    smallest subtree minimising impurity + alpha * leaves (minimal cost-complexity pruning).
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, k: int, seed: int) -> None:
        model = DecisionTreeClassifier(criterion="entropy", min_samples_leaf=2, random_state=seed)
        model.fit(x, y)
        self.tree = model.tree_
        self.leaf = self.tree.children_left == -1
        self.depth = np.zeros(self.tree.node_count, dtype=np.int64)
        for node in range(self.tree.node_count):  # children always come after their parent
            if not self.leaf[node]:
                self.depth[self.tree.children_left[node]] = self.depth[node] + 1
                self.depth[self.tree.children_right[node]] = self.depth[node] + 1
        value = self.tree.value[:, 0, :]
        self.proba = np.zeros((self.tree.node_count, k))
        self.proba[:, np.asarray(model.classes_, dtype=np.int64)] = value / value.sum(
            axis=1, keepdims=True
        )

    def truncated(self, depth: int) -> np.ndarray:
        return self.leaf | (self.depth >= depth)

    def pruned(self, alpha: float) -> np.ndarray:
        t = self.tree
        weight = t.weighted_n_node_samples
        cost_as_leaf = t.impurity * weight / weight[0] + alpha
        cost = cost_as_leaf.copy()
        stop = self.leaf.copy()
        for d in range(int(self.depth.max()) - 1, -1, -1):  # bottom-up, one level at a time
            nodes = np.flatnonzero((self.depth == d) & ~self.leaf)
            below = cost[t.children_left[nodes]] + cost[t.children_right[nodes]]
            prune = cost_as_leaf[nodes] <= below + 1e-12  # on a tie, the smaller tree
            stop[nodes] = prune
            cost[nodes] = np.where(prune, cost_as_leaf[nodes], below)
        return stop

    def predict_proba(self, x: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Class probabilities of the subtree whose leaves are the nodes marked in `stop`."""
        t = self.tree
        x = x.astype(np.float32).astype(np.float64)  # scikit-learn compares in float32
        node = np.zeros(x.shape[0], dtype=np.intp)
        active = np.flatnonzero(~stop[node])
        while active.size:
            nd = node[active]
            v = x[active, t.feature[nd]]
            left = np.where(np.isnan(v), t.missing_go_to_left[nd] > 0, v <= t.threshold[nd])
            node[active] = np.where(left, t.children_left[nd], t.children_right[nd])
            active = active[~stop[node[active]]]
        return self.proba[node]

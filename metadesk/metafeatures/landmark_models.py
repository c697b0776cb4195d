"""Landmark models that treat numeric and nominal attributes natively, the way Weka's do.

`NaiveBayesMixed` follows weka.classifiers.bayes.NaiveBayes (normal densities with a minimum spread
set by the data's precision, Laplace-smoothed nominal counts, missing values ignored), and
`nearest_neighbour` follows weka IBk with k = 1 (range-normalised Euclidean distance, nominal
mismatch 1, Weka's rules for missing values). Both are vectorised over all attributes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse


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
    dist = (b * b) @ ma.T + mb @ (a * a).T - 2.0 * (b @ a.T)
    if not (ma.all() and mb.all()):
        # One value missing: the largest possible difference; both missing: 1.
        ga = np.where(ma > 0, np.maximum(a, 1 - a) ** 2, 0.0)
        gb = np.where(mb > 0, np.maximum(b, 1 - b) ** 2, 0.0)
        dist += gb @ (1 - ma).T + (1 - mb) @ ga.T + (1 - mb) @ (1 - ma).T
    if train.nominal.shape[1]:
        levels = np.maximum(np.asarray(nominal_levels, dtype=np.int64), 1)
        same = (_onehot(test.nominal, levels) @ _onehot(train.nominal, levels).T).toarray()
        dist += train.nominal.shape[1] - same
    return np.argmin(dist, axis=1)

"""Which configurations are really worse than the best, and which are within cross-validation noise.

Fold scores of two configurations measured on the same folds are paired. Folds overlap in their
training rows, so a plain paired t-test is far too confident; the corrected resampled t-test of
Nadeau and Bengio (2003) widens the variance by the test/train ratio, and the Bayesian correlated
t-test of Benavoli et al. (2017) gives the probability that two configurations are practically
equivalent (a region of practical equivalence, the ROPE). Pure functions of arrays: no store here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

ALPHA = 0.05  # a configuration is "tied with the best" unless p < ALPHA
ROPE = 0.01  # one point on a 0-1 metric: smaller differences do not matter in practice
# Metrics bounded in [0, 1] (or R² up to 1), where "one point" is a meaningful difference.
ROPE_METRICS = frozenset({"accuracy", "balanced_accuracy", "roc_auc", "f1_macro", "r2"})


@dataclass(frozen=True)
class PairedTest:
    """One configuration against the best on the same folds. `difference` is candidate minus best
    in the metric's units; `p_value` is two-sided; the `prob_*` come from the Bayesian test (NaN
    when it was not asked for): worse/equivalent/better than the best by more than the ROPE."""

    difference: float
    t: float
    p_value: float
    tied: bool
    prob_worse: float = math.nan
    prob_equivalent: float = math.nan
    prob_better: float = math.nan


def fold_test_ratio(folds: int) -> float:
    """n_test / n_train of one fold of k-fold cross-validation: 1 / (k - 1)."""
    if folds < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    return 1.0 / (folds - 1)


def corrected_t_test(
    candidate: Sequence[float], best: Sequence[float], ratio: float
) -> tuple[float, float]:
    """(t, two-sided p) of the corrected resampled t-test on paired fold scores.

    t = mean(d) / sqrt((1/J + n_test/n_train) * var(d)), J folds in all (k x repeats), df = J - 1.
    Equal fold scores give p = 1; a constant non-zero difference gives p = 0.
    """
    d = np.asarray(candidate, dtype=float) - np.asarray(best, dtype=float)
    _mean, t, p = _corrected(d[np.newaxis, :], ratio)
    return float(t[0]), float(p[0])


def _corrected(d: np.ndarray, ratio: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row-wise (mean difference, t, p) on a (configurations x folds) matrix (NaN = no fold)."""
    valid = ~np.isnan(d)
    n = valid.sum(axis=1)
    mean = np.where(n > 0, np.nansum(d, axis=1) / np.maximum(n, 1), np.nan)
    centred = np.where(valid, d - mean[:, None], 0.0)
    var = (centred**2).sum(axis=1) / np.maximum(n - 1, 1)
    scale = np.sqrt((1.0 / np.maximum(n, 1) + ratio) * var)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = mean / scale
        spread = scale > 1e-15
        t = np.where(spread, t, np.where(np.abs(mean) > 1e-15, np.sign(mean) * np.inf, 0.0))
    comparable = n >= 2
    t = np.where(comparable, t, np.nan)
    p = np.where(
        comparable, 2.0 * stats.t.sf(np.abs(np.nan_to_num(t)), np.maximum(n - 1, 1)), np.nan
    )
    return mean, t, p


def bayesian_correlated_t(
    candidate: Sequence[float], best: Sequence[float], folds: int, rope: float = ROPE
) -> tuple[float, float, float]:
    """(P(candidate worse by more than rope), P(within the rope), P(better by more than rope)).

    The posterior of the mean difference is Student t with J - 1 degrees of freedom, centred on
    mean(d), scale sqrt((1/J + rho/(1 - rho)) var(d)) with rho = 1/k the correlation of folds.
    """
    d = np.asarray(candidate, dtype=float) - np.asarray(best, dtype=float)
    out = _bayesian(d[np.newaxis, :], folds, rope)
    return float(out[0][0]), float(out[1][0]), float(out[2][0])


def _bayesian(d: np.ndarray, folds: int, rope: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    valid = ~np.isnan(d)
    n = valid.sum(axis=1)
    mean = np.nansum(d, axis=1) / np.maximum(n, 1)
    centred = np.where(valid, d - mean[:, None], 0.0)
    var = (centred**2).sum(axis=1) / np.maximum(n - 1, 1)
    rho = 1.0 / folds
    scale = np.sqrt((1.0 / np.maximum(n, 1) + rho / (1.0 - rho)) * var)
    df = np.maximum(n - 1, 1)
    safe = np.where(scale > 1e-15, scale, 1.0)
    below = stats.t.cdf(-rope, df, loc=mean, scale=safe)
    above = stats.t.sf(rope, df, loc=mean, scale=safe)
    # No spread at all: the whole posterior sits on the mean difference.
    below = np.where(scale > 1e-15, below, (mean < -rope).astype(float))
    above = np.where(scale > 1e-15, above, (mean > rope).astype(float))
    comparable = n >= 2
    below, above = np.where(comparable, below, np.nan), np.where(comparable, above, np.nan)
    return below, 1.0 - below - above, above


def compare_with_best(
    fold_scores: Mapping[str, Sequence[float]],
    best: str,
    *,
    folds: int,
    lower_is_better: bool = False,
    alpha: float = ALPHA,
    rope: float | None = None,
) -> dict[str, PairedTest]:
    """Every configuration in `fold_scores` (same folds, same order) against `best`.

    A configuration is tied with the best when the corrected t-test cannot tell them apart at
    `alpha`. With `rope`, the Bayesian correlated t-test adds the three probabilities; for a
    lower-is-better metric "better" still means better (the sign is turned).
    """
    names = [n for n in fold_scores if n != best]
    reference = np.asarray(fold_scores[best], dtype=float)
    if not names:
        return {best: PairedTest(0.0, 0.0, 1.0, True)}
    matrix = np.full((len(names), len(reference)), np.nan)
    for i, name in enumerate(names):
        row = np.asarray(fold_scores[name], dtype=float)
        if len(row) == len(reference):
            matrix[i] = row
    d = matrix - reference[np.newaxis, :]
    mean, t, p = _corrected(d, fold_test_ratio(folds))
    sign = -1.0 if lower_is_better else 1.0
    if rope is not None:
        worse, same, better = _bayesian(sign * d, folds, rope)
    else:
        worse = same = better = np.full(len(names), np.nan)
    out = {best: PairedTest(0.0, 0.0, 1.0, True)}
    for i, name in enumerate(names):
        pv = float(p[i])
        out[name] = PairedTest(
            difference=float(mean[i]),
            t=float(t[i]),
            p_value=pv,
            tied=bool(pv >= alpha) if math.isfinite(pv) else False,
            prob_worse=float(worse[i]),
            prob_equivalent=float(same[i]),
            prob_better=float(better[i]),
        )
    return out

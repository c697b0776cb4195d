"""The tie statistics against a hand-computed example (5-fold cross-validation, one repeat).

best      = 0.80 0.82 0.78 0.81 0.79
candidate = 0.78 0.80 0.77 0.80 0.76
d = candidate - best = -0.02 -0.02 -0.01 -0.01 -0.03, mean -0.018
var(d, ddof=1) = (4 + 4 + 64 + 64 + 144) e-6 / 4 = 7.0e-5
corrected:   t = -0.018 / sqrt((1/5 + 1/4) * 7.0e-5) = -0.018 / 0.0056125 = -3.2071, df 4
             two-sided p (t table, 4 df) = 0.0327, so the candidate is NOT tied at 5 %
uncorrected: t = -0.018 / sqrt(7.0e-5 / 5) = -4.8107 -> p = 0.0086 (far too confident)
Bayesian:    posterior t(4, loc -0.018, scale 0.0056125); ROPE +-0.01:
             P(within) = T4(4.989) - T4(1.4254) = 0.9962 - 0.8866 = 0.110
"""

from __future__ import annotations

import math

import pytest

from metadesk.experiments.comparison import (
    bayesian_correlated_t,
    compare_with_best,
    corrected_t_test,
    fold_test_ratio,
)

BEST = [0.80, 0.82, 0.78, 0.81, 0.79]
CANDIDATE = [0.78, 0.80, 0.77, 0.80, 0.76]


def test_corrected_t_test_matches_the_hand_computed_example():
    t, p = corrected_t_test(CANDIDATE, BEST, fold_test_ratio(5))
    assert t == pytest.approx(-3.2071, abs=1e-4)
    assert p == pytest.approx(0.0327, abs=2e-4)


def test_the_correction_makes_the_test_less_confident_than_a_plain_paired_t_test():
    _t, corrected = corrected_t_test(CANDIDATE, BEST, fold_test_ratio(5))
    _t, plain = corrected_t_test(CANDIDATE, BEST, 0.0)  # no correction: the naive paired test
    assert plain == pytest.approx(0.0086, abs=2e-4)
    assert corrected > 3 * plain


def test_bayesian_correlated_t_test_matches_the_hand_computed_example():
    worse, within, better = bayesian_correlated_t(CANDIDATE, BEST, folds=5, rope=0.01)
    assert within == pytest.approx(0.110, abs=2e-3)
    assert worse + within + better == pytest.approx(1.0)
    assert worse > 0.85 and better < 0.01


def test_identical_and_constant_differences():
    assert corrected_t_test(BEST, BEST, 0.25) == (0.0, 1.0)
    t, p = corrected_t_test([s + 0.01 for s in BEST], BEST, 0.25)
    assert math.isinf(t) and p == 0.0


def test_compare_with_best_marks_ties_and_leaves_unpaired_runs_out():
    noisy = [0.81, 0.80, 0.79, 0.80, 0.80]  # worse on average, but only within the fold noise
    tests = compare_with_best(
        {"best": BEST, "worse": CANDIDATE, "noisy": noisy, "other folds": [0.8, 0.8, 0.8]},
        "best",
        folds=5,
        rope=0.01,
    )
    assert tests["best"].tied and tests["best"].p_value == 1.0
    assert not tests["worse"].tied and tests["worse"].p_value == pytest.approx(0.0327, abs=2e-4)
    assert tests["noisy"].tied and tests["noisy"].p_value > 0.5
    assert math.isnan(tests["other folds"].p_value) and not tests["other folds"].tied


def test_lower_is_better_turns_the_meaning_of_better():
    errors_best = [1.0, 1.1, 0.9, 1.0, 1.05]
    errors_bad = [e + 0.5 for e in errors_best]
    tests = compare_with_best(
        {"best": errors_best, "bad": errors_bad}, "best", folds=5, lower_is_better=True, rope=0.01
    )
    assert tests["bad"].prob_worse == pytest.approx(1.0)
    assert tests["bad"].difference == pytest.approx(0.5)

"""Our vectorised landmark pieces agree with the reference implementations they stand in for."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score, roc_auc_score
from sklearn.tree import DecisionTreeClassifier

from metadesk.metafeatures.landmark_models import Fold, TreeFamily, nearest_neighbour
from metadesk.metafeatures.landmarking import kappa, weighted_auc


@pytest.fixture(scope="module")
def noisy():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((600, 6))
    x[rng.random(x.shape) < 0.05] = np.nan
    y = (np.nan_to_num(x[:, 0]) > 0).astype(int) + (np.nan_to_num(x[:, 1]) > 1)
    flip = rng.random(600) < 0.15  # label noise, so the full tree has something to prune
    y[flip] = rng.integers(0, 3, int(flip.sum()))
    test = rng.standard_normal((300, 6))
    test[rng.random(test.shape) < 0.05] = np.nan
    return x, y, test


def test_weighted_auc_and_kappa_match_scikit_learn():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, 500)
    proba = rng.dirichlet(np.ones(4), 500)
    proba[np.arange(500), y] += rng.random(500)  # some signal
    proba = np.round(proba / proba.sum(axis=1, keepdims=True), 2)  # ties, as trees give
    proba /= proba.sum(axis=1, keepdims=True)
    reference = roc_auc_score(y, proba, average="weighted", multi_class="ovr")
    assert weighted_auc(y, proba) == pytest.approx(reference)
    pred = proba.argmax(axis=1)
    assert kappa(y, pred, 4) == pytest.approx(cohen_kappa_score(y, pred))


@pytest.mark.parametrize("alpha", [0.005, 0.01, 0.02])
def test_pruned_tree_equals_scikit_learn_cost_complexity_pruning(noisy, alpha):
    x, y, test = noisy
    family = TreeFamily(x, y, 3, seed=1)
    reference = DecisionTreeClassifier(
        criterion="entropy", min_samples_leaf=2, ccp_alpha=alpha, random_state=1
    ).fit(x, y)
    np.testing.assert_allclose(
        family.predict_proba(test, family.pruned(alpha)), reference.predict_proba(test)
    )


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_truncated_tree_equals_a_depth_limited_tree(noisy, depth):
    x, y, test = noisy
    family = TreeFamily(x, y, 3, seed=1)
    reference = DecisionTreeClassifier(
        criterion="entropy", min_samples_leaf=2, max_depth=depth, random_state=1
    ).fit(x, y)
    np.testing.assert_allclose(
        family.predict_proba(test, family.truncated(depth)), reference.predict_proba(test)
    )


def test_nearest_neighbour_uses_weka_distances_with_missing_values():
    nan = np.nan
    train = Fold(
        numeric=np.array([[0.0, 0.0], [10.0, 10.0], [5.0, nan]]),
        nominal=np.array([[0], [1], [-1]], dtype=np.int32),
    )
    test = Fold(
        numeric=np.array([[1.0, 1.0], [9.0, 9.0], [nan, 5.0], [5.0, 0.0]]),
        nominal=np.array([[0], [1], [0], [1]], dtype=np.int32),
    )
    # Ranges come from the training rows (0..10); a missing value differs by the most it could;
    # a missing nominal value always mismatches.
    expected = []
    for t_num, t_nom in zip(test.numeric, test.nominal[:, 0], strict=True):
        dists = []
        for a_num, a_nom in zip(train.numeric, train.nominal[:, 0], strict=True):
            d = 0.0
            for u, v in zip(t_num / 10, a_num / 10, strict=True):
                if np.isnan(u) and np.isnan(v):
                    d += 1.0
                elif np.isnan(u) or np.isnan(v):
                    known = v if np.isnan(u) else u
                    d += max(known, 1 - known) ** 2
                else:
                    d += (u - v) ** 2
            d += 0.0 if (a_nom >= 0 and a_nom == t_nom) else 1.0
            dists.append(d)
        expected.append(int(np.argmin(dists)))
    assert nearest_neighbour(train, test, np.array([2])).tolist() == expected

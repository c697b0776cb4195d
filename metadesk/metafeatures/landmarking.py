"""Landmarkers: cheap models cross-validated (2 folds, seed 1) on a subsample of at most a few
thousand rows, stratified by class. OpenML runs Weka models on all rows; ours are approximations:

- kNN1N: weka IBk k=1 distance (see landmark_models); NaiveBayes: Weka-style mixed naive Bayes.
- One unpruned entropy tree (min 2 rows per leaf, as J48 and REPTree) per fold, read as:
  DecisionStump and REPTreeDepthN (the tree cut at depth 1 or N; no reduced-error pruning), and
  J48.001./.0001./.00001. (minimal cost-complexity pruning, alpha 0.005, 0.01, 0.02: more pruning
  as J48's confidence shrinks).
- RandomTreeDepthN: an entropy tree of depth N drawing log2(p)+1 attributes per split (Weka
  RandomTree's K), seed 1.
- LinearDiscriminant (ours): LDA with a Ledoit-Wolf-shrunk pooled covariance on standardised,
  one-hot encoded data (at most 300 design columns, a seeded subset beyond that).
Rows: at most 3,000, fewer for wide tables (1.5 million cells, at least 500 rows).
Missing values go to trees as NaN (scikit-learn learns where they go). AUC is Weka's
class-frequency-weighted one-vs-rest AUC; ErrRate, AUC and Kappa are over the pooled out-of-fold
predictions, as weka.classifiers.Evaluation computes them.

Regression (ours): LinearRegression (ridge, alpha 1, standardised + one-hot, predictions kept within
the training targets' range widened by its span), RegressionTreeDepth1..3,
kNN1NRegression; `.R2` is the mean over folds, `.RelativeRMSE` the pooled RMSE over the target's std.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from metadesk.data.task import Task
from metadesk.metafeatures.landmark_models import (
    Fold,
    NaiveBayesMixed,
    TreeFamily,
    lda_proba,
    nearest_neighbour,
)
from metadesk.metafeatures.names import (
    CLASSIFICATION_LANDMARKERS,
    CLASSIFICATION_MEASURES,
    REGRESSION_LANDMARKERS,
    REGRESSION_MEASURES,
)
from metadesk.metafeatures.table import PreparedTable, nominal_codes, numeric_values
from metadesk.metafeatures.values import MetaFeatureValue, NotApplicable

LANDMARK_ROW_CAP = 3000
LANDMARK_CELL_CAP = 1_500_000  # wide tables get fewer rows, down to LANDMARK_ROW_FLOOR
LANDMARK_ROW_FLOOR = 500
LDA_MAX_COLUMNS = 300  # beyond this, a seeded subset of design columns keeps the solve cheap
FOLDS = 2
_ONEHOT_MAX_LEVELS = 32  # in the linear models, rarer levels all encode as zeros
_J48_ALPHA = {"J48.001.": 0.005, "J48.0001.": 0.01, "J48.00001.": 0.02}

Outcome = float | NotApplicable | MetaFeatureValue


def landmark_row_cap(n_features: int) -> int:
    return int(
        np.clip(LANDMARK_CELL_CAP // max(n_features, 1), LANDMARK_ROW_FLOOR, LANDMARK_ROW_CAP)
    )


def landmark_rows(t: PreparedTable, seed: int, cap: int | None = None) -> np.ndarray:
    """Sorted row positions: all rows, or a seeded subsample stratified by class (>= 2 per class)."""
    n = t.n_rows
    cap = landmark_row_cap(t.n_features) if cap is None else cap
    if n <= cap:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    if t.y_codes is None:
        return np.sort(rng.choice(n, size=cap, replace=False))
    perm = rng.permutation(n)
    y = t.y_codes[perm]
    if t.n_classes < 2**15:
        y = y.astype(np.int16)  # a stable sort of 16-bit keys is a radix sort
    grouped = perm[np.argsort(y, kind="stable")]  # by class, random within
    counts = np.bincount(t.y_codes, minlength=t.n_classes)
    quota = np.maximum(np.floor(cap * counts / n).astype(np.int64), np.minimum(counts, 2))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    keep = np.concatenate([grouped[s : s + q] for s, q in zip(starts, quota, strict=True)])
    return np.sort(keep)


def _design(task: Task, t: PreparedTable, rows: np.ndarray) -> tuple[Fold, np.ndarray]:
    sub = task.frame.iloc[rows]
    numeric = np.empty((len(rows), len(t.numeric_cols)))
    for j, col in enumerate(t.numeric_cols):
        numeric[:, j] = numeric_values(sub[col])
    nominal = np.empty((len(rows), len(t.nominal_cols)), dtype=np.int32)
    levels = np.zeros(len(t.nominal_cols), dtype=np.int64)
    for j, col in enumerate(t.nominal_cols):
        nominal[:, j], levels[j] = nominal_codes(sub[col])
    return Fold(numeric, nominal), levels


def _take(f: Fold, idx: np.ndarray) -> Fold:
    return Fold(f.numeric[idx], f.nominal[idx])


def _tree_matrix(f: Fold) -> np.ndarray:
    nominal = np.where(f.nominal >= 0, f.nominal, np.nan)
    return np.hstack([f.numeric, nominal])


def _dense_matrix(train: Fold, test: Fold) -> tuple[np.ndarray, np.ndarray]:
    """Standardised numeric (mean-imputed) and capped one-hot nominal, fitted on `train`."""
    mean = np.nanmean(np.where(np.isnan(train.numeric).all(axis=0), 0.0, train.numeric), axis=0)
    mean = np.where(np.isfinite(mean), mean, 0.0)
    tr = np.where(np.isnan(train.numeric), mean, train.numeric)
    sd = tr.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    te = (np.where(np.isnan(test.numeric), mean, test.numeric) - mean) / sd
    # A test value far outside a nearly constant training column would overflow the linear models.
    parts_tr, parts_te = [(tr - mean) / sd], [np.clip(te, -1e6, 1e6)]
    for j in range(train.nominal.shape[1]):
        codes_tr, codes_te = train.nominal[:, j], test.nominal[:, j]
        counts = np.bincount(codes_tr[codes_tr >= 0])
        top = np.argsort(-counts, kind="stable")[:_ONEHOT_MAX_LEVELS]
        top = top[counts[top] > 0]
        parts_tr.append((codes_tr[:, None] == top[None, :]).astype(np.float64))
        parts_te.append((codes_te[:, None] == top[None, :]).astype(np.float64))
    a, b = np.hstack(parts_tr), np.hstack(parts_te)
    if a.shape[1] == 0:  # nothing observed in this fold: one empty column, so models give the prior
        a, b = np.zeros((a.shape[0], 1)), np.zeros((b.shape[0], 1))
    return a, b


def _full_proba(model, proba: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((proba.shape[0], k))
    out[:, np.asarray(model.classes_, dtype=np.int64)] = proba
    return out


def _tree_family(seed: int) -> Callable:
    def fit_predict(tr, y, te, lv, k) -> dict[str, np.ndarray]:
        family = TreeFamily(_tree_matrix(tr), y, k, seed)
        x = _tree_matrix(te)
        out = {"DecisionStump": family.predict_proba(x, family.truncated(1))}
        for depth in (1, 2, 3):
            out[f"REPTreeDepth{depth}"] = family.predict_proba(x, family.truncated(depth))
        for name, alpha in _J48_ALPHA.items():
            out[name] = family.predict_proba(x, family.pruned(alpha))
        return out

    return fit_predict


def _random_tree(depth: int, seed: int, n_features: int) -> Callable:
    k_features = min(n_features, int(np.log2(max(n_features, 1))) + 1)  # Weka RandomTree's K

    def fit_predict(tr, y, te, lv, k) -> dict[str, np.ndarray]:
        model = DecisionTreeClassifier(
            criterion="entropy", max_depth=depth, max_features=k_features, random_state=seed
        )
        model.fit(_tree_matrix(tr), y)
        proba = _full_proba(model, model.predict_proba(_tree_matrix(te)), k)
        return {f"RandomTreeDepth{depth}": proba}

    return fit_predict


def _classifier_units(seed: int, n_features: int) -> list[tuple[tuple[str, ...], Callable]]:
    """(models, fit_predict) in the order they run, cheap first; each unit is one budget step."""
    tree_models = ("DecisionStump", *_J48_ALPHA, "REPTreeDepth1", "REPTreeDepth2", "REPTreeDepth3")
    units: list[tuple[tuple[str, ...], Callable]] = [
        (
            ("NaiveBayes",),
            lambda tr, y, te, lv, k: {
                "NaiveBayes": NaiveBayesMixed(k, lv).fit(tr, y).predict_proba(te)
            },
        ),
        (tree_models, _tree_family(seed)),
    ]
    for depth in (1, 2, 3):
        units.append(((f"RandomTreeDepth{depth}",), _random_tree(depth, seed, n_features)))
    units.append(
        (
            ("kNN1N",),
            lambda tr, y, te, lv, k: {"kNN1N": np.eye(k)[y[nearest_neighbour(tr, te, lv)]]},
        )
    )
    units.append(
        (
            ("LinearDiscriminant",),
            lambda tr, y, te, lv, k: {
                "LinearDiscriminant": lda_proba(*_lda_inputs(tr, y, te, seed), k)
            },
        )
    )
    assert sorted(m for models, _ in units for m in models) == sorted(CLASSIFICATION_LANDMARKERS)
    return units


def _lda_inputs(
    tr: Fold, y: np.ndarray, te: Fold, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = _dense_matrix(tr, te)
    if a.shape[1] > LDA_MAX_COLUMNS:  # the covariance solve grows with the cube of the width
        keep = np.sort(np.random.default_rng(seed).choice(a.shape[1], LDA_MAX_COLUMNS, False))
        a, b = a[:, keep], b[:, keep]
    return a, y, b


def weighted_auc(y: np.ndarray, proba: np.ndarray) -> float:
    """Weka's weightedAreaUnderROC: one-vs-rest AUC per class, weighted by the class's frequency.

    Mann-Whitney form: each positive's average rank among all scores of its class's column.
    """
    n = y.size
    counts = np.bincount(y, minlength=proba.shape[1])
    usable = np.flatnonzero((counts > 0) & (counts < n))
    if usable.size == 0:
        return float("nan")
    order = np.argsort(y, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)])
    total = 0.0
    for c in usable:
        column = proba[:, c]
        ranked = np.sort(column)
        positives = column[order[starts[c] : starts[c + 1]]]
        below = np.searchsorted(ranked, positives, "left")
        ties = np.searchsorted(ranked, positives, "right") - below
        n_pos = positives.size
        rank_sum = float((below + (ties + 1) / 2).sum())
        total += (rank_sum - n_pos * (n_pos + 1) / 2) / (n - n_pos)  # = n_pos * AUC
    return total / counts[usable].sum()


def kappa(y: np.ndarray, pred: np.ndarray, k: int) -> float:
    confusion = np.bincount(y * k + pred, minlength=k * k).reshape(k, k).astype(np.float64)
    n = confusion.sum()
    observed = np.trace(confusion) / n
    expected = float(confusion.sum(axis=1) @ confusion.sum(axis=0)) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0 if observed == 1 else 0.0


def _splits(y: np.ndarray, seed: int, classification: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    idx = np.zeros(y.size)
    if classification and np.bincount(y).max() >= FOLDS:
        cv = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
        with warnings.catch_warnings():  # a class with one row is fine: Weka stratifies the same
            warnings.simplefilter("ignore")
            return list(cv.split(idx, y))
    return list(KFold(FOLDS, shuffle=True, random_state=seed).split(idx))


def landmarking_features(
    t: PreparedTable, task: Task, seed: int, deadline: float | None
) -> dict[str, Outcome]:
    classification = t.task_type != "regression"
    models = CLASSIFICATION_LANDMARKERS if classification else REGRESSION_LANDMARKERS
    measures = CLASSIFICATION_MEASURES if classification else REGRESSION_MEASURES
    sep = "" if classification else "."

    def every(value: Outcome, model: str) -> dict[str, Outcome]:
        return {f"{model}{sep}{m}": value for m in measures}

    rows = landmark_rows(t, seed)
    out: dict[str, Outcome] = {}
    if t.n_features == 0:
        why = NotApplicable("no feature column")
    elif rows.size < 2 * FOLDS:
        why = NotApplicable(f"fewer than {2 * FOLDS} rows")
    elif classification and t.n_classes < 2:
        why = NotApplicable("only one class")
    else:
        why = None
    if why is not None:
        for model in models:
            out.update(every(why, model))
        return out

    data, levels = _design(task, t, rows)
    if classification:
        assert t.y_codes is not None  # a classification table always has its class codes
        labels = t.y_codes[rows]
    else:
        labels = np.zeros(rows.size, dtype=np.int64)
    splits = _splits(labels, seed, classification)
    # Each unit: the models it scores, and how (classifiers) or which model (regression).
    units: Sequence[tuple[tuple[str, ...], Callable[..., Any] | str]]
    if classification:
        units = _classifier_units(seed, t.n_features)
    else:
        units = [((m,), m) for m in REGRESSION_LANDMARKERS]
    for unit_models, fit_predict in units:
        if deadline is not None and time.monotonic() > deadline:
            for model in unit_models:
                names = [f"{model}{sep}{m}" for m in measures]
                out.update({n: _over_budget(n, rows.size) for n in names})
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if classification:
                    out.update(
                        _score_classifiers(unit_models, fit_predict, t, data, levels, rows, splits)
                    )
                else:
                    out.update(_score_regressor(fit_predict, t, data, levels, rows, splits, seed))
        except Exception as exc:  # one model failing must not take the others down
            failed = f"{type(exc).__name__}: {exc}"
            for model in unit_models:
                for m in measures:
                    name = f"{model}{sep}{m}"
                    out[name] = MetaFeatureValue(name, math.nan, "failed", "landmarking", failed)
    return out


def _over_budget(name: str, n_rows: int) -> MetaFeatureValue:
    reason = f"the landmarking budget ran out before this model ({n_rows} rows)"
    return MetaFeatureValue(name, float("nan"), "over_budget", "landmarking", reason)


def _score_classifiers(models, fit_predict, t, data, levels, rows, splits) -> dict[str, Outcome]:
    assert t.y_codes is not None
    y = t.y_codes[rows].astype(np.int64)
    k = t.n_classes
    proba = {m: np.zeros((y.size, k)) for m in models}
    for train_idx, test_idx in splits:
        fold = fit_predict(_take(data, train_idx), y[train_idx], _take(data, test_idx), levels, k)
        for m in models:
            proba[m][test_idx] = fold[m]
    out: dict[str, Outcome] = {}
    for m in models:
        pred = np.argmax(proba[m], axis=1)
        auc = weighted_auc(y, proba[m])
        out[f"{m}AUC"] = auc if np.isfinite(auc) else NotApplicable("one class in the sample")
        out[f"{m}ErrRate"] = float(np.mean(pred != y))
        out[f"{m}Kappa"] = kappa(y, pred, k)
    return out


def _score_regressor(model, t, data, levels, rows, splits, seed) -> dict[str, Outcome]:
    assert t.y_values is not None
    y = t.y_values[rows]
    pred = np.zeros(y.size)
    r2s = []
    for train_idx, test_idx in splits:
        tr, te = _take(data, train_idx), _take(data, test_idx)
        if model == "LinearRegression":
            a, b = _dense_matrix(tr, te)
            seen = y[train_idx]
            span = float(seen.max() - seen.min())
            # Extrapolation beyond the seen targets by more than their span is not a prediction.
            p = np.clip(
                Ridge(alpha=1.0).fit(a, seen).predict(b), seen.min() - span, seen.max() + span
            )
        elif model == "kNN1NRegression":
            p = y[train_idx][nearest_neighbour(tr, te, levels)]
        else:
            depth = int(model[-1])
            reg = DecisionTreeRegressor(max_depth=depth, min_samples_leaf=2, random_state=seed)
            p = reg.fit(_tree_matrix(tr), y[train_idx]).predict(_tree_matrix(te))
        pred[test_idx] = p
        yt = y[test_idx]
        sst = float(((yt - yt.mean()) ** 2).sum())
        if sst > 0:
            r2s.append(1.0 - float(((yt - p) ** 2).sum()) / sst)
    spread = float(y.std())
    rmse = float(np.sqrt(np.mean((y - pred) ** 2)))
    constant = NotApplicable("the target is constant in the sample")
    return {
        f"{model}.R2": float(np.mean(r2s)) if r2s else constant,
        f"{model}.RelativeRMSE": rmse / spread if spread > 0 else constant,
    }

"""Landmarkers: cheap models cross-validated (2 folds, seed 1) on a subsample of at most a few
thousand rows, stratified by class. OpenML runs Weka models on all rows; ours are approximations:

- kNN1N: weka IBk k=1 distance (see landmark_models); NaiveBayes: Weka-style mixed naive Bayes.
- DecisionStump: DecisionTreeClassifier(max_depth=1, entropy).
- J48.001./.0001./.00001.: DecisionTreeClassifier(entropy, min_samples_leaf=2) with cost-complexity
  pruning growing as J48's confidence shrinks (ccp_alpha 0.005, 0.01, 0.02).
- REPTreeDepthN: DecisionTreeClassifier(entropy, min_samples_leaf=2, max_depth=N), no pruning.
- RandomTreeDepthN: the same with log2(p)+1 random attributes per split (Weka RandomTree's K), seed 1.
- LinearDiscriminant (ours): LDA with Ledoit-Wolf shrinkage on standardised, one-hot encoded data.
AUC is Weka's class-frequency-weighted one-vs-rest AUC, ErrRate and Kappa over the pooled
out-of-fold predictions, as weka.classifiers.Evaluation computes them.

Regression (ours): LinearRegression (ridge, alpha 1, standardised + one-hot), RegressionTreeDepth1..3,
kNN1NRegression; `.R2` is the mean over folds, `.RelativeRMSE` the pooled RMSE over the target's std.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

import numpy as np
from scipy.stats import rankdata
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from metadesk.data.task import Task
from metadesk.metafeatures.landmark_models import Fold, NaiveBayesMixed, nearest_neighbour
from metadesk.metafeatures.names import (
    CLASSIFICATION_LANDMARKERS,
    CLASSIFICATION_MEASURES,
    REGRESSION_LANDMARKERS,
    REGRESSION_MEASURES,
)
from metadesk.metafeatures.table import PreparedTable, nominal_codes, numeric_values
from metadesk.metafeatures.values import MetaFeatureValue, NotApplicable

LANDMARK_ROW_CAP = 3000
FOLDS = 2
_ONEHOT_MAX_LEVELS = 32  # rarer levels share one column in the linear models
_J48_ALPHA = {"J48.001.": 0.005, "J48.0001.": 0.01, "J48.00001.": 0.02}

Outcome = float | NotApplicable | MetaFeatureValue


def landmark_rows(t: PreparedTable, seed: int, cap: int = LANDMARK_ROW_CAP) -> np.ndarray:
    """Sorted row positions: all rows, or a seeded subsample stratified by class (>= 2 per class)."""
    n = t.n_rows
    if n <= cap:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    if t.y_codes is None:
        return np.sort(rng.choice(n, size=cap, replace=False))
    perm = rng.permutation(n)
    grouped = perm[np.argsort(t.y_codes[perm], kind="stable")]  # by class, random within
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
    parts_tr, parts_te = (
        [(tr - mean) / sd],
        [(np.where(np.isnan(test.numeric), mean, test.numeric) - mean) / sd],
    )
    for j in range(train.nominal.shape[1]):
        codes_tr, codes_te = train.nominal[:, j], test.nominal[:, j]
        counts = np.bincount(codes_tr[codes_tr >= 0])
        top = np.argsort(-counts, kind="stable")[:_ONEHOT_MAX_LEVELS]
        top = top[counts[top] > 0]
        parts_tr.append((codes_tr[:, None] == top[None, :]).astype(np.float64))
        parts_te.append((codes_te[:, None] == top[None, :]).astype(np.float64))
    return np.hstack(parts_tr), np.hstack(parts_te)


def _full_proba(model, proba: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((proba.shape[0], k))
    out[:, np.asarray(model.classes_, dtype=np.int64)] = proba
    return out


def _classifier(name: str, seed: int, n_features: int) -> Callable:
    """A function (train, y_train, test, levels, k) -> class probabilities for `test`."""
    if name == "kNN1N":
        return lambda tr, y, te, lv, k: np.eye(k)[y[nearest_neighbour(tr, te, lv)]]
    if name == "NaiveBayes":
        return lambda tr, y, te, lv, k: NaiveBayesMixed(k, lv).fit(tr, y).predict_proba(te)
    if name == "LinearDiscriminant":

        def lda(tr, y, te, lv, k):
            a, b = _dense_matrix(tr, te)
            model = LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto").fit(a, y)
            return _full_proba(model, model.predict_proba(b), k)

        return lda
    if name == "DecisionStump":
        params = {"max_depth": 1}
    elif name.startswith("J48"):
        params = {"min_samples_leaf": 2, "ccp_alpha": _J48_ALPHA[name]}
    elif name.startswith("REPTreeDepth"):
        params = {"min_samples_leaf": 2, "max_depth": int(name[-1])}
    else:  # RandomTreeDepthN
        k_features = min(n_features, int(np.log2(max(n_features, 1))) + 1)
        params = {"max_depth": int(name[-1]), "max_features": k_features}

    def tree(tr, y, te, lv, k):
        model = DecisionTreeClassifier(criterion="entropy", random_state=seed, **params)
        model.fit(_tree_matrix(tr), y)
        return _full_proba(model, model.predict_proba(_tree_matrix(te)), k)

    return tree


def weighted_auc(y: np.ndarray, proba: np.ndarray) -> float:
    """Weka's weightedAreaUnderROC: one-vs-rest AUC per class, weighted by the class's frequency."""
    total, weight = 0.0, 0
    n = y.size
    for c in np.unique(y):
        pos = y == c
        n_pos = int(pos.sum())
        if n_pos == n:
            continue
        ranks = rankdata(proba[:, c])
        auc = (ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * (n - n_pos))
        total += n_pos * auc
        weight += n_pos
    return total / weight if weight else float("nan")


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
    splits = _splits(
        t.y_codes[rows] if classification else np.zeros(rows.size, dtype=np.int64),
        seed,
        classification,
    )
    for model in models:
        if deadline is not None and time.monotonic() > deadline:
            out.update(
                {f"{model}{sep}{m}": _over_budget(f"{model}{sep}{m}", rows.size) for m in measures}
            )
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if classification:
                    out.update(_score_classifier(model, t, data, levels, rows, splits, seed))
                else:
                    out.update(_score_regressor(model, t, data, levels, rows, splits, seed))
        except Exception as exc:  # one model failing must not take the others down
            failed = f"{type(exc).__name__}: {exc}"
            out.update(
                {
                    f"{model}{sep}{m}": MetaFeatureValue(
                        f"{model}{sep}{m}", float("nan"), "failed", "landmarking", failed
                    )
                    for m in measures
                }
            )
    return out


def _over_budget(name: str, n_rows: int) -> MetaFeatureValue:
    reason = f"the landmarking budget ran out before this model ({n_rows} rows)"
    return MetaFeatureValue(name, float("nan"), "over_budget", "landmarking", reason)


def _score_classifier(model, t, data, levels, rows, splits, seed) -> dict[str, Outcome]:
    assert t.y_codes is not None
    y = t.y_codes[rows].astype(np.int64)
    k = t.n_classes
    fit_predict = _classifier(model, seed, t.n_features)
    proba = np.zeros((y.size, k))
    for train_idx, test_idx in splits:
        proba[test_idx] = fit_predict(
            _take(data, train_idx), y[train_idx], _take(data, test_idx), levels, k
        )
    pred = np.argmax(proba, axis=1)
    auc = weighted_auc(y, proba)
    return {
        f"{model}AUC": auc if np.isfinite(auc) else NotApplicable("only one class in the sample"),
        f"{model}ErrRate": float(np.mean(pred != y)),
        f"{model}Kappa": kappa(y, pred, k),
    }


def _score_regressor(model, t, data, levels, rows, splits, seed) -> dict[str, Outcome]:
    assert t.y_values is not None
    y = t.y_values[rows]
    pred = np.zeros(y.size)
    r2s = []
    for train_idx, test_idx in splits:
        tr, te = _take(data, train_idx), _take(data, test_idx)
        if model == "LinearRegression":
            a, b = _dense_matrix(tr, te)
            p = Ridge(alpha=1.0).fit(a, y[train_idx]).predict(b)
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

"""Model diagnostics from stored out-of-fold predictions, and permutation importance.

`diagnostics(oof)` turns one experiment's out-of-fold predictions into the numbers an analyst
expects: confusion matrix, ROC and precision-recall curves with their areas, the calibration curve
(classification); predicted against actual and residuals (regression). `permutation_importance`
fits the configuration once and measures how much each original column matters. Both are plain
computations: the GUI runs them on the bridge, the report inline.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from metadesk.experiments.predictions import OutOfFold

if TYPE_CHECKING:
    from metadesk.workspace.service import Workspace

MAX_CURVE_POINTS = 400  # a curve on screen needs no more; 100,000 thresholds would be slow to draw
MAX_SCATTER_POINTS = 4000
MAX_CURVE_CLASSES = 8  # one-vs-rest curves for at most this many classes (the most frequent)


@dataclass(frozen=True)
class Curve:
    name: str
    x: np.ndarray
    y: np.ndarray
    area: float  # ROC AUC or average precision; NaN for a calibration curve
    prevalence: float = math.nan  # share of positives (the precision of guessing)


@dataclass(frozen=True)
class Diagnostics:
    """What the diagnostic plots draw for one experiment."""

    task_type: str
    classes: tuple[str, ...] = ()
    confusion: np.ndarray | None = None  # rows: actual class, columns: predicted class
    roc: list[Curve] = field(default_factory=list)
    precision_recall: list[Curve] = field(default_factory=list)
    calibration: list[Curve] = field(default_factory=list)
    actual: np.ndarray | None = None  # regression: a sample of rows for the scatter plots
    predicted: np.ndarray | None = None
    n_rows: int = 0


def _thin(x: np.ndarray, y: np.ndarray, n: int = MAX_CURVE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    if len(x) <= n:
        return x, y
    keep = np.unique(np.linspace(0, len(x) - 1, n).round().astype(int))
    return x[keep], y[keep]


def _curve_classes(oof: OutOfFold) -> list[int]:
    """Binary: the second class (the positive one); otherwise the most frequent classes."""
    if len(oof.classes) == 2:
        return [1]
    counts = np.bincount(oof.y_true, minlength=len(oof.classes))
    return [int(i) for i in np.argsort(-counts, kind="stable")[:MAX_CURVE_CLASSES] if counts[i]]


def diagnostics(oof: OutOfFold) -> Diagnostics:
    """The diagnostic numbers of one experiment's out-of-fold predictions."""
    if not oof.classification:
        rng = np.random.default_rng(0)
        rows = np.arange(oof.n_rows)
        if len(rows) > MAX_SCATTER_POINTS:
            rows = np.sort(rng.choice(rows, MAX_SCATTER_POINTS, replace=False))
        return Diagnostics(
            oof.task_type,
            actual=np.asarray(oof.y_true)[rows],
            predicted=np.asarray(oof.y_pred)[rows],
            n_rows=oof.n_rows,
        )
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import (
        average_precision_score,
        confusion_matrix,
        precision_recall_curve,
        roc_auc_score,
        roc_curve,
    )

    k = len(oof.classes)
    confusion = confusion_matrix(oof.y_true, oof.y_pred, labels=list(range(k)))
    roc: list[Curve] = []
    pr: list[Curve] = []
    calibration: list[Curve] = []
    if oof.proba is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for c in _curve_classes(oof):
                positive = oof.y_true == c
                if positive.all() or not positive.any():
                    continue
                score = oof.proba[:, c]
                name = str(oof.classes[c])
                fpr, tpr, _ = roc_curve(positive, score)
                roc.append(Curve(name, *_thin(fpr, tpr), float(roc_auc_score(positive, score))))
                precision, recall, _ = precision_recall_curve(positive, score)
                pr.append(
                    Curve(
                        name,
                        *_thin(recall[::-1], precision[::-1]),
                        float(average_precision_score(positive, score)),
                        float(positive.mean()),
                    )
                )
                if k == 2:
                    observed, expected = calibration_curve(
                        positive, score, n_bins=10, strategy="quantile"
                    )
                    calibration.append(Curve(name, expected, observed, math.nan))
            if k > 2:  # how often the most probable class is right, against its probability
                confidence = oof.proba.max(axis=1)
                right = oof.proba.argmax(axis=1) == oof.y_true
                observed, expected = calibration_curve(
                    right, confidence, n_bins=10, strategy="quantile"
                )
                calibration.append(Curve("most probable class", expected, observed, math.nan))
    return Diagnostics(
        oof.task_type,
        classes=tuple(oof.classes),
        confusion=confusion,
        roc=roc,
        precision_recall=pr,
        calibration=calibration,
        n_rows=oof.n_rows,
    )


# --- permutation importance -----------------------------------------------------------------------
PERMUTATION_ROWS = 4000  # rows scored per permutation: plenty for a stable ranking
PERMUTATION_REPEATS = 5
_SCORERS = {
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced_accuracy",
    "f1_macro": "f1_macro",
    "roc_auc": "roc_auc_ovr",
    "log_loss": "neg_log_loss",
    "r2": "r2",
    "rmse": "neg_root_mean_squared_error",
    "mae": "neg_mean_absolute_error",
}


def permutation_importance(
    workspace: Workspace, dataset_id: str, configuration_id: str, metric: str, *, seed: int = 0
) -> pd.DataFrame:
    """How much `metric` drops when one original column is shuffled, for the configuration fitted
    on three quarters of the rows and scored on the rest. Columns: column, importance (in the
    metric's units, larger = the column matters more), std; most important first."""
    from sklearn.inspection import permutation_importance as sk_permutation_importance
    from sklearn.model_selection import train_test_split
    from threadpoolctl import threadpool_limits

    from metadesk.experiments.runner import fit_final
    from metadesk.experiments.spec import Protocol
    from metadesk.workspace.stored import stored_spec
    from metadesk.workspace.usage import fittable_configuration

    task = workspace.load_task(dataset_id)
    frame = task.frame[task.frame[task.target].notna()].reset_index(drop=True)
    classification = task.task_type != "regression"
    y = frame[task.target]
    try:
        train, test = train_test_split(
            np.arange(len(frame)),
            test_size=0.25,
            random_state=seed,
            stratify=y if classification else None,
        )
    except ValueError:  # a class too rare to stratify
        train, test = train_test_split(np.arange(len(frame)), test_size=0.25, random_state=seed)
    if len(test) > PERMUTATION_ROWS:
        test = np.random.default_rng(seed).choice(test, PERMUTATION_ROWS, replace=False)
    configuration = fittable_configuration(workspace.knowledge, configuration_id)
    protocol = Protocol(seed=seed)
    spec, _task = stored_spec(workspace.store, dataset_id, configuration, protocol, task)
    model = fit_final(spec, data=frame.iloc[train])
    columns = list(task.feature_columns)
    X_test = frame.iloc[test][columns]
    y_test = y.iloc[test]
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = sk_permutation_importance(
            model,
            X_test,
            y_test,
            scoring=_SCORERS.get(metric, "accuracy" if classification else "r2"),
            n_repeats=PERMUTATION_REPEATS,
            random_state=seed,
            n_jobs=1,
        )
    table = pd.DataFrame(
        {
            "column": columns,
            "importance": found.importances_mean,
            "std": found.importances_std,
        }
    )
    return table.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)

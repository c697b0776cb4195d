"""Metric names and directions as the meta-model sees them.

The meta-model and the experiments layers are independent siblings (import contract), so the few
facts it needs about metrics are restated here; a test checks they agree with `experiments.spec`.
"""

from __future__ import annotations

import numpy as np

TASK_TYPES = ("binary", "multiclass", "regression")
CLASSIFICATION_METRICS = ("accuracy", "balanced_accuracy", "roc_auc", "log_loss", "f1_macro")
REGRESSION_METRICS = ("r2", "rmse", "mae")
LOWER_IS_BETTER = frozenset({"log_loss", "rmse", "mae"})
METRIC_LABELS = {
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced accuracy",
    "roc_auc": "ROC AUC",
    "log_loss": "log loss",
    "f1_macro": "F1 (macro)",
    "r2": "R²",
    "rmse": "RMSE",
    "mae": "MAE",
}
# One "point" is 0.01 of the metric: natural for accuracy-like scores and R².
POINT = 0.01
# What each metric can reach: an 80% interval up to 1.045 accuracy is one up to 1.0.
METRIC_RANGE = {
    "accuracy": (0.0, 1.0),
    "balanced_accuracy": (0.0, 1.0),
    "roc_auc": (0.0, 1.0),
    "f1_macro": (0.0, 1.0),
    "r2": (-np.inf, 1.0),
    "log_loss": (0.0, np.inf),
    "rmse": (0.0, np.inf),
    "mae": (0.0, np.inf),
}


def within_range(metric: str, *values: float) -> tuple[float, ...]:
    """`values` clipped to what `metric` can reach (NaN stays NaN)."""
    low, high = METRIC_RANGE.get(metric, (-np.inf, np.inf))
    return tuple(float(np.clip(v, low, high)) if v == v else v for v in values)


def metrics_for(task_type: str) -> tuple[str, ...]:
    return REGRESSION_METRICS if task_type == "regression" else CLASSIFICATION_METRICS


def default_metric(task_type: str) -> str:
    return "r2" if task_type == "regression" else "accuracy"


def sign(metric: str) -> float:
    """+1 when greater is better, -1 otherwise: `sign * score` is always "greater is better"."""
    return -1.0 if metric in LOWER_IS_BETTER else 1.0


def orient(scores: np.ndarray | float, metric: str) -> np.ndarray | float:
    return sign(metric) * np.asarray(scores, dtype=float)

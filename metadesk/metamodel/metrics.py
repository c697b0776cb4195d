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


def metrics_for(task_type: str) -> tuple[str, ...]:
    return REGRESSION_METRICS if task_type == "regression" else CLASSIFICATION_METRICS


def default_metric(task_type: str) -> str:
    return "r2" if task_type == "regression" else "accuracy"


def sign(metric: str) -> float:
    """+1 when greater is better, -1 otherwise: `sign * score` is always "greater is better"."""
    return -1.0 if metric in LOWER_IS_BETTER else 1.0


def orient(scores: np.ndarray | float, metric: str) -> np.ndarray | float:
    return sign(metric) * np.asarray(scores, dtype=float)

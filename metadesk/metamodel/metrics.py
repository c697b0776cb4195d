"""Metrics as the meta-model sees them: the shared table (`metadesk.metric_names`, labels in
sentence form), what one point is and what each metric can reach."""

from __future__ import annotations

import numpy as np

from metadesk.metric_names import (
    CLASSIFICATION_METRICS,
    LOWER_IS_BETTER,
    REGRESSION_METRICS,
    default_metric,
    metrics_for,
)
from metadesk.metric_names import METRIC_WORDS as METRIC_LABELS

__all__ = [
    "CLASSIFICATION_METRICS",
    "LOWER_IS_BETTER",
    "METRIC_LABELS",
    "METRIC_RANGE",
    "POINT",
    "REGRESSION_METRICS",
    "TASK_TYPES",
    "default_metric",
    "metrics_for",
    "orient",
    "sign",
    "within_range",
]

TASK_TYPES = ("binary", "multiclass", "regression")
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


def sign(metric: str) -> float:
    """+1 when greater is better, -1 otherwise: `sign * score` is always "greater is better"."""
    return -1.0 if metric in LOWER_IS_BETTER else 1.0


def orient(scores: np.ndarray, metric: str) -> np.ndarray:
    return sign(metric) * np.asarray(scores, dtype=float)

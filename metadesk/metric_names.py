"""The one table of metrics: their names, which task types they judge, which way is better and how
they read. Every layer reads it from here (like `metadesk.errors`, it imports nothing)."""

from __future__ import annotations

CLASSIFICATION_METRICS = ("accuracy", "balanced_accuracy", "roc_auc", "log_loss", "f1_macro")
REGRESSION_METRICS = ("r2", "rmse", "mae")
# Metrics where a smaller value is better; every other metric is "greater is better".
LOWER_IS_BETTER = frozenset({"log_loss", "rmse", "mae"})
# As a column header or a menu entry.
METRIC_LABELS = {
    "accuracy": "Accuracy",
    "balanced_accuracy": "Balanced accuracy",
    "roc_auc": "ROC AUC",
    "log_loss": "Log loss",
    "f1_macro": "F1 (macro)",
    "r2": "R²",
    "rmse": "RMSE",
    "mae": "MAE",
}
# Inside a sentence ("1.2 points of accuracy below the best"): acronyms keep their capitals.
METRIC_WORDS = {
    name: label if label[:2].isupper() else label[0].lower() + label[1:]
    for name, label in METRIC_LABELS.items()
}


def metrics_for(task_type: str) -> tuple[str, ...]:
    return REGRESSION_METRICS if task_type == "regression" else CLASSIFICATION_METRICS


def default_metric(task_type: str) -> str:
    return "r2" if task_type == "regression" else "accuracy"

"""Argument types that refuse nonsense before any work starts, with a plain message from argparse
("argument --folds: cross-validation needs at least 2 folds, not 0") instead of a traceback later.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from metadesk.experiments.spec import METRIC_LABELS, metrics_for

MAX_FOLDS = 100
MIN_MEMORY_MB = 64


def whole_number(minimum: int, what: str, maximum: int | None = None) -> Callable[[str], int]:
    """A whole number of at least `minimum` (and at most `maximum`); `what` names it in messages."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{what} must be at least {minimum}, not {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{what} must be at most {maximum}, not {value}")
        return value

    parse.__name__ = "whole number"
    return parse


def folds(text: str) -> int:
    """Cross-validation folds: 2 to 100."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of folds") from None
    if value < 2:
        raise argparse.ArgumentTypeError(
            f"cross-validation needs at least 2 folds, not {value} (5 is usual)"
        )
    if value > MAX_FOLDS:
        raise argparse.ArgumentTypeError(f"at most {MAX_FOLDS} folds, not {value}")
    return value


def seconds(text: str) -> float:
    """A time limit in seconds, above zero (0 would silently mean no limit)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"the time limit must be a number of seconds above 0, not {text}"
        )
    return value


def budget_seconds(text: str) -> float:
    """A budget in seconds, 0 or more (0: report everything as over budget)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"the budget must be 0 seconds or more, not {text}")
    return value


def memory_mb(text: str) -> int:
    """A memory limit in MB: at least 64."""
    return whole_number(MIN_MEMORY_MB, "the memory limit (MB)")(text)


def metric(text: str) -> str:
    """A metric metadesk knows, by its id (accuracy, r2, ...)."""
    name = text.strip().lower()
    if name not in METRIC_LABELS:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a metric; use one of: {', '.join(METRIC_LABELS)}"
        )
    return name


def check_metric_applies(metric_name: str | None, task_type: str) -> None:
    """Raise a `UserError` when the metric does not apply to the task (R² on a classification)."""
    from metadesk.errors import TaskProblem

    if metric_name and metric_name not in metrics_for(task_type):
        family = "regression" if task_type == "regression" else "classification"
        raise TaskProblem(
            f"'{metric_name}' is not a metric for this {family} task ({task_type}).",
            f"Use one of: {', '.join(metrics_for(task_type))}, or leave --metric out.",
        )


TABLE_FILE_HELP = "CSV/TSV/TXT, Excel (.xlsx/.xls/.ods), Parquet, ARFF or KEEL .dat"


def add_table(
    parser: argparse.ArgumentParser,
    *,
    file_help: str = TABLE_FILE_HELP,
    target_help: str = "the column to predict",
    target_required: bool = True,
) -> None:
    """The table file and its target column: the two arguments every per-table command takes."""
    parser.add_argument("file", help=file_help)
    parser.add_argument("--target", required=target_required, help=target_help)

"""`extract_meta_features`: every group run under its time budget, every name returned with a status.

A group that fails, or runs past its budget (checked between blocks of work), gives each of its
features that status with the reason; a value that comes out non-finite is reported as failed.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable, Mapping

from metadesk.data.task import TASK_TYPES, Task
from metadesk.metafeatures.general import general_features
from metadesk.metafeatures.info_theory import info_theory_features
from metadesk.metafeatures.names import FEATURE_NAMES, GROUP_OF
from metadesk.metafeatures.statistical import statistical_features
from metadesk.metafeatures.table import PreparedTable, prepare
from metadesk.metafeatures.values import MetaFeatures, MetaFeatureValue, NotApplicable, Outcome

log = logging.getLogger(__name__)

# Seconds per group when no overall budget is given; with one, the same shares of it.
DEFAULT_BUDGETS = {"statistical": 10.0, "info_theory": 10.0, "landmarking": 30.0, "regression": 5.0}
_SHARES = {"statistical": 0.2, "info_theory": 0.2, "landmarking": 0.5, "regression": 0.1}

# (table, task, seed, deadline) -> name -> value, or None when the deadline passed.
GroupFn = Callable[
    [PreparedTable, Task, int, "float | None"], "Mapping[str, Outcome | None] | None"
]


def _groups(task_type: str) -> list[tuple[str, GroupFn]]:
    # Imported here: scikit-learn loads only when features are extracted, not when names are read.
    from metadesk.metafeatures.landmarking import landmarking_features
    from metadesk.metafeatures.target import target_features

    groups: list[tuple[str, GroupFn]] = [
        ("statistical", lambda t, task, seed, dl: statistical_features(t, dl)),
    ]
    if task_type == "regression":
        groups.append(("regression", lambda t, task, seed, dl: target_features(t)))
    else:
        groups.append(("info_theory", lambda t, task, seed, dl: info_theory_features(t, dl)))
    groups.append(("landmarking", landmarking_features))
    return groups


def extract_meta_features(
    task: Task, *, budget_s: float | None = None, seed: int = 1
) -> MetaFeatures:
    """All meta-features of `FEATURE_NAMES(task.task_type)`, in that order, each with a status.

    `budget_s` bounds the whole extraction (default: a per-group budget of `DEFAULT_BUDGETS`);
    `seed` fixes every sample and model, so the same task gives the same values.
    """
    if task.task_type not in TASK_TYPES:
        raise ValueError(f"unknown task type {task.task_type!r}")
    start = time.monotonic()
    names = FEATURE_NAMES(task.task_type)
    results: dict[str, MetaFeatureValue] = {}

    try:
        table = prepare(task, seed=seed)
    except Exception as exc:  # a bug or an unforeseen table: every feature says so
        log.warning("meta-features: cannot prepare the table", exc_info=True)
        reason = f"the table could not be read: {type(exc).__name__}: {exc}"
        return MetaFeatures([_value(n, "failed", reason) for n in names])

    _run_group("general", lambda: general_features(table), results)
    for group, fn in _groups(task.task_type):
        now = time.monotonic()
        if budget_s is None:
            deadline = now + DEFAULT_BUDGETS[group]
        else:
            deadline = min(now + _SHARES[group] * budget_s, start + budget_s)
            if group == "landmarking":  # the last group gets whatever is left
                deadline = start + budget_s
        if now >= deadline:
            reason = f"no time left of the {budget_s:g} s budget"
            _fill(results, names, group, "over_budget", reason)
            continue
        budget_text = f"{deadline - now:.1f} s"
        _run_group(
            group,
            functools.partial(fn, table, task, seed, deadline),
            results,
            over_budget_reason=f"stopped after its {budget_text} budget",
        )

    missing = [n for n in names if n not in results]
    for n in missing:  # a group that forgot a name is a bug; say so rather than drop it
        results[n] = _value(n, "failed", "not produced by its group")
    log.debug("meta-features: %d names in %.2f s", len(names), time.monotonic() - start)
    return MetaFeatures([results[n] for n in names])


def _run_group(
    group: str,
    compute: Callable[[], Mapping[str, Outcome | None] | None],
    results: dict[str, MetaFeatureValue],
    over_budget_reason: str = "",
) -> None:
    names = [n for n, g in GROUP_OF.items() if g == group]
    try:
        values = compute()
    except Exception as exc:
        log.warning("meta-features: group %s failed", group, exc_info=True)
        _fill(results, names, group, "failed", f"{type(exc).__name__}: {exc}")
        return
    if values is None:
        _fill(results, names, group, "over_budget", over_budget_reason)
        return
    for name, v in values.items():
        if isinstance(v, NotApplicable):
            results[name] = _value(name, "not_applicable", v.reason)
        elif isinstance(v, MetaFeatureValue):
            results[name] = v
        elif v is None or not math.isfinite(float(v)):
            results[name] = _value(name, "failed", "the value is not a finite number")
        else:
            results[name] = _value(name, "computed", "", float(v))


def _fill(
    results: dict[str, MetaFeatureValue], names: list[str], group: str, status: str, reason: str
) -> None:
    for n in names:
        if n not in results and GROUP_OF.get(n) == group:
            results[n] = _value(n, status, reason)


def _value(name: str, status: str, reason: str, value: float = math.nan) -> MetaFeatureValue:
    return MetaFeatureValue(
        name=name, value=value, status=status, group=GROUP_OF.get(name, ""), reason=reason
    )

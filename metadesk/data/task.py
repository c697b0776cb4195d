"""The learning task: a table, a target column, the task type and the column roles.

`make_task` validates what a user chose and explains every exclusion; `Task.dataset_id` is a content
fingerprint so the same data loaded twice (renamed, rows shuffled) is the same dataset.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from metadesk.data.fingerprint import fingerprint
from metadesk.data.roles import USABLE_ROLES, Role, infer_roles
from metadesk.data.text_dtype import TEXT
from metadesk.errors import RareClasses, TaskProblem

TASK_TYPES = ("binary", "multiclass", "regression")


@dataclass(frozen=True, eq=False)
class Task:
    """`frame` holds only the usable feature columns and the target, rows with a missing target removed.

    `roles` covers every column of the source table except the target; `excluded` maps a column left
    out of the features to the plain-language reason.
    """

    dataset_id: str
    name: str
    frame: pd.DataFrame
    target: str
    task_type: str
    roles: Mapping[str, Role]
    excluded: Mapping[str, str] = field(default_factory=dict)
    dropped_rows: int = 0
    source_path: Path | None = None
    notes: tuple[str, ...] = ()  # plain-language account of rows dropped while defining the task

    @property
    def feature_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != self.target]

    @property
    def X(self) -> pd.DataFrame:
        return self.frame[self.feature_columns]

    @property
    def y(self) -> pd.Series:
        return self.frame[self.target]

    @property
    def n_rows(self) -> int:
        return len(self.frame)

    @property
    def is_classification(self) -> bool:
        return self.task_type != "regression"

    def feature_roles(self) -> tuple[tuple[str, str], ...]:
        """(column, role) for each feature column, in frame order: what a worker needs."""
        return tuple((c, Role(self.roles[c]).value) for c in self.feature_columns)


MIN_ROWS = 20
MAX_CLASSES = 200
# An integer target with at most this many distinct values is a class label...
_FEW_CLASSES = 10
# ...and so is one with up to _SOME_CLASSES values when they are rare relative to the rows.
_SOME_CLASSES = 30
_TARGET_NAMES = ("target", "class", "label", "y", "outcome", "response", "diagnosis")

_EXCLUSION_REASONS = {
    Role.IDENTIFIER: "looks like a row identifier (a different value in every row)",
    Role.CONSTANT: "has the same value in every row",
    Role.TEXT: "is free text (long, mostly unique strings); text columns are not used yet",
}


def suggest_target(frame: pd.DataFrame) -> str:
    """A column named like target / class / label / y / outcome, else the last usable column."""
    if frame.shape[1] == 0:
        raise TaskProblem("The table has no columns.", "Load a table with at least two columns.")
    names = [str(c) for c in frame.columns]
    normal = {n: re.sub(r"[^a-z0-9]+", "", n.lower()) for n in names}
    for wanted in _TARGET_NAMES:
        for name in names:
            if normal[name] == wanted:
                return name
    for wanted in _TARGET_NAMES[:5]:
        for name in names:
            words = set(re.split(r"[^a-z0-9]+", name.lower()))
            if wanted in words and len(wanted) > 1:
                return name
    roles = infer_roles(frame[names[-3:]]) if len(names) > 1 else {}
    for name in reversed(names[-3:]):
        if roles.get(name) in USABLE_ROLES:
            return name
    return names[-1]


def detect_task_type(y: pd.Series) -> str:
    """binary, multiclass or regression, from the target's values (missing ones ignored)."""
    present = y.dropna()
    distinct = int(present.nunique())
    if distinct == 2:
        return "binary"
    if pd.api.types.is_bool_dtype(y.dtype):
        return "binary"
    if pd.api.types.is_numeric_dtype(y.dtype):
        values = present.to_numpy(dtype="float64")
        integral = bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))
        few = distinct <= _FEW_CLASSES or (
            distinct <= _SOME_CLASSES and distinct <= 0.05 * len(values)
        )
        return "multiclass" if integral and few else "regression"
    return "multiclass"


def _closest(target: str, names: list[str]) -> str:
    close = difflib.get_close_matches(target, names, n=3, cutoff=0.5)
    if close:
        return "Did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return (
        "Columns: " + ", ".join(f"'{c}'" for c in names[:12]) + (" ..." if len(names) > 12 else "")
    )


def _merge_roles(
    frame: pd.DataFrame, target: str, roles: Mapping[str, Role | str] | None
) -> tuple[dict[str, Role], set[str]]:
    """(inferred roles with the user's choices applied, columns whose role the user changed)."""
    features = frame.drop(columns=[target])
    inferred = infer_roles(features)
    merged = dict(inferred)
    for column, role in (roles or {}).items():
        if column == target:
            continue
        if column not in merged:
            raise TaskProblem(
                f"There is no column named '{column}'.", _closest(column, list(merged))
            )
        try:
            merged[column] = Role(role)
        except ValueError:
            allowed = ", ".join(r.value for r in Role)
            raise TaskProblem(
                f"'{role}' is not a column role.", f"Use one of: {allowed}."
            ) from None
    changed = {c for c in merged if merged[c] != inferred[c]}
    for column in changed:
        _check_role_fits(frame[column], column, merged[column])
    return merged, changed


def _check_role_fits(series: pd.Series, column: str, role: Role) -> None:
    """A role the user picks must suit the values, or models would fail much later."""
    dtype = series.dtype
    if role == Role.NUMERIC and not (
        pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
    ):
        raise TaskProblem(
            f"'{column}' holds words, not numbers, so it cannot be numeric.",
            "Choose categorical for it, or fix the values in the file.",
        )
    if role == Role.DATETIME and not pd.api.types.is_datetime64_any_dtype(dtype):
        raise TaskProblem(
            f"'{column}' was not read as dates, so it cannot be a date column.",
            "Choose categorical or numeric for it, or write the dates as YYYY-MM-DD in the file.",
        )


def make_task(
    frame: pd.DataFrame,
    target: str,
    *,
    task_type: str | None = None,
    roles: Mapping[str, Role | str] | None = None,
    name: str = "",
    source_path: Path | str | None = None,
    folds: int = 5,
    drop_classes: Iterable[object] = (),
) -> Task:
    """Validate the user's choices and build the `Task`; every problem is a `TaskProblem`."""
    names = [str(c) for c in frame.columns]
    if target not in names:
        raise TaskProblem(f"There is no column named '{target}'.", _closest(str(target), names))
    if task_type is not None and task_type not in TASK_TYPES:
        raise TaskProblem(
            f"'{task_type}' is not a task type.", f"Use one of: {', '.join(TASK_TYPES)}."
        )
    merged, overridden = _merge_roles(frame, target, roles)
    notes: list[str] = []
    y = frame[target]
    missing = y.isna().to_numpy()
    dropped = int(missing.sum())
    if dropped:
        frame = frame.loc[~missing]
        notes.append(f"{dropped} row(s) without a value in '{target}' were left out.")
    y = frame[target]
    if pd.api.types.is_datetime64_any_dtype(y.dtype):
        raise TaskProblem(
            f"'{target}' holds dates, which cannot be predicted here.",
            "Pick a column of categories or numbers as the target.",
        )
    if y.nunique() < 2:
        raise TaskProblem(
            f"'{target}' has only one value"
            + (f" ({y.iloc[0]!r})" if len(y) else "")
            + ", so there is nothing to predict.",
            "Pick a column whose values differ between rows.",
        )
    _check_rows(frame, dropped)
    kind = task_type or detect_task_type(y)
    if kind == "regression":
        if not pd.api.types.is_numeric_dtype(y.dtype) or pd.api.types.is_bool_dtype(y.dtype):
            raise TaskProblem(
                f"'{target}' is not numeric, so it cannot be a regression target.",
                "Choose binary or multiclass classification, or another target.",
            )
    else:
        frame, kind, removed = _check_classes(frame, target, kind, task_type, folds, drop_classes)
        if removed:
            dropped += removed[0]
            notes.append(
                f"{removed[0]} row(s) of the dropped class(es) {removed[1]} were left out."
            )
    _check_rows(frame, dropped)
    excluded: dict[str, str] = {}
    features: list[str] = []
    for column in names:
        if column == target:
            continue
        role = merged[column]
        if role in USABLE_ROLES:
            features.append(column)
        elif column in overridden:
            excluded[column] = f"was set to {role.value}, a role that is not used for learning"
        elif role == Role.CONSTANT and frame[column].isna().all():
            excluded[column] = "is empty"
        else:
            excluded[column] = _EXCLUSION_REASONS[role]
    if not features:
        raise TaskProblem(
            "No column can be used to predict "
            f"'{target}': every other column is an identifier, constant or free text.",
            "Change a column's role if it should be used, or load a table with more columns.",
        )
    data = frame[[*features, target]].reset_index(drop=True)
    path = Path(source_path) if source_path is not None else None
    return Task(
        dataset_id=fingerprint(data, target),
        name=name or (path.stem if path is not None else "dataset"),
        frame=data,
        target=target,
        task_type=kind,
        roles=merged,
        excluded=excluded,
        dropped_rows=dropped,
        source_path=path,
        notes=tuple(notes),
    )


def _check_rows(frame: pd.DataFrame, dropped: int) -> None:
    if len(frame) < MIN_ROWS:
        hint = "Load a larger table"
        hint += f", or fill in the {dropped} missing target value(s)." if dropped else "."
        raise TaskProblem(
            f"Only {len(frame)} usable row(s); at least {MIN_ROWS} are needed to estimate a model's "
            "quality.",
            hint,
        )


def _check_classes(
    frame: pd.DataFrame,
    target: str,
    kind: str,
    forced: str | None,
    folds: int,
    drop_classes: Iterable[object],
) -> tuple[pd.DataFrame, str, tuple[int, str] | None]:
    """Drop the classes asked for, then check class count and sizes for cross-validation."""
    removed = None
    drop = list(drop_classes)
    if drop:
        labels = frame[target].astype(TEXT)
        wanted = {str(c) for c in drop}
        mask = labels.isin(wanted).to_numpy()
        if mask.any():
            removed = (int(mask.sum()), ", ".join(f"'{c}'" for c in sorted(wanted)))
            frame = frame.loc[~mask]
    counts = frame[target].value_counts()
    if len(counts) < 2:
        raise TaskProblem(
            f"After dropping classes, '{target}' has only one class left.",
            "Keep at least two classes.",
        )
    if len(counts) > MAX_CLASSES:
        hint = (
            "It looks like a number: choose regression instead."
            if pd.api.types.is_numeric_dtype(frame[target].dtype)
            else "Pick a target with fewer distinct values (at most 200)."
        )
        raise TaskProblem(f"'{target}' has {len(counts)} distinct values, too many classes.", hint)
    if forced == "binary" and len(counts) != 2:
        raise TaskProblem(
            f"'{target}' has {len(counts)} classes, so the task cannot be binary.",
            "Choose multiclass, or drop classes.",
        )
    kind = "binary" if len(counts) == 2 else "multiclass"
    rare = counts[counts < folds]
    if len(rare):
        listed = ", ".join(f"'{c}' ({n} row{'s' if n != 1 else ''})" for c, n in rare.items())
        raise RareClasses(
            f"Some classes of '{target}' have fewer rows than the {folds} cross-validation folds: "
            f"{listed}.",
            "Drop these classes (their rows are left out), or merge them with others in the file.",
            classes=list(rare.index),
        )
    return frame, kind, removed

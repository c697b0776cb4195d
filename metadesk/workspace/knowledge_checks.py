"""Checks of knowledge files that go beyond their format: repeated column names as written in the
file, `params` nested too deeply to parse, and scores outside their metric's range (an accuracy of
1e308 would be accepted as a number, then break every suggestion afterwards).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from metadesk.data.archive_checks import check_parquet
from metadesk.data.isolated_read import reading_memory_budget
from metadesk.data.sources import require_regular_file
from metadesk.errors import FileProblem, KnowledgeProblem

if TYPE_CHECKING:
    from metadesk.metamodel.values import MetaDataset

# JSON settings of a model are a flat object, maybe a list inside; 32 levels is far beyond that.
MAX_PARAMS_DEPTH = 32
# A score, std or time this far from zero is a broken file, and would overflow the meta-model.
MAX_MAGNITUDE = 1e9
# Meta-features count rows and columns among others; beyond this they are broken too.
MAX_FEATURE_MAGNITUDE = 1e15
UNIT_INTERVAL = frozenset({"accuracy", "balanced_accuracy", "roc_auc", "f1_macro"})
NON_NEGATIVE = frozenset({"log_loss", "rmse", "mae"})
_MAX_LISTED = 20


def precheck_files(datasets_path: Path, runs_path: Path) -> None:
    """What must be checked before the tables are parsed; raises `KnowledgeProblem`."""
    problems: list[str] = []
    for path in (datasets_path, runs_path):
        if not path.exists():
            continue  # the reader says so in its own words
        try:
            require_regular_file(path)
        except FileProblem as exc:
            problems.append(f"{path.name}: {exc.message}")
            continue
        if path.suffix.lower() in (".csv", ".txt", ""):
            problems += _repeated_names(path)
        elif path.suffix.lower() in (".parquet", ".pq"):
            try:  # a small file may declare billions of rows: refuse before reading it
                check_parquet(path, reading_memory_budget())
            except FileProblem as exc:
                problems.append(f"{path.name}: {exc.message}")
    if runs_path.is_file():
        problems += _nested_params(runs_path)
    _raise(problems)


def _repeated_names(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return []  # the reader reports an unreadable file
    seen: set[str] = set()
    for name in (h.strip() for h in header):
        if name in seen:
            return [f"{path.name}: column {name!r} appears more than once"]
        seen.add(name)
    return []


def _nested_params(path: Path) -> list[str]:
    texts, offset = _params_column(path)
    problems = []
    for i, text in enumerate(texts):
        if isinstance(text, str) and json_depth(text) > MAX_PARAMS_DEPTH:
            problems.append(
                f"{path.name} row {i + offset}: params is nested more than {MAX_PARAMS_DEPTH} "
                "levels deep (model settings are a flat JSON object)"
            )
            if len(problems) >= _MAX_LISTED:
                break
    return problems


def _params_column(path: Path) -> tuple[list[Any], int]:  # cells as read: any JSON value
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            if "params" not in pq.read_schema(path).names:
                return [], 1
            return pq.read_table(path, columns=["params"]).column(0).to_pylist(), 1
        limit = csv.field_size_limit()
        csv.field_size_limit(2**31 - 1)  # pandas reads cells of any size: so must this check
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle)
                header = [h.strip() for h in next(reader, [])]
                if "params" not in header:
                    return [], 2
                at = header.index("params")
                return [row[at] if len(row) > at else "" for row in reader], 2
        finally:
            csv.field_size_limit(limit)
    except Exception:  # an unreadable file: read_exchange lists what is wrong with it
        return [], 1


def json_depth(text: str) -> int:
    """How deeply `[` and `{` nest in JSON text (outside strings), without parsing it."""
    if text.count("[") + text.count("{") <= MAX_PARAMS_DEPTH:
        return 0
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def check_ranges(md: MetaDataset, datasets_path: Path, runs_path: Path) -> None:
    """Scores in their metric's range, and no value so large it is surely broken."""
    problems: list[str] = []
    runs = md.runs
    offset = 1 if runs_path.suffix.lower() in (".parquet", ".pq") else 2
    scores = runs["score"].to_numpy(dtype=float)
    metrics = runs["metric"].astype(str).to_numpy()
    for i, (metric, score) in enumerate(zip(metrics, scores, strict=True)):
        allowed = _score_range(metric)
        if not (allowed[0] <= score <= allowed[1]):
            problems.append(
                f"{runs_path.name} row {i + offset}: score {score:g} is outside the range of "
                f"{metric} ({_say_range(allowed)})"
            )
            if len(problems) >= _MAX_LISTED:
                break
    for column in ("std", "fit_seconds"):
        if column in runs:
            values = runs[column].to_numpy(dtype=float)
            for i in np.flatnonzero(np.abs(values) > MAX_MAGNITUDE)[:_MAX_LISTED]:
                problems.append(
                    f"{runs_path.name} row {i + offset}: {column} {values[i]:g} is too large "
                    f"(at most {MAX_MAGNITUDE:g})"
                )
    numeric = md.datasets.select_dtypes(include="number")
    if len(numeric.columns):
        block = np.abs(numeric.to_numpy(dtype=float))
        rows, cols = np.nonzero(np.isinf(block) | (block > MAX_FEATURE_MAGNITUDE))
        ds_offset = 1 if datasets_path.suffix.lower() in (".parquet", ".pq") else 2
        for r, c in list(zip(rows, cols, strict=True))[:_MAX_LISTED]:
            problems.append(
                f"{datasets_path.name} row {r + ds_offset}: {numeric.columns[c]} "
                f"{numeric.iat[r, c]:g} is not a usable meta-feature value"
            )
    _raise(problems)


def _score_range(metric: str) -> tuple[float, float]:
    if metric in UNIT_INTERVAL:
        return 0.0, 1.0
    if metric in NON_NEGATIVE:
        return 0.0, MAX_MAGNITUDE
    if metric == "r2":
        return -MAX_MAGNITUDE, 1.0
    return -MAX_MAGNITUDE, MAX_MAGNITUDE


def _say_range(bounds: tuple[float, float]) -> str:
    low, high = bounds
    if high == 1.0 and low == 0.0:
        return "between 0 and 1"
    if low == 0.0:
        return f"0 or more, below {high:g}"
    if high == 1.0:
        return "at most 1"
    return f"between {low:g} and {high:g}"


def _raise(problems: list[str]) -> None:
    if not problems:
        return
    n = len(problems)
    raise KnowledgeProblem(
        f"The knowledge files have {n} problem{'s' if n != 1 else ''}; nothing was imported.",
        "Fix these and import again: " + "; ".join(problems[:5]) + ("; ..." if n > 5 else ""),
        problems=problems,
    )

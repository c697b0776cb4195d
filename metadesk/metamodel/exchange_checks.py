"""Row-level validation of the two exchange tables. Every problem is collected with its file and
row number (CSV rows are counted as a spreadsheet shows them: the header is row 1), then reported
together, so that the user can fix the files in one pass.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from metadesk.errors import KnowledgeProblem
from metadesk.metamodel.metrics import METRIC_LABELS, TASK_TYPES, metrics_for
from metadesk.metamodel.values import DATASET_COLUMNS, RUN_COLUMNS, parse_fold_scores
from metadesk.portfolio.configuration import Configuration

MAX_LISTED = 50
RUN_OPTIONAL = ("std", "folds", "fit_seconds", "provenance", "label", "params", "fold_scores")


class Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, text: str) -> None:
        self.items.append(text)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        n = len(self.items)
        listed = self.items[:MAX_LISTED]
        more = f" (and {n - MAX_LISTED} more)" if n > MAX_LISTED else ""
        raise KnowledgeProblem(
            f"The knowledge files have {n} problem{'s' if n != 1 else ''}; nothing was imported.",
            "Fix these and import again: " + "; ".join(listed[:5]) + ("; ..." if n > 5 else ""),
            problems=listed + ([f"... and {n - MAX_LISTED} more"] if more else []),
            details="\n".join(self.items),
        )


def read_raw(path: Path, problems: Problems) -> pd.DataFrame | None:
    """The table as given, CSV cells as text ('' when empty); None (with a problem) if unreadable."""
    name = path.name
    if not path.is_file():
        problems.add(f"{name}: the file does not exist ({path})")
        return None
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        elif suffix in (".csv", ".txt", ""):
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                encoding="utf-8-sig",
                engine="c",
            )
        else:
            problems.add(f"{name}: not a CSV or Parquet file")
            return None
    except pd.errors.EmptyDataError:
        problems.add(f"{name}: the file is empty")
        return None
    except (UnicodeDecodeError, pd.errors.ParserError, csv.Error, ValueError, OSError) as exc:
        problems.add(f"{name}: cannot be read as {suffix.lstrip('.') or 'CSV'} ({_short(exc)})")
        return None
    except Exception as exc:  # pyarrow raises its own types for corrupt Parquet
        problems.add(f"{name}: cannot be read ({_short(exc)})")
        return None
    frame.columns = [str(c).strip() for c in frame.columns]
    dupes = sorted(c for c, n in Counter(frame.columns).items() if n > 1)
    if dupes:
        problems.add(f"{name}: column {dupes[0]!r} appears more than once")
        return None
    frame.attrs["row_offset"] = 2 if suffix not in (".parquet", ".pq") else 1
    return frame.reset_index(drop=True)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def _text(series: pd.Series) -> pd.Series:
    """Cells as stripped text, '' where empty (vectorised: the prior has ~100,000 runs)."""
    if pd.api.types.is_string_dtype(series) and series.dtype != object:
        return series.fillna("").str.strip()
    obj = series.astype(object)
    return obj.where(series.notna(), "").astype(str).str.strip()


def _numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Float values, and a mask of cells that hold something that is not a number."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype(float)
        return values, pd.Series(np.zeros(len(series), dtype=bool), index=series.index)
    text = _text(series)
    values = pd.to_numeric(text.where(text != ""), errors="coerce").astype(float)
    missing_words = text.str.lower().isin(["", "nan", "na", "n/a", "null", "none"])
    bad = values.isna() & ~missing_words
    return values, bad


def _number_block(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """`_numbers` for many columns at once (the prior has ~120 meta-feature columns)."""
    n, f = frame.shape
    values = np.full((n, f), np.nan)
    bad = np.zeros((n, f), dtype=bool)
    numeric = [
        k
        for k, c in enumerate(frame.columns)
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    ]
    if numeric:
        values[:, numeric] = frame.iloc[:, numeric].to_numpy(dtype=float, na_value=np.nan)
    other = [k for k in range(f) if k not in set(numeric)]
    if other and n:
        flat = pd.Series(frame.iloc[:, other].to_numpy(dtype=object).ravel(order="F"))
        text = _text(flat)
        nums = pd.to_numeric(text.where(text != ""), errors="coerce").astype(float).to_numpy()
        missing = text.str.lower().isin(["", "nan", "na", "n/a", "null", "none"]).to_numpy()
        values[:, other] = nums.reshape((n, len(other)), order="F")
        bad[:, other] = (np.isnan(nums) & ~missing).reshape((n, len(other)), order="F")
    return values, bad


def check_datasets(
    raw: pd.DataFrame | None, path: Path, problems: Problems, provenance: str
) -> pd.DataFrame:
    name = path.name
    if raw is None:
        return pd.DataFrame(columns=list(DATASET_COLUMNS)).rename_axis("dataset_id")
    off = raw.attrs.get("row_offset", 2)
    required = ["dataset_id", "name", "task_type", "group"]
    missing = [c for c in required if c not in raw.columns]
    if missing:
        problems.add(
            f"{name}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        )
        return pd.DataFrame(columns=list(DATASET_COLUMNS)).rename_axis("dataset_id")
    ids = _text(raw["dataset_id"])
    for i in np.flatnonzero(ids == ""):
        problems.add(f"{name} row {i + off}: dataset_id is empty")
    dup = ids.duplicated(keep="first") & (ids != "")
    first = {v: i for i, v in reversed(list(enumerate(ids)))}
    for i in np.flatnonzero(dup):
        problems.add(
            f"{name} row {i + off}: dataset_id '{ids[i]}' already used in row {first[ids[i]] + off}"
        )
    types = _text(raw["task_type"]).str.lower()
    for i in np.flatnonzero(~types.isin(TASK_TYPES)):
        problems.add(
            f"{name} row {i + off}: task_type '{types[i]}' is not one of {', '.join(TASK_TYPES)}"
        )
    names = _text(raw["name"])
    groups = _text(raw["group"])
    prov = _text(raw["provenance"]) if "provenance" in raw else pd.Series([""] * len(raw))
    out = pd.DataFrame(
        {
            "name": names.where(names != "", ids),
            "task_type": types,
            "group": groups.where(groups != "", ids),
            "provenance": prov.where(prov != "", provenance),
        }
    )
    features = [c for c in raw.columns if c not in ("dataset_id", *DATASET_COLUMNS)]
    if "" in features:
        problems.add(f"{name}: a meta-feature column has no name")
        features = [c for c in features if c != ""]
    values, bad = _number_block(raw[features])
    for i, k in zip(*np.nonzero(bad), strict=True):
        if len(problems.items) > 4 * MAX_LISTED:
            break
        cell = _text(raw[features[k]])[i]
        problems.add(f"{name} row {i + off}: {features[k]} value {cell!r} is not a number")
    for i, k in zip(*np.nonzero(np.isinf(values)), strict=True):
        if len(problems.items) > 4 * MAX_LISTED:
            break
        problems.add(f"{name} row {i + off}: {features[k]} is not a finite number")
    columns = {c: values[:, k] for k, c in enumerate(features)}
    if columns:
        out = pd.concat([out, pd.DataFrame(columns, index=out.index)], axis=1)
    out.index = pd.Index(ids, name="dataset_id")
    return out


def check_runs(
    raw: pd.DataFrame | None,
    path: Path,
    datasets: pd.DataFrame,
    problems: Problems,
    provenance: str,
) -> tuple[pd.DataFrame, dict[str, Configuration]]:
    name = path.name
    empty = pd.DataFrame(columns=list(RUN_COLUMNS))
    if raw is None:
        return empty, {}
    off = raw.attrs.get("row_offset", 2)
    missing = [c for c in RUN_COLUMNS if c not in raw.columns]
    if missing:
        problems.add(
            f"{name}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        )
        return empty, {}
    unknown = [c for c in raw.columns if c not in RUN_COLUMNS and c not in RUN_OPTIONAL]
    if unknown:
        problems.add(
            f"{name}: unknown column {unknown[0]!r} (allowed extra columns: {', '.join(RUN_OPTIONAL)})"
        )
    ds_ids = _text(raw["dataset_id"])
    cfg_ids = _text(raw["configuration_id"])
    algos = _text(raw["algorithm"])
    metrics = _text(raw["metric"]).str.lower()
    task_of = datasets["task_type"].to_dict() if len(datasets) else {}
    ds_task = ds_ids.map(task_of).astype(object).fillna("")
    known_ds = ds_task != ""
    valid_metric = metrics.isin(list(METRIC_LABELS))
    regression = ds_task == "regression"
    applies = (regression & metrics.isin(metrics_for("regression"))) | (
        ~regression & metrics.isin(metrics_for("binary"))
    )
    # Each check: the rows it fails on, and what to say about row i.
    checks: tuple[tuple[pd.Series, Callable[[int], str]], ...] = (
        (ds_ids == "", lambda i: "dataset_id is empty"),
        (
            (ds_ids != "") & ~known_ds,
            lambda i: f"dataset_id '{ds_ids[i]}' is not in the datasets table",
        ),
        (cfg_ids == "", lambda i: "configuration_id is empty"),
        (algos == "", lambda i: "algorithm is empty"),
        (
            ~valid_metric,
            lambda i: f"metric '{metrics[i]}' is not one of {', '.join(METRIC_LABELS)}",
        ),
        (
            valid_metric & known_ds & ~applies,
            lambda i: f"metric '{metrics[i]}' does not apply to {ds_task[i]} dataset '{ds_ids[i]}'",
        ),
    )
    for mask, say in checks:
        for i in np.flatnonzero(mask.to_numpy())[:MAX_LISTED]:
            problems.add(f"{name} row {i + off}: {say(i)}")
    scores, bad = _numbers(raw["score"])
    for i in np.flatnonzero(bad | ~np.isfinite(scores.to_numpy())):
        cell = _text(raw["score"])[i]
        what = "is not a number" if bad[i] else "is missing or not finite"
        problems.add(f"{name} row {i + off}: score {cell!r} {what}")
    out = pd.DataFrame(
        {
            "dataset_id": ds_ids,
            "configuration_id": cfg_ids,
            "algorithm": algos,
            "metric": metrics,
            "score": scores.to_numpy(),
        }
    )
    for col, integer in (("std", False), ("folds", True), ("fit_seconds", False)):
        if col not in raw:
            continue
        values, bad = _numbers(raw[col])
        arr = values.to_numpy()
        wrong = bad | np.isinf(arr) | (arr < 0)
        if integer:
            wrong |= np.isfinite(arr) & (arr != np.round(arr))
        for i in np.flatnonzero(wrong)[:MAX_LISTED]:
            kind = "a whole number" if integer else "a number"
            problems.add(f"{name} row {i + off}: {col} {_text(raw[col])[i]!r} is not {kind} ≥ 0")
        out[col] = arr
    if "fold_scores" in raw:
        cells = _text(raw["fold_scores"])
        parsed = [parse_fold_scores(c) if c else [] for c in cells]
        for i in [i for i, p in enumerate(parsed) if p is None][:MAX_LISTED]:
            problems.add(
                f"{name} row {i + off}: fold_scores {cells[i][:40]!r} is not a list of numbers "
                "separated by spaces"
            )
        out["fold_scores"] = cells.to_numpy()
    prov = _text(raw["provenance"]) if "provenance" in raw else pd.Series([""] * len(raw))
    out["provenance"] = prov.where(prov != "", provenance).to_numpy()
    key_cols = ["dataset_id", "configuration_id", "metric"]
    dup = out.duplicated(key_cols, keep="first").to_numpy()
    if dup.any():
        keys = list(zip(ds_ids, cfg_ids, metrics, strict=False))
        first = {k: i for i, k in reversed(list(enumerate(keys)))}
        for i in np.flatnonzero(dup)[:MAX_LISTED]:
            problems.add(
                f"{name} row {i + off}: repeats row {first[keys[i]] + off} "
                "(same dataset, configuration and metric)"
            )
    configurations = configurations_from_runs(raw, out, datasets, name, off, problems)
    return out, configurations


def configurations_from_runs(
    raw: pd.DataFrame,
    runs: pd.DataFrame,
    datasets: pd.DataFrame,
    name: str,
    off: int,
    problems: Problems,
) -> dict[str, Configuration]:
    """One `Configuration` per id: the portfolio's (runnable) when it knows the id and algorithm,
    else described from the file and marked `runnable=False`."""
    known = _portfolio()
    labels = _text(raw["label"]) if "label" in raw else pd.Series([""] * len(raw))
    params_text = _text(raw["params"]) if "params" in raw else pd.Series([""] * len(raw))
    task_of = datasets["task_type"].to_dict() if len(datasets) else {}
    out: dict[str, Configuration] = {}
    seen_algo: dict[str, tuple[str, int]] = {}
    frame = pd.DataFrame(
        {
            "cid": runs["configuration_id"].to_numpy(),
            "algo": runs["algorithm"].to_numpy(),
            "task": runs["dataset_id"].map(task_of).astype(object).fillna("").to_numpy(),
        }
    )
    frame = frame[frame["cid"] != ""]
    # Only the first row of each (configuration, algorithm) pair needs a closer look.
    firsts = frame.drop_duplicates(["cid", "algo"])
    types = frame.drop_duplicates(["cid", "task"]).groupby("cid")["task"].agg(set).to_dict()
    for i, cid, algo in zip(firsts.index, firsts["cid"], firsts["algo"], strict=False):
        if cid in seen_algo:
            problems.add(
                f"{name} row {i + off}: configuration '{cid}' has algorithm '{algo}' here "
                f"but '{seen_algo[cid][0]}' in row {seen_algo[cid][1] + off}"
            )
            continue
        seen_algo[cid] = (algo, i)
        params: dict[str, Any] = {}  # Any: JSON values, as `Configuration.params` holds
        if params_text[i]:
            try:
                params = json.loads(params_text[i])
                if not isinstance(params, dict):
                    raise ValueError
            except ValueError:
                problems.add(f"{name} row {i + off}: params is not a JSON object")
                params = {}
        point = known.get(cid) or _search_space_point(cid)
        if point is not None and point.algorithm == algo:
            out[cid] = point  # shipped, or a point of the search space (found by tuning)
        else:
            out[cid] = Configuration(cid, algo, params, labels[i], runnable=False)
    for cid, cfg in out.items():
        if not cfg.runnable:
            tt = tuple(t for t in TASK_TYPES if t in types.get(cid, ()))
            out[cid] = Configuration(
                cfg.id, cfg.algorithm, cfg.params, cfg.label, tt or cfg.task_types, False
            )
    return out


def _search_space_point(config_id: str) -> Configuration | None:
    """The runnable configuration a tuned id names, if it is a valid point of the search space."""
    from metadesk.portfolio import get_configuration

    try:
        return get_configuration(config_id)
    except Exception:  # not a point of the space (another tool's id, a value out of range)
        return None


def _portfolio() -> dict[str, Configuration]:
    """The shipped configurations by id (empty if the portfolio offers none)."""
    from metadesk.portfolio import default_portfolio

    out: dict[str, Configuration] = {}
    for t in ("binary", "regression"):
        try:
            out.update({c.id: c for c in default_portfolio(t)})
        except Exception:  # an incomplete portfolio must not make knowledge unreadable
            continue
    return out

"""Export of the prior being built: the exchange tables, the failures and the build report.

Exports merge with what an earlier session already exported to the same folder, so the committed
partial prior only grows; `read_exported` gives a later build the pairs it may skip.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from metadesk.errors import UserError
from metadesk.priorbuild.corpus import CorpusEntry
from metadesk.priorbuild.evaluation import (
    SYNTHETIC_PREFIX,
    evaluate_prior,
    report_markdown,
)

log = logging.getLogger(__name__)

DATASETS_FILE = "datasets.parquet"
RUNS_FILE = "runs.parquet"
FAILURES_FILE = "failures.csv"
REPORT_JSON = "build_report.json"
REPORT_MD = "build_report.md"
EVALUATION_FILE = "evaluation.json"  # matched by metamodel.exchange's evaluation*.json
FAILURE_COLUMNS = ["dataset_id", "name", "configuration_id", "status", "error"]


@dataclass
class ExportedPrior:
    """The exported tables of the prior (empty ones before the first export)."""

    datasets: pd.DataFrame = field(default_factory=pd.DataFrame)
    runs: pd.DataFrame = field(default_factory=pd.DataFrame)
    failures: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FAILURE_COLUMNS))
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def done_pairs(self) -> set[tuple[str, str]]:
        """(dataset id, configuration id) finished before: with a score, or timed out under the
        same time limit. Failures are not done: they usually fail fast, and one caused by the
        machine rather than the model deserves another try."""
        pairs = set()
        if not self.runs.empty:
            pairs |= set(zip(self.runs["dataset_id"], self.runs["configuration_id"], strict=True))
        if not self.failures.empty:
            timeouts = self.failures[self.failures["status"] == "timeout"]
            pairs |= set(zip(timeouts["dataset_id"], timeouts["configuration_id"], strict=True))
        return pairs

    @property
    def dataset_ids(self) -> dict[str, str]:
        if self.datasets.empty:
            return {}
        return {str(n): str(i) for i, n in self.datasets["name"].items()}

    def describe(self) -> str:
        pairs = (
            0
            if self.runs.empty
            else len(self.runs[["dataset_id", "configuration_id"]].drop_duplicates())
        )
        return (
            f"{len(self.datasets)} datasets, {pairs} experiments with scores, "
            f"{len(self.failures)} failed or timed out"
        )


def read_exported(out_dir: Path | str) -> ExportedPrior:
    out_dir = Path(out_dir)
    prior = ExportedPrior()
    if (out_dir / DATASETS_FILE).exists():
        prior.datasets = pd.read_parquet(out_dir / DATASETS_FILE).set_index("dataset_id")
    if (out_dir / RUNS_FILE).exists():
        prior.runs = pd.read_parquet(out_dir / RUNS_FILE)
    if (out_dir / FAILURES_FILE).exists():
        prior.failures = pd.read_csv(out_dir / FAILURES_FILE, dtype=str, keep_default_na=False)
    prior.report = read_exported_report(out_dir)
    return prior


def read_exported_report(out_dir: Path | str) -> dict[str, Any]:
    try:
        return json.loads((Path(out_dir) / REPORT_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def export_prior(
    meta_dataset: Any,
    experiments: Sequence[Any],
    entries: Sequence[CorpusEntry],
    seeded: ExportedPrior,
    out_dir: Path,
    *,
    summary: Any = None,
    seconds: float | None = None,
    evaluate: bool = True,
) -> ExportedPrior:
    """Merge the build workspace's finished results with `seeded` and write everything to `out_dir`."""
    by_name = {e.name: e for e in entries}
    datasets = meta_dataset.datasets
    datasets = datasets[datasets["name"].isin(by_name)].copy()
    datasets["group"] = [_group(by_name[n]) for n in datasets["name"]]
    datasets["task_type"] = [by_name[n].task_type for n in datasets["name"]]
    datasets["provenance"] = "prior"
    runs = meta_dataset.runs
    runs = runs[runs["dataset_id"].isin(datasets.index)].copy()
    runs["provenance"] = "prior"
    names = datasets["name"].to_dict()
    failures = pd.DataFrame(
        [
            {
                "dataset_id": e.dataset_id,
                "name": names.get(e.dataset_id, ""),
                "configuration_id": e.configuration_id,
                "status": e.status,
                "error": _short((e.result.error if e.result else "") or e.status),
            }
            for e in experiments
            if e.status in ("failed", "timeout") and e.dataset_id in names
        ],
        columns=FAILURE_COLUMNS,
    )
    merged = ExportedPrior(
        datasets=_merge_index(seeded.datasets, datasets),
        runs=_merge_rows(seeded.runs, runs, ["dataset_id", "configuration_id", "metric"]),
        failures=_merge_rows(seeded.failures, failures, ["dataset_id", "configuration_id"]),
        report=seeded.report,
    )
    # A dataset without any score yet tells the meta-model nothing: it ships once it has one.
    with_runs = set(merged.runs["dataset_id"]) if not merged.runs.empty else set()
    merged.datasets = merged.datasets[merged.datasets.index.isin(with_runs)]
    if not merged.runs.empty and not merged.failures.empty:
        scored = set(zip(merged.runs["dataset_id"], merged.runs["configuration_id"], strict=True))
        keep = [
            (d, c) not in scored
            for d, c in zip(
                merged.failures["dataset_id"], merged.failures["configuration_id"], strict=True
            )
        ]
        merged.failures = merged.failures[keep]
    _write_tables(merged, out_dir)
    workspace = Counter(e.status for e in experiments)
    return write_report(
        entries, merged, out_dir, summary, seconds, evaluate=evaluate, workspace=dict(workspace)
    )


def take_labels(
    out_dir: Path | str, source_dir: Path | str, family: str = "classification"
) -> tuple[int, int]:
    """Replace the scores (and failures) of one family's datasets in the prior exported to
    `out_dir` by those exported to `source_dir`, e.g. labels rebuilt with repeated
    cross-validation. The datasets and their meta-features stay `out_dir`'s own; the source's
    build sessions are added to the report. Returns (datasets relabelled, runs taken)."""
    out_dir, source_dir = Path(out_dir), Path(source_dir)
    prior, source = read_exported(out_dir), read_exported(source_dir)
    if prior.datasets.empty or source.runs.empty:
        raise UserError(f"Nothing to take: {source_dir} or {out_dir} holds no exported prior.")
    is_family = prior.datasets["task_type"].map(
        lambda t: (t == "regression") == (family == "regression")
    )
    wanted = set(prior.datasets.index[is_family])
    ids = wanted & set(source.runs["dataset_id"])
    # By id, not name: a dataset rebuilt from other rows is not the prior's dataset.
    missing = sorted(prior.datasets.loc[sorted(wanted - ids), "name"].astype(str))
    if missing:
        raise UserError(
            f"{source_dir} lacks {len(missing)} {family} datasets of the prior "
            f"(e.g. {', '.join(missing[:3])}).",
            "Let its build finish first: a prior mixing two protocols in one family is not kept.",
        )
    runs = source.runs[source.runs["dataset_id"].isin(ids)]
    prior.runs = pd.concat(
        [prior.runs[~prior.runs["dataset_id"].isin(ids)], runs], ignore_index=True
    )
    failures = source.failures[source.failures["dataset_id"].isin(ids)]
    prior.failures = pd.concat(
        [prior.failures[~prior.failures["dataset_id"].isin(ids)], failures], ignore_index=True
    )
    _write_tables(prior, out_dir)
    report = prior.report
    known = {s.get("id") for s in report.get("sessions") or []}
    report["sessions"] = list(report.get("sessions") or []) + [
        s for s in source.report.get("sessions") or [] if s.get("id") not in known
    ]
    _write_json(out_dir / REPORT_JSON, report)
    return len(ids), len(runs)


def _group(entry: CorpusEntry) -> str:
    return f"{SYNTHETIC_PREFIX}{entry.group}" if entry.synthetic else entry.group


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _merge_index(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    if old.empty:
        return new
    return pd.concat([old[~old.index.isin(new.index)], new]).sort_index()


def _merge_rows(old: pd.DataFrame, new: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    if old.empty:
        return new.reset_index(drop=True)
    both = pd.concat([old, new], ignore_index=True)
    return both.drop_duplicates(subset=key, keep="last").reset_index(drop=True)


def _write_json(path: Path, value: Any) -> None:
    _atomic(
        path,
        lambda p: p.write_text(json.dumps(value, indent=1, sort_keys=True), encoding="utf-8"),
    )


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    tmp.replace(path)


def _write_tables(prior: ExportedPrior, out_dir: Path) -> None:
    """The exchange format (`metamodel.write_exchange`, Parquet) plus the failures as CSV."""
    from metadesk.metamodel.exchange import write_exchange
    from metadesk.metamodel.values import MetaDataset
    from metadesk.portfolio import default_portfolio

    configurations = {
        c.id: c for t in ("binary", "multiclass", "regression") for c in default_portfolio(t)
    }
    runs = prior.runs.sort_values(["dataset_id", "configuration_id", "metric"])
    md = MetaDataset(prior.datasets.sort_index(), runs, configurations)
    write_exchange(md, out_dir, "parquet")
    _atomic(out_dir / FAILURES_FILE, lambda p: prior.failures.to_csv(p, index=False))


# --- the build report -------------------------------------------------------------------------
def write_report(
    entries: Sequence[CorpusEntry],
    prior: ExportedPrior,
    out_dir: Path,
    summary: Any,
    seconds: float | None,
    *,
    evaluate: bool = True,
    workspace: dict[str, int] | None = None,
) -> ExportedPrior:
    """Rewrite build_report.json and build_report.md from the exported tables."""
    # The report on disk may be newer than the one read at start (an `--export-only` meanwhile).
    old = read_exported_report(out_dir) or prior.report or {}
    report: dict[str, Any] = {
        "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "corpus": _corpus_counts(entries),
        "exported": _exported_counts(entries, prior),
        "failures": _failure_counts(prior),
        "dataset_failures": dict(old.get("dataset_failures") or {}),
        "sessions": list(old.get("sessions") or []),
        "evaluation": old.get("evaluation") or {},
    }
    if summary is not None:
        report["dataset_failures"].update(getattr(summary, "dataset_failures", {}) or {})
        session_id = getattr(summary, "session", "")
        if seconds is not None and session_id:
            report["sessions"] = [s for s in report["sessions"] if s.get("id") != session_id]
            report["sessions"].append(
                {"id": session_id, "seconds": round(seconds, 1), "workspace": workspace or {}}
            )
    report["build_seconds"] = round(sum(s.get("seconds", 0.0) for s in report["sessions"]), 1)
    if evaluate:
        started = time.monotonic()
        report["evaluation"] = evaluate_prior(prior)
        report["evaluation_seconds"] = round(time.monotonic() - started, 1)
        # The app reads this next to the prior instead of re-evaluating at start-up.
        saved = {
            key.split("/", 1)[1]: ev
            for key, ev in report["evaluation"].items()
            if key.startswith("all/") and "figures" in ev
        }
        _write_json(out_dir / EVALUATION_FILE, saved)
    prior.report = report
    _write_json(out_dir / REPORT_JSON, report)
    _atomic(out_dir / REPORT_MD, lambda p: p.write_text(report_markdown(report), encoding="utf-8"))
    return prior


def _corpus_counts(entries: Sequence[CorpusEntry]) -> dict[str, Any]:
    return {
        "datasets": len(entries),
        "groups": len({e.group for e in entries}),
        "by_task_type": dict(Counter(e.task_type for e in entries)),
        "by_package": dict(Counter(e.package for e in entries)),
        "synthetic": sum(e.synthetic for e in entries),
    }


def _exported_counts(entries: Sequence[CorpusEntry], prior: ExportedPrior) -> dict[str, Any]:
    from metadesk.portfolio import default_portfolio

    ds, runs = prior.datasets, prior.runs
    sizes = {t: len(default_portfolio(t)) for t in ("binary", "multiclass", "regression")}
    failed = set(zip(prior.failures["dataset_id"], prior.failures["configuration_id"], strict=True))
    finished = Counter(d for d, _ in prior.done_pairs | failed)
    complete = [
        i for i, t in (ds["task_type"].items() if not ds.empty else []) if finished[i] >= sizes[t]
    ]
    pairs = 0 if runs.empty else len(runs[["dataset_id", "configuration_id"]].drop_duplicates())
    folds, repeats = _protocol_counts(runs)
    return {
        "datasets": len(ds),
        "datasets_complete": len(complete),
        "groups": 0 if ds.empty else int(ds["group"].nunique()),
        "by_task_type": {} if ds.empty else dict(Counter(ds["task_type"])),
        "experiments_ok": pairs,
        "experiments_failed": int((prior.failures["status"] == "failed").sum()),
        "experiments_timeout": int((prior.failures["status"] == "timeout").sum()),
        "portfolio_sizes": sizes,
        "experiments_in_full_build": sum(sizes[e.task_type] for e in entries),
        "meta_features": 0 if ds.empty else len(ds.columns) - 4,
        "folds": folds,
        "repeats": repeats,
        "protocols": _protocols_by_family(ds, runs),
        "not_exported": {
            e.name: e.note if e.duplicate else "no results yet"
            for e in entries
            if ds.empty or e.name not in set(ds["name"])
        },
    }


def _protocols_by_family(ds: pd.DataFrame, runs: pd.DataFrame) -> dict[str, list[int]]:
    """{"classification" | "regression": [folds, repeats]} for the families the export holds:
    the classification labels may be rebuilt with repeated cross-validation, regression not."""
    if ds.empty or runs.empty:
        return {}
    family = ds["task_type"].map(lambda t: "regression" if t == "regression" else "classification")
    of_run = runs["dataset_id"].map(family)
    return {f: list(_protocol_counts(runs[of_run == f])) for f in sorted(set(of_run.dropna()))}


def _protocol_counts(runs: pd.DataFrame) -> tuple[int, int]:
    """(folds, repeats) of the exported runs' cross-validation: the most common of each."""
    if runs.empty or "folds" not in runs:
        return 5, 1
    folds = pd.to_numeric(runs["folds"], errors="coerce").dropna()
    k = int(folds.mode().iloc[0]) if len(folds) else 5
    if "fold_scores" not in runs or k < 1:
        return k, 1
    n = runs["fold_scores"].dropna().astype(str).str.split().str.len()
    n = n[n > 0]
    return k, max(int(n.mode().iloc[0]) // k, 1) if len(n) else 1


def _failure_counts(prior: ExportedPrior) -> list[dict[str, Any]]:
    f = prior.failures
    if f.empty:
        return []
    algorithm = f["configuration_id"].str.split(":").str[0]
    rows = []
    for (status, algo, error), part in f.groupby([f["status"], algorithm, f["error"]]):
        rows.append(
            {
                "status": status,
                "algorithm": algo,
                "error": error,
                "count": len(part),
                "datasets": sorted(set(part["name"]))[:5],
            }
        )
    return sorted(rows, key=lambda r: -r["count"])[:25]

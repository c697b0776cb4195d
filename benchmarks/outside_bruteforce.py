"""Run the whole default portfolio once on every table of `outside_tables.py`: a committed fixture.

For each table: the task as the app makes it (`make_task`; classes too rare for 5-fold cross-validation
dropped, as the prior build does), its meta-features (`extract_meta_features`, as the workspace computes
them), then every runnable configuration of `default_portfolio(task_type)` under the prior's protocol
(`PRIOR_PROTOCOL`: 5-fold cross-validation, seed 0; stratified for classification) on the FULL table,
no row cap, through the app's own executor with one worker.

Writes `benchmarks/outside_cache/` (small, committed):
  datasets.parquet     exchange format: dataset_id, name, task_type, group, provenance + meta-features
  runs.parquet         exchange format: one row per dataset, configuration and metric (mean score, std)
  fold_scores.parquet  dataset_id, configuration_id, metric, scores (the five fold scores)
  failures.csv         configurations that failed or hit the time limit, with the reason
  tables.csv           per table whose portfolio has run: source package and member, target, rows, columns, why it is outside
                       the prior, seconds for meta-features and for the portfolio
`load_cache()` gives runs with their fold scores. It resumes: pairs already in the cache are skipped,
and the cache is written after every few experiments and after every table.

    nice -n 10 python benchmarks/outside_bruteforce.py            # all tables, smallest first
    python benchmarks/outside_bruteforce.py --tables bokeh-mpg-class --limit-configs 3
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # before numpy loads; the workers pin themselves the same way

import pandas as pd  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from outside_tables import ROOT, OutsideTable, outside_tables  # noqa: E402

OUT_DIR = ROOT / "benchmarks" / "outside_cache"
WORK_DIR = ROOT / "build" / "outside"  # snapshots the worker reads (not committed)
FAILURE_COLUMNS = ["dataset_id", "name", "configuration_id", "status", "error", "wall_seconds"]
RUN_COLUMNS = [
    "dataset_id",
    "configuration_id",
    "algorithm",
    "metric",
    "score",
    "std",
    "folds",
    "fit_seconds",
    "provenance",
    "label",
    "params",
]
TABLE_COLUMNS = [
    "dataset_id",
    "name",
    "package",
    "member",
    "target",
    "task_type",
    "group",
    "rows",
    "columns",
    "classes_dropped",
    "why_outside",
    "metafeature_seconds",
    "portfolio_seconds",
    "configurations",
]
PROVENANCE = "outside"
SAVE_EVERY = 10  # experiments between two writes of the cache


class Cache:
    """The four files of the cache, in memory; `save` writes them atomically."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.datasets = _read(out_dir / "datasets.parquet")
        self.runs = _read(out_dir / "runs.parquet", RUN_COLUMNS)
        self.folds = _read(out_dir / "fold_scores.parquet")
        path = out_dir / "failures.csv"
        self.failures = (
            pd.read_csv(path, dtype={"error": str}, keep_default_na=False)
            if path.exists()
            else pd.DataFrame(columns=FAILURE_COLUMNS)
        )
        path = out_dir / "tables.csv"
        self.tables = pd.read_csv(path) if path.exists() else pd.DataFrame(columns=TABLE_COLUMNS)
        self._new_runs: list[dict] = []
        self._new_folds: list[dict] = []
        self._new_failures: list[dict] = []

    def done(self, dataset_id: str) -> set[str]:
        ids = set(self.runs.loc[self.runs["dataset_id"] == dataset_id, "configuration_id"])
        ids |= set(self.failures.loc[self.failures["dataset_id"] == dataset_id, "configuration_id"])
        ids |= {r["configuration_id"] for r in self._new_runs if r["dataset_id"] == dataset_id}
        ids |= {r["configuration_id"] for r in self._new_failures if r["dataset_id"] == dataset_id}
        return ids

    def add_result(self, name: str, spec, result) -> None:
        c = spec.configuration
        if result.status != "ok":
            self._new_failures.append(
                {
                    "dataset_id": result.dataset_id,
                    "name": name,
                    "configuration_id": c.id,
                    "status": result.status,
                    "error": (result.error or result.status).splitlines()[0][:300],
                    "wall_seconds": round(result.wall_seconds, 2),
                }
            )
            return
        for metric, mean in result.mean.items():
            self._new_runs.append(
                {
                    "dataset_id": result.dataset_id,
                    "configuration_id": c.id,
                    "algorithm": c.algorithm,
                    "metric": metric,
                    "score": mean,
                    "std": result.std.get(metric),
                    "folds": len(result.fold_scores.get(metric, [])),
                    "fit_seconds": result.fit_seconds,
                    "provenance": PROVENANCE,
                    "label": c.label,
                    "params": json.dumps(c.params, sort_keys=True),
                }
            )
            self._new_folds.append(
                {
                    "dataset_id": result.dataset_id,
                    "configuration_id": c.id,
                    "metric": metric,
                    "scores": [float(s) for s in result.fold_scores.get(metric, [])],
                }
            )

    def set_dataset(self, row: dict) -> None:
        frame = pd.DataFrame([row])
        keep = self.datasets[
            self.datasets.get("dataset_id", pd.Series(dtype=str)) != row["dataset_id"]
        ]
        self.datasets = frame if keep.empty else pd.concat([keep, frame], ignore_index=True)

    def set_table(self, row: dict) -> None:
        keep = self.tables[self.tables["name"] != row["name"]]
        frame = pd.DataFrame([row], columns=TABLE_COLUMNS)
        self.tables = frame if keep.empty else pd.concat([keep, frame], ignore_index=True)

    def save(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for attr, new in (
            ("runs", "_new_runs"),
            ("folds", "_new_folds"),
            ("failures", "_new_failures"),
        ):
            rows = getattr(self, new)
            if rows:
                old = getattr(self, attr)
                added = pd.DataFrame(rows)
                setattr(
                    self, attr, added if old.empty else pd.concat([old, added], ignore_index=True)
                )
                setattr(self, new, [])
        _write(self.datasets, self.out_dir / "datasets.parquet")
        _write(self.runs.astype({"folds": "int64"}), self.out_dir / "runs.parquet")
        _write(self.folds, self.out_dir / "fold_scores.parquet")
        _write(self.failures, self.out_dir / "failures.csv")
        _write(self.tables, self.out_dir / "tables.csv")


def _read(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    if path.exists():
        return pd.read_parquet(path)
    return pd.DataFrame(columns=columns or [])


def _write(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    if path.suffix == ".csv":
        frame.to_csv(tmp, index=False)
    else:
        frame.to_parquet(tmp, index=False, compression="zstd")
    os.replace(tmp, path)


def load_cache(out_dir: Path | str = OUT_DIR) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(datasets, runs) of the cache; runs carry a `fold_scores` column (a list per row)."""
    out_dir = Path(out_dir)
    datasets = pd.read_parquet(out_dir / "datasets.parquet")
    runs = pd.read_parquet(out_dir / "runs.parquet")
    folds = pd.read_parquet(out_dir / "fold_scores.parquet").rename(
        columns={"scores": "fold_scores"}
    )
    return datasets, runs.merge(folds, on=["dataset_id", "configuration_id", "metric"], how="left")


def make_task(table: OutsideTable):
    """The app's task for the table; rare classes are dropped as the prior build does."""
    from metadesk.data.task import make_task as make
    from metadesk.errors import RareClasses

    options = {"task_type": table.task_type, "name": table.name, "folds": 5}
    try:
        return make(table.frame, table.target, **options), []
    except RareClasses as exc:
        return make(table.frame, table.target, drop_classes=exc.classes, **options), list(
            exc.classes
        )


def dataset_row(table: OutsideTable, task, features) -> dict:
    row = {
        "dataset_id": task.dataset_id,
        "name": table.name,
        "task_type": task.task_type,
        "group": table.group,
        "provenance": PROVENANCE,
    }
    row.update(features.as_floats())
    return row


def run_table(table: OutsideTable, cache: Cache, *, time_limit_s: float, limit: int | None) -> None:
    from metadesk.data.snapshot import write_snapshot
    from metadesk.experiments.local import LocalExecutor
    from metadesk.experiments.spec import ExperimentSpec
    from metadesk.metafeatures import extract_meta_features
    from metadesk.portfolio import default_portfolio
    from metadesk.priorbuild.build import PRIOR_PROTOCOL

    task, dropped = make_task(table)
    known = cache.tables[cache.tables["name"] == table.name]
    mf_seconds = float(known["metafeature_seconds"].iloc[0]) if len(known) else None
    have_features = "dataset_id" in cache.datasets and task.dataset_id in set(
        cache.datasets["dataset_id"]
    )
    if not have_features:
        start = time.perf_counter()
        with threadpool_limits(limits=1):
            features = extract_meta_features(task)
        mf_seconds = time.perf_counter() - start
        cache.set_dataset(dataset_row(table, task, features))
    configurations = [c for c in default_portfolio(task.task_type) if c.runnable][:limit]
    done = cache.done(task.dataset_id)
    todo = [c for c in configurations if c.id not in done]
    previous = float(known["portfolio_seconds"].iloc[0]) if len(known) else 0.0
    say(
        f"{table.name}: {task.n_rows} rows, {len(task.feature_columns)} features; "
        f"{len(todo)} of {len(configurations)} configurations to run"
    )
    start = time.perf_counter()
    if todo:
        snapshot = write_snapshot(task, WORK_DIR)
        protocol = replace(PRIOR_PROTOCOL, time_limit_s=time_limit_s)
        with LocalExecutor(workers=1) as executor:
            for i, c in enumerate(todo, start=1):
                spec = ExperimentSpec(
                    dataset_id=task.dataset_id,
                    snapshot_path=str(snapshot),
                    target=task.target,
                    task_type=task.task_type,
                    roles=task.feature_roles(),
                    configuration=c,
                    protocol=protocol,
                )
                result = executor.submit(spec).result()
                cache.add_result(table.name, spec, result)
                status = "" if result.ok else f" {result.status}: {result.error[:80]}"
                say(f"  [{i}/{len(todo)}] {c.id} {result.wall_seconds:.1f} s{status}")
                if i % SAVE_EVERY == 0:
                    cache.save()
    cache.set_table(
        {
            "dataset_id": task.dataset_id,
            "name": table.name,
            "package": table.package,
            "member": table.member,
            "target": table.target,
            "task_type": task.task_type,
            "group": table.group,
            "rows": task.n_rows,
            "columns": len(task.feature_columns),
            "classes_dropped": ", ".join(map(str, dropped)),
            "why_outside": table.why_outside,
            "metafeature_seconds": round(mf_seconds or 0.0, 2),
            "portfolio_seconds": round(previous + time.perf_counter() - start, 1),
            "configurations": len(cache.done(task.dataset_id)),
        }
    )
    cache.save()


def say(text: str) -> None:
    print(time.strftime("%H:%M:%S"), text, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--tables", nargs="*", help="table names (default: all)")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=600.0,
        help="seconds per experiment before it is stopped (a safeguard, not part of the "
        "protocol; the prior uses 120 s on at most 2,000 rows)",
    )
    parser.add_argument("--limit-configs", type=int, help="only the first N configurations (tests)")
    args = parser.parse_args(argv)
    if hasattr(os, "nice"):
        os.nice(10)  # the machine is shared; the worker lowers itself again
    tables = outside_tables(args.tables)
    tables.sort(key=lambda t: (len(t.frame) * t.frame.shape[1], t.name))  # smallest first
    cache = Cache(args.out)
    total = time.perf_counter()
    for table in tables:
        run_table(table, cache, time_limit_s=args.time_limit, limit=args.limit_configs)
    say(f"done: {len(tables)} tables in {time.perf_counter() - total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Find the best model within a budget: metadesk's warm-started search against FLAML's AutoML and
against the same search without the warm start, on real tables outside the prior, in one run.

For each table and budget, three searches run one after another on the same machine, each with
2 workers (cores), the same metric (accuracy, or R² for regression) and 5-fold cross-validation:
  warm   `Workspace.tuner` with the shipped prior's suggestions first (a fresh workspace each time)
  cold   the same search, random initial points instead of the suggestions
  flaml  `flaml.AutoML(time_budget=B, eval_method="cv", n_splits=5, n_jobs=2)` (`make bench`
         installs FLAML; metadesk never imports it), in a child process at the CPU priority of
         metadesk's workers
Scores are each search's best 5-fold cross-validated score. Each measurement is appended to a
JSON-lines file as soon as it ends, so a long run can be stopped and summarised (`--summarise`).

    OMP_NUM_THREADS=1 python benchmarks/bench_tune.py --tables 8 --budgets 60 300
    python benchmarks/bench_tune.py --summarise build/bench_tune.jsonl
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from outside_tables import ROOT, outside_tables  # noqa: E402

WORKERS = 2
METHODS = ("warm", "cold", "flaml")


def make_task(table):
    """The app's task for the table; classes too rare for 5-fold CV dropped as the prior build does."""
    from metadesk.data.task import make_task as make
    from metadesk.errors import RareClasses

    options = {"task_type": table.task_type, "name": table.name, "folds": 5}
    try:
        return make(table.frame, table.target, **options)
    except RareClasses as exc:
        return make(table.frame, table.target, drop_classes=exc.classes, **options)


def pick_tables(n: int, names: list[str] | None):
    tables = outside_tables()
    if names:
        return [t for t in tables if t.name in names]
    by_type: dict[str, list] = {}
    for t in sorted(tables, key=lambda t: len(t.frame) * t.frame.shape[1]):
        by_type.setdefault(t.task_type, []).append(t)
    out = []
    while len(out) < n and any(by_type.values()):
        for kind in ("binary", "multiclass", "regression"):
            if by_type.get(kind) and len(out) < n:
                out.append(by_type[kind].pop(0))
    return out


def run_metadesk(task, budget: float, warm: bool) -> dict:
    from metadesk.workspace import Workspace
    from metadesk.workspace.tuning import Tuner

    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        ws = Workspace.open(Path(tmp) / "ws.sqlite")
        try:
            info = ws.add_dataset(task)
            ws.start(workers=WORKERS)
            snap = Tuner(ws, info.dataset_id, budget, warm_start=warm, started=started).run()
        finally:
            ws.close()
        wall = time.monotonic() - started
    data = snap.to_dict()
    return {
        "score": data["best"]["score"] if data["best"] else None,
        "best": data["best"]["label"] if data["best"] else None,
        "portfolio_best": data["portfolio_best"]["score"] if data["portfolio_best"] else None,
        "trials": data["trials"],
        "curve": data["curve"],
        "wall_seconds": round(wall, 2),
    }


def run_flaml(task, budget: float) -> dict:
    """FLAML in a child process at the CPU priority of metadesk's workers (`lower_priority`), so
    that on a shared machine neither search gets more of the cores than the other."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from metadesk.experiments.worker import lower_priority

    X = task.frame[list(task.feature_columns)].copy()
    for column in X.columns:
        if X[column].dtype == object or str(X[column].dtype) in ("string", "str"):
            X[column] = X[column].astype("category")
    y = task.frame[task.target]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context, initializer=lower_priority) as pool:
        return pool.submit(_flaml, X, y, task.task_type, budget).result()


def _flaml(X, y, task_type: str, budget: float) -> dict:
    from flaml import AutoML
    from flaml.automl.data import get_output_from_log

    kind = "regression" if task_type == "regression" else "classification"
    metric = "r2" if kind == "regression" else "accuracy"
    with tempfile.TemporaryDirectory() as tmp:
        log = str(Path(tmp) / "flaml.log")
        started = time.monotonic()
        automl = AutoML()
        automl.fit(
            X,
            y,
            task=kind,
            metric=metric,
            time_budget=budget,
            eval_method="cv",
            n_splits=5,
            n_jobs=WORKERS,
            retrain_full=False,
            log_file_name=log,
            verbose=0,
            seed=0,
        )
        wall = time.monotonic() - started
        times, losses, *_ = get_output_from_log(log, budget)
    curve, best = [], math.inf
    for t, loss in zip(times, losses, strict=False):
        if loss < best:
            best = loss
            curve.append([round(float(t), 2), 1 - float(loss)])
    return {
        "score": 1 - float(automl.best_loss),
        "best": f"{automl.best_estimator} {automl.best_config}",
        "trials": len(times),
        "curve": curve,
        "wall_seconds": round(wall, 2),
    }


def time_to_reach(curve: list, target: float) -> float | None:
    for t, s in curve:
        if s >= target - 1e-12:
            return float(t)
    return None


def portfolio_best(cache_dir: str | None) -> dict[str, float]:
    """Table name -> best score of the WHOLE shipped portfolio (5-fold, seed 0, all rows), from the
    cache `outside_bruteforce.py` writes (runs.parquet, tables.csv); empty without one."""
    if not cache_dir:
        return {}
    import pandas as pd

    runs = pd.read_parquet(Path(cache_dir) / "runs.parquet")
    tables = pd.read_csv(Path(cache_dir) / "tables.csv")
    out = {}
    for _, t in tables.iterrows():
        metric = "r2" if t["task_type"] == "regression" else "accuracy"
        mine = runs[(runs["dataset_id"] == t["dataset_id"]) & (runs["metric"] == metric)]
        if len(mine):
            out[str(t["name"])] = float(mine["score"].max())
    return out


def summarise(records: list[dict], fixed: dict[str, float] | None = None) -> dict:
    fixed = fixed or {}
    out: dict = {"by_budget": {}}
    for budget in sorted({r["budget"] for r in records}):
        rows: dict[str, dict] = {}
        for r in records:
            if r["budget"] == budget:
                rows.setdefault(r["table"], {"task_type": r["task_type"]})[r["method"]] = r
        tables, shortfalls, wins, gains, reach, whole = [], [], 0, [], [], []
        for name, row in sorted(rows.items()):
            warm, cold, flaml = (row.get(m) for m in METHODS)
            entry = {"table": name, "task_type": row["task_type"]}
            for m in METHODS:
                if row.get(m):
                    entry[m] = _r(row[m]["score"])
                    entry[f"{m}_trials"] = row[m]["trials"]
            if warm and warm.get("portfolio_best") is not None:
                entry["portfolio_best_within_run"] = _r(warm["portfolio_best"])
                gains.append(100 * (warm["score"] - warm["portfolio_best"]))
            if warm and warm["score"] is not None and name in fixed:
                entry["whole_portfolio_best"] = _r(fixed[name])
                whole.append(100 * (warm["score"] - fixed[name]))
            if warm and flaml and warm["score"] is not None:
                shortfall = 100 * (flaml["score"] - warm["score"])  # points
                entry["shortfall_to_flaml_points"] = _r(shortfall)
                shortfalls.append(shortfall)
                wins += warm["score"] >= flaml["score"] - 1e-12
            if warm and cold and cold["score"] is not None and warm["curve"]:
                t_warm = time_to_reach(warm["curve"], cold["score"])
                t_cold = time_to_reach(cold["curve"], cold["score"])
                if t_warm is not None and t_cold:
                    entry["warm_time_to_cold_final_ratio"] = _r(t_warm / t_cold)
                    reach.append(t_warm / t_cold)
                elif t_warm is None:
                    entry["warm_time_to_cold_final_ratio"] = None  # never reached
                    reach.append(math.inf)
            tables.append(entry)
        out["by_budget"][str(budget)] = {
            "tables": tables,
            "n_tables": len(tables),
            "metadesk_at_least_flaml": f"{wins}/{len(shortfalls)}",
            "median_shortfall_to_flaml_points": _r(statistics.median(shortfalls))
            if shortfalls
            else None,
            "median_gain_over_portfolio_best_points": _r(statistics.median(gains))
            if gains
            else None,
            "median_warm_time_to_cold_final_ratio": _r(statistics.median(reach)) if reach else None,
            "warm_reaches_cold_final_in_half_the_time": f"{sum(r <= 0.5 for r in reach)}/{len(reach)}",
            "median_gain_over_whole_portfolio_best_points": _r(statistics.median(whole))
            if whole
            else None,
            "tables_above_whole_portfolio_best": f"{sum(g > 0 for g in whole)}/{len(whole)}",
        }
    return out


def _r(x):
    return None if x is None or not math.isfinite(x) else round(float(x), 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=8, help="how many tables (default 8)")
    parser.add_argument("--names", nargs="*", help="these tables instead (outside_tables names)")
    parser.add_argument("--budgets", type=float, nargs="+", default=[60.0, 300.0])
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    parser.add_argument("--out", default=str(ROOT / "build" / "bench_tune.jsonl"))
    parser.add_argument("--summarise", metavar="JSONL", help="only summarise an earlier run")
    parser.add_argument(
        "--portfolio-cache",
        help="outside_bruteforce.py's cache: compare with the best of the whole portfolio too",
    )
    args = parser.parse_args(argv)
    if args.summarise:
        records = [json.loads(line) for line in Path(args.summarise).read_text().splitlines()]
        print(json.dumps(_report(records, args.portfolio_cache), indent=2))
        return 0
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    records = []
    if out.exists():  # resume: skip measurements already written
        records = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
        done = {(r["table"], r["budget"], r["method"]) for r in records}
    for budget in args.budgets:
        for table in pick_tables(args.tables, args.names):
            task = make_task(table)
            for method in args.methods:
                if (table.name, budget, method) in done:
                    continue
                print(f"{table.name} {budget:g}s {method}...", file=sys.stderr, flush=True)
                if method == "flaml":
                    result = run_flaml(task, budget)
                else:
                    result = run_metadesk(task, budget, warm=method == "warm")
                record = {
                    "table": table.name,
                    "task_type": table.task_type,
                    "rows": int(task.n_rows),
                    "budget": budget,
                    "method": method,
                    **result,
                }
                records.append(record)
                with out.open("a") as f:
                    f.write(json.dumps(record) + "\n")
    print(json.dumps(_report(records, args.portfolio_cache), indent=2))
    return 0


def _report(records: list[dict], cache_dir: str | None = None) -> dict:
    return {
        "figure": "best 5-fold CV score within a time budget, metadesk vs FLAML and vs a cold start",
        "machine": {"cores": os.cpu_count(), "workers": WORKERS},
        "metric": "accuracy (classification), R² (regression)",
        "measurements": len(records),
        **summarise(records, portfolio_best(cache_dir)),
    }


if __name__ == "__main__":
    raise SystemExit(main())

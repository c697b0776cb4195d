"""What honest comparisons cost: ties against the best for 100 finished configurations, and the
out-of-fold predictions stored per experiment on a 100,000-row table.

Ties: `Workspace.results` (leaderboard + corrected t-tests + Bayesian ROPE, baseline cached) on a
workspace holding 100 finished 5-fold experiments, against `Workspace.leaderboard` alone (ranking
by the mean, as before) in the same run. Storage: the compressed out-of-fold archive of real
5-fold runs on 100,000 rows, against the same predictions as plain float64 arrays.
Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd

from metadesk.experiments.comparison import compare_with_best
from metadesk.experiments.predictions import decode
from metadesk.experiments.runner import run
from metadesk.experiments.spec import ExperimentSpec, Protocol, Result
from metadesk.portfolio import Configuration, get_configuration
from metadesk.workspace import Workspace, records

CONFIGURATIONS = 100
FOLDS = 5
ROWS = 100_000
REPEATS = 15


def _ws_with_finished(folder: Path) -> tuple[Workspace, str]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    frame["y"] = np.where(frame["a"] > 0, "yes", "no")
    csv = folder / "t.csv"
    frame.to_csv(csv, index=False)
    ws = Workspace.open(folder / "ws.sqlite", prior_dir=False)
    loaded, _ = ws.read_table(csv)
    info = ws.add_dataset(ws.make_task(loaded, "y", name="bench"))
    row = ws.store.dataset(info.dataset_id)
    # 100 finished experiments on the same folds, so every run is paired with the best (the case
    # that costs most): logistic regressions with 100 values of C.
    configs = [
        Configuration(f"logreg:C={c:g}", "logreg", {"C": float(c)}, f"Logistic regression, C {c:g}")
        for c in np.logspace(-3, 3, CONFIGURATIONS)
    ]
    ws.store.put_configurations([records.configuration_row(c) for c in configs])
    results = []
    for c in configs:
        ws.store.enqueue([records.queue_item(row, c, Protocol(folds=FOLDS))])
        level = 0.7 + 0.25 * rng.random()
        scores = {
            m: list(np.clip(level + rng.normal(scale=0.02, size=FOLDS), 0, 1))
            for m in ("accuracy", "balanced_accuracy", "roc_auc", "f1_macro")
        }
        scores["log_loss"] = list(0.3 + rng.random(FOLDS))
        results.append(
            Result(
                dataset_id=info.dataset_id,
                configuration_id=c.id,
                status="ok",
                fold_scores=scores,
                mean={m: float(np.mean(v)) for m, v in scores.items()},
                std={m: float(np.std(v)) for m, v in scores.items()},
            )
        )
    for result in results:
        claimed = ws.store.claim_next("bench")
        ws.store.finish(claimed["id"], "ok", result_json=result.to_json(), scores=dict(result.mean))
    return ws, info.dataset_id


def _median_ms(fn) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def ties_figure(folder: Path) -> dict:
    ws, dataset_id = _ws_with_finished(folder)
    try:
        ws.results(dataset_id, "accuracy")  # the baseline is computed once and cached
        table = ws.results(dataset_id, "accuracy")
        compared = int(table.board["p_value_vs_best"].notna().sum())
        folds = {str(i): f for i, f in enumerate(table.board["fold_scores"])}
        tests_ms = _median_ms(lambda: compare_with_best(folds, "0", folds=FOLDS, rope=0.01))
        results_ms = _median_ms(lambda: ws.results(dataset_id, "accuracy"))
        leaderboard_ms = _median_ms(lambda: ws.leaderboard(dataset_id, "accuracy"))
    finally:
        ws.close()
    return {
        "figure": "ties against the best, 100 finished configurations (median ms)",
        "value_ms": round(results_ms, 2),
        "baseline": "leaderboard ranked by the mean alone (median ms)",
        "baseline_ms": round(leaderboard_ms, 2),
        "ratio": round(results_ms / leaderboard_ms, 2),
        "extra_ms": round(results_ms - leaderboard_ms, 2),
        "configurations_compared": compared,
        "statistics_alone_ms": round(tests_ms, 3),
        "target_ms": 50,
    }


def _table(task_type: str, folder: Path) -> tuple[str, tuple]:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(ROWS, 8))
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(8)])
    signal = X[:, 0] + 0.5 * X[:, 1] - 0.3 * X[:, 2] + rng.normal(scale=0.8, size=ROWS)
    if task_type == "binary":
        frame["y"] = np.where(signal > 0.4, "yes", "no")
    elif task_type == "multiclass":
        frame["y"] = pd.cut(signal, [-np.inf, -1, -0.3, 0.3, 1, np.inf], labels=list("abcde"))
        frame["y"] = frame["y"].astype(str)
    else:
        frame["y"] = signal
    path = folder / f"{task_type}.parquet"
    frame.to_parquet(path)
    return str(path), tuple((f"x{i}", "numeric") for i in range(8))


def storage_figure(folder: Path) -> dict:
    out = {}
    configs = {"binary": "logreg:C=1", "multiclass": "logreg:C=1", "regression": "ridge:alpha=1"}
    for task_type, config in configs.items():
        path, roles = _table(task_type, folder)
        spec = ExperimentSpec(
            "bench", path, "y", task_type, roles, get_configuration(config),
            Protocol(folds=FOLDS, time_limit_s=3600),
        )  # fmt: skip
        result = run(spec)
        assert result.ok, result.error
        oof = decode(result.predictions)
        raw = oof.y_true.astype(np.float64).nbytes + oof.y_pred.astype(np.float64).nbytes
        if oof.proba is not None:
            raw += oof.proba.astype(np.float64).nbytes
        out[task_type] = {
            "stored_bytes": len(result.predictions),
            "stored_mb": round(len(result.predictions) / 1024 / 1024, 3),
            "float64_bytes": raw,
            "ratio": round(len(result.predictions) / raw, 3),
            "classes": len(oof.classes),
        }
    return {
        "figure": "out-of-fold predictions stored per experiment, 100,000-row table",
        "rows": ROWS,
        "by_task": out,
        "baseline": "the same predictions as plain float64 arrays",
        "max_stored_mb": max(v["stored_mb"] for v in out.values()),
        "target_mb": 2,
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ties = ties_figure(folder)
        storage = storage_figure(folder)
    print(
        json.dumps(
            {"ties": ties, "storage": storage, "cores": os.cpu_count(), "python": sys.version[:6]},
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

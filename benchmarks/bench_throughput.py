"""Experiment execution speed, printed as one JSON object (targets in shared/design/TARGETS.md).

- overhead per experiment through `LocalExecutor` (warm worker that keeps the last snapshot it read,
  as in a real queue) against a bare in-process `cross_validate` of the same pipeline with the
  same five metrics: a ~1-second experiment and a tiny one (medians);
- throughput of a queue with 2 workers against 1 worker;
- cancel latency: from `cancel()` of a running, CPU-bound experiment until its process is gone;
- the same 40-experiment queue on a 2-worker Dask `LocalCluster` against the local pool with
  2 workers: time ratio and whether every score is identical.

    OMP_NUM_THREADS=1 nice .venv/bin/python benchmarks/bench_throughput.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.metrics import get_scorer
from sklearn.model_selection import RepeatedStratifiedKFold, cross_validate
from threadpoolctl import threadpool_limits

from metadesk.experiments import LocalExecutor
from metadesk.experiments.spec import ExperimentSpec, Protocol
from metadesk.portfolio import (
    Algorithm,
    Configuration,
    build_pipeline,
    get_configuration,
    register_algorithm,
)

SCORERS = {
    "accuracy": "accuracy",
    "balanced_accuracy": "balanced_accuracy",
    "roc_auc": "roc_auc",
    "log_loss": "neg_log_loss",
    "f1_macro": "f1_macro",
}


class Spinning(ClassifierMixin, BaseEstimator):
    """Burns CPU until killed: a running experiment whose core we want back."""

    def fit(self, X, y):
        deadline = time.monotonic() + 600
        x = 0
        while time.monotonic() < deadline:
            x += 1
        return self


def register_spinning() -> None:
    register_algorithm(
        Algorithm("bench_spinning", "Spinning", lambda k, p, s: Spinning(), ("binary",))
    )


SPINNING = Configuration(
    id="bench_spinning:", algorithm="bench_spinning", label="Spinning", task_types=("binary",)
)


def make_snapshot(folder: Path, name: str, rows: int, seed: int = 0) -> tuple[str, tuple]:
    X, y = make_classification(
        n_samples=rows, n_features=12, n_informative=6, random_state=seed, flip_y=0.05
    )
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    frame["group"] = np.where(X[:, 0] > 0, "high", "low")
    frame["y"] = np.where(y == 1, "yes", "no")
    path = folder / f"{name}.parquet"
    frame.to_parquet(path)
    roles = (*((c, "numeric") for c in frame.columns[:12]), ("group", "categorical"))
    return str(path), roles


def spec_for(path: str, roles: tuple, configuration, folds: int = 5) -> ExperimentSpec:
    if isinstance(configuration, str):
        configuration = get_configuration(configuration)
    return ExperimentSpec(
        dataset_id=Path(path).stem,
        snapshot_path=path,
        target="y",
        task_type="binary",
        roles=roles,
        configuration=configuration,
        protocol=Protocol(folds=folds, seed=0),
    )


def bare_cross_validate(spec: ExperimentSpec) -> float:
    frame = pd.read_parquet(spec.snapshot_path)
    pipe = build_pipeline(spec.configuration, spec.roles, "binary", seed=spec.protocol.seed)
    cv = RepeatedStratifiedKFold(n_splits=spec.protocol.folds, n_repeats=1, random_state=0)
    started = time.perf_counter()
    with threadpool_limits(1):
        cross_validate(
            pipe,
            frame[[c for c, _ in spec.roles]],
            frame["y"],
            cv=cv,
            scoring={m: get_scorer(s) for m, s in SCORERS.items()},
        )
    return time.perf_counter() - started


def through_executor(executor, spec: ExperimentSpec) -> float:
    started = time.perf_counter()
    result = executor.submit(spec).result()
    assert result.ok, result.error
    return time.perf_counter() - started


def overhead(executor, spec: ExperimentSpec, repeats: int) -> dict:
    base = [bare_cross_validate(spec) for _ in range(repeats)]
    via = [through_executor(executor, spec) for _ in range(repeats)]
    b, v = statistics.median(base), statistics.median(via)
    return {
        "configuration": spec.configuration.id,
        "experiment_s": round(v, 4),
        "bare_cross_validate_s": round(b, 4),
        "overhead_s": round(v - b, 4),
        "overhead_ratio": round((v - b) / b, 4),
    }


def run_queue(executor, specs: list[ExperimentSpec]) -> tuple[float, list]:
    started = time.perf_counter()
    handles = [executor.submit(s) for s in specs]
    results = [h.result() for h in handles]
    return time.perf_counter() - started, results


def warm(executor, spec: ExperimentSpec, workers: int) -> None:
    for h in [executor.submit(spec) for _ in range(workers)]:
        h.result()


def cancel_latency(path: str, roles: tuple, repeats: int) -> dict:
    def children() -> set[int]:
        return {p.pid for p in multiprocessing.active_children()}

    latencies = []
    others = children()
    with LocalExecutor(1, initializer=register_spinning) as executor:
        for _ in range(repeats):
            handle = executor.submit(spec_for(path, roles, SPINNING, folds=2))
            while not handle.running():
                time.sleep(0.005)
            time.sleep(0.5)  # let it burn its core for a moment
            worker = children() - others
            started = time.perf_counter()
            handle.cancel()
            while worker & children():
                time.sleep(0.001)
            latencies.append(time.perf_counter() - started)
            assert handle.result(5).status == "cancelled"
            # wait for the replacement worker before the next round
            warm(executor, spec_for(path, roles, "dummy:strategy=prior", folds=2), 1)
    return {
        "cancel_to_core_free_s": [round(x, 4) for x in latencies],
        "max_s": round(max(latencies), 4),
    }


def dask_vs_local(specs: list[ExperimentSpec], warmup: ExperimentSpec) -> dict:
    try:
        import distributed
    except ImportError:
        return {"skipped": "distributed is not installed"}
    from metadesk.experiments import DaskExecutor

    with LocalExecutor(2) as local:
        warm(local, warmup, 2)
        local_s, local_results = run_queue(local, specs)
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        dask = DaskExecutor(cluster.scheduler_address)
        try:
            warm(dask, warmup, 2)
            dask_s, dask_results = run_queue(dask, specs)
        finally:
            dask.close()
    identical = all(
        a.ok and b.ok and a.fold_scores == b.fold_scores
        for a, b in zip(local_results, dask_results, strict=True)
    )
    return {
        "experiments": len(specs),
        "local_pool_2_workers_s": round(local_s, 3),
        "dask_localcluster_2_workers_s": round(dask_s, 3),
        "time_ratio": round(dask_s / local_s, 3),
        "identical_scores": identical,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and experiments")
    args = parser.parse_args()
    repeats = 2 if args.quick else 3
    out: dict = {"benchmark": "throughput", "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big_path, roles = make_snapshot(folder, "medium", rows=2500)
        tiny_path, _ = make_snapshot(folder, "tiny", rows=100, seed=1)
        one_second = spec_for(big_path, roles, "random_forest:max_features=sqrt,min_samples_leaf=1")
        tiny = spec_for(tiny_path, roles, "dummy:strategy=prior")
        out["data"] = {"medium_rows": 2500, "tiny_rows": 100, "features": 13, "folds": 5}

        with LocalExecutor(1) as executor:
            warm(executor, tiny, 1)
            out["overhead_1s_experiment"] = overhead(executor, one_second, repeats)
            out["overhead_tiny_experiment"] = overhead(executor, tiny, repeats * 3)

        queue_configs = [
            "logreg:C=1",
            "hist_gb:learning_rate=0.1,max_leaf_nodes=31",
            "knn:n_neighbors=15",
            "tree:max_depth=5,min_samples_leaf=1",
        ] * (2 if args.quick else 3)
        mid_path, _ = make_snapshot(folder, "queue", rows=800, seed=2)
        queue = [spec_for(mid_path, roles, c) for c in queue_configs]
        times = {}
        for workers in (1, 2):
            with LocalExecutor(workers) as executor:
                warm(executor, tiny, workers)
                times[workers], _ = run_queue(executor, queue)
        out["throughput"] = {
            "experiments": len(queue),
            "one_worker_s": round(times[1], 3),
            "two_workers_s": round(times[2], 3),
            "speedup": round(times[1] / times[2], 3),
        }

        out["cancel_latency"] = cancel_latency(tiny_path, roles, repeats)

        dask_configs = [
            "logreg:C=1",
            "hist_gb:learning_rate=0.1,max_leaf_nodes=31",
            "knn:n_neighbors=15",
            "tree:max_depth=5,min_samples_leaf=1",
            "lda:shrinkage=true",
        ]
        paths = [make_snapshot(folder, f"d{i}", rows=400, seed=10 + i)[0] for i in range(8)]
        n = 20 if args.quick else 40
        forty = [spec_for(p, roles, c) for p in paths for c in dask_configs][:n]
        out["dask_vs_local"] = dask_vs_local(forty, tiny)

    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

"""What the workspace's persistent queue costs on top of the executor it drives.

The same tiny experiments run twice in one process: through `Workspace.queue/start/wait` (SQLite
queue, dispatcher thread, one transaction per result) and straight through `LocalExecutor.submit`.
Prints one JSON object: the figure, the baseline, their ratio, cores and data size.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd

from metadesk.experiments import LocalExecutor
from metadesk.experiments.spec import ExperimentSpec, Protocol
from metadesk.portfolio import get_configuration
from metadesk.workspace import Workspace

WORKERS = 2
ROWS = 200
CONFIGS = [
    "dummy:strategy=prior",
    "dummy:strategy=stratified",
    "logreg:C=0.01",
    "logreg:C=0.1",
    "logreg:C=1",
    "logreg:C=10",
    "gaussian_nb:var_smoothing=1e-09",
    "gaussian_nb:var_smoothing=1e-05",
    "lda:shrinkage=false",
    "knn:n_neighbors=5",
    "tree:max_depth=3,min_samples_leaf=1",
    "tree:max_depth=5,min_samples_leaf=1",
]
REPEATS = 3  # each configuration under 3 seeds: 36 experiments


def table(path: Path) -> Path:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=ROWS), rng.normal(size=ROWS)
    frame = pd.DataFrame({"a": a, "b": b, "c": rng.choice(list("xyz"), ROWS)})
    frame["y"] = np.where(a + b > 0, "yes", "no")
    frame.to_csv(path, index=False)
    return path


def protocols() -> list[Protocol]:
    return [Protocol(folds=3, seed=s, time_limit_s=120) for s in range(REPEATS)]


def through_workspace(folder: Path, csv: Path) -> tuple[float, list[ExperimentSpec]]:
    ws = Workspace.open(folder / "ws.sqlite", prior_dir=False)
    try:
        frame, _ = ws.read_table(csv)
        info = ws.add_dataset(ws.make_task(frame, "y", name="bench", folds=3))
        task = ws.load_task(info.dataset_id)
        ws.start(LocalExecutor(WORKERS))
        time.sleep(3)  # let the workers start, as the baseline's do
        start = time.perf_counter()
        for p in protocols():
            ws.queue(info.dataset_id, CONFIGS, protocol=p)
        assert ws.wait(timeout=600)
        elapsed = time.perf_counter() - start
        assert {e.status for e in ws.experiments()} == {"ok"}
        specs = [
            ExperimentSpec(
                info.dataset_id,
                info.snapshot_path,
                task.target,
                task.task_type,
                task.feature_roles(),
                get_configuration(c),
                p,
            )
            for p in protocols()
            for c in CONFIGS
        ]
        return elapsed, specs
    finally:
        ws.close()


def through_executor(specs: list[ExperimentSpec]) -> float:
    with LocalExecutor(WORKERS) as executor:
        time.sleep(3)
        start = time.perf_counter()
        handles = [executor.submit(s) for s in specs]
        results = [h.result() for h in handles]
        elapsed = time.perf_counter() - start
    assert {r.status for r in results} == {"ok"}
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv = table(folder / "bench.csv")
        queued, specs = through_workspace(folder, csv)
        bare = through_executor(specs)
    n = len(specs)
    print(
        json.dumps(
            {
                "figure": "workspace queue time for the experiments (s)",
                "workspace_s": round(queued, 3),
                "baseline": "the same experiments submitted straight to LocalExecutor (s)",
                "executor_s": round(bare, 3),
                "ratio": round(queued / bare, 3),
                "overhead_per_experiment_s": round((queued - bare) / n, 4),
                "experiments": n,
                "workers": WORKERS,
                "cores": os.cpu_count(),
                "rows": ROWS,
                "python": sys.version.split()[0],
            }
        )
    )


if __name__ == "__main__":
    main()

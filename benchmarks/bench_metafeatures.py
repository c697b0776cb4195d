"""Meta-feature extraction speed: ours vs pymfe on one mixed table, our scaling, and peak memory.

Prints one JSON object. Run: `OMP_NUM_THREADS=1 nice .venv/bin/python benchmarks/bench_metafeatures.py`
(`--quick` skips pymfe and the 1,000,000-row table).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd

from metadesk.data.roles import Role
from metadesk.data.task import Task
from metadesk.metafeatures import extract_meta_features

PYMFE_GROUPS = ["general", "statistical", "info-theory", "landmarking"]


def make_mixed(n_rows: int, n_cols: int, *, seed: int = 0, missing: float = 0.02) -> Task:
    """Half numeric, half categorical (2-20 levels) columns; a 3-class target tied to a few of them."""
    rng = np.random.default_rng(seed)
    n_num = n_cols // 2
    data: dict[str, object] = {}
    signal = np.zeros(n_rows)
    for j in range(n_num):
        x = rng.standard_normal(n_rows) * (j + 1) + j
        if j % 3 == 0:
            x = np.exp(x / (j + 1))  # some skewed columns
        if j < 3:
            signal += x / (j + 1)
        if missing:
            x[rng.random(n_rows) < missing] = np.nan
        data[f"num{j}"] = x
    for j in range(n_cols - n_num):
        levels = 2 + j % 19
        codes = rng.integers(0, levels, n_rows)
        if j < 2:
            signal += codes / levels
        if missing:
            codes[rng.random(n_rows) < missing] = -1
        labels = np.array([f"level_{k}" for k in range(levels)], dtype=object)
        col = pd.Series(pd.Categorical.from_codes(codes, categories=labels)).astype("str")
        data[f"cat{j}"] = col.where(codes >= 0)  # keep missing as missing, not as "nan"
    cuts = np.quantile(signal, [0.5, 0.8])
    target = np.array(["a", "b", "c"], dtype=object)[np.searchsorted(cuts, signal)]
    frame = pd.DataFrame(data)
    frame["target"] = pd.Series(target, dtype="str")
    roles = {c: (Role.NUMERIC if c.startswith("num") else Role.CATEGORICAL) for c in data}
    return Task(f"bench-{n_rows}x{n_cols}", "bench", frame, "target", "multiclass", roles)


def time_ours(task: Task) -> tuple[float, float, dict]:
    """(wall seconds, CPU seconds of this process, status counts)."""
    start, cpu = time.perf_counter(), time.process_time()
    mf = extract_meta_features(task)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    statuses: dict[str, int] = {}
    for v in mf.values():
        statuses[v.status] = statuses.get(v.status, 0) + 1
    return elapsed, cpu, statuses


def time_pymfe(task: Task) -> tuple[float, float, int]:
    from pymfe.mfe import MFE

    x = task.X
    cat_cols = [i for i, c in enumerate(x.columns) if c.startswith("cat")]
    x_values = x.astype(object).to_numpy()
    y_values = task.y.astype(object).to_numpy()
    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mfe = MFE(groups=PYMFE_GROUPS, random_state=1)
        mfe.fit(x_values, y_values, cat_cols=cat_cols, suppress_warnings=True)
        names, _ = mfe.extract(suppress_warnings=True)
    return time.perf_counter() - start, time.process_time() - cpu, len(names)


def table_bytes(task: Task) -> int:
    return int(task.frame.memory_usage(deep=True).sum())


def peak_memory(task: Task) -> int:
    tracemalloc.start()
    extract_meta_features(task)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="skip pymfe and the 1M-row table")
    args = parser.parse_args()
    out: dict = {
        "benchmark": "metafeatures",
        "cores": os.cpu_count(),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "load_average_at_start": os.getloadavg()[0],
        "note": "wall and CPU seconds; the machine is shared, so CPU seconds are the steadier figure",
    }
    extract_meta_features(make_mixed(2_000, 10))  # warm imports so they are not timed

    # pymfe cannot take missing values; both get the same complete table.
    small = make_mixed(10_000, 50, missing=0.0)
    wall, cpu, statuses = time_ours(small)
    entry: dict = {"ours_s": round(wall, 3), "ours_cpu_s": round(cpu, 3), "statuses": statuses}
    if not args.quick:
        pymfe_wall, pymfe_cpu, n_pymfe = time_pymfe(small)
        entry.update(
            pymfe_s=round(pymfe_wall, 3),
            pymfe_cpu_s=round(pymfe_cpu, 3),
            pymfe_features=n_pymfe,
            pymfe_groups=PYMFE_GROUPS,
            speedup_vs_pymfe=round(pymfe_wall / wall, 1),
            speedup_vs_pymfe_cpu=round(pymfe_cpu / cpu, 1),
            target_speedup=10,
        )
    out["mixed_10k_x_50"] = entry
    del small

    mid = make_mixed(100_000, 100)
    wall_mid, cpu_mid, statuses = time_ours(mid)
    out["mixed_100k_x_100"] = {
        "ours_s": round(wall_mid, 3),
        "ours_cpu_s": round(cpu_mid, 3),
        "target_s": 3.0,
        "statuses": statuses,
    }
    peak, size = peak_memory(mid), table_bytes(mid)
    out["peak_memory_100k_x_100"] = {
        "table_mb": round(size / 2**20, 1),
        "peak_extra_mb": round(peak / 2**20, 1),
        "ratio": round(peak / size, 3),
        "target_ratio": 3.0,
    }
    del mid

    if not args.quick:
        big = make_mixed(1_000_000, 100)
        wall_big, cpu_big, statuses = time_ours(big)
        out["mixed_1m_x_100"] = {
            "ours_s": round(wall_big, 3),
            "ours_cpu_s": round(cpu_big, 3),
            "ratio_vs_100k": round(wall_big / wall_mid, 2),
            "ratio_vs_100k_cpu": round(cpu_big / cpu_mid, 2),
            "target_ratio": 2.0,
            "statuses": statuses,
        }
        peak, size = peak_memory(big), table_bytes(big)
        out["peak_memory_1m_x_100"] = {
            "table_mb": round(size / 2**20, 1),
            "peak_extra_mb": round(peak / 2**20, 1),
            "ratio": round(peak / size, 3),
            "target_ratio": 3.0,
            "how": "tracemalloc peak during extraction over the frame's deep memory_usage",
        }
    json.dump(out, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Suggestion quality and meta-model speed, printed as one JSON object.

Quality: the leave-one-group-out table of every recommender and baseline (AverageRank, random
order, oracle) in the same run, on the shipped prior (or `--knowledge DATASETS RUNS`); and the
same figures on real tables outside the prior (benchmarks/outside_cache, built by
benchmarks/outside_bruteforce.py), the meta-model fitted on the whole prior. When no
prior exists yet this says so and measures a synthetic meta-dataset instead, labelled synthetic.
Speed: fit on 200 datasets x 80 configurations and rank one dataset, against AverageRank's.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_metamodel.py [--knowledge D R] [--folds K]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from metadesk.metamodel import (
    AverageRank,
    MetaModel,
    NearestDatasets,
    Surrogate,
    evaluate,
    load_prior,
    read_exchange,
)
from metadesk.metamodel.metrics import default_metric
from metadesk.metamodel.synthetic import synthetic_meta_dataset
from metadesk.priorbuild.evaluation import add_outside, read_outside

RECOMMENDERS = ("average_rank_diverse", "nearest_datasets", "surrogate")
# Below this many evaluated datasets the benchmark also measures the synthetic meta-dataset.
SMALL_PRIOR = 40


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not np.isfinite(a) or not np.isfinite(b) or b == 0:
        return None
    return round(a / b, 3)


def _round(x):
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_round(v) for v in x]
    if isinstance(x, float):
        return round(x, 5) if np.isfinite(x) else None
    return x


def quality(md, task_type: str, metric: str, folds: int | None, outside=None) -> dict:
    started = time.perf_counter()
    cpu = time.process_time()
    report = evaluate(md, task_type, metric, folds=folds)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu
    if outside is not None:
        add_outside(report, md, outside)
    chosen = MetaModel(task_type, metric).fit(md, evaluation=report)
    result = {
        "task_type": task_type,
        "metric": metric,
        "scheme": report.scheme,
        "n_datasets": report.n_datasets,
        "n_groups": report.n_groups,
        "evaluation_seconds": round(seconds, 1),
        "evaluation_cpu_seconds": round(cpu_seconds, 1),
        "chosen": chosen.name,
        "sentence": chosen.info["sentence"],
        "table": _round(report.table.to_dict(orient="index")),
        "versus_average_rank": _versus(report.figures, task_type),
    }
    if report.outside:
        result["outside"] = {
            "source": report.outside_source,
            "table": _round(
                {
                    n: {k: v for k, v in f.items() if k != "per_table"}
                    for n, f in report.outside.items()
                }
            ),
            "per_table": _round({n: f.get("per_table", {}) for n, f in report.outside.items()}),
            "versus_average_rank": _versus(report.outside, task_type),
            "chosen_lower_top1_than_average_rank": (
                report.outside.get(chosen.name, {}).get("top1_regret", np.inf)
                < report.outside.get("average_rank", {}).get("top1_regret", -np.inf)
            ),
        }
    return result


def _versus(f: dict, task_type: str) -> dict:
    """Each recommender's figures as ratios to AverageRank's, with the targets of TARGETS.md."""
    ar = f.get("average_rank", {})
    top1_bar = 0.5 if task_type == "regression" else 0.8
    versus = {}
    for name in RECOMMENDERS:
        mine = f.get(name, {})
        if not mine:
            continue
        bsf = mine.get("best_so_far_observed", [])
        bsf_ar = ar.get("best_so_far_observed", [])
        ratios_k = {
            f"k={k}": _ratio(bsf[k - 1], bsf_ar[k - 1])
            for k in range(2, 6)
            if len(bsf) >= k and len(bsf_ar) >= k
        }
        versus[name] = {
            "top1_regret_ratio": _ratio(mine.get("top1_regret"), ar.get("top1_regret")),
            "top1_regret_median_ratio": _ratio(
                mine.get("top1_regret_median"), ar.get("top1_regret_median")
            ),
            "spearman_gain": _round(mine.get("spearman", np.nan) - ar.get("spearman", np.nan)),
            "best_so_far_observed_ratio": ratios_k,
            "experiments_to_half_point_ratio": _ratio(
                mine.get("experiments_to_half_point"), ar.get("experiments_to_half_point")
            ),
            "best_of_3_ratio": _ratio(
                (mine.get("best_so_far_observed") or [None] * 3)[2],
                (ar.get("best_so_far_observed") or [None] * 3)[2],
            ),
            "top1_within_noise": _round(mine.get("top1_within_noise")),
            "average_rank_top1_within_noise": _round(ar.get("top1_within_noise")),
            "p_vs_average_rank": _round(mine.get("p_vs_average_rank")),
            "coverage": _round(mine.get("coverage")),
            "bias_points": _round((mine.get("bias") or np.nan) / 0.01),
        }
        versus[name]["targets_met"] = {
            f"top1_regret<={top1_bar}xAR": (versus[name]["top1_regret_ratio"] or 9) <= top1_bar,
            f"best_of_3<={top1_bar}xAR": (versus[name]["best_of_3_ratio"] or 9) <= top1_bar,
            "bias_within_1_point": abs(versus[name]["bias_points"] or 9) <= 1.0,
            "spearman>=AR+0.10": (versus[name]["spearman_gain"] or -1) >= 0.10,
            "best_so_far_k2..5<=0.7xAR": all((r or 9) <= 0.7 for r in ratios_k.values()),
            "experiments_to_half_point<=0.7xAR": (
                versus[name]["experiments_to_half_point_ratio"] or 9
            )
            <= 0.7,
            "coverage_75..85%": 0.75 <= (mine.get("coverage") or 0) <= 0.85,
        }
    return versus


def _median_time(fn, repeat: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times)


def speed() -> dict:
    md = synthetic_meta_dataset(200, 50, 80, seed=7)
    ids = list(md.datasets.index[:20])
    feats = [
        {
            k: float(v)
            for k, v in md.datasets.loc[i].items()
            if k not in ("name", "task_type", "group", "provenance")
        }
        for i in ids
    ]
    candidates = list(md.configurations.values())
    out = {
        "data": "synthetic, 200 datasets x 80 configurations (16,000 runs)",
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    for cls in (AverageRank, NearestDatasets, Surrogate):
        fitted = cls().fit(md, "binary", "accuracy")
        fit_s = _median_time(lambda cls=cls: cls().fit(md, "binary", "accuracy"), 3)
        rank_s = statistics.median(
            _median_time(lambda f=f, m=fitted: m.rank(f, candidates), 1) for f in feats
        )
        first = fitted.rank(feats[0], candidates)
        observed = {s.configuration.id: 0.8 for s in first[:3]}
        rank_obs_s = statistics.median(
            _median_time(lambda f=f, m=fitted, o=observed: m.rank(f, candidates, o), 1)
            for f in feats
        )
        # CPU time too: the machine may be shared, and wall time then says little.
        fit_cpu = _median_time(
            lambda cls=cls: cls().fit(md, "binary", "accuracy"), 3, time.process_time
        )
        out[cls.name] = {
            "fit_seconds": round(fit_s, 4),
            "fit_cpu_seconds": round(fit_cpu, 4),
            "rank_seconds": round(rank_s, 5),
            "rank_with_3_observed_seconds": round(rank_obs_s, 5),
        }
    base = out["average_rank"]
    for name in ("nearest_datasets", "surrogate"):
        out[name]["fit_ratio_vs_average_rank"] = _ratio(
            out[name]["fit_seconds"], base["fit_seconds"]
        )
        out[name]["targets_met"] = {
            "fit<=2s": out[name]["fit_seconds"] <= 2.0,
            "fit_cpu<=2s (wall time is inflated on a shared machine)": out[name]["fit_cpu_seconds"]
            <= 2.0,
            "rank<=100ms": out[name]["rank_seconds"] <= 0.1,
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--knowledge", nargs=2, metavar=("DATASETS", "RUNS"))
    parser.add_argument("--folds", type=int, default=None, help="folds of groups (default LOGO)")
    parser.add_argument("--no-synthetic", action="store_true", help="skip the synthetic fallback")
    args = parser.parse_args()

    result: dict = {"benchmark": "metamodel", "cores": os.cpu_count(), "targets": "TARGETS.md"}
    md, source = None, None
    if args.knowledge:
        md = read_exchange(*args.knowledge)
        source = f"{args.knowledge[0]} + {args.knowledge[1]}"
    else:
        from metadesk.resources import prior_dir

        folder = Path(prior_dir())
        started = time.perf_counter()
        md = load_prior(folder)
        if md is not None:
            result["load_prior_seconds"] = round(time.perf_counter() - started, 3)
            source = f"shipped prior ({folder})"
        else:
            result["prior"] = f"absent: no datasets/runs tables in {folder}"
    outside = None if args.knowledge else read_outside()
    result["quality"] = []
    if md is not None:
        present = set(md.datasets["task_type"])
        for family, task_type in (
            (("binary", "multiclass"), "binary"),
            (("regression",), "regression"),
        ):
            if present & set(family):
                q = quality(md, task_type, default_metric(task_type), args.folds, outside)
                q["source"] = source
                result["quality"].append(q)
    measured = sum(q["n_datasets"] for q in result["quality"])
    if md is not None and measured < SMALL_PRIOR:
        result["prior_note"] = (
            f"only {measured} datasets with runs: too few to judge the targets; "
            "a synthetic meta-dataset is measured as well"
        )
    if (md is None or measured < SMALL_PRIOR) and not args.no_synthetic:
        syn = synthetic_meta_dataset(120, 30, 40, seed=11)
        q = quality(syn, "binary", "accuracy", args.folds)
        q["source"] = (
            "SYNTHETIC meta-dataset (120 datasets in 30 groups x 40 configurations), not real knowledge"
        )
        result["quality"].append(q)
    result["speed"] = speed()
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

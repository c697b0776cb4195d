"""Do less noisy labels let a learned recommender beat the fixed ranking? One JSON object.

The same classification datasets and configurations, scored two ways: the one-run labels (one 5-fold
run each; `--old`, the prior as shipped before commit 20ea8f5, e.g. a `git worktree` of d2cee8b) and
the rebuild's (3 x 5-fold, `knowledge-next/`, built by the command in the README's "Rebuilding the
classification labels"; the shipped prior carries them since). For each label set, the
leave-one-group-out evaluation of every recommender in the same run, reported as ratios to
AverageRank. Only datasets the rebuild has finished (every shared configuration scored) count.

    git worktree add --detach /tmp/one-run d2cee8b
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_label_noise.py \
        --old /tmp/one-run/resources/knowledge [--metric accuracy ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from metadesk.metamodel import evaluate, load_prior, read_exchange
from metadesk.metamodel.values import MetaDataset

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ("top1_regret", "top1_within_noise", "p_vs_average_rank", "coverage", "bias")


def _subset(md: MetaDataset, ids: list[str], configs: set[str]) -> MetaDataset:
    runs = md.runs[md.runs.dataset_id.isin(ids) & md.runs.configuration_id.isin(configs)]
    return replace(md, datasets=md.datasets.loc[ids], runs=runs, evaluations={})


def _figures(md: MetaDataset, metric: str) -> dict:
    report = evaluate(md, "classification", metric)
    ar = report.figures.get("average_rank", {})
    out = {"n_datasets": report.n_datasets, "n_groups": report.n_groups}
    for name, f in report.figures.items():
        if name in ("random", "oracle", "average_rank"):
            continue
        bsf, bsf_ar = f.get("best_so_far_observed", []), ar.get("best_so_far_observed", [])
        row = {k: _clean(f.get(k)) for k in FIGURES}
        row["top1_regret_ratio"] = _ratio(f.get("top1_regret"), ar.get("top1_regret"))
        row["best_of_3_ratio"] = _ratio(
            bsf[2] if len(bsf) > 2 else None, bsf_ar[2] if len(bsf_ar) > 2 else None
        )
        out[name] = row
    out["average_rank"] = {k: _clean(ar.get(k)) for k in FIGURES}
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not np.isfinite(a) or not np.isfinite(b) or b == 0:
        return None
    return round(a / b, 3)


def _clean(x: object) -> object:
    if isinstance(x, float):
        return round(x, 4) if np.isfinite(x) else None
    return x


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--metric", action="append", default=None)
    parser.add_argument(
        "--old",
        type=Path,
        required=True,
        help="the prior with the one-run labels (resources/knowledge of commit d2cee8b)",
    )
    parser.add_argument("--new", type=Path, default=ROOT / "knowledge-next")
    args = parser.parse_args(argv)
    old = load_prior(args.old)
    if old is None or not (args.new / "runs.parquet").exists():
        print(json.dumps({"error": f"need {args.old} and {args.new}/runs.parquet"}))
        return 1
    new = read_exchange(args.new / "datasets.parquet", args.new / "runs.parquet")
    configs = set(old.runs.configuration_id) & set(new.runs.configuration_id)
    scored = new.runs[new.runs.configuration_id.isin(configs)]
    per_dataset = scored.groupby("dataset_id").configuration_id.nunique()
    shared_ids = set(old.datasets.index)
    ids = sorted(d for d, n in per_dataset.items() if n == len(configs) and d in shared_ids)
    result: dict = {"datasets": len(ids), "configurations": len(configs), "metrics": {}}
    for metric in args.metric or ["accuracy", "balanced_accuracy", "roc_auc"]:
        result["metrics"][metric] = {
            "shipped labels (1 x 5-fold)": _figures(_subset(old, ids, configs), metric),
            "rebuilt labels (3 x 5-fold)": _figures(_subset(new, ids, configs), metric),
        }
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

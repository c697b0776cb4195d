"""`metadesk metafeatures FILE --target COL`: the dataset's meta-features with their statuses, headless."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

from metadesk.cli import arguments
from metadesk.data import make_task, read_table
from metadesk.metafeatures import MetaFeatures, extract_meta_features

GROUP_TITLES = {
    "general": "General",
    "statistical": "Statistical",
    "info_theory": "Information-theoretic",
    "regression": "Target distribution",
    "landmarking": "Landmarkers",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "metafeatures",
        help="compute a table's meta-features (OpenML data qualities) with their statuses",
        description="Read a table, define the task for the target column and print every "
        "meta-feature: its value, or why it was not computed.",
    )
    arguments.add_table(parser)
    parser.add_argument("--task-type", choices=("binary", "multiclass", "regression"))
    parser.add_argument("--sheet", help="the Excel sheet to read, by name or 0-based number")
    parser.add_argument(
        "--budget", type=arguments.budget_seconds, help="seconds for the whole extraction"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed for samples and models (1)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    sheet = int(args.sheet) if args.sheet is not None and args.sheet.isdigit() else args.sheet
    frame, _report = read_table(args.file, sheet=sheet)
    task = make_task(frame, args.target, task_type=args.task_type, source_path=args.file)
    start = time.monotonic()
    features = extract_meta_features(task, budget_s=args.budget, seed=args.seed)
    seconds = time.monotonic() - start
    if args.json:
        print(json.dumps(_as_json(task, features, seconds), indent=2))
    else:
        _print_text(task, features, seconds)
    return 0


def _as_json(task, features: MetaFeatures, seconds: float) -> dict:
    records = features.to_records()
    for r in records:
        if r["value"] is not None and not math.isfinite(r["value"]):
            r["value"] = None  # JSON has no NaN
    return {
        "dataset_id": task.dataset_id,
        "target": task.target,
        "task_type": task.task_type,
        "rows": task.n_rows,
        "seconds": round(seconds, 3),
        "counts": _counts(features),
        "features": records,
    }


def _counts(features: MetaFeatures) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in features.values():
        counts[v.status] = counts.get(v.status, 0) + 1
    return counts


def _print_text(task, features: MetaFeatures, seconds: float) -> None:
    out = sys.stdout
    counts = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in _counts(features).items())
    print(
        f"{task.name or task.dataset_id}: {task.task_type} task on '{task.target}', "
        f"{task.n_rows:,} rows; {len(features)} meta-features in {seconds:.2f} s ({counts})",
        file=out,
    )
    width = max(len(n) for n in features)
    for group, title in GROUP_TITLES.items():
        values = [v for v in features.values() if v.group == group]
        if not values:
            continue
        print(f"\n{title}", file=out)
        for v in values:
            if v.status == "computed":
                shown, note = f"{v.value:.6g}", ""
            else:
                shown, note = "-", f"  {v.status.replace('_', ' ')}: {v.reason}"
            print(f"  {v.name:<{width}}  {shown:>12}{note}", file=out)

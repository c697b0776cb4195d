"""`metadesk results FILE --target COL [--json]`: the configurations run on a table, which are tied
with the best (corrected resampled t-test on the same folds), and the baseline to beat."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from metadesk.cli import arguments
from metadesk.cli.run import format_table
from metadesk.errors import UserError
from metadesk.experiments.spec import LOWER_IS_BETTER, METRIC_LABELS, metrics_for


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "results",
        help="show the results on a table: ties with the best and the baseline",
        description="List the configurations run on a table with mean, standard deviation and "
        "fold scores, the p-value of each against the best (corrected resampled t-test on the "
        "same folds), whether it is tied with the best, and the majority-class or mean baseline.",
    )
    arguments.add_table(
        p,
        file_help="the table the configurations were run on",
        target_help="the column that was predicted",
    )
    p.add_argument("--metric", help="the metric to compare (default: the table's own default)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.set_defaults(func=results_command)


def _open(args: argparse.Namespace) -> Any:
    from metadesk.workspace import Workspace

    return Workspace.open(getattr(args, "workspace", None))


def _num(value: Any, digits: int = 4) -> str:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return "—"
    return f"{f:.{digits}f}" if math.isfinite(f) else "—"


def _p(value: Any) -> str:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return "—"
    if not math.isfinite(f):
        return "—"
    return "<0.001" if f < 0.001 else f"{f:.3f}"


def _share(value: Any) -> str:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return "—"
    return f"{f:.0%}" if math.isfinite(f) else "—"


def results_command(args: argparse.Namespace) -> int:
    from metadesk.workspace.comparisons import as_records

    ws = _open(args)
    try:
        frame, _report = ws.read_table(args.file)
        task = ws.make_task(frame, args.target, source_path=args.file)
        if ws.store.dataset(task.dataset_id) is None:
            raise UserError(
                f"Nothing has been run on '{args.file}' with target '{args.target}' yet.",
                f"Run `metadesk run {args.file} --target {args.target}` first.",
            )
        if args.metric and args.metric not in metrics_for(task.task_type):
            raise UserError(
                f"'{args.metric}' is not a metric for a {task.task_type} target.",
                "Use one of: " + ", ".join(metrics_for(task.task_type)) + ".",
            )
        table = ws.results(task.dataset_id, args.metric)
        records = as_records(table)
        if args.json:
            print(json.dumps(records, indent=2, ensure_ascii=False))
            return 0
        _print(records)
        return 0
    finally:
        ws.close()


def _print(records: dict[str, Any]) -> None:
    metric = records["metric"]
    label = METRIC_LABELS.get(metric, metric)
    order = "lower is better" if metric in LOWER_IS_BETTER else "higher is better"
    folds = records.get("folds")
    repeats = records.get("repeats") or 1
    cv = f"{repeats}×{folds}-fold" if folds and repeats > 1 else f"{folds}-fold" if folds else ""
    print(f"{label} ({order}{', ' + cv + ' cross-validation' if cv else ''}):")
    rows = []
    groups = {"best": "best", "tied": "tied with best", "worse": "worse", "not compared": "—"}
    for r in records["configurations"]:
        rows.append(
            [
                str(r["rank"]),
                r["label"] + ("" if r["provenance"] == "own" else f" ({r['provenance']})"),
                f"{_num(r['mean'])} ± {_num(r['std'])}",
                " ".join(_num(s, 3) for s in r["fold_scores"]) or "—",
                _p(r["p_value_vs_best"]) if r["group"] != "best" else "",
                _share(r["prob_equivalent"]) if r["group"] != "best" else "",
                groups.get(r["group"], r["group"]),
            ]
        )
    b = records.get("baseline")
    if b is not None:
        rows.append(
            [
                "",
                b["label"],
                f"{_num(b['mean'])} ± {_num(b['std'])}",
                " ".join(_num(s, 3) for s in b["fold_scores"]) or "—",
                _p(b["p_value_vs_best"]),
                "",
                "baseline",
            ]
        )
    if rows:
        header = ["#", "configuration", label, "folds", "p vs best", "≈ best", "verdict"]
        print(format_table(rows, header))
        if records.get("rope") is not None:
            print(
                f"≈ best: the chance of being within ±{records['rope']:g} of the best "
                "(Bayesian correlated t-test)."
            )
    else:
        print("No finished experiments on this table yet.")
    for note in records.get("notes") or []:
        print("\n" + note)
    if records.get("better_metric"):
        better = METRIC_LABELS.get(records["better_metric"], records["better_metric"])
        print(f"Try: --metric {records['better_metric']} ({better}).")

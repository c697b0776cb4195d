"""`metadesk suggest FILE --target COL`: what to run first on a table, and why;
`metadesk evaluate`: how well the meta-model's suggestions carry over to datasets it never saw."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from metadesk.cli import arguments
from metadesk.errors import UserError

# The names `metadesk evaluate --recommender` takes (metamodel.facade.RECOMMENDERS, not imported
# here so that the CLI starts fast).
RECOMMENDER_NAMES = ("average_rank", "average_rank_diverse", "nearest_datasets", "surrogate")

FIGURE_COLUMNS = (
    ("top1_regret", "top-1", "regret"),
    ("top1_regret_median", "median 1", "regret"),
    ("top3_regret", "top-3", "regret"),
    ("top5_regret", "top-5", "regret"),
    ("bsf_obs@2", "k=2", "regret"),
    ("bsf_obs@3", "k=3", "regret"),
    ("bsf_obs@5", "k=5", "regret"),
    ("experiments_to_half_point", "runs≤0.5pt", "count"),
    ("experiments_to_one_point", "runs≤1pt", "count"),
    ("first_pick_rank", "1st rank", "count"),
    ("spearman", "Spearman", "ratio"),
    ("coverage", "80% cover", "ratio"),
)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "suggest",
        help="suggest which model configurations to run on a table, with reasons",
        description="Load a table, describe it and list the configurations most likely to do "
        "well on it, each with a predicted score, an 80%% interval and the similar datasets "
        "the prediction comes from.",
    )
    arguments.add_table(p)
    p.add_argument(
        "--top",
        type=arguments.whole_number(1, "the number of suggestions"),
        default=10,
        help="how many suggestions (default 10)",
    )
    p.add_argument(
        "--metric", type=arguments.metric, help="metric to optimise (default: accuracy or R²)"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=suggest_command)

    e = subparsers.add_parser(
        "evaluate",
        help="measure the meta-model on held-out datasets",
        description="Leave-one-group-out evaluation of every recommender against a fixed "
        "ranking (average rank), a random order and the oracle, on the shipped prior "
        "knowledge or on an exchange-format pair given with --knowledge.",
    )
    e.add_argument(
        "--knowledge",
        nargs=2,
        metavar=("DATASETS", "RUNS"),
        help="datasets and runs tables (CSV or Parquet) instead of the shipped prior",
    )
    e.add_argument(
        "--task-type",
        choices=("binary", "multiclass", "regression"),
        help="only this task type (binary and multiclass are evaluated together)",
    )
    e.add_argument(
        "--metric",
        type=arguments.metric,
        help="metric (default: accuracy for classification, R² for regression)",
    )
    e.add_argument(
        "--folds",
        type=arguments.folds,
        default=None,
        help="folds of whole groups instead of leave-one-group-out (faster on big knowledge)",
    )
    e.add_argument(
        "--recommender",
        action="append",
        metavar="NAME",
        help="evaluate only this recommender (repeatable; AverageRank is always measured "
        "beside it): " + ", ".join(RECOMMENDER_NAMES),
    )
    e.add_argument("--json", action="store_true", help="print JSON instead of tables")
    e.set_defaults(func=evaluate_command)


# --- suggest -----------------------------------------------------------------------------------
def suggest_command(args: argparse.Namespace) -> int:
    from metadesk.workspace import Workspace

    ws = Workspace.open(getattr(args, "workspace", None))
    try:
        frame, _report = ws.read_table(args.file)
        task = ws.make_task(frame, args.target, source_path=args.file)
        arguments.check_metric_applies(args.metric, task.task_type)
        info = ws.add_dataset(task)
        suggestions = ws.suggest(info.dataset_id, metric=args.metric, top=args.top)
        metric = args.metric or (suggestions[0].metric if suggestions else "")
        about = ws.recommender_info(info.task_type, args.metric)
    finally:
        ws.close()
    if args.json:
        out = {
            "dataset_id": info.dataset_id,
            "name": info.name,
            "task_type": info.task_type,
            "metric": metric,
            "recommender": _jsonable(about),
            "suggestions": [suggestion_dict(s) for s in suggestions],
        }
        print(json.dumps(out, indent=2, allow_nan=False))
        return 0
    print(f"{info.name}: {info.task_type}, {info.n_rows} rows, {info.n_features} features")
    if about.get("sentence"):
        print(about["sentence"])
    print()
    if not suggestions:
        print("Nothing left to suggest: every configuration has been run on this table.")
        return 0
    for s in suggestions:
        label = s.configuration.label or s.configuration.id
        if s.cold_start or math.isnan(s.predicted):
            guess = "(no prediction yet)"
        else:
            guess = f"{s.metric} ≈ {s.predicted:.3f} [{s.low:.3f}–{s.high:.3f}]"
        print(f"{s.rank:>3}. {label}")
        print(f"     {guess}  {s.reason}")
    return 0


def suggestion_dict(s: Any) -> dict[str, Any]:
    return {
        "rank": s.rank,
        "configuration_id": s.configuration.id,
        "algorithm": s.configuration.algorithm,
        "label": s.configuration.label,
        "metric": s.metric,
        "predicted": _num(s.predicted),
        "low": _num(s.low),
        "high": _num(s.high),
        "expected_improvement": _num(s.expected_improvement),
        "recommender": s.recommender,
        "cold_start": s.cold_start,
        "reason": s.reason,
        "evidence": [
            {
                "dataset_id": e.dataset_id,
                "dataset_name": e.dataset_name,
                "similarity": _num(e.similarity),
                "score": _num(e.score),
                "provenance": e.provenance,
            }
            for e in s.evidence
        ],
    }


def _num(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, float):
        return _num(x)
    return x


# --- evaluate ----------------------------------------------------------------------------------
def evaluate_command(args: argparse.Namespace) -> int:
    from metadesk.metamodel import evaluate, load_prior, read_exchange
    from metadesk.metamodel.metrics import default_metric, metrics_for

    if args.knowledge:
        md = read_exchange(*args.knowledge, provenance="imported")
        source = f"{args.knowledge[0]} + {args.knowledge[1]}"
    else:
        from metadesk.resources import prior_dir

        folder = Path(prior_dir())
        prior = load_prior(folder)
        source = f"the shipped prior ({folder})"
        if prior is None:
            print(
                f"metadesk: there is no shipped prior knowledge yet in {folder} "
                "(no datasets/runs tables).",
                file=sys.stderr,
            )
            print(
                "  Build it with `metadesk knowledge build`, or evaluate another meta-dataset "
                "with --knowledge DATASETS RUNS.",
                file=sys.stderr,
            )
            return 2
        md = prior
    present = set(md.datasets["task_type"]) if len(md.datasets) else set()
    wanted = []
    for family, task_type in (
        (("binary", "multiclass"), "binary"),
        (("regression",), "regression"),
    ):
        if args.task_type and args.task_type not in family:
            continue
        if present & set(family):
            metric = args.metric or default_metric(task_type)
            if metric not in metrics_for(task_type):
                raise UserError(
                    f"'{metric}' is not a metric for {task_type} tasks.",
                    f"Use one of: {', '.join(metrics_for(task_type))}.",
                )
            wanted.append((task_type, metric))
    if not wanted:
        raise UserError(
            f"There is nothing to evaluate in {source}.",
            "The knowledge holds no datasets of the requested task type.",
        )
    recommenders = None
    if args.recommender:
        from metadesk.metamodel.facade import RECOMMENDERS

        unknown = [n for n in args.recommender if n not in RECOMMENDERS]
        if unknown:
            raise UserError(
                f"There is no recommender called '{unknown[0]}'.",
                f"Use one of: {', '.join(RECOMMENDERS)}.",
            )
        recommenders = [RECOMMENDERS[n]() for n in dict.fromkeys(args.recommender)]
    reports = {}
    for task_type, metric in wanted:
        reports[f"{task_type}/{metric}"] = evaluate(
            md, task_type, metric, recommenders, folds=args.folds
        )
    if args.json:
        out = {"source": source, "reports": {k: r.to_dict() for k, r in reports.items()}}
        print(json.dumps(_jsonable(out), indent=1, allow_nan=False))
        return 0
    for report in reports.values():
        print_report(report, source)
    return 0


def print_report(report: Any, source: str) -> None:
    family = "classification" if report.task_type != "regression" else "regression"
    points = report.metric not in ("log_loss", "rmse", "mae")
    unit = "points (0.01)" if points else f"{report.metric} units"
    print(
        f"{family} / {report.metric}: {report.n_datasets} datasets in {report.n_groups} groups, "
        f"{report.scheme}, from {source}"
    )
    print(f"regret in {unit}; k = best of the first k runs with re-ranking after each")
    if report.n_groups < 2:
        print("  too few groups to hold any out\n")
        return
    table = report.table
    width = max([18, *(len(str(n)) + 1 for n in report.table.index)])
    header = f"{'':<{width}}" + "".join(f"{label:>11}" for _, label, _ in FIGURE_COLUMNS)
    print(header)
    for name, row in table.iterrows():
        cells = []
        for col, _label, kind in FIGURE_COLUMNS:
            v = row.get(col)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                cells.append(f"{'–':>11}")
            elif kind == "regret":
                cells.append(f"{(v / 0.01 if points else v):>11.2f}")
            elif kind == "count":
                cells.append(f"{v:>11.1f}")
            else:
                cells.append(f"{v:>11.2f}")
        print(f"{name:<{width}}" + "".join(cells))
    print()

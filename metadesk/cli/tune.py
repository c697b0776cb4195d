"""`metadesk tune FILE --target COL --budget SECONDS`: the best model metadesk can find in a time
budget, warm-started by the meta-model; a second call continues where the first stopped."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from metadesk.cli import arguments
from metadesk.errors import UserError
from metadesk.experiments.spec import LOWER_IS_BETTER, METRIC_LABELS, metrics_for

MAX_BUDGET_S = 7 * 24 * 3600.0


def register(subparsers: Any) -> None:
    tune = subparsers.add_parser(
        "tune",
        help="find the best model for a table within a time budget",
        description="Search beyond the shipped portfolio within a time budget: the meta-model's "
        "suggestions first, then new settings proposed around what works, with cheap elimination "
        "on row samples. Every trial is kept in the workspace; running the same command again "
        "continues the search.",
    )
    arguments.add_table(tune)
    tune.add_argument(
        "--budget", required=True, type=_seconds, help="seconds to search, e.g. 300 (or 5m, 1h)"
    )
    tune.add_argument(
        "--workers",
        type=arguments.whole_number(1, "the number of workers", 256),
        default=None,
        help="local worker processes",
    )
    tune.add_argument("--scheduler", help="a Dask scheduler address, e.g. tcp://HOST:8786")
    tune.add_argument("--metric", help="metric to optimise (default: accuracy or R²)")
    tune.add_argument(
        "--cold", action="store_true", help="do not warm-start from the meta-model's suggestions"
    )
    tune.add_argument("--seed", type=int, default=0, help="seed of the proposals (default 0)")
    tune.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    tune.set_defaults(func=tune_command)


def _seconds(text: str) -> float:
    units = {"s": 1.0, "m": 60.0, "h": 3600.0}
    raw = text.strip().lower()
    factor = units.get(raw[-1:])
    number = raw[:-1] if factor else raw
    try:
        value = float(number) * (factor or 1.0)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a time budget; write seconds such as 300, or 5m or 1h"
        ) from None
    if not math.isfinite(value) or value < 5 or value > MAX_BUDGET_S:
        raise argparse.ArgumentTypeError("the budget must be between 5 seconds and 7 days")
    return value


def tune_command(args: argparse.Namespace) -> int:
    from metadesk.cli import STARTED
    from metadesk.workspace import Workspace
    from metadesk.workspace.tuning import Tuner

    started = STARTED
    ws = Workspace.open(getattr(args, "workspace", None))
    tuner = None
    try:
        frame, _report = ws.read_table(args.file)
        task = ws.make_task(frame, args.target, source_path=args.file)
        info = ws.add_dataset(task)
        if args.metric and args.metric not in metrics_for(info.task_type):
            raise UserError(
                f"'{args.metric}' is not a metric for a {info.task_type} target.",
                f"Use one of: {', '.join(metrics_for(info.task_type))}.",
            )
        if not args.json:
            print(
                f"{info.name}: {info.n_rows} rows, {info.n_features} features, {info.task_type}. "
                f"Searching for {args.budget:g} s...",
                flush=True,
            )
        ws.start(workers=args.workers, scheduler=args.scheduler)
        printer = None if args.json else _Printer(sys.stdout)
        tuner = Tuner(
            ws,
            info.dataset_id,
            args.budget,
            metric=args.metric,
            warm_start=not args.cold,
            seed=args.seed,
            started=started,
            on_progress=printer,
        )
        try:
            snap = tuner.run()
        except KeyboardInterrupt:
            tuner.stop()
            stopped = tuner.snapshot()
            print(
                "Stopped. Every finished trial is kept; run the same command to go on.",
                file=sys.stderr,
            )
            if stopped is not None:
                _print_outcome(stopped, args.json)
            return 130
        _print_outcome(snap, args.json)
        return 0 if snap.best is not None else 1
    finally:
        ws.close()


class _Printer:
    """One line each time the best score improves."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.shown = 0

    def __call__(self, snap: Any) -> None:
        while self.shown < len(snap.curve):
            seconds, score = snap.curve[self.shown]
            self.shown += 1
            label = snap.best.label if snap.best and snap.best.score == score else ""
            print(f"  {seconds:6.1f} s  best {score:.4f}  {label}", file=self.out, flush=True)


def _print_outcome(snap: Any, as_json: bool) -> None:
    data = snap.to_dict()
    if as_json:
        print(json.dumps(data, indent=2))
        return
    label = METRIC_LABELS.get(snap.metric, snap.metric)
    order = "lower is better" if snap.metric in LOWER_IS_BETTER else "higher is better"
    print(
        f"\n{snap.trials} trials in {snap.elapsed_seconds:.0f} s "
        f"({snap.total_trials} on this table so far)."
    )
    if snap.best is None:
        print("No configuration finished on all rows within the budget; try a longer one.")
        return
    best = snap.best
    tag = " (tuned)" if best.tuned else ""
    print(f"Best ({label}, {order}, 5-fold): {best.score:.4f} ± {best.std:.4f}")
    print(f"  {best.label}{tag}\n  id: {best.configuration_id}")
    fixed = snap.portfolio_best
    if fixed is not None and fixed.configuration_id != best.configuration_id:
        gain = (best.score - fixed.score) * (-1 if snap.metric in LOWER_IS_BETTER else 1)
        print(f"Best shipped configuration: {fixed.score:.4f} ({fixed.label}); gain {gain:+.4f}")
    print(
        "Re-run it with: metadesk run FILE --target COL --configs " + f'"{best.configuration_id}"'
    )

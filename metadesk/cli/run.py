"""`metadesk run FILE --target COL`: queue configurations on a table and run them with a progress bar;
`metadesk experiments`: list the queue and the results with their states."""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any, TextIO

from metadesk.cli import arguments
from metadesk.experiments.spec import LOWER_IS_BETTER, METRIC_LABELS, Protocol, default_metric
from metadesk.workspace.events import Event, Finished


def register(subparsers: Any) -> None:
    run = subparsers.add_parser(
        "run",
        help="run model configurations on a table and show the results",
        description="Load a table, queue configurations and run them; finished results are kept "
        "in the workspace and reused next time.",
    )
    arguments.add_table(run)
    run.add_argument(
        "--configs",
        default="all",
        help="'all' (the shipped portfolio) or comma-separated configuration ids",
    )
    run.add_argument(
        "--workers",
        type=arguments.whole_number(1, "the number of workers", 256),
        default=None,
        help="local worker processes",
    )
    run.add_argument("--scheduler", help="a Dask scheduler address, e.g. tcp://HOST:8786")
    run.add_argument(
        "--folds", type=arguments.folds, default=5, help="cross-validation folds (default 5)"
    )
    run.add_argument(
        "--repeats",
        type=arguments.whole_number(1, "the number of repeats", 20),
        default=1,
        help="repeat cross-validation on reshuffled folds, e.g. 3 for 3x5-fold (default 1)",
    )
    run.add_argument(
        "--time-limit",
        type=arguments.seconds,
        default=600.0,
        help="seconds per experiment (default 600)",
    )
    run.add_argument(
        "--memory-limit",
        type=arguments.memory_mb,
        default=None,
        metavar="MB",
        help="memory per experiment in MB (default 4096; Linux and macOS)",
    )
    run.add_argument(
        "--retry-failed",
        action="store_true",
        help="run again the experiments of this table that failed, timed out or were killed",
    )
    run.add_argument(
        "--metric",
        type=arguments.metric,
        help="metric for the results table (default: accuracy or R²)",
    )
    run.add_argument(
        "--top",
        type=arguments.whole_number(1, "the number of rows"),
        default=20,
        help="rows in the results table (default 20)",
    )
    run.set_defaults(func=run_command)

    exp = subparsers.add_parser(
        "experiments",
        help="list queued, running and finished experiments",
        description="List the experiments of the workspace with their states.",
    )
    exp.add_argument("--dataset", help="only this dataset id")
    exp.add_argument(
        "--status",
        action="append",
        choices=("queued", "running", "ok", "failed", "timeout", "cancelled", "interrupted"),
        help="only these states (repeat for several)",
    )
    exp.set_defaults(func=experiments_command)


def _open(args: argparse.Namespace) -> Any:
    from metadesk.workspace import Workspace

    return Workspace.open(getattr(args, "workspace", None))


class Progress:
    """A one-line bar on a terminal; one line per finished experiment otherwise."""

    def __init__(self, total: int, done: int, labels: dict[int, str], metric: str, out: TextIO):
        self.total = total
        self.done = done
        self.labels = labels
        self.metric = metric
        self.out = out
        self.tty = out.isatty()
        self.running: dict[int, str] = {}
        self.failed = 0
        self._lock = threading.Lock()
        self._started = time.monotonic()

    def __call__(self, event: Event) -> None:
        if event.experiment_id not in self.labels:
            return
        with self._lock:
            label = self.labels[event.experiment_id]
            if event.kind == "started":
                self.running[event.experiment_id] = label
            elif event.kind in ("finished", "cancelled"):
                self.running.pop(event.experiment_id, None)
                self.done += 1
                finished = event.payload if isinstance(event.payload, Finished) else None
                status = finished.status if finished is not None else "cancelled"
                if status != "ok":
                    self.failed += 1
                if not self.tty:
                    self._line(label, status, finished)
            if self.tty:
                self._bar()

    def _line(self, label: str, status: str, finished: Finished | None) -> None:
        score = finished.scores.get(self.metric) if finished is not None else None
        what = (
            f"{METRIC_LABELS.get(self.metric, self.metric)} {score:.4f}"
            if status == "ok" and score is not None
            else ((finished.error if finished is not None else "") or status)
        )
        print(f"[{self.done}/{self.total}] {status:<9} {label} — {what}", file=self.out, flush=True)

    def _bar(self) -> None:
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        elapsed = time.monotonic() - self._started
        now = ", ".join(list(self.running.values())[:2])
        text = (
            f"\r[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total}"
            f"  {elapsed:5.0f}s  {('running: ' + now) if now else ''}"
        )
        columns = shutil.get_terminal_size((100, 20)).columns
        self.out.write(text[: columns - 1].ljust(columns - 1))
        self.out.flush()

    def tick(self) -> None:
        """Keep the elapsed time moving on a terminal between events."""
        if self.tty:
            with self._lock:
                self._bar()

    def finish(self) -> None:
        if self.tty:
            self.out.write("\n")
            self.out.flush()


def parse_configs(value: str) -> Sequence[str] | str:
    """'all', or ids separated by commas, semicolons or spaces. Ids hold commas themselves
    (`tree:max_depth=3,min_samples_leaf=1`): a piece without ':' continues the previous id."""
    if value.strip().lower() == "all":
        return "all"
    ids: list[str] = []
    for piece in value.replace(";", " ").replace(",", " , ").split():
        if piece == ",":
            continue
        if ":" not in piece and ids:
            ids[-1] += "," + piece
        else:
            ids.append(piece)
    return ids


def format_table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _score(mean: float, std: float) -> str:
    if mean is None or not math.isfinite(mean):
        return "—"
    return f"{mean:.4f} ± {std:.4f}" if std is not None and math.isfinite(std) else f"{mean:.4f}"


def run_command(args: argparse.Namespace) -> int:
    if args.repeats < 1:
        from metadesk.errors import UserError

        raise UserError(
            f"--repeats {args.repeats} is not a number of times cross-validation can run.",
            "Use 1 (no repetition) or more, e.g. --repeats 3 for 3×5-fold.",
        )
    ws = _open(args)
    try:
        frame, _report = ws.read_table(args.file)
        task = ws.make_task(frame, args.target, source_path=args.file, folds=args.folds)
        arguments.check_metric_applies(args.metric, task.task_type)
        info = ws.add_dataset(task)
        metric = args.metric or ws.default_metric(info.dataset_id)
        limits = {"memory_limit_mb": args.memory_limit} if args.memory_limit else {}
        protocol = Protocol(
            folds=args.folds, repeats=args.repeats, time_limit_s=args.time_limit, **limits
        )
        ids = ws.queue(
            info.dataset_id,
            parse_configs(args.configs),
            protocol=protocol,
            retry_failed=args.retry_failed,
        )
        rows = {e.experiment_id: e for e in ws.experiments(info.dataset_id)}
        mine = {i: rows[i] for i in ids}
        already = sum(1 for e in mine.values() if e.status in ("ok", "failed", "timeout"))
        print(
            f"{info.name}: {info.n_rows} rows, {info.n_features} features, {info.task_type}. "
            f"{len(ids)} experiments ({already} already done).",
            flush=True,
        )
        progress = Progress(
            len(ids),
            already,
            {i: e.configuration_label for i, e in mine.items()},
            metric,
            sys.stdout,
        )
        ws.subscribe(progress)
        if already < len(ids):
            ws.start(workers=args.workers, scheduler=args.scheduler)
            try:
                while not ws.wait(timeout=1.0):
                    progress.tick()
                    if ws.paused:  # an executor error paused dispatching: say so and stop
                        progress.finish()
                        print("metadesk: the workers stopped; the queue is kept.", file=sys.stderr)
                        return 1
            except KeyboardInterrupt:
                progress.finish()
                print(
                    "Stopped. Unfinished experiments stay queued; run the same command to go on.",
                    file=sys.stderr,
                )
                return 130
        progress.finish()
        _print_results(ws, info.dataset_id, metric, args.top, set(ids))
        outcome = [e for e in ws.experiments(info.dataset_id) if e.experiment_id in mine]
        return 0 if any(e.status == "ok" for e in outcome) or not ids else 1
    finally:
        ws.close()


def _print_results(ws: Any, dataset_id: str, metric: str, top: int, ids: set[int]) -> None:
    board = ws.leaderboard(dataset_id, metric)
    own = board[board["provenance"] == "own"]
    label = METRIC_LABELS.get(metric, metric)
    if len(own):
        rows = [
            [
                str(i + 1),
                r.label,
                _score(r[metric], r[f"{metric}_std"]),
                f"{r.fit_seconds:.2f}s",
            ]
            for i, (_, r) in enumerate(own.head(top).iterrows())
        ]
        order = "lower is better" if metric in LOWER_IS_BETTER else "higher is better"
        print(f"\nResults ({label}, {order}):")
        print(format_table(rows, ["#", "configuration", label, "fit time"]))
        if len(own) > top:
            print(f"... and {len(own) - top} more (use --top).")
    problems = [
        e
        for e in ws.experiments(dataset_id, ["failed", "timeout", "cancelled"])
        if e.experiment_id in ids
    ]
    if problems:
        print(f"\n{len(problems)} experiment(s) did not finish:")
        for e in problems:
            print(f"  {e.status:<9} {e.configuration_label}: {e.error or e.status}")
        print("Add --retry-failed to the same command to run them again.")


def experiments_command(args: argparse.Namespace) -> int:
    ws = _open(args)
    try:
        names = {d.dataset_id: (d.name, d.task_type) for d in ws.datasets()}
        rows = []
        for e in ws.experiments(args.dataset, args.status):
            name, task_type = names.get(e.dataset_id, (e.dataset_id, "binary"))
            metric = default_metric(task_type)
            if e.result is not None and e.status == "ok":
                what = f"{METRIC_LABELS[metric]} {_score(e.result.mean.get(metric), e.result.std.get(metric))}"
            else:
                what = (e.error or "")[:60]
            when = (e.finished_at or e.started_at or e.queued_at or "")[:19].replace("T", " ")
            rows.append([str(e.experiment_id), name, e.configuration_label, e.status, what, when])
        if not rows:
            print("No experiments.")
            return 0
        print(format_table(rows, ["id", "dataset", "configuration", "state", "score", "when"]))
        counts: dict[str, int] = {}
        for r in rows:
            counts[r[3]] = counts.get(r[3], 0) + 1
        print("\n" + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
        return 0
    finally:
        ws.close()

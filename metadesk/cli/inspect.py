"""`metadesk inspect FILE`: what metadesk reads in a table and the task it would define, headless."""

from __future__ import annotations

import argparse
import json
import sys

from metadesk.cli import arguments
from metadesk.data import make_task, read_table, suggest_target
from metadesk.errors import TaskProblem

_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "inspect",
        help="show how a table file is read and the learning task it defines",
        description="Read a table file and report its columns, their roles, and the task a target "
        "column would define (the suggested target when --target is not given).",
    )
    arguments.add_table(
        parser, target_help="the column to predict (default: suggested)", target_required=False
    )
    parser.add_argument("--sheet", help="the Excel sheet to read, by name or 0-based number")
    parser.add_argument("--nrows", type=int, help="read only the first N rows")
    parser.add_argument("--sample", type=int, help="read a random sample of N rows")
    parser.add_argument(
        "--encoding", help="the text encoding, such as cp1252 or utf-8 (default: detected)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    sheet = int(args.sheet) if args.sheet is not None and args.sheet.isdigit() else args.sheet
    frame, report = read_table(
        args.file, sheet=sheet, nrows=args.nrows, sample=args.sample, encoding=args.encoding
    )
    target = args.target or suggest_target(frame)
    task_info: dict = {"target": target, "suggested": args.target is None}
    try:
        task = make_task(frame, target, source_path=args.file)
    except TaskProblem as exc:
        if args.target is not None and not args.json:
            raise  # the user chose this target: exit 2 with the plain message
        task_info["problem"] = {"message": exc.message, "hint": exc.hint}
    else:
        task_info.update(
            name=task.name,
            dataset_id=task.dataset_id,
            task_type=task.task_type,
            rows=task.n_rows,
            dropped_rows=task.dropped_rows,
            features=task.feature_columns,
            excluded=dict(task.excluded),
            notes=list(task.notes),
        )
        if task.is_classification:
            task_info["classes"] = {str(k): int(v) for k, v in task.y.value_counts().items()}
    if args.json:
        print(json.dumps({"report": report.to_dict(), "task": task_info}, indent=2, default=str))
        return 0 if "problem" not in task_info else 2
    _print_text(report, task_info)
    return 0


def _print_text(report, task: dict) -> None:
    out = sys.stdout
    print(
        f"{report.path.name}: {report.rows:,} rows x {report.columns} columns ({report.format})",
        file=out,
    )
    if report.encoding:
        bits = [f"encoding {report.encoding}"]
        if report.delimiter:
            bits.append(f"separated by {_SEPARATORS.get(report.delimiter, repr(report.delimiter))}")
        if report.decimal:
            bits.append(f"decimal mark '{report.decimal}'")
        if report.thousands:
            bits.append(f"thousands separator '{report.thousands}'")
        print("  " + ", ".join(bits), file=out)
    if report.sheet:
        print(f"  sheet '{report.sheet}' of {len(report.sheets)}", file=out)
    width = max([len(c.name) for c in report.column_reports] + [6])
    print(f"\n  {'column':<{width}}  {'role':<11}  {'type':<15}  missing", file=out)
    for col in report.column_reports:
        mark = "  <- target" if col.name == task["target"] else ""
        print(
            f"  {col.name:<{width}}  {col.role.value:<11}  {col.dtype:<15}  {col.missing:>7,}{mark}",
            file=out,
        )
    if report.notes:
        print("\nNotes:", file=out)
        for note in report.notes:
            print(f"  - {note}", file=out)
    how = "suggested" if task["suggested"] else "chosen"
    print(f"\nTarget ({how}): {task['target']}", file=out)
    if "problem" in task:
        print(f"  Cannot make a task: {task['problem']['message']}", file=out)
        if task["problem"]["hint"]:
            print(f"  {task['problem']['hint']}", file=out)
        return
    print(f"  task type: {task['task_type']}, {task['rows']:,} usable rows", file=out)
    if "classes" in task:
        classes = ", ".join(f"{k} ({v:,})" for k, v in list(task["classes"].items())[:12])
        print(f"  classes: {classes}", file=out)
    if task["dropped_rows"]:
        print(f"  rows left out: {task['dropped_rows']:,}", file=out)
    for note in task["notes"]:
        print(f"  - {note}", file=out)
    print(f"  features used: {len(task['features'])}", file=out)
    for column, reason in task["excluded"].items():
        print(f"  not used: {column} {reason}", file=out)
    print(f"  dataset id: {task['dataset_id']}", file=out)

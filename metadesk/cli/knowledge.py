"""`metadesk knowledge import DATASETS RUNS` / `knowledge export DIR`: exchange what was learned
as two plain tables (CSV or Parquet); `knowledge build` (when present) builds the shipped prior."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from metadesk.errors import KnowledgeProblem


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "knowledge",
        help="import or export meta-knowledge (datasets and runs tables)",
        description="Share what the workspace has learned: datasets with their meta-features "
        "and runs with their scores, as CSV or Parquet. See 'Exchanging knowledge' in the README.",
    )
    sub = p.add_subparsers(dest="knowledge_command", metavar="ACTION")
    sub.required = True

    imp = sub.add_parser(
        "import",
        help="add a datasets table and a runs table to the workspace's knowledge",
        description="Validate both tables completely, then import them. If any row is wrong, "
        "nothing is imported and every problem is listed with its row.",
    )
    imp.add_argument("datasets", help="datasets table (CSV or Parquet)")
    imp.add_argument("runs", help="runs table (CSV or Parquet)")
    imp.add_argument("--json", action="store_true", help="print the counts as JSON")
    imp.set_defaults(func=import_command)

    exp = sub.add_parser(
        "export",
        help="write the workspace's knowledge (prior, imported and own results) to a folder",
        description="Write datasets.<fmt> and runs.<fmt> into DIR.",
    )
    exp.add_argument("dir", help="folder to write into (created if needed)")
    exp.add_argument("--format", choices=("csv", "parquet"), default="csv", help="default csv")
    exp.set_defaults(func=export_command)

    lst = sub.add_parser(
        "list",
        help="list the imports layered into the workspace",
        description="Each import with its number, when it was made, its files and what it brought.",
    )
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.set_defaults(func=list_command)

    rm = sub.add_parser(
        "remove",
        help="remove one import (its datasets and runs) from the workspace",
        description="Remove an import by the number 'metadesk knowledge list' shows. Your own "
        "results and the shipped prior are not touched.",
    )
    rm.add_argument("import_id", metavar="NUMBER", help="the import's number")
    rm.set_defaults(func=remove_command)

    from metadesk.cli.knowledge_build import add_build_parser

    add_build_parser(sub)


def _open(args: argparse.Namespace) -> Any:
    from metadesk.workspace import Workspace

    return Workspace.open(getattr(args, "workspace", None))


def import_command(args: argparse.Namespace) -> int:
    ws = _open(args)
    try:
        counts = ws.import_knowledge(args.datasets, args.runs)
    except KnowledgeProblem as exc:
        print(f"metadesk: {exc.message}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    finally:
        ws.close()
    if args.json:
        print(json.dumps(counts))
    else:
        parts = ", ".join(f"{v} {k}" for k, v in counts.items())
        print(f"Imported {parts}.")
    return 0


def export_command(args: argparse.Namespace) -> int:
    ws = _open(args)
    try:
        datasets_path, runs_path = ws.export_knowledge(args.dir, fmt=args.format)
    finally:
        ws.close()
    print(f"Wrote {datasets_path} and {runs_path}")
    return 0


def list_command(args: argparse.Namespace) -> int:
    ws = _open(args)
    try:
        entries = ws.knowledge_imports()
    finally:
        ws.close()
    if args.json:
        print(json.dumps([e.to_dict() for e in entries], indent=2))
        return 0
    if not entries:
        print("No imported knowledge in this workspace.")
        return 0
    from metadesk.cli.run import format_table

    rows = [
        [
            e.import_id,
            e.imported_at[:16].replace("T", " "),
            str(e.datasets),
            str(e.experiments or e.runs),
            str(e.runs),
            f"{e.datasets_file}, {e.runs_file}",
        ]
        for e in entries
    ]
    print(format_table(rows, ["#", "imported (UTC)", "datasets", "runs", "scores", "from"]))
    return 0


def remove_command(args: argparse.Namespace) -> int:
    ws = _open(args)
    try:
        entry = ws.remove_import(args.import_id)
    finally:
        ws.close()
    print(f"Removed import {entry.import_id} ({entry.datasets} datasets, {entry.runs} runs).")
    return 0

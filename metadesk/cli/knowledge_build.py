"""`metadesk knowledge build`: run the portfolio on the corpus and export the shipped prior.

`metadesk/cli/knowledge.py` calls `add_build_parser(knowledge_subparsers)`; the work itself is
`metadesk.priorbuild.build.build_prior`.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from metadesk.cli import arguments
from metadesk.errors import UserError
from metadesk.priorbuild.settings import DEFAULT_MAX_ROWS, DEFAULT_WORK_DIR, PRIOR_PROTOCOL

# The frozen app ships the built knowledge, not the pipeline that builds it (packaging/metadesk.spec).
NOT_IN_THE_APP = (
    "Building the prior knowledge is a developer command: run it from a source checkout "
    "(make prior). This application already carries the built knowledge."
)


def add_build_parser(knowledge_subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = knowledge_subparsers.add_parser(
        "build",
        help="build the prior knowledge from the corpus (resumable)",
        description=(
            "Run the whole default portfolio on every dataset of the corpus manifest through the "
            "real experiment engine and export the result (exchange format and build report) to "
            "--out. Interrupt it at any time: run the same command again to continue."
        ),
    )
    p.add_argument("--manifest", required=True, type=Path, help="corpus manifest CSV")
    p.add_argument("--out", required=True, type=Path, help="folder for the exported prior")
    p.add_argument(
        "--workers",
        type=arguments.whole_number(1, "the number of workers", 256),
        default=None,
        help="worker processes (default: cores)",
    )
    p.add_argument(
        "--max-rows",
        type=arguments.whole_number(0, "the row cap"),
        default=DEFAULT_MAX_ROWS,
        help=f"row cap per dataset, a stratified sample (default {DEFAULT_MAX_ROWS}; 0: no cap)",
    )
    p.add_argument(
        "--cache",
        type=Path,
        default=Path("corpus-cache"),
        help="folder with the downloaded corpus packages (`make corpus`)",
    )
    p.add_argument(
        "--work",
        type=Path,
        default=DEFAULT_WORK_DIR,
        help=f"build workspace folder, kept between runs (default {DEFAULT_WORK_DIR})",
    )
    p.add_argument(
        "--export-only",
        action="store_true",
        help="rewrite the exported prior and its report (with the held-out evaluation) and exit",
    )
    p.add_argument(
        "--export-every",
        type=arguments.seconds,
        default=600.0,
        metavar="SECONDS",
        help="export finished results this often while building (default 600)",
    )
    p.add_argument("--time-limit", type=arguments.seconds, default=PRIOR_PROTOCOL.time_limit_s)
    p.add_argument("--folds", type=arguments.folds, default=PRIOR_PROTOCOL.folds)
    p.add_argument(
        "--repeats",
        type=arguments.whole_number(1, "the number of repeats", 20),
        default=PRIOR_PROTOCOL.repeats,
        help="repetitions of the cross-validation with reshuffled folds (less noisy scores)",
    )
    p.add_argument("--names", nargs="*", help="only these manifest datasets")
    p.add_argument(
        "--limit",
        type=arguments.whole_number(1, "the number of datasets"),
        help="only the first N datasets of the build order",
    )
    p.add_argument("--no-evaluate", action="store_true", help="skip the held-out evaluation")
    p.add_argument(
        "--take-labels-from",
        type=Path,
        metavar="DIR",
        help=(
            "with --export-only: replace the classification scores of --out by those exported to "
            "DIR (a complete rebuild of the labels, e.g. knowledge-next), then re-evaluate"
        ),
    )
    p.set_defaults(func=run_build)
    return p


def run_build(args: argparse.Namespace) -> int:
    started = time.monotonic()

    def say(message: str) -> None:
        print(f"[{time.monotonic() - started:7.0f}s] {message}", flush=True)

    if getattr(sys, "frozen", False):
        raise UserError(NOT_IN_THE_APP)
    from metadesk.priorbuild.build import build_prior, export_only

    if args.take_labels_from is not None and not args.export_only:
        raise UserError("--take-labels-from goes with --export-only.")
    if args.export_only:
        export_only(
            args.manifest,
            args.out,
            work_dir=args.work,
            evaluate=not args.no_evaluate,
            progress=say,
            take_labels_from=args.take_labels_from,
        )
        return 0
    # `nohup ... &` starts it with SIGINT ignored: let `kill -INT` and `kill -TERM` stop it
    # cleanly (finished results exported, running experiments queued again).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    protocol = PRIOR_PROTOCOL.__class__(
        **{
            **PRIOR_PROTOCOL.to_dict(),
            "folds": args.folds,
            "repeats": args.repeats,
            "time_limit_s": args.time_limit,
        }
    )
    summary = build_prior(
        args.manifest,
        args.out,
        cache_dir=args.cache,
        workers=args.workers,
        max_rows=args.max_rows or None,
        progress=say,
        work_dir=args.work,
        protocol=protocol,
        names=args.names,
        limit=args.limit,
        export_every_s=args.export_every,
        evaluate=not args.no_evaluate,
    )
    for name, why in sorted(summary.dataset_failures.items()):
        print(f"not added: {name}: {why}", file=sys.stderr)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """`python -m metadesk.cli.knowledge_build ...`: the same command without the full CLI."""
    import logging

    parser = argparse.ArgumentParser(prog="metadesk knowledge")
    add_build_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["build", *(sys.argv[1:] if argv is None else argv)])
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return run_build(args)
    except KeyboardInterrupt:
        print("metadesk: interrupted; run the same command to continue", file=sys.stderr)
        return 130


if __name__ == "__main__":  # spawned worker processes import this module: keep the guard
    sys.exit(main())

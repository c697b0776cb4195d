"""The command line: `metadesk` opens the GUI; subcommands do the same work headless.

Each subcommand lives in its own module here with a `register(subparsers)` function that adds its
parser and sets `func=` to a handler `(args) -> int`. Handlers talk to `metadesk.workspace` only.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import time

from metadesk import __version__
from metadesk.errors import UserError

# Modules under metadesk.cli that each register one or more subcommands.
SUBCOMMAND_MODULES = (
    "inspect",
    "metafeatures",
    "run",
    "tune",
    "suggest",
    "knowledge",
    "screenshots",
)

log = logging.getLogger("metadesk")
# When the running command started: `tune` counts its budget from here, imports included.
STARTED = time.monotonic()


def _names_a_subcommand(argv: list[str]) -> bool:
    """True when argv holds a positional word (a subcommand) or asks for help. Without one the
    GUI starts, and the subcommand modules (which import pandas and scikit-learn) are not loaded."""
    skip_next = False
    for token in argv:
        if skip_next:
            skip_next = False
        elif token == "--workspace":
            skip_next = True
        elif token in ("-h", "--help") or not token.startswith("-"):
            return True
    return False


def build_parser(with_subcommands: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="metadesk",
        description="Meta-learning for analysts. Without a command, opens the desktop application.",
    )
    parser.add_argument("--version", action="version", version=f"metadesk {__version__}")
    parser.add_argument("--workspace", help="workspace file to use (default: your data folder)")
    parser.add_argument(
        "--self-test", action="store_true", help="check that the installed app works, then exit"
    )
    parser.add_argument("--startup-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES if with_subcommands else ():
        try:
            module = importlib.import_module(f"metadesk.cli.{name}")
        except (
            ModuleNotFoundError
        ) as exc:  # a subcommand still being built must not break the others
            if exc.name != f"metadesk.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    global STARTED
    STARTED = time.monotonic()
    parser = build_parser(_names_a_subcommand(sys.argv[1:] if argv is None else list(argv)))
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.self_test:
        from metadesk.gui.self_test import run_self_test

        if args.startup_only:  # packaging/build.py times frozen start to first window with this
            return run_self_test(workspace=args.workspace, startup_only=True)
        return run_self_test(workspace=args.workspace)
    if not args.command:
        from metadesk.gui.app import run_gui

        return run_gui(workspace=args.workspace)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"metadesk: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  {exc.hint}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("metadesk: interrupted", file=sys.stderr)
        return 130

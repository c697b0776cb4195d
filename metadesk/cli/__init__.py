"""The command line: `metadesk` opens the GUI; subcommands do the same work headless.

Each subcommand lives in its own module here with a `register(subparsers)` function that adds its
parser and sets `func=` to a handler `(args) -> int`. Handlers talk to `metadesk.workspace` only.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
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
    "results",
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
        # A missing subcommand module is a bug: it fails here, loudly, not by vanishing.
        importlib.import_module(f"metadesk.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    global STARTED
    STARTED = time.monotonic()
    from metadesk.cli.terminal import SafeStream

    with_subcommand = _names_a_subcommand(sys.argv[1:] if argv is None else list(argv))
    # Workspaces, logs, exports and predictions hold the user's data: files this process creates
    # are readable by the user only (0600, folders 0700).
    umask = os.umask(0o077)
    saved = sys.stdout, sys.stderr
    if with_subcommand:  # a file's column names may hold terminal escapes: never print them raw
        sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)
    try:
        return _main(argv, with_subcommand)
    finally:
        sys.stdout, sys.stderr = saved
        os.umask(umask)


def _main(argv: list[str] | None, with_subcommand: bool) -> int:
    parser = build_parser(with_subcommand)
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
    except Exception as exc:  # a bug: one plain line here, the traceback with --verbose
        log.debug("unexpected error", exc_info=True)
        print(
            f"metadesk: something went wrong that metadesk did not expect ({type(exc).__name__}: "
            f"{exc}).",
            file=sys.stderr,
        )
        print(
            "  Run the command again with -v to see the details, and report them.", file=sys.stderr
        )
        return 1

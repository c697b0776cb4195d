"""`metadesk screenshots DIR`: every main view rendered offscreen to PNG, on a bundled sample with
real finished experiments (for the README, and to look at the whole product at once)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "screenshots",
        help="render every main view to PNG files (offscreen)",
        description="Build a temporary workspace, load a bundled sample, run a few real "
        "experiments, then save a PNG of each main view into DIR. Takes a minute or two.",
    )
    parser.add_argument("dir", help="folder for the PNG files (created if missing)")
    parser.add_argument(
        "--sample",
        default="breast_cancer.csv",
        help="bundled sample file (default breast_cancer.csv)",
    )
    parser.add_argument("--target", default="diagnosis", help="its target column")
    parser.add_argument("--runs", type=int, default=5, help="experiments to run first (default 5)")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.set_defaults(func=screenshots_command)


def screenshots_command(args: argparse.Namespace) -> int:
    from metadesk.gui.screenshots import render_screenshots

    def report(message: str) -> None:
        print(f"metadesk screenshots: {message}", file=sys.stderr, flush=True)

    written = render_screenshots(
        args.dir,
        sample=args.sample,
        target=args.target,
        runs=args.runs,
        theme=args.theme,
        report=report,
    )
    for path in written:
        print(path)
    return 0 if written else 1

"""`python -m metadesk`: the GUI without a subcommand, headless subcommands otherwise."""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()  # first thing: frozen worker processes re-enter here

    from metadesk.cli import main

    raise SystemExit(main())

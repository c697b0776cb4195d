"""Entry point of the frozen application (PyInstaller)."""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()  # first thing: spawned worker processes re-enter this file

    import sys

    from metadesk.cli import main

    sys.exit(main())

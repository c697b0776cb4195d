"""Run the queue of a workspace until killed: the process a `kill -9` test shoots.

Usage: python queue_process.py WORKSPACE. Configurations whose id starts with 'logreg' or 'dummy'
finish at once; every other one runs until the process dies.
"""

from __future__ import annotations

import sys
import time

from workspace_fakes import FakeExecutor, ok_result

from metadesk.workspace import Workspace


class SlowExecutor(FakeExecutor):
    def submit(self, spec):
        handle = super().submit(spec)
        if not spec.configuration.id.startswith(("logreg", "dummy")):
            handle._due = None  # never finishes by itself
        return handle


if __name__ == "__main__":
    ws = Workspace.open(sys.argv[1], prior_dir=False)
    ws.start(SlowExecutor(workers=2, outcome=ok_result, delay=0.0))
    while True:
        time.sleep(1)

"""Run the queue of a workspace until killed: the process a `kill -9` test shoots.

Usage: python queue_process.py WORKSPACE. Real worker processes run the experiments; the test-only
`test_sleepy` configurations run until the process dies.
"""

from __future__ import annotations

import sys
import time

import faulty_algorithms

from metadesk.experiments import LocalExecutor
from metadesk.workspace import Workspace

if __name__ == "__main__":
    ws = Workspace.open(sys.argv[1], prior_dir=False)
    ws.start(LocalExecutor(2, initializer=faulty_algorithms.register))
    while True:
        time.sleep(1)

"""Shared fixtures. The autouse leak check fails any test that leaves threads or child processes."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_NUM_THREADS", "1")

# Threads that libraries start once and keep for the life of the process.
_LONG_LIVED = (
    "QueueFeederThread",
    "pydevd",
    "ThreadPoolExecutor-",
    "asyncio_",
    "Dummy-",
    "IO loop",
    "Profile",
)


def _live_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.is_alive() and not t.daemon}


def _children() -> set[int]:
    return {p.pid for p in multiprocessing.active_children()}


@pytest.fixture(autouse=True)
def no_leaked_threads_or_processes(request):
    before_threads = _live_threads()
    before_children = _children()
    yield
    deadline = time.monotonic() + 5.0
    while True:
        threads = [
            t for t in _live_threads() - before_threads if not t.name.startswith(_LONG_LIVED)
        ]
        children = _children() - before_children
        if not threads and not children:
            return
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    pytest.fail(
        f"test left running: threads {[t.name for t in threads]}, child processes {sorted(children)}"
    )


@pytest.fixture
def workspace_path(tmp_path):
    return tmp_path / "workspace.sqlite"

"""The application's responsiveness (TARGETS.md "The application"), as one JSON object.

1. Cold start to first paint of the main window (offscreen), through the real `metadesk` entry point,
   against a bare PySide6 window script; subprocesses with bytecode cached as installed, best
   of 9, interleaved, same run.
2. The GUI thread's longest stall and 99th percentile while a 1,000,000-row CSV loads through the
   window, its meta-features compute and two experiments run (a 5 ms QTimer measures the gaps),
   next to the same ticker in an idle process at the same time (the machine's own noise), with
   what was running during each stall over 50 ms, what the GUI thread itself was doing (sampled by
   a watchdog thread), garbage-collection passes, and the CPU time the hypervisor stole.
3. Loading the shipped prior knowledge (`metadesk.metamodel.exchange.load_prior`), best of 3.

Run: `nice .venv/bin/python benchmarks/bench_ui.py [--rows N]`
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_NUM_THREADS", "1")

# The child's harness: on the first paint of a top-level window, print the time and leave at once.
_FIRST_PAINT = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

class _FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and getattr(obj, "isWindow", lambda: False)():
            sys.stdout.write("first-paint %.6f\n" % time.time()); sys.stdout.flush()
            os._exit(0)
        return False

_exec = QApplication.exec
def _watched_exec(*args):
    app = QApplication.instance()
    app._first_paint = _FirstPaint()
    app.installEventFilter(app._first_paint)
    return _exec()
QApplication.exec = _watched_exec
"""

_BARE = (
    _FIRST_PAINT
    + r"""
from PySide6.QtWidgets import QMainWindow, QLabel
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setCentralWidget(QLabel("hello")); w.resize(1280, 800); w.show()
app.exec()
"""
)

_METADESK = (
    _FIRST_PAINT
    + r"""
from metadesk.cli import main
sys.exit(main(["--workspace", sys.argv[1]]))
"""
)


def _start_seconds(code: str, args: list[str], env: dict[str, str]) -> float:
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    for line in out.stdout.splitlines():
        if line.startswith("first-paint "):
            return float(line.split()[1]) - t0
    raise RuntimeError(f"no first paint: {out.stderr[-2000:]}")


def cold_start(repeats: int = 9) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        # Keep the user's real settings, logs and workspace out of it.
        for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            env[var] = str(Path(tmp) / var.lower())
        workspace = str(Path(tmp) / "workspace.sqlite")
        # As installed: with bytecode cached (pip compiles it at install, PyInstaller bundles
        # it), even where PYTHONDONTWRITEBYTECODE is set; the cache goes to the temporary
        # folder, and one uncounted run of each script fills it.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        _start_seconds(_BARE, [], env)
        _start_seconds(_METADESK, [workspace], env)
        bare, app = [], []
        for _ in range(repeats):  # interleaved, so machine load hits both alike
            bare.append(_start_seconds(_BARE, [], env))
            app.append(_start_seconds(_METADESK, [workspace], env))
    return {
        "metadesk_first_paint_s": round(min(app), 3),
        "bare_pyside6_first_paint_s": round(min(bare), 3),
        "ratio": round(min(app) / min(bare), 2),
        "ratio_of_medians": round(statistics.median(app) / statistics.median(bare), 2),
        "all_metadesk_s": [round(x, 3) for x in app],
        "all_bare_s": [round(x, 3) for x in bare],
        "bytecode": "cached (warm-up run of each, not counted)",
    }


def _write_big_csv(path: Path, rows: int) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({f"x{i}": rng.normal(size=rows).round(4) for i in range(6)})
    frame["count"] = rng.integers(0, 1000, rows)
    frame["city"] = rng.choice(["Paris", "Lyon", "Nice", "Lille", "Brest"], rows)
    frame["segment"] = rng.choice(list("ABCDEFGH"), rows)
    frame["target"] = np.where(frame["x0"] + rng.normal(size=rows) > 0, "yes", "no")
    frame.to_csv(path, index=False)


def gui_stall(rows: int) -> dict:
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from metadesk.gui.app import make_application
    from metadesk.gui.main_window import MainWindow
    from metadesk.gui.settings import AppSettings
    from metadesk.gui.workers import WorkspaceBridge

    _app = make_application("light")  # kept alive for the whole run
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "big.csv"
        _write_big_csv(csv_path, rows)
        size_mb = csv_path.stat().st_size / 1e6
        settings = AppSettings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        settings.workers = 2
        settings.folds = 3
        bridge = WorkspaceBridge()
        bridge.start_meta_feature_process = True  # as the application does (metadesk.gui.app)
        bridge.show_error_dialogs = False
        errors: list = []
        bridge.unhandled_error.connect(errors.append)
        window = MainWindow(bridge, settings)
        window.resize(1280, 800)
        window.show()

        def wait(predicate, timeout_s: float, what: str) -> None:
            deadline = time.monotonic() + timeout_s
            loop = QEventLoop()
            timer = QTimer()
            timer.timeout.connect(
                lambda: (predicate() or errors or time.monotonic() > deadline) and loop.quit()
            )
            timer.start(20)
            loop.exec()
            timer.stop()
            if errors:
                raise RuntimeError(f"{what}: {errors[0]!r}")
            if not predicate():
                raise RuntimeError(f"timed out {what}")

        window.open_workspace(Path(tmp) / "ws.sqlite", prior_dir=None)
        wait(lambda: bridge.workspace is not None, 120, "opening the workspace")
        ws = bridge.workspace

        gaps: list[tuple[float, float]] = []  # (when, gap) in seconds
        last = [time.monotonic()]

        causes: list[dict] = []  # what was running when a tick came more than 50 ms late

        def tick() -> None:
            now = time.monotonic()
            gap = now - last[0]
            gaps.append((now, gap))
            if gap > 0.055:
                cause = _stall_cause(now, now - t0, gap, bridge)
                cause["gui_thread"] = watchdog.stack_during(now - gap, now)
                causes.append(cause)
            last[0] = time.monotonic()

        ticker = QTimer()
        ticker.setTimerType(ticker.timerType().PreciseTimer)
        ticker.setInterval(5)
        ticker.timeout.connect(tick)
        import gc

        gc.callbacks.append(_record_gc)  # so that a stall can say whether a collection caused it
        idle = IdleTicker(Path(tmp))  # first: it waits for its process to tick
        steal_before = _steal_seconds()
        last[0] = time.monotonic()
        watchdog = _Watchdog(last)
        ticker.start()
        t0 = time.monotonic()

        view = window.data_view
        window.open_file(csv_path)
        wait(lambda: view.task is not None, 600, "loading the file")
        t_loaded = time.monotonic() - t0
        phases = {"load": (t0, time.monotonic())}
        added: list = []
        view.dataset_added.connect(added.append)
        view.add_to_workspace()
        wait(lambda: bool(added), 600, "adding the dataset")
        dataset_id = added[0].dataset_id
        wait(lambda: not bridge.busy, 900, "computing meta-features")
        t_meta = time.monotonic() - t0
        phases["meta_features"] = (phases["load"][1], time.monotonic())
        finished: list = []
        bridge.event.connect(lambda e: e.kind == "finished" and finished.append(e))
        from metadesk.experiments.spec import Protocol

        def queue_two():
            suggestions = ws.suggest(dataset_id, top=2)
            ids = [s.configuration.id for s in suggestions[:2]]
            # A 100,000-row stratified sample per experiment keeps the run to minutes.
            protocol = Protocol(folds=3, time_limit_s=600, max_rows=100_000)
            return ws.queue(dataset_id, ids, protocol=protocol)

        queued: list = []
        bridge.call(queue_two, queued.append)
        wait(lambda: bool(queued), 300, "queueing two experiments")
        wait(lambda: len(finished) >= len(queued[0]), 1800, "running two experiments")
        t_all = time.monotonic() - t0
        phases["experiments"] = (phases["meta_features"][1], time.monotonic())
        ticker.stop()
        watchdog.stop()
        gc.callbacks.remove(_record_gc)
        idle_gaps = idle.stop()
        steal = _steal_seconds() - steal_before
        window.close()

    overall = _stall_figures([g for _t, g in gaps])
    for cause in causes:
        cause["idle_ticker_stall_ms"] = _overlapping_stall_ms(
            cause["_end"], cause["_gap"], idle_gaps
        )
    own = [
        max(0.0, (g - 0.005) * 1000 - _overlapping_stall_ms(t, g, idle_gaps))
        for t, g in gaps
        if g > 0.02
    ]
    return {
        "rows": rows,
        "file_mb": round(size_mb, 1),
        "ticks": len(gaps),
        "longest_stall_ms": overall["longest_ms"],
        "p99_stall_ms": overall["p99_ms"],
        "by_phase": {
            name: _stall_figures([g for t, g in gaps if start <= t <= end])
            for name, (start, end) in phases.items()
        },
        "seconds_to_task_shown": round(t_loaded, 1),
        "seconds_to_meta_features": round(t_meta, 1),
        "seconds_to_two_experiments": round(t_all, 1),
        "experiments": len(queued[0]),
        "idle_ticker_same_time": {
            "ticks": len(idle_gaps),
            **_stall_figures([g for t, g in idle_gaps if t >= t0]),
        },
        # Each GUI stall less the idle process's longest stall overlapping it: the part the
        # machine's other load does not explain.
        "longest_stall_beyond_idle_ticker_ms": round(max(own, default=0.0), 1),
        # CPU time the hypervisor gave to others while this VM wanted it (Linux /proc/stat): when
        # both cores are busy, a virtual machine's cores can stop for a scheduling period (~100 ms).
        "steal_seconds_during_run": None if steal != steal else round(steal, 2),
        "garbage_collection": {
            "passes": len(_GC_PASSES),
            "longest_ms": round(max((b - a for a, b in _GC_PASSES), default=0.0) * 1000, 1),
        },
        "stalls_over_50ms": len(causes),
        "longest_stalls": [
            {k: v for k, v in c.items() if not k.startswith("_")}
            for c in sorted(causes, key=lambda c: -c["stall_ms"])[:8]
        ],
    }


def _steal_seconds() -> float:
    """Seconds of CPU stolen from this machine by its hypervisor so far (NaN where unknown)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


class _Watchdog:
    """Samples the GUI thread's stack whenever its ticker is late by more than 40 ms, so that a
    stall says what the GUI thread itself was doing (the other threads are read afterwards)."""

    def __init__(self, last_tick: list[float]) -> None:
        import threading

        self._last = last_tick
        self._gui = threading.get_ident()
        self._samples: list[tuple[float, list[str]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-watchdog", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import sys as _sys

        while not self._stop.wait(0.01):
            now = time.monotonic()
            if now - self._last[0] < 0.04:
                continue
            frame = _sys._current_frames().get(self._gui)
            if frame is None:
                continue
            self._samples.append((now, _short_stack(frame, 6)))

    def stack_during(self, start: float, end: float) -> list[str]:
        """The GUI thread's most frequent stack among the samples taken during the stall."""
        from collections import Counter

        seen = Counter(tuple(st) for t, st in self._samples if start <= t <= end)
        return list(seen.most_common(1)[0][0]) if seen else []

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)


_GC_PASSES: list[tuple[float, float]] = []  # (start, stop) of this process's collections
_gc_started = [0.0]


def _record_gc(phase: str, _info: dict) -> None:
    if phase == "start":
        _gc_started[0] = time.monotonic()
    else:
        _GC_PASSES.append((_gc_started[0], time.monotonic()))


def _short_stack(frame, depth: int) -> list[str]:
    """The innermost `depth` frames of a stack, ours and our libraries' first, as file:line name."""
    import traceback

    stack = traceback.extract_stack(frame)
    ours = [f for f in stack if "metadesk" in f.filename or "site-packages" in f.filename]
    return [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in (ours or stack)[-depth:]]


def _stall_cause(end: float, at_s: float, gap: float, bridge) -> dict:
    """The bridge calls running and where the other threads are right after a long stall: the
    thread that just let go of the interpreter lock is usually the one that held it."""
    import sys as _sys
    import threading

    names = {t.ident: t.name for t in threading.enumerate()}
    threads = {}
    for ident, frame in _sys._current_frames().items():
        if ident == threading.get_ident():
            continue
        threads[names.get(ident, str(ident))] = _short_stack(frame, 4)
    # Garbage-collection passes of this process that overlapped the stall, in ms.
    start = end - gap
    gc_ms = sum(
        min(stop, end) - max(begin, start)
        for begin, stop in _GC_PASSES
        if stop > start and begin < end
    )
    return {
        "_end": end,
        "_gap": gap,
        "at_s": round(at_s, 2),
        "stall_ms": round((gap - 0.005) * 1000, 1),
        "garbage_collection_ms": round(gc_ms * 1000, 1),
        "running": bridge.running_descriptions(),
        "threads": {k: v for k, v in threads.items() if v and "wait" not in v[-1]},
    }


def _stall_figures(gaps: list[float]) -> dict:
    """Stall = how much later than its 5 ms period a tick came."""
    stalls = sorted(max(0.0, g - 0.005) * 1000 for g in gaps)
    if not stalls:
        return {"longest_ms": None, "p99_ms": None}
    return {
        "longest_ms": round(stalls[-1], 1),
        "p99_ms": round(stalls[int(0.99 * (len(stalls) - 1))], 1),
    }


_IDLE = r"""
import json, os, sys, time
from PySide6.QtCore import QCoreApplication, QTimer
app = QCoreApplication([])
gaps, last = [], [time.monotonic()]
def tick():
    now = time.monotonic(); gaps.append((now, now - last[0])); last[0] = now
t = QTimer(); t.setTimerType(t.timerType().PreciseTimer); t.setInterval(5); t.timeout.connect(tick)
check = QTimer(); check.timeout.connect(lambda: os.path.exists(sys.argv[1]) and app.quit())
t.start(); check.start(50); app.exec()
print(json.dumps(gaps))
"""


class IdleTicker:
    """The same 5 ms ticker in an idle Qt process, running while the GUI is measured: the
    machine's own noise (other processes, niceness), which the GUI's figures include too."""

    def __init__(self, folder: Path) -> None:
        self._stop_file = folder / "idle-ticker.stop"
        self._process = subprocess.Popen(
            [sys.executable, "-c", _IDLE, str(self._stop_file)],
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.0)  # let it start ticking before the measurement does

    def stop(self) -> list[tuple[float, float]]:
        """(when, gap) of every tick, on the same monotonic clock as the GUI's."""
        self._stop_file.touch()
        out, _ = self._process.communicate(timeout=120)
        return [tuple(x) for x in json.loads(out.strip().splitlines()[-1])]


def _overlapping_stall_ms(end: float, gap: float, idle_gaps: list[tuple[float, float]]) -> float:
    """The idle ticker's longest stall overlapping the interval (end - gap, end)."""
    start = end - gap
    first = bisect.bisect_right(idle_gaps, (start, float("inf")))  # idle_gaps is in time order
    overlapping = []
    for t, g in idle_gaps[first:]:
        if t - g >= end:
            if t - 5.0 > end:  # no idle gap is that long: nothing later can overlap
                break
            continue
        overlapping.append(g)
    return round(max(0.0, max(overlapping, default=0.0) - 0.005) * 1000, 1)


def prior_load(repeats: int = 3) -> dict:
    try:
        from metadesk.metamodel.exchange import load_prior
    except ImportError:
        return {"available": False}
    from metadesk.resources import prior_dir

    times, prior = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        prior = load_prior(prior_dir())
        times.append(time.perf_counter() - t)
    if prior is None:
        return {"available": False, "folder": str(prior_dir())}
    return {
        "available": True,
        "seconds": round(min(times), 3),
        "datasets": len(prior.datasets),
        "runs": len(prior.runs),
    }


@contextlib.contextmanager
def _bytecode_compiled() -> Iterator[None]:
    """Measure the GUI as installed, with metadesk's bytecode compiled (pip does it at install
    time, PyInstaller bundles it), even where PYTHONDONTWRITEBYTECODE is set: else every module
    the window imports lazily is compiled on the GUI thread during the measurement. The .pyc
    files written here are removed afterwards."""
    import compileall
    import importlib.util

    import metadesk

    sources = list(Path(metadesk.__file__).parent.rglob("*.py"))
    cached = [Path(importlib.util.cache_from_source(str(p))) for p in sources]
    new = [c for c in cached if not c.exists()]
    compileall.compile_dir(Path(metadesk.__file__).parent, quiet=1)
    try:
        yield
    finally:
        for path in new:
            path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # only a folder this left empty
                path.parent.rmdir()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-stall", action="store_true")
    parser.add_argument("--skip-start", action="store_true")
    args = parser.parse_args()
    result = {
        "benchmark": "bench_ui",
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    if not args.skip_start:
        result["cold_start"] = cold_start()
        result["prior_knowledge"] = prior_load()
    if not args.skip_stall:
        with _bytecode_compiled():
            result["gui_stall"] = gui_stall(args.rows)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

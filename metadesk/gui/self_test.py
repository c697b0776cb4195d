"""`metadesk --self-test`: check that an installed (or frozen) app really works, then exit.

Offscreen: the main window opens, a bundled sample loads through it, meta-features and suggestions
are computed, one real experiment runs in a worker process, and the workspace is written and reopened.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import QEventLoop

log = logging.getLogger("metadesk.self_test")


class SelfTestFailed(Exception):
    pass


def _reporter() -> logging.Logger:
    if log.handlers:
        return log
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("self-test: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return log


def _wait(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Run the event loop until `predicate()` holds; fail with `what` after `timeout_s`."""
    from PySide6.QtCore import QEventLoop, QTimer

    if predicate():
        return
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: _quit_when(loop, predicate() or time.monotonic() > deadline))
    timer.start()
    loop.exec()
    timer.stop()
    if not predicate():
        raise SelfTestFailed(f"timed out after {timeout_s:.0f} s {what}")


def _first_sample() -> Path:
    from metadesk.resources import samples_dir

    folder = samples_dir()
    samples = sorted(p for p in folder.glob("*.csv")) if folder.is_dir() else []
    if not samples:
        raise SelfTestFailed(f"no bundled sample datasets in {folder}")
    return samples[0]


def run_self_test(
    workspace: str | None = None, *, startup_only: bool = False, sample: Path | None = None
) -> int:
    """0 when every step passed; 1 with the failing step on stderr otherwise. `sample` replaces
    the first bundled sample (tests)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    report = _reporter()
    from metadesk.gui.app import make_application

    app = make_application("light")
    from PySide6.QtCore import QSettings

    from metadesk.gui.main_window import MainWindow
    from metadesk.gui.settings import AppSettings
    from metadesk.gui.workers import WorkspaceBridge

    with tempfile.TemporaryDirectory(prefix="metadesk-self-test-") as tmp:
        settings = AppSettings(
            QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        )
        settings.folds = 3
        settings.workers = 1
        bridge = WorkspaceBridge()
        bridge.show_error_dialogs = False
        errors: list[BaseException] = []
        bridge.unhandled_error.connect(errors.append)
        window = MainWindow(bridge, settings)
        step = "opening the main window"
        try:
            window.show()
            _wait(window.isVisible, 30, step)
            app.processEvents()
            report.info("main window shown")
            if startup_only:
                return 0
            path = Path(workspace) if workspace else Path(tmp) / "workspace.sqlite"
            _run_steps(window, bridge, path, errors, report, sample)
            report.info("all steps passed")
            return 0
        except SelfTestFailed as exc:
            report.error("FAILED: %s", exc)
            return 1
        except Exception:
            log.exception("FAILED with an unexpected error")
            return 1
        finally:
            window.close()
            bridge.shutdown()


def _run_steps(
    window, bridge, path: Path, errors: list, report: logging.Logger, sample: Path | None
) -> None:
    from metadesk.experiments.spec import Protocol

    def check_errors(step: str) -> None:
        if errors:
            raise SelfTestFailed(f"{step}: {errors[0]}")

    step = "opening the workspace"
    window.open_workspace(path)
    _wait(lambda: bridge.workspace is not None or bool(errors), 120, step)
    check_errors(step)
    ws = bridge.workspace
    report.info("workspace opened at %s", path)

    sample = sample or _first_sample()
    step = f"loading the sample {sample.name}"
    window.open_file(sample)
    view = window.data_view
    _wait(
        lambda: view.task is not None or view.message_bar.kind == "error" or bool(errors), 120, step
    )
    check_errors(step)
    if view.task is None:
        raise SelfTestFailed(f"{step}: {view.message_bar.text()}")
    report.info("loaded %s: %d rows, %s", sample.name, view.task.n_rows, view.task.task_type)

    step = "adding the dataset and computing meta-features"
    added: list = []
    view.dataset_added.connect(added.append)
    view.add_to_workspace()
    _wait(lambda: bool(added) or bool(errors), 60, step)
    check_errors(step)
    dataset_id = added[0].dataset_id
    features: list = []
    bridge.call(lambda: ws.meta_features(dataset_id), features.append, errors.append)
    _wait(lambda: bool(features) or bool(errors), 300, step)
    check_errors(step)
    report.info("meta-features computed")

    step = "computing suggestions"
    suggestions: list = []
    bridge.call(lambda: ws.suggest(dataset_id, top=3), suggestions.append, errors.append)
    _wait(lambda: bool(suggestions) or bool(errors), 120, step)
    check_errors(step)
    if not suggestions[0]:
        raise SelfTestFailed(f"{step}: no suggestion at all")
    first = suggestions[0][0].configuration
    report.info("suggested first: %s", first.label or first.id)

    step = f"running {first.id} in a worker process"
    finished: Any = []  # a list; Any: the event filter below appends inside an expression
    bridge.event.connect(lambda e: e.kind == "finished" and finished.append(e))
    protocol = Protocol(folds=3, time_limit_s=300)
    bridge.call(lambda: ws.queue(dataset_id, [first.id], protocol=protocol), None, errors.append)
    _wait(lambda: bool(finished) or bool(errors), 400, step)
    check_errors(step)
    rows: list = []
    bridge.call(lambda: ws.experiments(dataset_id), rows.append, errors.append)
    _wait(lambda: bool(rows) or bool(errors), 60, step)
    check_errors(step)
    done = [r for r in rows[0] if r.status == "ok"]
    if not done:
        statuses = {r.status: (r.error or "") for r in rows[0]}
        raise SelfTestFailed(f"{step}: no successful experiment ({statuses})")
    report.info("experiment finished: %s", done[0].result.mean)

    step = "writing and reopening the workspace"
    bridge.set_workspace(None)
    ws.close()
    from metadesk.workspace.service import Workspace

    again = Workspace.open(path)
    try:
        if dataset_id not in {d.dataset_id for d in again.datasets()}:
            raise SelfTestFailed(f"{step}: the dataset is missing after reopening")
        if not [r for r in again.experiments(dataset_id) if r.status == "ok"]:
            raise SelfTestFailed(f"{step}: the result is missing after reopening")
    finally:
        again.close()
    report.info("workspace reopened with the dataset and its result")


def _quit_when(loop: QEventLoop, done: bool) -> None:
    if done:
        loop.quit()

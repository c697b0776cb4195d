"""GUI fixtures: settings in a temporary file, a temporary workspace and a bridge shut down after."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication

from metadesk.gui.dialogs.error import ErrorDialog
from metadesk.gui.dialogs.welcome import WelcomePage
from metadesk.gui.settings import AppSettings
from metadesk.gui.workers import WorkspaceBridge

_load_samples = WelcomePage.load_samples


@pytest.fixture(autouse=True)
def free_qt_objects_between_tests():
    """Free each test's windows and widgets when it ends (after its bridge and workspace are shut
    down), with nothing of Qt's on the stack.

    The cyclic garbage collector is off while the test runs and is torn down: started by any
    allocation, also inside pytest-qt's event processing, it may free a window (whose parts refer
    back to it) while Qt is dispatching to one of its objects, and the process aborts ("pure
    virtual method called"; seen twice in full runs, once in pytest-qt's teardown with a
    background fit still running)."""
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    if was_enabled:
        gc.enable()


@pytest.fixture
def app_settings(tmp_path) -> AppSettings:
    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def workspace(tmp_path):
    """A real workspace in a temporary folder, without prior knowledge and not dispatching."""
    from metadesk.workspace.service import Workspace

    ws = Workspace.open(tmp_path / "workspace.sqlite", prior_dir=False)
    yield ws
    ws.close()


@pytest.fixture
def bridge(qtbot, workspace):
    b = WorkspaceBridge(workspace)
    yield b
    b.shutdown()
    close_error_dialogs()


@pytest.fixture
def bare_bridge(qtbot):
    """A bridge with no workspace (for the bridge's own tests)."""
    b = WorkspaceBridge()
    yield b
    b.shutdown()
    close_error_dialogs()


@pytest.fixture
def window(qtbot, bridge, app_settings, tmp_path, monkeypatch):
    """The main window on the temporary workspace, samples from a temporary folder."""
    from metadesk.gui.main_window import MainWindow

    samples = tmp_path / "samples"
    samples.mkdir()
    write_csv(samples / "churn_sample.csv")
    monkeypatch.setattr(
        WelcomePage, "load_samples", lambda self, _folder=None: _load_samples(self, samples)
    )
    w = MainWindow(bridge, app_settings)
    qtbot.addWidget(w)
    w.set_workspace(bridge.workspace)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def error_dialogs() -> list[ErrorDialog]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog) and w.isVisible()
    ]


def close_error_dialogs() -> None:
    for dialog in error_dialogs():
        dialog.close()


def write_csv(path: Path, n: int = 60, *, rare: bool = False) -> Path:
    """A small mixed table: id, numbers, a category, a yes/no target (optionally a rare class)."""
    lines = ["customer_id,age,income,city,score,churn"]
    cities = ["Paris", "Lyon", "Nice"]
    for i in range(n):
        label = "yes" if i % 3 == 0 else "no"
        if rare and i < 2:
            label = "maybe"
        lines.append(
            f"{i},{20 + i % 50},{1000 + 37 * i % 900}.5,{cities[i % 3]},{(i * 7) % 11},{label}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def find_error_dialogs():
    """Returns a function listing the visible error dialogs."""
    return error_dialogs


@pytest.fixture
def make_csv(tmp_path):
    """make_csv(name, n=60, rare=False) writes a small table into tmp_path and returns its path."""
    return lambda name="table.csv", **kw: write_csv(tmp_path / name, **kw)


@pytest.fixture
def main_thread_id() -> int:
    return threading.get_ident()

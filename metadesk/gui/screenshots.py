"""Render every main view to PNG, offscreen, on a bundled sample with real finished experiments.

Used by `metadesk screenshots DIR` (README images, and a quick look at the whole product): a
temporary workspace, a sample table, a few real experiments, then the main window view by view.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from metadesk.workspace.service import Workspace

log = logging.getLogger(__name__)

# Quick configurations (seconds on a few hundred rows) preferred for the runs shown.
QUICK_ALGORITHMS = ("logreg", "hist_gb", "random_forest", "knn", "lda", "tree", "gaussian_nb")


def _settle(app: Any, bridge: Any, *, timeout: float = 60.0, quiet: float = 0.4) -> None:
    """Run the event loop until the bridge has been idle for `quiet` seconds (or `timeout`)."""
    deadline = time.monotonic() + timeout
    idle_since: float | None = None
    while time.monotonic() < deadline:
        app.processEvents()
        if bridge.busy:
            idle_since = None
        elif idle_since is None:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= quiet:
            return
        time.sleep(0.02)
    log.warning("screenshots: background work still running after %.0f s", timeout)


def prepare_workspace(
    folder: Path, sample: str, target: str, runs: int, report: Callable[[str], None]
) -> tuple[Any, str]:
    """A workspace in `folder` with the sample loaded and `runs` real experiments finished."""
    from metadesk.experiments.spec import Protocol
    from metadesk.resources import samples_dir
    from metadesk.workspace import Workspace

    ws = Workspace.open(folder / "workspace.sqlite")
    path = samples_dir() / sample
    frame, _ = ws.read_table(path)
    task = ws.make_task(frame, target, name=path.stem.replace("_", " "), source_path=path)
    dataset_id = ws.add_dataset(task).dataset_id
    report("computing meta-features")
    ws.meta_features(dataset_id)
    suggested = [s.configuration for s in ws.suggest(dataset_id)]
    quick = [c.id for c in suggested if c.algorithm in QUICK_ALGORITHMS][:runs]
    report(f"running {len(quick)} experiments")
    ws.queue(dataset_id, quick, protocol=Protocol(folds=3, time_limit_s=120))
    ws.start(workers=2)
    if not ws.wait(timeout=900):
        log.warning("screenshots: experiments still running after 15 minutes")
    # Two more waiting in a paused queue, so the queue dock shows every state.
    ws.pause()
    rest = [s.configuration.id for s in ws.suggest(dataset_id)[:2]]
    ws.queue(dataset_id, rest, protocol=Protocol(folds=3, time_limit_s=120))
    return ws, dataset_id


def render_screenshots(
    out_dir: Path | str,
    *,
    sample: str = "breast_cancer.csv",
    target: str = "diagnosis",
    runs: int = 5,
    theme: str = "light",
    size: tuple[int, int] = (1280, 820),
    report: Callable[[str], None] = lambda message: None,
) -> list[Path]:
    """Write welcome, data, suggestions, results, knowledge, queue, settings, about and error PNGs
    to `out_dir`."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from metadesk.gui.app import make_application
    from metadesk.gui.dialogs.settings_dialog import SettingsDialog
    from metadesk.gui.main_window import MainWindow
    from metadesk.gui.settings import AppSettings
    from metadesk.gui.workers import WorkspaceBridge

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = make_application(theme)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="metadesk-screenshots-") as tmp:
        folder = Path(tmp)
        ws, dataset_id = prepare_workspace(folder, sample, target, runs, report)
        settings = AppSettings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
        from metadesk.resources import samples_dir

        settings.add_recent_file(str(samples_dir() / sample))  # it was just opened, for real
        bridge = WorkspaceBridge(ws)
        bridge.show_error_dialogs = False
        window = MainWindow(bridge, settings)
        try:
            window.resize(*size)
            window.set_workspace(ws)
            window.show()

            def shot(name: str, widget: Any = None) -> None:
                _settle(app, bridge)
                path = out / f"{name}.png"
                (widget or window).grab().save(str(path), "PNG", 0)  # smallest PNG
                written.append(path)
                report(f"wrote {path}")

            _settle(app, bridge)  # the dataset list fills (and selects) first
            window.show_home()
            shot("welcome")
            row = window.dataset_model.row_of(dataset_id)  # picked in the list, as a user does
            window.dataset_list.setCurrentIndex(window.dataset_model.index(row))
            _settle(app, bridge)
            for index, name in enumerate(("data", "suggestions", "results", "knowledge")):
                window.tabs.setCurrentIndex(index)
                if name == "suggestions":
                    _select_first_row(app, window, bridge)
                shot(name)
            shot("queue", window.queue_dock)
            dialog = SettingsDialog(settings, bridge, window)
            dialog.show()
            shot("settings", dialog)
            dialog.close()
            _shoot_dialogs(window, ws, folder, shot)
        finally:
            window.close()
            bridge.shutdown()
            ws.close()
    return written


def _select_first_row(app: Any, window: Any, bridge: Any) -> None:
    """Give the Suggestions view a selected row, so its "why" pane is filled in the picture."""
    _settle(app, bridge)
    view = getattr(window.other_views.get("Suggestions"), "view", None)
    if view is not None and view.model.rowCount():
        view.table.selectRow(0)


def _shoot_dialogs(window: Any, ws: Workspace, folder: Path, shot: Callable[..., None]) -> None:
    """The About box, and the error dialog as a user meets it: opening an empty file for real."""
    from metadesk.errors import UserError
    from metadesk.gui.app import log_file_path
    from metadesk.gui.dialogs.about import AboutDialog
    from metadesk.gui.dialogs.error import ErrorDialog

    about = AboutDialog(window, log_file=str(log_file_path()))  # where the app logs (not created)
    about.show()
    shot("about", about)
    about.close()
    empty = folder / "survey answers.csv"
    empty.write_text("", encoding="utf-8")
    try:
        ws.read_table(empty)
    except UserError as exc:
        error = ErrorDialog(exc, window, context=f"Opening {empty.name}")
        error.show()
        shot("error", error)
        error.close()

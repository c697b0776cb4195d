"""Start the desktop application: `run_gui(workspace)`.

Qt, the palette and the main window come up first; the workspace (and pandas, scikit-learn with it)
is opened on a worker thread after the window is on screen, so start-up stays quick.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from metadesk.gui.workers import WorkspaceBridge

log = logging.getLogger("metadesk")


def log_file_path() -> Path:
    import platformdirs

    # The same app name and author as the workspace folder (metadesk.knowledge.database).
    return Path(platformdirs.user_log_dir("metadesk")) / "metadesk.log"


def setup_file_logging() -> Path | None:
    """Everything at INFO and above goes to a rotating log file in the platformdirs log folder."""
    import logging.handlers  # socket, pickle, queue: not needed before the window shows

    path = log_file_path()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Logs name the user's files and columns: readable by the user only.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        os.chmod(path, 0o600)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:  # a read-only home must not stop the app
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
        for other in root.handlers:  # keep the console as quiet as the CLI asked
            if other is not handler and other.level == logging.NOTSET:
                other.setLevel(logging.WARNING)
    return path


def app_icon() -> QIcon:
    from PySide6.QtGui import QIcon

    from metadesk.resources import resource_path

    icon = QIcon()
    path = resource_path("icons", "metadesk.png")  # the PNG: no SVG plugin to load at start-up
    if path.is_file():
        icon.addFile(str(path))
    return icon


def make_application(theme: str | None = None) -> QApplication:
    """The `QApplication` with the Fusion style and the chosen palette (one per process)."""
    from PySide6.QtWidgets import QApplication

    from metadesk.gui.palette import apply_theme

    # Worker threads running Python code hand the interpreter lock back to the GUI thread every
    # millisecond instead of every five: shorter stalls while files load and meta-features compute.
    sys.setswitchinterval(0.001)
    app = cast(QApplication, QApplication.instance()) or QApplication(sys.argv[:1])
    app.setApplicationName("metadesk")
    app.setOrganizationName("metadesk")
    app.setApplicationDisplayName("metadesk")
    app.setStyle("Fusion")
    from metadesk.gui.settings import AppSettings

    if theme is None:
        theme = AppSettings().theme
    apply_theme(app, theme)
    hints = app.styleHints()
    if theme == "system" and hasattr(hints, "colorSchemeChanged"):
        # Follow the desktop switching between light and dark while the app runs.
        hints.colorSchemeChanged.connect(lambda _scheme: apply_theme(app, AppSettings().theme))
    app.setWindowIcon(app_icon())
    return app


def _install_excepthook(bridge: WorkspaceBridge) -> None:
    """An exception escaping a Qt slot is a bug: log it and show it, never die silently."""
    previous = sys.excepthook

    def hook(kind, value, tb):
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, value, tb)
            return
        try:
            bridge.report_error(value.with_traceback(tb), "")
        except Exception:
            previous(kind, value, tb)

    sys.excepthook = hook


def run_gui(workspace: str | None = None) -> int:
    """Open the main window and run the event loop; returns the exit code."""
    app = make_application()
    from metadesk.gui.main_window import MainWindow
    from metadesk.gui.workers import WorkspaceBridge

    bridge = WorkspaceBridge()
    # The meta-feature process loads its libraries while the user picks a file.
    bridge.start_meta_feature_process = True
    window = MainWindow(bridge)
    _install_excepthook(bridge)
    window.show()

    def after_first_paint() -> None:
        # The log file and the workspace (pandas, scikit-learn) can wait until the window shows.
        window.log_file = str(setup_file_logging() or "")
        log.info("metadesk started (workspace: %s)", workspace or "default")
        window.open_workspace(workspace)

    window.after_first_paint(after_first_paint)
    code = app.exec()
    if not bridge.closed:  # the window was not closed normally (app.quit from elsewhere)
        window.close()
    return int(code)

"""The main window's menus and the dialogs they open: File (open, recent), Edit (settings), View,
Experiments and Help (about, log folder). `Menus` is built with the window and owns its actions.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from metadesk.gui.dialogs.guide import HelpDialog
    from metadesk.gui.main_window import MainWindow

PAUSE_SHORTCUT = "Ctrl+Shift+P"
CANCEL_ALL_SHORTCUT = "Ctrl+Shift+K"
RESULT_ACTIONS = (  # Experiments menu entries that act on the Results tab's selected row
    ("Predict on a &New File…", "predict_on_new_file"),
    ("Export &Model…", "export_model"),
    ("Export &Report…", "export_report"),
    ("&Open a Model and Predict…", "open_model"),
)

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None


class Menus(QObject):
    """The menu bar of `window` and its actions (parented to the window, so their shortcuts work
    wherever the focus is in it)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.help_dialog: HelpDialog | None = None
        self.result_actions: list[QAction] = []
        self._build_file_and_edit()
        self._build_view()
        self._build_experiments()
        self._build_help()
        window.dataset_selected.connect(self._update_result_actions)

    def _action(
        self, text: str, slot: Callable[..., Any], shortcut: Shortcut = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_file_and_edit(self) -> None:
        window = self._window
        file_menu = window.menuBar().addMenu("&File")
        self.open_action = self._action(
            "&Open…", window.open_file_dialog, QKeySequence.StandardKey.Open, "Open a table"
        )
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        self.home_action = self._action("&Welcome Screen", window.show_home, "Ctrl+Shift+H")
        file_menu.addAction(self.home_action)
        file_menu.addSeparator()
        self.remove_action = self._action(
            "Remove &Dataset from Workspace…", window.remove_dataset, None, "Forget this dataset"
        )
        self.remove_action.setEnabled(False)
        file_menu.addAction(self.remove_action)
        file_menu.addSeparator()
        self.quit_action = self._action("&Quit", window.close, QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(self.quit_action)

        edit_menu = window.menuBar().addMenu("&Edit")
        preferences = QKeySequence(QKeySequence.StandardKey.Preferences)
        self.settings_action = self._action(
            "&Settings…",
            self.show_settings,
            preferences if not preferences.isEmpty() else QKeySequence("Ctrl+,"),
        )
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        edit_menu.addAction(self.settings_action)

    def _build_view(self) -> None:
        window = self._window
        view_menu = window.menuBar().addMenu("&View")
        for i, title in enumerate(("Data", *window.other_views)):
            action = self._action(
                f"&{title}", lambda _c=False, i=i: window.show_tab(i), f"Ctrl+{i + 1}"
            )
            view_menu.addAction(action)
        view_menu.addSeparator()
        dock_action = window.queue_dock.toggleViewAction()
        dock_action.setText("&Experiment Queue")
        dock_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        view_menu.addAction(dock_action)

    def _build_experiments(self) -> None:
        dock = self._window.queue_dock
        run_menu = self._window.menuBar().addMenu("E&xperiments")
        self.pause_action = self._action("&Pause or Resume All", dock.toggle_pause, PAUSE_SHORTCUT)
        self.cancel_all_action = self._action("&Cancel All", dock.cancel_all, CANCEL_ALL_SHORTCUT)
        run_menu.addAction(self.pause_action)
        run_menu.addAction(self.cancel_all_action)
        dock.set_shortcut_texts(
            self.pause_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
            self.cancel_all_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
        )
        run_menu.addSeparator()
        for text, method in RESULT_ACTIONS:
            action = self._action(text, lambda _c=False, m=method: self._use_result(m))
            action.setEnabled(False)  # enabled once a dataset of the workspace is selected
            self.result_actions.append(action)
            run_menu.addAction(action)

    def _build_help(self) -> None:
        help_menu = self._window.menuBar().addMenu("&Help")
        self.guide_action = self._action(
            "Quick &Guide", lambda: self.show_help(), QKeySequence.StandardKey.HelpContents
        )
        self.glossary_action = self._action("&Glossary", lambda: self.show_help(glossary=True))
        help_menu.addAction(self.guide_action)
        help_menu.addAction(self.glossary_action)
        help_menu.addSeparator()
        self.about_action = self._action("&About metadesk", self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(self.about_action)
        help_menu.addAction(self._action("Open &Log Folder", self._open_log_folder))

    def _update_result_actions(self, dataset_id: str | None) -> None:
        """Predict and Export from the menu need a dataset of the workspace to act on."""
        for action in self.result_actions:
            action.setEnabled(dataset_id is not None)
            action.setStatusTip(
                "" if dataset_id is not None else "Add a table to the workspace and run it first"
            )

    def _use_result(self, method: str) -> None:
        """Results actions from the menu: show the Results tab and act on its selected row."""
        window = self._window
        lazy = window.other_views.get("Results")
        view = lazy.ensure() if lazy is not None else None
        if lazy is not None and view is not None and window.dataset_id is not None:
            window.tabs.setCurrentWidget(lazy)
            getattr(view, method)()

    def fill_recent_menu(self) -> None:
        """The recent files, filled each time the menu opens."""
        self.recent_menu.clear()
        files = self._window.settings.recent_files
        for i, path in enumerate(files):
            action = self.recent_menu.addAction(f"&{i + 1} {Path(path).name}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _c=False, p=path: self._window.open_file(p))
        if files:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("Clear Recent Files")
            clear.triggered.connect(self._clear_recent)
        else:
            self.recent_menu.addAction("No recent files").setEnabled(False)

    def _clear_recent(self) -> None:
        self._window.settings.clear_recent_files()
        self._window.welcome.set_recent_files([])

    def show_settings(self) -> None:
        from metadesk.gui.dialogs.settings_dialog import SettingsDialog
        from metadesk.gui.palette import apply_theme

        settings = self._window.settings
        before = (settings.workers, settings.scheduler or "")
        dialog = SettingsDialog(settings, self._window.bridge, self._window)
        if dialog.exec():
            apply_theme(cast(QApplication, QApplication.instance()), settings.theme)
            self.apply_run_settings(before)

    def apply_run_settings(self, before: tuple[int, str]) -> None:
        """New workers or scheduler apply at once: the dispatcher restarts with them (experiments
        running then go back to the queue and start over); an unreachable cluster falls back here."""
        window = self._window
        ws = window.bridge.workspace
        workers, scheduler = window.settings.workers, window.settings.scheduler or ""
        if ws is None or not ws.running or (workers, scheduler) == before:
            return

        def restart() -> str:
            from metadesk.errors import UserError

            ws.stop()
            try:
                ws.start(workers=workers, scheduler=scheduler or None)
            except UserError as exc:
                if not scheduler:
                    raise
                ws.start(workers=workers)
                return f"{exc.message} Running experiments on this computer instead."
            where = f"the cluster at {scheduler}" if scheduler else f"{workers} workers here"
            return f"Experiments now run on {where}."

        def done(message: str) -> None:
            window.statusBar().showMessage(message, 15000)
            window.queue_dock.refresh()

        window.bridge.call(
            restart,
            done,
            lambda exc: window.bridge.report_error(exc, "Restarting the experiment workers"),
            description="Restarting the experiment workers",
        )

    def show_help(self, glossary: bool = False) -> None:
        """The guide (with the glossary below it) or the glossary alone, beside the window."""
        from metadesk.gui.dialogs.guide import HelpDialog

        dialog = HelpDialog(self._window, glossary=glossary)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.help_dialog = dialog

    def show_about(self) -> None:
        from metadesk.gui.dialogs.about import AboutDialog

        AboutDialog(self._window, self._window.log_file).exec()

    def _open_log_folder(self) -> None:
        from PySide6.QtGui import QDesktopServices

        if self._window.log_file:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self._window.log_file).parent)))

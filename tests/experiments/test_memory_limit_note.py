"""Where the memory limit holds is said plainly: Linux enforces it; macOS ignores RLIMIT_AS and
Windows has none, and the settings say so instead of promising a limit that does not hold."""

from __future__ import annotations

from metadesk.experiments.worker import memory_limit_holds, memory_limit_note


def test_the_limit_holds_on_linux_only():
    assert memory_limit_holds("linux")
    assert not memory_limit_holds("darwin")
    assert not memory_limit_holds("win32")


def test_the_note_says_where_it_holds():
    assert "up to 4,096 MB" in memory_limit_note(4096, "linux")
    mac = memory_limit_note(4096, "darwin")
    assert "Linux only" in mac and "all free memory" in mac


def test_the_settings_dialog_says_it(qtbot, monkeypatch, tmp_path):
    from PySide6.QtCore import QSettings

    from metadesk.gui.dialogs.settings_dialog import SettingsDialog
    from metadesk.gui.settings import AppSettings
    from metadesk.gui.workers import WorkspaceBridge

    monkeypatch.setattr("sys.platform", "darwin")
    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    bridge = WorkspaceBridge()
    try:
        dialog = SettingsDialog(settings, bridge)
        qtbot.addWidget(dialog)
        assert "Linux only" in dialog.memory_note.text()
    finally:
        bridge.shutdown()

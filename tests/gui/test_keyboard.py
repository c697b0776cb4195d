"""The keyboard as an analyst uses it: Tab leaves a table for the next control (arrows move inside
it), and the experiments can be paused, resumed and cancelled from anywhere in the window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication


def _open(qtbot, window, path):
    window.open_file(path)
    qtbot.waitUntil(lambda: window.data_view.task is not None, timeout=20000)
    return window.data_view


def test_tab_leaves_the_columns_and_rows_tables(qtbot, window, make_csv):
    view = _open(qtbot, window, make_csv())
    window.activateWindow()
    qtbot.waitActive(window)
    for table in (view.tables.columns_table, view.tables.rows_table):
        assert not table.tabKeyNavigation()
        table.setFocus()
        qtbot.waitUntil(table.hasFocus)
        qtbot.keyClick(table, Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is not table and not table.isAncestorOf(focused)


def test_tab_leaves_the_queue_and_result_tables(qtbot, window):
    for lazy in window.other_views.values():
        view = lazy.ensure()
        table = getattr(view, "table", None)
        if table is not None:
            assert not table.tabKeyNavigation(), lazy.cls
    assert not window.queue_dock.table.tabKeyNavigation()


def test_shortcuts_pause_resume_and_cancel_all(qtbot, window, workspace):
    pause = window.menus.pause_action.shortcut()
    cancel = window.menus.cancel_all_action.shortcut()
    assert pause == QKeySequence("Ctrl+Shift+P") and cancel == QKeySequence("Ctrl+Shift+K")
    assert "Ctrl+Shift+P" in window.queue_dock.pause_button.toolTip()
    assert "Ctrl+Shift+K" in window.queue_dock.cancel_all_button.toolTip()
    window.activateWindow()
    qtbot.waitActive(window)
    window.queue_dock.table.setFocus()  # the shortcuts work from inside a table too
    qtbot.keyClick(window.queue_dock.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    qtbot.waitUntil(lambda: workspace.paused, timeout=10_000)
    qtbot.waitUntil(lambda: window.queue_dock.paused, timeout=10_000)
    qtbot.keyClick(window.queue_dock.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    qtbot.waitUntil(lambda: not workspace.paused, timeout=10_000)
    # The last key event leaves Ctrl+Shift as Qt's modifier state; later tests select with it.
    qtbot.keyClick(window.queue_dock.table, Qt.Key.Key_Shift)


def test_predict_and_export_menu_items_wait_for_a_dataset(qtbot, window, make_csv):
    assert window.menus.result_actions and not any(
        a.isEnabled() for a in window.menus.result_actions
    )
    view = _open(qtbot, window, make_csv())
    assert not any(a.isEnabled() for a in window.menus.result_actions)  # a file, not yet added
    with qtbot.waitSignal(view.dataset_added, timeout=30_000):
        view.task_bar.add_button.click()
    qtbot.waitUntil(lambda: all(a.isEnabled() for a in window.menus.result_actions), timeout=20_000)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=60_000)


def test_help_has_a_guide_and_a_glossary_in_plain_words(qtbot, window):
    assert window.menus.guide_action.shortcut() == QKeySequence(
        QKeySequence.StandardKey.HelpContents
    )
    window.menus.guide_action.trigger()
    guide = window.menus.help_dialog.browser.toPlainText()
    assert "Add to workspace" in guide and "Run suggestions" in guide
    window.menus.help_dialog.close()
    window.menus.glossary_action.trigger()
    glossary = window.menus.help_dialog.browser.toPlainText()
    for term in ("Meta-features", "Regret", "Interval", "Cross-validation"):
        assert term in glossary
    window.menus.help_dialog.close()

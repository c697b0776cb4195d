"""Switching the theme while the app runs: headings, cards and message bars take the new colours at
once (a style sheet kept the palette a widget was first polished with until a restart)."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from metadesk.gui.palette import apply_theme
from metadesk.gui.views.message_bar import MessageBar
from metadesk.gui.views.metric_view import view_title


def _text_lightness(widget) -> int:
    return widget.palette().color(QPalette.ColorRole.WindowText).lightness()


def test_headings_and_message_bars_follow_a_live_theme_switch(qtbot):
    app = QApplication.instance()
    before = app.palette()
    try:
        apply_theme(app, "light")
        page = QWidget()
        qtbot.addWidget(page)
        title = view_title("Suggestions for churn")
        bar = MessageBar()
        layout = QVBoxLayout(page)
        layout.addWidget(title)
        layout.addWidget(bar)
        bar.show_message("success", "Ready.")
        page.show()
        qtbot.waitExposed(page)
        assert _text_lightness(title) < 128  # dark text on a light window
        light_sheet = bar.styleSheet()

        apply_theme(app, "dark")
        qtbot.waitUntil(lambda: _text_lightness(title) > 128, timeout=2000)
        assert bar.styleSheet() != light_sheet  # the bar's background changed with the theme
    finally:
        app.setPalette(before)

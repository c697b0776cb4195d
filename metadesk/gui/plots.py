"""Matplotlib figures inside Qt: `PlotCanvas` shows a `Figure` on a QtAgg canvas, in the palette.

The figures themselves come from `metadesk.report.plots` (plain data in, Figure out), so
the report and the window draw the same plots; only the colours differ, taken from the Qt palette.
"""

from __future__ import annotations

from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPalette, QShowEvent
from PySide6.QtWidgets import QApplication, QSizePolicy, QVBoxLayout, QWidget

from metadesk.report.figures import PlotStyle, message_figure


def _hex(color: QColor) -> str:
    return color.name(QColor.NameFormat.HexRgb)


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(
        round(a.red() * (1 - t) + b.red() * t),
        round(a.green() * (1 - t) + b.green() * t),
        round(a.blue() * (1 - t) + b.blue() * t),
    )


def plot_style(widget: QWidget | None = None) -> PlotStyle:
    """The `PlotStyle` of the current palette: window and text colours from the QPalette, the
    accent and series colours from the app's palette module, so plots match the theme."""
    from metadesk.gui import palette as app_palette

    pal: QPalette = widget.palette() if widget is not None else QApplication.palette()
    window = pal.color(QPalette.ColorRole.Window)
    text = pal.color(QPalette.ColorRole.WindowText)
    dark = app_palette.is_dark(pal)
    series = tuple(app_palette.SERIES)
    return PlotStyle(
        background=_hex(window),
        foreground=_hex(text),
        muted=_hex(_mix(window, text, 0.5)),
        grid=_hex(_mix(window, text, 0.13)),
        accent=_hex(app_palette.accent(pal)),
        highlight=series[1],
        series=series,
        font_size=9.0,
        colormap="cividis" if dark else "viridis",
    )


class PlotCanvas(QWidget):
    """Holds one figure at a time. `show_figure` swaps it in and draws once (cheap redraws:
    nothing is recomputed here, the data was prepared off the GUI thread)."""

    def __init__(
        self, parent: QWidget | None = None, *, accessible_name: str = "", min_height: int = 220
    ) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._canvas: FigureCanvasQTAgg | None = None
        self._builder: Any = None
        self._stale = False  # a builder is waiting for the canvas to be shown
        self.setMinimumHeight(min_height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        if accessible_name:
            self.setAccessibleName(accessible_name)
        self.show_message("Nothing to show yet.")

    @property
    def figure(self) -> Figure | None:
        """The figure on screen; a hidden canvas builds its pending one first (tests, export)."""
        if self._stale:
            self._draw_now()
        return self._canvas.figure if self._canvas is not None else None

    def style_for_plots(self) -> PlotStyle:
        return plot_style(self)

    def show_figure(self, figure: Figure) -> None:
        canvas = FigureCanvasQTAgg(figure)
        canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if self._canvas is not None:
            self._layout.removeWidget(self._canvas)
            self._canvas.setParent(None)
            self._canvas.deleteLater()
        self._canvas = canvas
        self._layout.addWidget(canvas)
        canvas.draw_idle()

    def plot(self, builder: Any) -> None:
        """Draw `builder(style) -> Figure`, and again with the new colours if the palette changes.

        A hidden canvas (another tab) only keeps the builder and draws when it is first shown:
        a refresh costs the GUI thread one figure, not one per tab."""
        self._builder = builder
        self._stale = True
        if self.isVisible():
            self._draw_now()

    def _draw_now(self) -> None:
        if self._builder is not None:
            self._stale = False
            self.show_figure(self._builder(self.style_for_plots()))

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self._draw_now()
        super().showEvent(event)

    def show_message(self, message: str) -> None:
        self.plot(lambda style: message_figure(message, style))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and self._builder is not None:
            self._stale = True
            if self.isVisible():
                self._draw_now()
        super().changeEvent(event)

"""Light and dark palettes for the Fusion style, and matplotlib settings that follow them.

`apply_theme(app, "system" | "light" | "dark")` sets the palette; `mpl_rcparams()` gives plots the same colours.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

THEMES = ("system", "light", "dark")

# One accent for the whole app (selection, highlighted bars, the current dataset in plots).
ACCENT = "#2f7ed8"
ACCENT_DARK = "#4a9eff"
# Qualitative colours for plots, readable on both backgrounds.
SERIES = ("#2f7ed8", "#e4572e", "#29a36a", "#f0a202", "#8e6cc5", "#17becf", "#d45087", "#7f7f7f")


def _palette(colors: dict[str, str]) -> QPalette:
    p = QPalette()
    roles = QPalette.ColorRole
    mapping = {
        "window": roles.Window,
        "window_text": roles.WindowText,
        "base": roles.Base,
        "alternate_base": roles.AlternateBase,
        "tooltip_base": roles.ToolTipBase,
        "tooltip_text": roles.ToolTipText,
        "text": roles.Text,
        "button": roles.Button,
        "button_text": roles.ButtonText,
        "bright_text": roles.BrightText,
        "highlight": roles.Highlight,
        "highlighted_text": roles.HighlightedText,
        "link": roles.Link,
        "placeholder": roles.PlaceholderText,
        "mid": roles.Mid,
        "dark": roles.Dark,
        "light": roles.Light,
        "midlight": roles.Midlight,
        "shadow": roles.Shadow,
    }
    for name, role in mapping.items():
        p.setColor(role, QColor(colors[name]))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        p.setColor(disabled, role, QColor(colors["disabled"]))
    return p


def light_palette() -> QPalette:
    return _palette(
        {
            "window": "#f3f4f6",
            "window_text": "#1f2328",
            "base": "#ffffff",
            "alternate_base": "#f6f8fa",
            "tooltip_base": "#ffffdc",
            "tooltip_text": "#1f2328",
            "text": "#1f2328",
            "button": "#eceef1",
            "button_text": "#1f2328",
            "bright_text": "#d1242f",
            "highlight": ACCENT,
            "highlighted_text": "#ffffff",
            "link": "#0969da",
            "placeholder": "#8c959f",
            "mid": "#c3c8cf",
            "dark": "#a0a7b0",
            "light": "#ffffff",
            "midlight": "#e3e6ea",
            "shadow": "#7d8590",
            "disabled": "#9aa1a9",
        }
    )


def dark_palette() -> QPalette:
    return _palette(
        {
            "window": "#26282c",
            "window_text": "#e6e8eb",
            "base": "#1c1e21",
            "alternate_base": "#23262a",
            "tooltip_base": "#33363b",
            "tooltip_text": "#e6e8eb",
            "text": "#e6e8eb",
            "button": "#33363b",
            "button_text": "#e6e8eb",
            "bright_text": "#ff7b72",
            "highlight": ACCENT_DARK,
            "highlighted_text": "#0d1117",
            "link": "#58a6ff",
            "placeholder": "#7d8590",
            "mid": "#45494f",
            "dark": "#15171a",
            "light": "#4a4e55",
            "midlight": "#3a3d42",
            "shadow": "#000000",
            "disabled": "#6e7681",
        }
    )


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return bool(scheme and scheme() == Qt.ColorScheme.Dark)


def apply_theme(app: QGuiApplication, theme: str = "system") -> str:
    """Set the application palette; returns the theme actually used ("light" or "dark")."""
    if theme not in THEMES:
        theme = "system"
    dark = theme == "dark" or (theme == "system" and system_prefers_dark())
    app.setPalette(dark_palette() if dark else light_palette())
    _restyle_widgets(app)
    return "dark" if dark else "light"


def _restyle_widgets(app: QGuiApplication) -> None:
    """A switch while the app runs: widgets with a style sheet keep the palette they were polished
    with (headings, banners, cards), so their sheets are applied again; widgets that pick colours
    themselves (message bars) are told through `theme_changed()`."""
    from PySide6.QtWidgets import QApplication

    if not isinstance(app, QApplication):
        return
    for widget in app.allWidgets():
        changed = getattr(widget, "theme_changed", None)
        if callable(changed):
            changed()
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet("")
            widget.setStyleSheet(sheet)


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def accent(palette: QPalette | None = None) -> QColor:
    return QColor(ACCENT_DARK if is_dark(palette) else ACCENT)


def mpl_rcparams(palette: QPalette | None = None) -> dict[str, object]:
    """matplotlib rcParams matching the palette: use with `matplotlib.rc_context(mpl_rcparams())`."""
    palette = palette or QGuiApplication.palette()
    roles = QPalette.ColorRole
    bg = palette.color(roles.Base).name()
    fg = palette.color(roles.Text).name()
    window = palette.color(roles.Window).name()
    grid = palette.color(roles.Mid).name()
    from cycler import cycler  # matplotlib's own dependency; imported here to keep start-up light

    return {
        "figure.facecolor": window,
        "figure.edgecolor": window,
        "savefig.facecolor": window,
        "axes.facecolor": bg,
        "axes.edgecolor": grid,
        "axes.labelcolor": fg,
        "axes.titlecolor": fg,
        "axes.grid": True,
        "grid.color": grid,
        "grid.alpha": 0.5,
        "grid.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": cycler(color=list(SERIES)),
        "xtick.color": fg,
        "ytick.color": fg,
        "text.color": fg,
        "legend.facecolor": bg,
        "legend.edgecolor": grid,
        "legend.labelcolor": fg,
        "legend.frameon": False,
        "font.size": 9.0,
        "axes.titlesize": 10.0,
        "axes.labelsize": 9.0,
        "lines.linewidth": 1.6,
        "patch.edgecolor": bg,
    }

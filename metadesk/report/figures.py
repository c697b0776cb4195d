"""What every figure shares: the colours (`PlotStyle`), a new figure with styled axes and legend,
a figure that only says why there is nothing to plot, and PNG bytes for the HTML report.

No pyplot state and no Qt, so a figure can be built on any thread.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from matplotlib.figure import Figure

# Colour-blind-safe series colours (Okabe-Ito), readable on light and dark backgrounds.
SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


@dataclass(frozen=True)
class PlotStyle:
    """The colours and font size every figure uses; `from_rc` reads them from rcParams-like keys."""

    background: str = "#ffffff"
    foreground: str = "#202124"
    muted: str = "#80868b"
    grid: str = "#e3e3e3"
    accent: str = "#0072B2"
    highlight: str = "#D55E00"
    series: tuple[str, ...] = field(default=SERIES)
    font_size: float = 9.0
    colormap: str = "viridis"

    @classmethod
    def from_rc(cls, rc: Mapping[str, Any]) -> PlotStyle:
        """Build from an rcParams dict (as the GUI palette gives it); missing keys keep defaults."""
        base = cls()
        cycle = rc.get("axes.prop_cycle")
        series = base.series
        if cycle is not None:
            try:
                series = tuple(c["color"] for c in cycle) or base.series
            except (TypeError, KeyError):
                series = base.series
        return cls(
            background=str(rc.get("figure.facecolor", base.background)),
            foreground=str(rc.get("text.color", base.foreground)),
            muted=str(rc.get("xtick.color", base.muted)),
            grid=str(rc.get("grid.color", base.grid)),
            accent=series[0],
            highlight=series[5] if len(series) > 5 else base.highlight,
            series=series,
            font_size=float(rc.get("font.size", base.font_size)),
            colormap=str(rc.get("image.cmap", base.colormap)),
        )


def new_figure(style: PlotStyle, width: float = 6.0, height: float = 3.6) -> Figure:
    """A figure in the style's colours; not attached to any canvas (the caller chooses one)."""
    fig = Figure(figsize=(width, height), dpi=100, facecolor=style.background, layout="constrained")
    return fig


def styled_axes(fig: Figure, style: PlotStyle):
    ax = fig.add_subplot(1, 1, 1)
    ax.set_facecolor(style.background)
    for spine in ax.spines.values():
        spine.set_color(style.muted)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=style.foreground, labelsize=style.font_size)
    ax.xaxis.label.set_color(style.foreground)
    ax.yaxis.label.set_color(style.foreground)
    ax.xaxis.label.set_fontsize(style.font_size)
    ax.yaxis.label.set_fontsize(style.font_size)
    ax.title.set_color(style.foreground)
    ax.title.set_fontsize(style.font_size + 1)
    ax.grid(True, color=style.grid, linewidth=0.6)
    ax.set_axisbelow(True)
    return ax


def styled_legend(ax, style: PlotStyle, **kw) -> None:
    leg = ax.legend(fontsize=style.font_size - 0.5, frameon=False, **kw)
    for text in leg.get_texts():
        text.set_color(style.foreground)


def shorten(text: str, n: int = 38) -> str:
    """Cut in the middle: configuration labels differ at their ends ("…, 1 row per leaf")."""
    if len(text) <= n:
        return text
    head = (n - 1) // 2
    return text[:head].rstrip() + "…" + text[-(n - 1 - head) :].lstrip()


def message_figure(
    message: str, style: PlotStyle, width: float = 6.0, height: float = 3.6
) -> Figure:
    """A figure that says why there is nothing to plot yet (never an empty white box)."""
    fig = new_figure(style, width, height)
    fig.text(
        0.5,
        0.5,
        message,
        ha="center",
        va="center",
        wrap=True,
        color=style.muted,
        fontsize=style.font_size + 1,
    )
    return fig


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    """PNG bytes of a figure; savefig picks Agg by itself (safe on any thread: no pyplot, no GUI)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor=fig.get_facecolor())
    return buffer.getvalue()

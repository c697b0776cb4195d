"""The figure of a search: the best cross-validated score found so far against the seconds spent,
with the best shipped configuration as a reference line. Plain data in, a Figure out."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from metadesk.report.figures import (
    PlotStyle,
    message_figure,
    new_figure,
    styled_axes,
    styled_legend,
)


def tuning_curve(
    curve: Sequence[tuple[float, float]],
    *,
    budget_seconds: float,
    elapsed_seconds: float,
    metric_label: str,
    portfolio_best: float | None = None,
    style: PlotStyle | None = None,
) -> Figure:
    """A step line of the best score so far, drawn up to `elapsed_seconds` on a budget-wide axis."""
    style = style or PlotStyle()
    if not curve:
        return message_figure("The best score is drawn here once the first trial finishes.", style)
    minutes = budget_seconds >= 180
    scale = 60.0 if minutes else 1.0
    xs = [t / scale for t, _ in curve] + [max(elapsed_seconds, curve[-1][0]) / scale]
    ys = [s for _, s in curve] + [curve[-1][1]]
    fig = new_figure(style, 6.0, 3.2)
    ax = styled_axes(fig, style)
    ax.step(xs, ys, where="post", color=style.accent, linewidth=2, label="best so far")
    ax.scatter(xs[:-1], ys[:-1], color=style.accent, s=16, zorder=3)
    if portfolio_best is not None:
        ax.axhline(
            portfolio_best,
            color=style.muted,
            linestyle="--",
            linewidth=1,
            label="best shipped configuration",
        )
    ax.set_xlim(0, budget_seconds / scale)
    ax.set_xlabel("Minutes" if minutes else "Seconds")
    ax.set_ylabel(metric_label)
    ax.margins(y=0.2)
    styled_legend(ax, style, loc="lower right")
    return fig

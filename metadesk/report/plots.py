"""Figures of results and knowledge, built from plain data as `matplotlib.figure.Figure` objects.

No pyplot state and no Qt: the HTML report renders them to PNG with Agg, the GUI puts the same
figures on a QtAgg canvas. Colours come from a `PlotStyle`, so both follow the palette they are given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from metadesk.report.figures import (
    PlotStyle,
    figure_png,
    message_figure,
    new_figure,
    shorten,
    styled_axes,
    styled_legend,
)
from metadesk.report.plot_labels import label_offsets

__all__ = ["PlotStyle", "figure_png", "message_figure", "new_figure"]


def score_by_configuration(
    labels: Sequence[str],
    means: Sequence[float],
    stds: Sequence[float],
    *,
    metric_label: str,
    provenance: Sequence[str] | None = None,
    lower_is_better: bool = False,
    style: PlotStyle | None = None,
    limit: int = 15,
    groups: Sequence[str] | None = None,
    baseline: float | None = None,
    baseline_label: str = "baseline",
) -> Figure:
    """Horizontal bars, best at the top, with ±1 std error bars; own and prior runs coloured apart.

    With `groups` ('best', 'tied', 'worse', 'not compared' per run), runs worse than the best are
    drawn faded; with `baseline`, a dashed line marks the score of the baseline predictor."""
    style = style or PlotStyle()
    if not labels:
        return message_figure("No finished experiments yet.", style)
    order = np.argsort(np.asarray(means, dtype=float), kind="stable")
    if not lower_is_better:
        order = np.argsort(-np.asarray(means, dtype=float), kind="stable")
    order = order[:limit]
    n = len(order)
    fig = new_figure(style, 6.0, max(2.2, 0.32 * n + 1.0))
    ax = styled_axes(fig, style)
    ax.grid(True, axis="x", color=style.grid, linewidth=0.6)
    ax.grid(False, axis="y")
    prov = list(provenance) if provenance is not None else ["own"] * len(labels)
    group = list(groups) if groups is not None else ["best"] * len(labels)
    colours = [style.accent if prov[i] == "own" else style.muted for i in order]
    alphas = [0.4 if group[i] == "worse" else 1.0 for i in order]
    y = np.arange(n)[::-1]
    m = np.asarray(means, dtype=float)[order]
    s = np.nan_to_num(np.asarray(stds, dtype=float)[order])
    bars = ax.barh(y, m, xerr=s, color=colours, ecolor=style.foreground, capsize=2, height=0.65)
    for bar, alpha in zip(bars, alphas, strict=True):
        bar.set_alpha(alpha)
    ax.set_yticks(y, [shorten(labels[i], 52) for i in order])
    lo = float(np.nanmin(m - s))
    hi = float(np.nanmax(m + s))
    if baseline is not None and math.isfinite(baseline):
        lo, hi = min(lo, baseline), max(hi, baseline)
        ax.axvline(baseline, color=style.highlight, linestyle="--", linewidth=1.2)
    pad = max((hi - lo) * 0.15, 1e-3)
    ax.set_xlim(lo - pad if lo - pad > 0 or lo < 0 else 0, hi + pad)
    better = "lower is better" if lower_is_better else "higher is better"
    # On two lines: one line is wider than the plot for a long metric name and would be cut.
    ax.set_xlabel(f"{metric_label}\n(mean ± std over folds, {better})")
    from matplotlib.patches import Patch

    handles: list[Artist] = []
    if groups is not None and "worse" in group:
        handles += [
            Patch(color=style.accent, label="best, or tied with it"),
            Patch(color=style.accent, alpha=0.4, label="worse than the best"),
        ]
    elif "prior" in prov and "own" in prov:
        handles.append(Patch(color=style.accent, label="own"))
    if "prior" in prov and "own" in prov:
        handles.append(Patch(color=style.muted, label="prior"))
    if baseline is not None and math.isfinite(baseline):
        handles.append(
            Line2D(
                [0], [0], color=style.highlight, linestyle="--",
                label=f"{baseline_label} ({baseline:.3g})",
            )
        )  # fmt: skip
    if handles and groups is None:
        styled_legend(ax, style, handles=handles, loc="lower right")
    elif handles:  # below the axes: inside, it would hide the shortest bars
        legend = fig.legend(
            handles=handles, loc="outside lower center", ncol=len(handles), frameon=False,
            fontsize=style.font_size - 0.5, labelcolor=style.foreground,
        )  # fmt: skip
        legend.set_zorder(5)
    return fig


def predicted_vs_measured(
    labels: Sequence[str],
    predicted: Sequence[float],
    low: Sequence[float],
    high: Sequence[float],
    measured: Sequence[float],
    *,
    metric_label: str,
    style: PlotStyle | None = None,
) -> Figure:
    """Each run suggestion: predicted score with its 80% interval (x) against what was measured (y).

    Points carry their `labels`; pass the leaderboard's places ("1", "2", ...) so that they stay
    readable where several runs score alike (long names would pile up on each other)."""
    style = style or PlotStyle()
    if not labels:
        return message_figure("Run a suggestion to compare its prediction with the result.", style)
    p = np.asarray(predicted, dtype=float)
    lo = np.asarray(low, dtype=float)
    hi = np.asarray(high, dtype=float)
    y = np.asarray(measured, dtype=float)
    fig = new_figure(style, 5.0, 3.8)
    ax = styled_axes(fig, style)
    xerr = np.vstack([np.clip(p - lo, 0, None), np.clip(hi - p, 0, None)])
    inside = (y >= lo) & (y <= hi)
    ax.errorbar(p, y, xerr=xerr, fmt="none", ecolor=style.muted, elinewidth=1, capsize=2)
    if inside.any():
        ax.scatter(
            p[inside], y[inside], color=style.accent, zorder=3, label="inside the 80% interval"
        )
    if (~inside).any():
        ax.scatter(
            p[~inside], y[~inside], color=style.highlight, zorder=3, label="outside the interval"
        )
    both = np.concatenate([lo, hi, y])
    a, b = float(np.nanmin(both)), float(np.nanmax(both))
    pad = max((b - a) * 0.08, 1e-3)
    ax.plot([a - pad, b + pad], [a - pad, b + pad], color=style.muted, linestyle="--", linewidth=1)
    ax.set_xlim(a - pad, b + pad)
    ax.set_ylim(a - pad, b + pad)
    if len(p) <= 20:  # beyond that the labels would hide the points
        texts = [shorten(str(t), 28) for t in labels]
        for (x0, y0), text, offset in zip(
            zip(p, y, strict=True),
            texts,
            label_offsets(ax, p, y, texts, style.font_size),
            strict=True,
        ):
            ax.annotate(
                text,
                (x0, y0),
                xytext=offset,
                textcoords="offset points",
                fontsize=style.font_size - 1,
                fontweight="bold",
                color=style.foreground,
            )
    ax.set_xlabel(f"Predicted {metric_label} (80% interval)")
    ax.set_ylabel(f"Measured {metric_label}")
    styled_legend(ax, style, loc="upper left")
    return fig


def best_so_far(
    scores: Sequence[float],
    *,
    metric_label: str,
    lower_is_better: bool = False,
    labels: Sequence[str] | None = None,
    style: PlotStyle | None = None,
    baseline: float | None = None,
) -> Figure:
    """Each experiment's score in the order it finished, and the best found so far as a step line;
    with `baseline`, a dashed line at the baseline predictor's score."""
    style = style or PlotStyle()
    if len(scores) == 0:
        return message_figure("No finished experiments yet.", style)
    s = np.asarray(scores, dtype=float)
    best = np.minimum.accumulate(s) if lower_is_better else np.maximum.accumulate(s)
    x = np.arange(1, len(s) + 1)
    fig = new_figure(style, 5.0, 3.4)
    ax = styled_axes(fig, style)
    ax.scatter(x, s, color=style.muted, s=18, zorder=3, label="each experiment")
    ax.step(x, best, where="post", color=style.accent, linewidth=2, label="best so far")
    if baseline is not None and math.isfinite(baseline):
        ax.axhline(
            baseline, color=style.highlight, linestyle="--", linewidth=1.2,
            label=f"baseline ({baseline:.3g})",
        )  # fmt: skip
    ax.set_xlabel("Experiments finished")
    ax.set_ylabel(metric_label)
    ax.set_xticks(x if len(x) <= 12 else np.linspace(1, len(x), 8).round().astype(int))
    ax.margins(x=0.04, y=0.15)  # the best point sits clear of the frame, not on its edge
    styled_legend(ax, style, loc="best")
    return fig


def dataset_map(
    xy: np.ndarray,
    names: Sequence[str],
    provenance: Sequence[str],
    *,
    current: int | None,
    neighbours: Sequence[int] = (),
    style: PlotStyle | None = None,
    explained: Sequence[float] = (),
) -> Figure:
    """Datasets as points on two principal components of their meta-features; the current one and
    lines to its nearest neighbours are highlighted."""
    style = style or PlotStyle()
    if len(names) == 0:
        return message_figure("No datasets with meta-features yet.", style)
    xy = np.asarray(xy, dtype=float)
    fig = new_figure(style, 5.6, 4.2)
    ax = styled_axes(fig, style)
    prov = np.asarray(list(provenance))
    for kind, colour in (
        ("prior", style.muted),
        ("imported", style.series[2]),
        ("own", style.accent),
    ):
        mask = prov == kind
        if current is not None:
            mask[current] = False
        if mask.any():
            ax.scatter(xy[mask, 0], xy[mask, 1], s=16, color=colour, alpha=0.8, label=kind)
    handles = []
    if current is not None:
        cx, cy = xy[current]
        for rank, j in enumerate(neighbours, start=1):
            ax.plot([cx, xy[j, 0]], [cy, xy[j, 1]], color=style.highlight, linewidth=1, alpha=0.7)
            # Numbers fan out around their point, so neighbours at one place stay readable.
            angle = math.radians(40 + 70 * (rank - 1))
            ax.annotate(
                str(rank),
                xy[j],
                xytext=(9 * math.cos(angle), 9 * math.sin(angle)),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=style.font_size - 0.5,
                fontweight="bold",
                color=style.highlight,
            )
            handles.append(
                Line2D(
                    [], [], linestyle="none", marker=f"${rank}$", markersize=7,
                    color=style.highlight, label=shorten(names[j], 30),
                )
            )  # fmt: skip
        ax.scatter(
            [cx], [cy], s=110, marker="*", color=style.highlight, zorder=4, label="this dataset"
        )
    pcs = [*explained, math.nan, math.nan]
    ax.set_xlabel("Component 1" + (f" ({pcs[0]:.0%} of variation)" if pcs[0] == pcs[0] else ""))
    ax.set_ylabel("Component 2" + (f" ({pcs[1]:.0%} of variation)" if pcs[1] == pcs[1] else ""))
    kinds, labels = ax.get_legend_handles_labels()
    if handles:
        title = Line2D([], [], linestyle="none", label="Nearest datasets:")
        kinds, labels = [*kinds, title, *handles], [*labels, title.get_label()]
        labels += [h.get_label() for h in handles]
    legend = fig.legend(
        kinds, labels, loc="outside right upper", frameon=False, fontsize=style.font_size - 0.5
    )
    for text in legend.get_texts():
        text.set_color(style.foreground)
    return fig


def score_heatmap(
    matrix: np.ndarray,
    configuration_labels: Sequence[str],
    dataset_labels: Sequence[str],
    *,
    style: PlotStyle | None = None,
    title: str = "",
) -> Figure:
    """Configurations (rows) x datasets (columns), each column normalised 0 (worst) .. 1 (best)."""
    style = style or PlotStyle()
    m = np.asarray(matrix, dtype=float)
    if m.size == 0:
        return message_figure("Not enough runs to compare configurations across datasets.", style)
    rows, cols = m.shape
    fig = new_figure(style, max(4.5, 0.45 * cols + 3.2), max(2.6, 0.3 * rows + 1.4))
    ax = fig.add_subplot(1, 1, 1)
    ax.set_facecolor(style.grid)  # missing runs show as the grid colour
    image = ax.imshow(np.ma.masked_invalid(m), cmap=style.colormap, vmin=0, vmax=1, aspect="auto")
    ax.set_yticks(range(rows), [shorten(t, 52) for t in configuration_labels])
    ax.set_xticks(
        range(cols),
        [shorten(t, 28) for t in dataset_labels],
        rotation=30,
        ha="right",
        rotation_mode="anchor",
    )
    ax.tick_params(colors=style.foreground, labelsize=style.font_size - 0.5, length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title, color=style.foreground, fontsize=style.font_size + 1)
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label("relative score (1 = best)", color=style.foreground, fontsize=style.font_size - 1)
    bar.ax.tick_params(colors=style.foreground, labelsize=style.font_size - 1)
    bar.outline.set_visible(False)
    if np.isnan(m).any():
        from matplotlib.patches import Patch

        legend = fig.legend(
            handles=[Patch(color=style.grid, label="not run there")],
            loc="outside lower right",
            frameon=False,
            fontsize=style.font_size - 1,
        )
        for text in legend.get_texts():
            text.set_color(style.foreground)
    return fig


def loss_curve(
    ks: Sequence[int],
    curves: Mapping[str, Sequence[float]],
    *,
    ylabel: str = "Regret (points below the best)",
    style: PlotStyle | None = None,
    highlight: str | None = None,
) -> Figure:
    """Best-so-far regret after k experiments, one line per recommender (held out)."""
    style = style or PlotStyle()
    if not curves or len(ks) == 0:
        return message_figure("No held-out evaluation of the meta-model yet.", style)
    fig = new_figure(style, 5.0, 3.4)
    ax = styled_axes(fig, style)
    for i, (name, values) in enumerate(curves.items()):
        colour = style.series[i % len(style.series)]
        width = 2.4 if name == highlight else 1.4
        ax.plot(
            list(ks),
            list(values),
            marker="o",
            markersize=3,
            color=colour,
            linewidth=width,
            label=name,
        )
    if len(ks) <= 12:  # every k is a whole number of experiments: no "2.5" ticks
        ax.set_xticks(list(ks))
    ax.set_xlabel("Experiments run in suggestion order (k)")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    styled_legend(ax, style, loc="upper right")
    return fig

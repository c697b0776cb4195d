"""Figures of one model's diagnostics: confusion matrix, ROC, precision-recall and calibration
curves, predicted against actual, residuals, and permutation importance.

Plain data in (a `Diagnostics` value or a table), `Figure` out, in a `PlotStyle`'s colours, so the
Results view and the HTML report draw the same plots.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from metadesk.report.figures import (
    PlotStyle,
    message_figure,
    new_figure,
    shorten,
    styled_axes,
    styled_legend,
)
from metadesk.workspace.diagnostics import Diagnostics

MAX_MATRIX_CLASSES = 15

# What the Results view offers, in order: (key, menu text, tasks it applies to).
VIEWS = (
    ("confusion", "Confusion matrix", "classification"),
    ("roc", "ROC curve", "classification"),
    ("precision_recall", "Precision–recall", "classification"),
    ("calibration", "Calibration", "classification"),
    ("predicted_actual", "Predicted vs actual", "regression"),
    ("residuals", "Residuals", "regression"),
)


def views_for(task_type: str) -> list[tuple[str, str]]:
    family = "regression" if task_type == "regression" else "classification"
    return [(key, text) for key, text, applies in VIEWS if applies == family]


def confusion_figure(d: Diagnostics, style: PlotStyle | None = None) -> Figure:
    """Counts per actual (rows) and predicted (columns) class, shaded by the share of each row."""
    style = style or PlotStyle()
    if d.confusion is None:
        return message_figure("No confusion matrix for a regression target.", style)
    k = len(d.classes)
    if k > MAX_MATRIX_CLASSES:
        return message_figure(f"{k} classes are too many to draw a readable matrix.", style)
    counts = d.confusion.astype(float)
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    size = min(6.0, 2.6 + 0.35 * k)
    fig = new_figure(style, size + 1.0, size)
    ax = styled_axes(fig, style)
    ax.grid(False)
    # Cells fill the canvas (a square matrix would leave half of a wide plot area empty).
    image = ax.imshow(share, cmap=style.colormap, vmin=0, vmax=1, aspect="auto")
    names = [shorten(c, 14) for c in d.classes]
    ax.set_xticks(range(k), names, rotation=30 if k > 4 else 0, ha="right" if k > 4 else "center")
    ax.set_yticks(range(k), names)
    ax.set_xlabel("Predicted class")
    ax.set_ylabel("Actual class")
    if k <= 10:
        for i in range(k):
            for j in range(k):
                text = f"{int(counts[i, j]):,}\n{share[i, j]:.0%}"
                dark = share[i, j] < 0.55
                ax.text(
                    j, i, text, ha="center", va="center", fontsize=style.font_size - 1,
                    color="white" if dark else "black",
                )  # fmt: skip
    bar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    bar.ax.tick_params(colors=style.foreground, labelsize=style.font_size - 1)
    bar.ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax.set_title(
        f"{d.n_rows:,} rows predicted out of fold; shade: share of each actual class",
        color=style.foreground,
    )
    return fig


def _curves_figure(
    curves: list,
    style: PlotStyle,
    *,
    xlabel: str,
    ylabel: str,
    area: str,
    diagonal: str = "",
) -> Figure:
    fig = new_figure(style, 5.6, 4.0)
    ax = styled_axes(fig, style)
    if diagonal:
        ax.plot([0, 1], [0, 1], linestyle="--", color=style.muted, linewidth=1, label=diagonal)
    for i, c in enumerate(curves):
        colour = style.series[i % len(style.series)]
        label = f"{shorten(c.name, 24)} ({area} {c.area:.3f})" if area else shorten(c.name, 24)
        ax.plot(c.x, c.y, color=colour, linewidth=1.8, label=label, marker="o" if not area else "")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    styled_legend(ax, style, loc="lower right" if diagonal else "best")
    return fig


def roc_figure(d: Diagnostics, style: PlotStyle | None = None) -> Figure:
    style = style or PlotStyle()
    if not d.roc:
        return message_figure("This model gives no probabilities: no ROC curve.", style)
    fig = _curves_figure(
        d.roc, style, xlabel="False positive rate", ylabel="True positive rate",
        area="AUC", diagonal="chance",
    )  # fmt: skip
    if len(d.classes) > 2:
        fig.axes[0].set_title("Each class against the rest", color=style.foreground)
    return fig


def precision_recall_figure(d: Diagnostics, style: PlotStyle | None = None) -> Figure:
    style = style or PlotStyle()
    if not d.precision_recall:
        return message_figure(
            "This model gives no probabilities: no precision–recall curve.", style
        )
    fig = _curves_figure(
        d.precision_recall, style, xlabel="Recall", ylabel="Precision",
        area="AP",
    )  # fmt: skip
    ax = fig.axes[0]
    for i, c in enumerate(d.precision_recall):
        colour = style.series[i % len(style.series)]
        ax.axhline(c.prevalence, color=colour, linestyle=":", linewidth=1)
    ax.set_title("Dotted: the precision of guessing", color=style.muted)
    return fig


def calibration_figure(d: Diagnostics, style: PlotStyle | None = None) -> Figure:
    style = style or PlotStyle()
    if not d.calibration:
        return message_figure("This model gives no probabilities: no calibration curve.", style)
    fig = _curves_figure(
        d.calibration, style, xlabel="Predicted probability (mean of each tenth of the rows)",
        ylabel="Observed frequency", area="", diagonal="perfectly calibrated",
    )  # fmt: skip
    fig.axes[0].set_title("On the dashed line, probabilities can be taken at face value",
                          color=style.muted)  # fmt: skip
    return fig


def predicted_actual_figure(d: Diagnostics, style: PlotStyle | None = None) -> Figure:
    style = style or PlotStyle()
    if d.actual is None or d.predicted is None:
        return message_figure("Predicted against actual is for a numeric target.", style)
    fig = new_figure(style, 5.0, 4.0)
    ax = styled_axes(fig, style)
    ax.scatter(d.actual, d.predicted, s=8, alpha=0.45, color=style.accent, linewidths=0)
    lo = float(np.nanmin([d.actual.min(), d.predicted.min()]))
    hi = float(np.nanmax([d.actual.max(), d.predicted.max()]))
    ax.plot([lo, hi], [lo, hi], linestyle="--", color=style.highlight, linewidth=1.2)
    ax.set_xlabel("Actual value")
    ax.set_ylabel("Predicted value (out of fold)")
    shown = len(d.actual)
    note = f"{shown:,} of {d.n_rows:,} rows" if shown < d.n_rows else f"{shown:,} rows"
    ax.set_title(f"{note}; on the dashed line, exact", color=style.muted)
    return fig


def residuals_figure(d: Diagnostics, style: PlotStyle | None = None) -> Figure:
    style = style or PlotStyle()
    if d.actual is None or d.predicted is None:
        return message_figure("Residuals are for a numeric target.", style)
    residual = d.actual - d.predicted
    fig = new_figure(style, 5.6, 4.0)
    ax = styled_axes(fig, style)
    ax.scatter(d.predicted, residual, s=8, alpha=0.45, color=style.accent, linewidths=0)
    ax.axhline(0, linestyle="--", color=style.highlight, linewidth=1.2)
    ax.set_xlabel("Predicted value (out of fold)")
    ax.set_ylabel("Actual − predicted")
    ax.set_title("A pattern here is something the model missed", color=style.muted)
    return fig


def importance_figure(
    table: pd.DataFrame, *, metric_label: str, style: PlotStyle | None = None, limit: int = 15
) -> Figure:
    """Horizontal bars: how much the metric drops when each original column is shuffled."""
    style = style or PlotStyle()
    if table.empty:
        return message_figure("No columns to measure.", style)
    top = table.head(limit)
    n = len(top)
    fig = new_figure(style, 6.0, max(2.2, 0.3 * n + 1.2))
    ax = styled_axes(fig, style)
    ax.grid(False, axis="y")
    y = np.arange(n)[::-1]
    ax.barh(y, top["importance"], xerr=top["std"].fillna(0), color=style.accent,
            ecolor=style.foreground, capsize=2, height=0.65)  # fmt: skip
    ax.set_yticks(y, [shorten(str(c), 40) for c in top["column"]])
    ax.axvline(0, color=style.muted, linewidth=0.8)
    ax.set_xlabel(f"Drop in {metric_label} when the column is shuffled")
    if len(table) > n:
        ax.set_title(f"The {n} most important of {len(table)} columns", color=style.muted)
    return fig


BUILDERS: dict[str, Callable[..., Figure]] = {
    "confusion": confusion_figure,
    "roc": roc_figure,
    "precision_recall": precision_recall_figure,
    "calibration": calibration_figure,
    "predicted_actual": predicted_actual_figure,
    "residuals": residuals_figure,
}

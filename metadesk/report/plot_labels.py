"""Labels beside scatter points that keep clear of each other and of the other points."""

from __future__ import annotations

import numpy as np

# Where a point's label may go, in points from the point: right-above first, then around it.
_LABEL_PLACES = ((5, 5), (5, -11), (-14, 5), (-14, -11), (5, 15), (5, -21), (-14, 15), (-14, -21))


def label_offsets(ax, xs, ys, texts, font_size: float) -> list[tuple[int, int]]:
    """An offset per label so that labels of runs that scored alike do not cover each other:
    each takes the first place around its point whose box is free of the labels already placed."""
    ax.figure.draw_without_rendering()  # the layout decides where the points end up
    to_points = 72.0 / ax.figure.dpi
    screen = ax.transData.transform(np.column_stack([xs, ys])) * to_points
    height = font_size + 1
    marker = 4.0  # a label must not cover another run's point either
    boxes: list[tuple[float, float, float, float]] = [
        (px - marker, py - marker, px + marker, py + marker) for px, py in screen
    ]
    offsets = []
    for (px, py), text in zip(screen, texts, strict=True):
        width = 0.62 * (font_size - 1) * max(1, len(text)) + 2
        chosen = _LABEL_PLACES[0]
        for dx, dy in _LABEL_PLACES:
            left = px + dx if dx >= 0 else px + dx - width + 10
            box = (left, py + dy, left + width, py + dy + height)
            if not any(_overlap(box, other) for other in boxes):
                chosen = (dx, dy)
                break
        else:
            dx, dy = chosen
            left = px + dx
            box = (left, py + dy, left + width, py + dy + height)
        boxes.append(box)
        offsets.append(chosen)
    return offsets


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

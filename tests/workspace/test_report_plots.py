"""The report's and the views' plots: points stay readable where runs score alike, the best score
is not drawn on the frame, cells never run are explained, experiment counts are whole, and numbers
read alike in the app and the report."""

from __future__ import annotations

import math

import numpy as np

from metadesk.report import plots as report_plots


def test_predicted_vs_measured_labels_each_point_with_what_it_is_given():
    places = [str(i) for i in range(1, 8)]
    fig = report_plots.predicted_vs_measured(
        places,
        [0.96, 0.962, 0.961, 0.97, 0.95, 0.958, 0.963],
        [0.93] * 7,
        [0.99] * 7,
        [0.96, 0.961, 0.962, 0.975, 0.952, 0.957, 0.96],
        metric_label="Accuracy",
    )
    shown = sorted(t.get_text() for t in fig.axes[0].texts)
    assert shown == sorted(places)  # one short label a point, none dropped or cut


def test_best_so_far_leaves_room_above_the_best_score():
    scores = [0.9596, 0.958, 0.9771, 0.963, 0.965]
    ax = report_plots.best_so_far(scores, metric_label="Accuracy").axes[0]
    _low, high = ax.get_ylim()
    assert high - max(scores) >= 0.1 * (max(scores) - min(scores))


def test_heatmap_says_what_a_grey_cell_means_only_when_there_is_one():
    full = report_plots.score_heatmap(np.ones((2, 2)), ["a", "b"], ["x", "y"])
    gaps = report_plots.score_heatmap(
        np.array([[1.0, math.nan], [0.5, 0.2]]), ["a", "b"], ["x", "y"]
    )
    assert not full.legends
    assert [t.get_text() for t in gaps.legends[0].get_texts()] == ["not run there"]


def test_heatmap_keeps_dataset_names_of_ordinary_length_whole():
    names = ["keel-imbalanced-wisconsin", "keel-dermatology-6"]
    ax = report_plots.score_heatmap(np.ones((1, 2)), ["a"], names).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == names


def test_held_out_curve_counts_experiments_in_whole_numbers():
    ax = report_plots.loss_curve(range(1, 11), {"meta-model": list(np.linspace(2, 0.3, 10))}).axes[
        0
    ]
    assert list(ax.get_xticks()) == list(range(1, 11))


def test_numbers_read_alike_in_the_leaderboard_and_the_report():
    from metadesk.report.numbers import duration_text, number_text

    assert number_text(0.97712) == "0.977"
    assert number_text(math.nan) == "" and number_text(None, missing="–") == "–"
    assert number_text("not a number", 2, missing="–") == "–"
    assert [duration_text(s) for s in (0.265, 3.4, 150, math.inf)] == [
        "265 ms",
        "3.4 s",
        "2.5 min",
        "",
    ]

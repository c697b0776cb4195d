# ruff: noqa: F811 (pytest fixtures imported from views_support)
"""The whole flow in the main window, as an analyst does it: open a sample, suggestions appear, run
the top three, results and knowledge update, the suggestions change, predict a new file, export a
report. Real experiments run in-process over a small real prior."""

from __future__ import annotations

import pandas as pd
import pytest
from views_support import InlineExecutor, prior_folder, use_result  # noqa: F401 (fixture)

from metadesk.workspace import Workspace


@pytest.fixture
def workspace(tmp_path, prior_folder):
    """Overrides the shell's workspace: the small prior, experiments dispatched in-process."""
    ws = Workspace.open(tmp_path / "flow.sqlite", prior_dir=prior_folder)
    ws.start(InlineExecutor())
    yield ws
    ws.close()


def _tab(qtbot, window, title):
    window.tabs.setCurrentIndex(
        [window.tabs.tabText(i) for i in range(window.tabs.count())].index(title)
    )
    lazy = window.other_views[title]
    qtbot.waitUntil(lambda: lazy.view is not None, timeout=10_000)
    return lazy.view


def test_from_a_sample_to_a_prediction_file_and_a_report(qtbot, window, workspace, tmp_path):
    window.bridge.show_error_dialogs = False
    errors = []
    window.bridge.unhandled_error.connect(errors.append)

    # Open the bundled sample from the welcome screen and add it with the detected target.
    qtbot.waitUntil(lambda: len(window.welcome.samples) == 1, timeout=20_000)
    window.welcome.file_chosen.emit(str(window.welcome.samples[0].path))
    qtbot.waitUntil(lambda: window.data_view.task is not None, timeout=30_000)
    with qtbot.waitSignal(window.data_view.dataset_added, timeout=30_000):
        window.data_view.task_bar.add_button.click()
    qtbot.waitUntil(lambda: window.dataset_id is not None, timeout=20_000)
    dataset_id = window.dataset_id

    # Suggestions appear, learned from the prior (not a default order).
    suggestions = _tab(qtbot, window, "Suggestions")
    qtbot.waitUntil(lambda: suggestions.model.rowCount() > 3, timeout=60_000)
    assert not suggestions.banner.isVisible()
    first_three = [s.configuration.id for s in suggestions.model.suggestions()[:3]]

    # Run the top three; they finish in the background.
    with qtbot.waitSignal(suggestions.experiments_queued, timeout=30_000):
        suggestions.run_top_button.click()
    qtbot.waitUntil(
        lambda: sum(e.status == "ok" for e in workspace.experiments(dataset_id)) == 3,
        timeout=180_000,
    )

    # The suggestions change: what ran is no longer offered.
    qtbot.waitUntil(
        lambda: (
            not {s.configuration.id for s in suggestions.model.suggestions()} & set(first_three)
        ),
        timeout=60_000,
    )

    # Results: a leaderboard of the three runs, best first.
    results = _tab(qtbot, window, "Results")
    qtbot.waitUntil(lambda: results.model.rowCount() == 4, timeout=60_000)  # and the baseline
    own = results.model.frame[results.model.frame["provenance"] == "own"]
    assert set(own["configuration_id"]) == set(first_three)
    scores = list(results.model.frame["accuracy"])
    assert scores == sorted(scores, reverse=True)

    # Knowledge: this dataset's own runs are counted and it is on the map.
    knowledge = _tab(qtbot, window, "Knowledge")
    qtbot.waitUntil(
        lambda: (
            knowledge.snapshot is not None
            and knowledge.snapshot.counts.get("own", {}).get("runs") == 3
        ),
        timeout=60_000,
    )
    assert knowledge.snapshot.map.ids[knowledge.snapshot.map.current] == dataset_id

    # Predict on a new file with the best configuration, then export a report.
    results = _tab(qtbot, window, "Results")
    new = tmp_path / "next month.csv"
    frame = pd.read_csv(window.welcome.samples[0].path).drop(columns=["churn"]).head(10)
    frame.to_csv(new, index=False)
    out = tmp_path / "next month predictions.csv"
    use_result(qtbot, results, results.predict_button, out, new)
    predicted = pd.read_csv(out)
    assert len(predicted) == 10 and {"predicted churn", "probability of yes"} <= set(predicted)

    report = tmp_path / "churn report.html"
    use_result(qtbot, results, results.export_report_button, report)
    text = report.read_text(encoding="utf-8")
    assert "data:image/png;base64," in text and "What to try next" in text
    assert not errors

# ruff: noqa: F811 (pytest fixtures imported from views_support)
"""The Knowledge view: the size of what is known, the map with this dataset and its neighbours,
the score heatmap, the held-out curve, and import/export of knowledge with row-level problems."""

from __future__ import annotations

import numpy as np
from views_support import (  # noqa: F401 (fixtures)
    FAST,
    prior_folder,
    run_and_wait,
    set_dataset_and_wait,
    showing,
    views_bridge,
    views_workspace,
)

from metadesk.gui.views.knowledge import KnowledgeView


def _view(qtbot, bridge) -> KnowledgeView:
    return showing(qtbot, KnowledgeView(bridge), (1000, 700))


def _shown(qtbot, view, dataset_id):
    return set_dataset_and_wait(qtbot, view, view.knowledge_shown, dataset_id)


def test_map_highlights_the_current_dataset_and_its_neighbours(
    qtbot, views_bridge, views_workspace
):
    _ws, dataset_id = views_workspace
    snap = _shown(qtbot, _view(qtbot, views_bridge), dataset_id)
    m = snap.map
    assert m.current is not None and m.ids[m.current] == dataset_id
    assert 1 <= len(m.neighbours) <= 6 and m.current not in m.neighbours
    assert all(m.provenance[i] == "prior" for i in m.neighbours)
    assert np.isfinite(m.xy).all()
    assert "Shipped prior: 5 datasets, 25 runs" in _view_text(snap)


def _view_text(snap) -> str:
    from metadesk.gui.views.knowledge import summary_text

    return summary_text(snap)


def test_knowledge_updates_when_results_arrive(qtbot, views_bridge, views_workspace):
    ws, dataset_id = views_workspace
    view = _view(qtbot, views_bridge)
    before = _shown(qtbot, view, dataset_id)
    assert before.counts.get("own", {}).get("runs", 0) == 0
    with qtbot.waitSignal(view.knowledge_shown, timeout=60_000) as blocker:
        run_and_wait(ws, dataset_id, FAST[:2])
    after = blocker.args[0]
    assert after.counts["own"]["runs"] == 2
    assert "Your own: 1 dataset, 2 runs" in view.summary.text()
    # This dataset now has scores: it heads the heatmap beside its neighbours.
    assert after.heatmap.dataset_ids[0] == dataset_id
    assert after.heatmap.matrix.shape[1] >= 2
    values = after.heatmap.matrix[np.isfinite(after.heatmap.matrix)]
    assert values.min() >= 0 and values.max() == 1


def test_import_problems_reach_the_error_dialog_with_row_details(
    qtbot, views_bridge, views_workspace, tmp_path
):
    _ws, dataset_id = views_workspace
    view = _view(qtbot, views_bridge)
    _shown(qtbot, view, dataset_id)
    datasets = tmp_path / "datasets.csv"
    runs = tmp_path / "runs.csv"
    datasets.write_text("dataset_id,name,task_type\nd1,one,binary\n", encoding="utf-8")
    runs.write_text(
        "dataset_id,configuration_id,algorithm,metric,score\n"
        "d1,logreg:C=1,logreg,accuracy,not a number\n"
        "unknown,logreg:C=1,logreg,accuracy,0.5\n",
        encoding="utf-8",
    )
    answers = iter([str(datasets), str(runs)])
    view.ask_open_path = lambda caption: next(answers)
    with qtbot.waitSignal(views_bridge.unhandled_error, timeout=30_000) as blocker:
        view.import_button.click()
    exc = blocker.args[0]
    assert exc.details and "row" in exc.details.lower()
    assert view.feedback.text() == "Nothing was imported."


def test_export_knowledge_writes_the_two_exchange_tables(
    qtbot, views_bridge, views_workspace, tmp_path
):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, FAST[:2])
    view = _view(qtbot, views_bridge)
    _shown(qtbot, view, dataset_id)
    view.ask_folder = lambda caption: str(tmp_path / "export")
    view.export_button.click()
    qtbot.waitUntil(lambda: view.feedback.text().startswith("Exported"), timeout=30_000)
    assert (tmp_path / "export" / "datasets.csv").is_file()
    assert (tmp_path / "export" / "runs.csv").is_file()

# ruff: noqa: F811 (pytest fixtures imported from views_support)
"""Which model Predict and Export use: the best one unless the analyst picks another, named beside
the buttons, in the file dialogs' titles and in the message that says what was written."""

from __future__ import annotations

from views_support import (  # noqa: F401 (fixtures)
    prior_folder,
    run_and_wait,
    set_dataset_and_wait,
    showing,
    table,
    use_result,
    views_bridge,
    views_workspace,
)

from metadesk.gui.views.results import ResultsView

WEAK = "tree:max_depth=3,min_samples_leaf=1"
STRONG = ("logreg:C=1", "lda:shrinkage=true")


def _shown(qtbot, bridge, dataset_id) -> ResultsView:
    view = showing(qtbot, ResultsView(bridge), (1100, 750))
    set_dataset_and_wait(qtbot, view, view.results_changed, dataset_id)
    return view


def _selected_id(view) -> str:
    return view.selected_configuration()[0]


def _refreshed(qtbot, view, ws, dataset_id, configurations) -> None:
    with qtbot.waitSignal(view.results_changed, timeout=60_000):
        run_and_wait(ws, dataset_id, configurations)


def test_the_best_row_stays_selected_as_better_results_arrive(qtbot, views_bridge, views_workspace):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, [WEAK])
    view = _shown(qtbot, views_bridge, dataset_id)
    assert _selected_id(view) == WEAK  # the only result is the best so far

    _refreshed(qtbot, view, ws, dataset_id, STRONG)
    qtbot.waitUntil(lambda: view.model.rowCount() == 4, timeout=60_000)  # 3 runs + baseline
    best = str(view.model.frame["configuration_id"].iloc[0])
    assert best != WEAK  # the tree is beaten on this table (else the test proves nothing)
    assert _selected_id(view) == best
    assert "#1" in view.chosen_label.text() and "the best so far" in view.chosen_label.text()


def test_the_analysts_pick_is_kept_and_named(qtbot, views_bridge, views_workspace, tmp_path):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, [WEAK, *STRONG])
    view = _shown(qtbot, views_bridge, dataset_id)
    view.table.selectRow(2)
    picked, label = view.selected_configuration()
    assert "your pick" in view.chosen_label.text() and label in view.chosen_label.text()

    _refreshed(qtbot, view, ws, dataset_id, ["knn:n_neighbors=5"])
    assert _selected_id(view) == picked

    captions = []
    new = tmp_path / "new.csv"
    table(10, seed=5).drop(columns=["y"]).to_csv(new, index=False)
    view.use_result.ask_open_path = lambda caption, *_: captions.append(caption) or str(new)
    out = tmp_path / "out.csv"
    view.use_result.ask_save_path = lambda caption, *_: captions.append(caption) or str(out)
    with qtbot.waitSignal(view.use_result.done, timeout=120_000):
        view.predict_button.click()
    assert all(label in caption for caption in captions) and len(captions) == 2
    assert f"Predictions of {label} written to out.csv" in view.feedback.text()


def test_predict_starts_in_the_data_folder_and_checks_columns_before_asking_where_to_save(
    qtbot, views_bridge, views_workspace, tmp_path
):
    ws, dataset_id = views_workspace
    run_and_wait(ws, dataset_id, [WEAK])
    view = _shown(qtbot, views_bridge, dataset_id)
    source_folder = str(tmp_path)  # views_workspace wrote churn.csv here
    opened_in, saves = [], []
    partial = tmp_path / "elsewhere" / "partial.csv"
    partial.parent.mkdir()
    table(5).drop(columns=["b", "y"]).to_csv(partial, index=False)

    def ask_open(*_):
        opened_in.append(view.use_result.last_dir)
        return str(partial)

    view.use_result.ask_open_path = ask_open
    view.use_result.ask_save_path = lambda *a: saves.append(a) or str(tmp_path / "out.csv")
    with qtbot.waitSignal(views_bridge.unhandled_error, timeout=60_000) as blocker:
        view.predict_button.click()
    assert opened_in == [source_folder]
    assert "'b'" in str(blocker.args[0])
    assert saves == []  # the missing column is said before any file name is asked for
    assert "nothing was fitted" in view.feedback.text()

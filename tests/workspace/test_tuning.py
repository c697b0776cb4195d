"""Finding the best model within a budget: trials are stored experiments with stable ids, the
search goes beyond the portfolio, stops when asked, and a second search continues the first."""

from __future__ import annotations

import json

import pytest

from metadesk.cli import main
from metadesk.portfolio import get_configuration
from metadesk.workspace import Workspace
from metadesk.workspace.tuning import Tuner
from tests.inline_executor import InlineExecutor


def _stop_after(n: int):
    holder: dict = {}

    def on_progress(snap):
        if snap.trials >= n:
            holder["tuner"].stop()

    return holder, on_progress


def _search(ws, dataset_id, trials: int, **options):
    holder, on_progress = _stop_after(trials)
    tuner = Tuner(ws, dataset_id, 3600, on_progress=on_progress, **options)
    holder["tuner"] = tuner
    return tuner.run()


def test_a_search_stores_every_trial_goes_beyond_the_portfolio_and_continues(workspace, dataset_id):
    workspace.start(InlineExecutor())
    first = _search(workspace, dataset_id, 12)
    assert first.stopped == "user" and first.trials >= 12
    assert first.best is not None and first.best.rows is None  # scored on all rows, 5-fold
    assert first.curve and first.curve[-1][1] == first.best.score

    stored = workspace.experiments(dataset_id, ("ok",))
    assert len(stored) >= first.total_trials  # (the trial stopped mid-way may still finish)
    assert {e.status for e in workspace.experiments(dataset_id)} <= {"ok", "cancelled"}
    board = workspace.leaderboard(dataset_id)
    assert board["tuned"].any()  # points outside the shipped grid were tried and are marked
    for e in stored:  # each one's id is stable: it reads back to the same configuration
        again = get_configuration(e.configuration_id)
        assert (again.id, again.label) == (e.configuration_id, e.configuration_label)

    # A second search starts from everything measured and never repeats a trial.
    second = _search(workspace, dataset_id, 4)
    assert second.curve[0] == (0.0, first.best.score)
    assert second.total_trials >= first.total_trials + 4
    ids = [e.configuration_id for e in workspace.experiments(dataset_id, ("ok",))]
    assert len(set(ids)) == len(ids)
    assert len(workspace.meta_dataset().runs.query("dataset_id == @dataset_id")) > 0


def test_a_search_ends_by_itself_when_the_budget_is_spent(workspace, dataset_id):
    workspace.start(InlineExecutor())
    snap = Tuner(workspace, dataset_id, 5, warm_start=False).run()
    assert snap.stopped == "budget"
    assert workspace.experiments(dataset_id, ("queued", "running")) == []


def test_a_cold_search_proposes_its_own_first_points(workspace, dataset_id):
    workspace.start(InlineExecutor())
    snap = _search(workspace, dataset_id, 3, warm_start=False, seed=3)
    assert snap.trials >= 3 and snap.best is not None


def test_run_accepts_a_configuration_of_the_search_space(tiny_csv, workspace_path, capsys):
    argv = ["--workspace", str(workspace_path), "run", str(tiny_csv), "--target", "y"]
    assert main([*argv, "--configs", "logreg:C=3", "--folds", "3", "--workers", "1"]) == 0
    assert "Logistic regression, C 3" in capsys.readouterr().out
    assert main([*argv, "--configs", "logreg:C=3000"]) == 2
    assert "outside the search space" in capsys.readouterr().err


def test_tune_on_the_command_line_prints_the_json_the_issue_promises(
    tiny_csv, workspace_path, capsys
):
    argv = ["--workspace", str(workspace_path), "tune", str(tiny_csv), "--target", "y"]
    assert main([*argv, "--budget", "12", "--workers", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["metric"] == "accuracy" and data["trials"] >= 1
    assert {"configuration_id", "score", "std"} <= set(data["best"])
    assert data["elapsed_seconds"] > 0 and data["curve"][-1][1] == data["best"]["score"]
    with Workspace.open(workspace_path, prior_dir=False) as ws:
        assert len(ws.experiments()) >= data["trials"]


def test_tune_refuses_a_budget_it_cannot_read(tiny_csv, workspace_path, capsys):
    argv = ["--workspace", str(workspace_path), "tune", str(tiny_csv), "--target", "y"]
    for bad in ("soon", "0", "-5", "nan"):
        try:
            main([*argv, "--budget", bad])
        except SystemExit as exc:
            assert exc.code == 2
        assert "budget" in capsys.readouterr().err


@pytest.mark.slow
def test_a_search_runs_its_trials_on_a_dask_cluster(workspace, dataset_id):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        workspace.start(scheduler=cluster.scheduler_address)
        snap = _search(workspace, dataset_id, 3)
        assert snap.trials >= 3 and snap.best is not None
        assert len(workspace.experiments(dataset_id, ("ok",))) >= 3
        workspace.close()

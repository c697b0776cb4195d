"""The queue as a user drives it: add a table, queue configurations, run, pause, cancel, close, reopen."""

from __future__ import annotations

from pathlib import Path

import pytest
from workspace_fakes import FakeExecutor, wait_until

from metadesk.errors import WorkspaceProblem
from metadesk.experiments.spec import Protocol
from metadesk.workspace import Workspace

LOGREG = "logreg:C=1"
DUMMY = "dummy:strategy=prior"
TREE = "tree:max_depth=3,min_samples_leaf=1"
SMALL = Protocol(folds=3, time_limit_s=60)


def test_adding_the_same_table_twice_keeps_one_dataset(workspace, dataset_id):
    again = workspace.add_dataset(workspace.load_task(dataset_id))
    assert again.dataset_id == dataset_id
    assert [d.dataset_id for d in workspace.datasets()] == [dataset_id]
    info = workspace.dataset(dataset_id)
    assert (info.name, info.task_type, info.target, info.n_rows) == ("tiny", "binary", "y", 60)


def test_a_task_is_rebuilt_from_the_snapshot_not_the_original_file(workspace, dataset_id, tiny_csv):
    tiny_csv.unlink()
    task = workspace.load_task(dataset_id)
    assert task.n_rows == 60 and task.target == "y"
    assert set(task.feature_columns) == {"a", "b", "colour"}


def test_an_unknown_dataset_is_a_plain_error(workspace):
    with pytest.raises(WorkspaceProblem, match="No dataset"):
        workspace.dataset("nope")


def test_queued_experiments_run_and_reach_the_leaderboard(workspace, dataset_id):
    events = []
    workspace.subscribe(events.append)
    ids = workspace.queue(dataset_id, [LOGREG, DUMMY, TREE], protocol=SMALL)
    assert len(set(ids)) == 3
    workspace.start(FakeExecutor(workers=2))
    assert workspace.wait(timeout=30)
    assert {e.status for e in workspace.experiments(dataset_id)} == {"ok"}
    board = workspace.leaderboard(dataset_id)
    assert list(board["configuration_id"]) and set(board["provenance"]) == {"own"}
    assert list(board["accuracy"]) == sorted(board["accuracy"], reverse=True)
    kinds = [e.kind for e in events]
    assert kinds.count("started") == 3 and kinds.count("finished") == 3
    finished = [e for e in events if e.kind == "finished"]
    assert all(e.payload.status == "ok" and "accuracy" in e.payload.scores for e in finished)
    assert "suggestions_stale" in kinds


def test_an_identical_experiment_is_never_run_twice(workspace, dataset_id):
    executor = FakeExecutor(workers=1)
    [first] = workspace.queue(dataset_id, [LOGREG], protocol=SMALL)
    workspace.start(executor)
    assert workspace.wait(timeout=30)
    assert workspace.queue(dataset_id, [LOGREG], protocol=SMALL) == [first]
    assert workspace.wait(timeout=30)
    assert len(executor.handles) == 1
    # Another protocol is another experiment.
    [other] = workspace.queue(dataset_id, [LOGREG], protocol=Protocol(folds=2))
    assert other != first


def test_a_queued_experiment_is_returned_not_duplicated(workspace, dataset_id):
    first = workspace.queue(dataset_id, [LOGREG, DUMMY], protocol=SMALL)
    assert workspace.queue(dataset_id, [DUMMY, LOGREG], protocol=SMALL) == first[::-1]
    assert len(workspace.experiments(dataset_id)) == 2


def test_higher_priority_runs_first(workspace, dataset_id):
    executor = FakeExecutor(workers=1)
    workspace.queue(dataset_id, [LOGREG], protocol=SMALL, priority=0)
    workspace.queue(dataset_id, [DUMMY], protocol=SMALL, priority=10)
    workspace.start(executor)
    assert workspace.wait(timeout=30)
    assert [h.spec.configuration.id for h in executor.handles] == [DUMMY, LOGREG]


def test_pause_holds_the_queue_and_resume_runs_it(workspace, dataset_id):
    workspace.pause()
    workspace.queue(dataset_id, [LOGREG, DUMMY], protocol=SMALL)
    executor = FakeExecutor(workers=2)
    workspace.start(executor)
    assert workspace.paused
    assert workspace.wait(timeout=0.5) is False
    assert executor.handles == []
    workspace.resume()
    assert workspace.wait(timeout=30)
    assert len(executor.handles) == 2


def test_cancelling_a_running_experiment_kills_only_it(workspace, dataset_id):
    executor = FakeExecutor(workers=2, delay=None)  # finish only when released
    a, b = workspace.queue(dataset_id, [LOGREG, DUMMY], protocol=SMALL)
    workspace.start(executor)
    wait_until(lambda: len(executor.handles) == 2)
    assert workspace.workers_status() == {"busy": 2, "free": 0, "total": 2}
    workspace.cancel(a)
    wait_until(lambda: executor.handles[0].cancelled)
    assert not executor.handles[1].cancelled
    executor.handles[1].release()
    assert workspace.wait(timeout=30)
    status = {e.experiment_id: e.status for e in workspace.experiments(dataset_id)}
    assert status == {a: "cancelled", b: "ok"}


def test_cancel_all_empties_the_queue(workspace, dataset_id):
    executor = FakeExecutor(workers=1, delay=None)
    ids = workspace.queue(dataset_id, [LOGREG, DUMMY, TREE], protocol=SMALL)
    workspace.start(executor)
    wait_until(lambda: len(executor.handles) == 1)
    workspace.cancel_all()
    assert workspace.wait(timeout=30)
    assert {e.status for e in workspace.experiments(dataset_id)} == {"cancelled"}
    assert executor.handles[0].cancelled and len(executor.handles) == 1
    # Cancelled experiments can be queued again by asking for them.
    assert workspace.queue(dataset_id, [LOGREG], protocol=SMALL) == [ids[0]]
    [again] = workspace.experiments(dataset_id, ["queued", "running"])
    assert again.experiment_id == ids[0]


def test_a_failed_experiment_is_kept_until_retried(workspace, dataset_id):
    from metadesk.experiments.spec import Result

    def fail(spec):
        return Result(spec.dataset_id, spec.configuration.id, "failed", error="It broke.")

    workspace.start(FakeExecutor(workers=1, outcome=fail))
    [eid] = workspace.queue(dataset_id, [LOGREG], protocol=SMALL)
    assert workspace.wait(timeout=30)
    [row] = workspace.experiments(dataset_id)
    assert (row.status, row.error, row.result.error) == ("failed", "It broke.", "It broke.")
    assert workspace.queue(dataset_id, [LOGREG], protocol=SMALL) == [eid]
    assert workspace.experiments(dataset_id)[0].status == "failed"
    workspace.retry(eid)
    assert workspace.wait(timeout=30)
    assert workspace.experiments(dataset_id)[0].status == "failed"


def test_closing_puts_running_experiments_back_in_the_queue(
    workspace_path, tiny_csv, dataset_id, workspace
):
    executor = FakeExecutor(workers=2, delay=None)
    workspace.queue(dataset_id, [LOGREG, DUMMY, TREE], protocol=SMALL)
    workspace.start(executor)
    wait_until(lambda: len(executor.handles) == 2)
    workspace.close()
    assert executor.closed and all(h.cancelled for h in executor.handles)
    with Workspace.open(workspace_path, prior_dir=False) as again:
        assert {e.status for e in again.experiments()} == {"queued"}


def test_a_broken_executor_keeps_the_queue(workspace, dataset_id):
    events = []
    workspace.subscribe(events.append)
    workspace.queue(dataset_id, [LOGREG, DUMMY], protocol=SMALL)
    workspace.start(FakeExecutor(fail_submit=OSError("workers are gone")))
    assert workspace.wait(timeout=30) is False
    assert workspace.paused
    assert {e.status for e in workspace.experiments(dataset_id)} == {"queued"}
    errors = [e for e in events if e.kind == "executor_error"]
    assert errors and "workers are gone" in errors[0].payload.message


def test_removing_a_dataset_cancels_its_queue(workspace, dataset_id):
    workspace.queue(dataset_id, [LOGREG], protocol=SMALL)
    workspace.remove_dataset(dataset_id)
    assert workspace.datasets() == [] and workspace.experiments() == []


def test_unsubscribed_listeners_hear_nothing(workspace, dataset_id):
    heard = []
    unsubscribe = workspace.subscribe(heard.append)
    unsubscribe()
    workspace.queue(dataset_id, [LOGREG], protocol=SMALL)
    assert heard == []


def test_a_second_workspace_on_the_same_file_leaves_running_work_alone(
    workspace_path, workspace, dataset_id
):
    executor = FakeExecutor(workers=1, delay=None)
    workspace.queue(dataset_id, [LOGREG], protocol=SMALL)
    workspace.start(executor)
    wait_until(lambda: len(executor.handles) == 1)
    with Workspace.open(workspace_path, prior_dir=False) as other:
        assert [e.status for e in other.experiments()] == ["running"]
    executor.handles[0].release()
    assert workspace.wait(timeout=30)
    assert workspace.experiments()[0].status == "ok"


def test_a_timed_out_experiment_runs_again_only_with_more_time(workspace, dataset_id):
    from metadesk.experiments.spec import Result

    def too_slow(spec):
        return Result(spec.dataset_id, spec.configuration.id, "timeout", error="Took too long.")

    executor = FakeExecutor(workers=1, outcome=too_slow)
    workspace.start(executor)
    [eid] = workspace.queue(dataset_id, [LOGREG], protocol=Protocol(folds=3, time_limit_s=5))
    assert workspace.wait(timeout=30)
    assert workspace.queue(dataset_id, [LOGREG], protocol=Protocol(folds=3, time_limit_s=5)) == [
        eid
    ]
    assert workspace.wait(timeout=30) and len(executor.handles) == 1
    assert workspace.queue(dataset_id, [LOGREG], protocol=Protocol(folds=3, time_limit_s=50)) == [
        eid
    ]
    assert workspace.wait(timeout=30) and len(executor.handles) == 2
    assert executor.handles[1].spec.protocol.time_limit_s == 50


def test_a_listener_may_close_the_workspace(workspace, dataset_id):
    def close_on_finish(event):
        if event.kind == "finished":
            workspace.close()

    workspace.subscribe(close_on_finish)
    workspace.queue(dataset_id, [LOGREG], protocol=SMALL)
    workspace.start(FakeExecutor())
    wait_until(lambda: not workspace.running)


def test_a_lost_snapshot_is_restored_by_loading_the_table_again(workspace, dataset_id, tiny_csv):
    workspace.queue(dataset_id, [LOGREG], protocol=SMALL)
    workspace.start(FakeExecutor())
    assert workspace.wait(timeout=30)
    task = workspace.load_task(dataset_id)
    Path(workspace.dataset(dataset_id).snapshot_path).unlink()
    with pytest.raises(WorkspaceProblem, match="missing"):
        workspace.load_task(dataset_id)
    workspace.add_dataset(task)
    assert workspace.load_task(dataset_id).n_rows == 60
    assert [e.status for e in workspace.experiments(dataset_id)] == ["ok"]  # results kept


def test_a_moved_workspace_folder_finds_its_snapshots(
    workspace_path, workspace, dataset_id, tmp_path
):
    import shutil

    workspace.close()
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.copy(workspace_path, moved / workspace_path.name)
    shutil.copytree(workspace_path.parent / "snapshots", moved / "snapshots")
    shutil.rmtree(workspace_path.parent / "snapshots")
    with Workspace.open(moved / workspace_path.name, prior_dir=False) as again:
        assert again.load_task(dataset_id).n_rows == 60


def test_stopping_the_workers_keeps_the_queue_for_another_executor(workspace, dataset_id):
    first = FakeExecutor(workers=1, delay=None)
    workspace.queue(dataset_id, [LOGREG, DUMMY], protocol=SMALL)
    workspace.start(first)
    wait_until(lambda: len(first.handles) == 1)
    workspace.stop()
    assert first.closed and not workspace.running
    assert {e.status for e in workspace.experiments()} == {"queued"}
    second = FakeExecutor(workers=2)
    workspace.start(second)
    assert workspace.wait(timeout=30)
    assert {e.status for e in workspace.experiments()} == {"ok"} and len(second.handles) == 2

"""Experiments that fail in the worker: the queue records a plain reason and carries on."""

from __future__ import annotations

import time

import faulty_algorithms
import pytest

from metadesk.experiments import LocalExecutor
from metadesk.experiments.spec import Protocol

DUMMY = "dummy:strategy=prior"


def _run(workspace, dataset_id, kind: str, protocol: Protocol):
    executor = LocalExecutor(1, initializer=faulty_algorithms.register)
    [bad] = workspace.queue(dataset_id, [faulty_algorithms.configuration(kind)], protocol=protocol)
    [good] = workspace.queue(dataset_id, [DUMMY], protocol=Protocol(folds=3))
    workspace.start(executor)
    assert workspace.wait(timeout=120)
    rows = {e.experiment_id: e for e in workspace.experiments(dataset_id)}
    assert rows[good].status == "ok", rows[good].error
    return rows[bad]


def test_an_experiment_that_raises_is_failed_with_its_message(workspace, dataset_id):
    row = _run(workspace, dataset_id, "raising", Protocol(folds=3))
    assert row.status == "failed"
    assert "this model always fails" in row.error + row.result.details
    assert row.result is not None and not row.result.mean


def test_an_experiment_over_its_time_limit_times_out(workspace, dataset_id):
    row = _run(workspace, dataset_id, "sleepy", Protocol(folds=3, time_limit_s=2))
    assert row.status == "timeout"
    assert row.error


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="memory limits are POSIX")
def test_an_experiment_over_its_memory_limit_fails_plainly(workspace, dataset_id):
    row = _run(workspace, dataset_id, "hungry", Protocol(folds=3, memory_limit_mb=300))
    assert row.status == "failed"
    assert "memory" in row.error.lower()


def test_cancelling_a_running_experiment_kills_its_worker_only(workspace, dataset_id):
    executor = LocalExecutor(2, initializer=faulty_algorithms.register)
    sleepy = faulty_algorithms.configuration("sleepy")
    [slow] = workspace.queue(dataset_id, [sleepy], protocol=Protocol(folds=3, time_limit_s=120))
    workspace.start(executor)
    deadline = time.monotonic() + 60
    while workspace.experiments(dataset_id, ["running"]) == []:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    workspace.cancel(slow)
    [good] = workspace.queue(dataset_id, [DUMMY], protocol=Protocol(folds=3))
    assert workspace.wait(timeout=120)
    rows = {e.experiment_id: e.status for e in workspace.experiments(dataset_id)}
    assert rows == {slow: "cancelled", good: "ok"}


def test_closing_with_running_experiments_leaves_no_process_and_requeues(
    workspace_path, workspace, dataset_id
):
    from metadesk.workspace import Workspace

    executor = LocalExecutor(1, initializer=faulty_algorithms.register)
    sleepy = faulty_algorithms.configuration("sleepy")
    workspace.queue(dataset_id, [sleepy], protocol=Protocol(folds=3, time_limit_s=120))
    workspace.start(executor)
    deadline = time.monotonic() + 60
    while workspace.experiments(dataset_id, ["running"]) == []:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    workspace.close()  # the autouse fixture fails the test if a worker process survives
    with Workspace.open(workspace_path, prior_dir=False) as again:
        assert [e.status for e in again.experiments()] == ["queued"]

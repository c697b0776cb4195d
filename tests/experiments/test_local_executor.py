"""`LocalExecutor`: experiments in worker processes that can time out, run out of memory, be
cancelled, and run side by side; closing leaves no process behind (the autouse fixture checks)."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time

import pytest
import trial_algorithms
from experiment_tables import ROLES

from metadesk.errors import ExecutionProblem
from metadesk.experiments import LocalExecutor, run
from metadesk.experiments.local import default_workers
from metadesk.experiments.spec import ExperimentSpec, Protocol
from metadesk.portfolio import get_configuration


def make_spec(path, configuration, **protocol) -> ExperimentSpec:
    if isinstance(configuration, str):
        configuration = get_configuration(configuration)
    return ExperimentSpec(
        dataset_id="toy",
        snapshot_path=path,
        target="y",
        task_type="binary",
        roles=ROLES,
        configuration=configuration,
        protocol=Protocol(**{"folds": 3, **protocol}),
    )


def wait_until(condition, timeout=180.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


@pytest.fixture
def executor():
    made = []

    def make(workers=1, **kwargs):
        ex = LocalExecutor(workers, initializer=trial_algorithms.register, **kwargs)
        made.append(ex)
        return ex

    yield make
    for ex in made:
        ex.close()


def test_results_match_the_in_process_run(snapshot, executor):
    path = snapshot()
    ex = executor(1)
    spec = make_spec(path, "logreg:C=1")
    result = ex.submit(spec).result(timeout=120)
    assert result.ok
    assert result.fold_scores == run(spec).fold_scores


def test_two_workers_run_two_experiments_at_once(snapshot, executor):
    path = snapshot()
    ex = executor(2)
    sleeping = trial_algorithms.configuration("sleeping", seconds=0.5)
    handles = [ex.submit(make_spec(path, sleeping, folds=2)) for _ in range(2)]
    seen = []

    def both_running():
        seen.append(sum(h.running() for h in handles))
        return seen[-1] == 2 or all(h.done() for h in handles)

    wait_until(both_running)
    assert max(seen) == 2 and ex.busy() <= 2
    assert [h.result(120).status for h in handles] == ["ok", "ok"]
    wait_until(lambda: ex.busy() == 0)
    assert ex.describe() == "2 local workers"


def test_an_experiment_that_raises_gives_a_failed_result(snapshot, executor):
    ex = executor(1)
    result = ex.submit(make_spec(snapshot(), trial_algorithms.configuration("exploding"))).result(
        120
    )
    assert result.status == "failed"
    assert "the solver diverged" in result.error
    assert "ValueError" in result.details


def test_an_experiment_over_its_time_limit_times_out_and_the_worker_carries_on(snapshot, executor):
    path = snapshot()
    ex = executor(1)
    slow = make_spec(path, trial_algorithms.configuration("sleeping", seconds=60), time_limit_s=1)
    result = ex.submit(slow).result(120)
    assert result.status == "timeout"
    assert "time limit of 1 seconds" in result.error
    assert ex.submit(make_spec(path, "dummy:strategy=prior")).result(120).ok


@pytest.mark.skipif(sys.platform == "win32", reason="memory limits need POSIX rlimits")
def test_an_experiment_over_its_memory_limit_fails_as_out_of_memory(snapshot, executor):
    path = snapshot()
    ex = executor(1, memory_limit_mb=300)
    result = ex.submit(make_spec(path, trial_algorithms.configuration("hoarding"))).result(120)
    assert result.status == "failed"
    assert "ran out of memory" in result.error
    assert "300 MB" in result.error
    # The limit was for that experiment only: the next one in the same worker runs normally.
    assert ex.submit(make_spec(path, "logreg:C=1")).result(120).ok


def test_cancelling_a_running_experiment_kills_only_its_worker(snapshot, executor):
    path = snapshot()
    before = {p.pid for p in multiprocessing.active_children()}
    ex = executor(2)
    sleepy = ex.submit(make_spec(path, trial_algorithms.configuration("sleeping", seconds=60)))
    other = ex.submit(make_spec(path, trial_algorithms.configuration("sleeping", seconds=3)))
    wait_until(lambda: sleepy.running() and other.running())
    wait_until(lambda: len({p.pid for p in multiprocessing.active_children()} - before) == 2)
    workers = {p.pid for p in multiprocessing.active_children()} - before
    sleepy.cancel()
    assert sleepy.result(5).status == "cancelled"
    # One worker process is gone (its core is free), the other one finishes its experiment.
    wait_until(lambda: len(workers - {p.pid for p in multiprocessing.active_children()}) == 1, 20)
    assert other.result(120).status == "ok"
    assert ex.submit(make_spec(path, "dummy:strategy=prior")).result(120).ok


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process niceness on this OS")
def test_experiments_run_below_the_applications_priority(snapshot, executor):
    """With every core fitting models, the window must still get the CPU when it needs it."""
    path = snapshot()
    before = {p.pid for p in multiprocessing.active_children()}
    ex = executor(1)
    sleepy = ex.submit(make_spec(path, trial_algorithms.configuration("sleeping", seconds=3)))
    wait_until(lambda: sleepy.running())
    wait_until(lambda: {p.pid for p in multiprocessing.active_children()} - before)
    (worker,) = {p.pid for p in multiprocessing.active_children()} - before
    assert os.getpriority(os.PRIO_PROCESS, worker) > os.getpriority(os.PRIO_PROCESS, 0)
    assert sleepy.result(120).status == "ok"


def test_cancelling_a_waiting_experiment_never_starts_it(snapshot, executor):
    path = snapshot()
    ex = executor(1)
    first = ex.submit(make_spec(path, trial_algorithms.configuration("sleeping", seconds=1)))
    waiting = ex.submit(make_spec(path, "logreg:C=1"))
    assert not waiting.running()
    waiting.cancel()
    assert waiting.done() and waiting.result().status == "cancelled"
    assert first.result(120).ok


def test_close_cancels_running_and_waiting_experiments(snapshot, executor):
    path = snapshot()
    ex = executor(1)
    running = ex.submit(make_spec(path, trial_algorithms.configuration("sleeping", seconds=60)))
    waiting = ex.submit(make_spec(path, "logreg:C=1"))
    wait_until(running.running)
    ex.close(cancel=True)
    assert running.result(5).status == "cancelled"
    assert waiting.result(5).status == "cancelled"
    with pytest.raises(ExecutionProblem):
        ex.submit(make_spec(path, "logreg:C=1"))


def test_close_without_cancel_lets_experiments_finish(snapshot, executor):
    path = snapshot()
    ex = executor(1)
    handles = [ex.submit(make_spec(path, c)) for c in ("logreg:C=1", "dummy:strategy=prior")]
    ex.close(cancel=False)
    assert [h.result(0).status for h in handles] == ["ok", "ok"]


def test_default_workers_leave_a_core_for_the_application():
    assert default_workers() == max(1, (os.cpu_count() or 1) - 1)

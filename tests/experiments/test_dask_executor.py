"""`DaskExecutor` against a real `LocalCluster` on 127.0.0.1: same scores as the local pool,
cancelling and time limits that work, and a plain error for an unreachable scheduler."""

from __future__ import annotations

import time

import pytest
import trial_algorithms
from experiment_tables import ROLES

from metadesk.errors import ExecutionProblem
from metadesk.experiments import DaskExecutor, LocalExecutor, check_scheduler
from metadesk.experiments.spec import ExperimentSpec, Protocol
from metadesk.portfolio import get_configuration

distributed = pytest.importorskip("distributed")

UNREACHABLE = "tcp://127.0.0.1:1"


def make_spec(path, configuration, **protocol) -> ExperimentSpec:
    if isinstance(configuration, str):
        configuration = get_configuration(configuration)
    return ExperimentSpec(
        dataset_id=path,
        snapshot_path=path,
        target="y",
        task_type="binary",
        roles=ROLES,
        configuration=configuration,
        protocol=Protocol(**{"folds": 3, **protocol}),
    )


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local_cluster:
        yield local_cluster


def test_unreachable_scheduler_is_a_plain_execution_problem_quickly():
    start = time.monotonic()
    with pytest.raises(ExecutionProblem) as caught:
        DaskExecutor(UNREACHABLE, connect_timeout=1)
    assert "cannot be reached" in caught.value.message
    assert caught.value.hint
    with pytest.raises(ExecutionProblem):
        check_scheduler(UNREACHABLE, timeout=1)
    assert time.monotonic() - start < 30  # generous: connecting gives up after about a second


def test_check_scheduler_describes_the_cluster(cluster):
    text = check_scheduler(cluster.scheduler_address)
    assert cluster.scheduler_address in text and "1 worker" in text


def test_dask_gives_the_same_scores_as_the_local_pool(cluster, snapshot):
    path = snapshot()
    configs = [
        "logreg:C=1",
        "random_forest:max_features=sqrt,min_samples_leaf=5",
        "knn:n_neighbors=5",
    ]
    dask = DaskExecutor(cluster.scheduler_address)
    try:
        assert dask.describe() == f"Dask cluster at {cluster.scheduler_address}: 1 worker"
        assert dask.workers == 1
        remote = [dask.submit(make_spec(path, c)) for c in configs]
        remote_results = [h.result(300) for h in remote]
        assert len(dask._data) == 1  # the snapshot was sent once for three experiments
    finally:
        dask.close()
    with LocalExecutor(1) as local:
        local_results = [local.submit(make_spec(path, c)).result(300) for c in configs]
    for remote_result, local_result in zip(remote_results, local_results, strict=True):
        assert remote_result.status == local_result.status == "ok"
        assert remote_result.fold_scores == local_result.fold_scores


def test_dask_time_limit_failure_and_cancel(cluster, snapshot):
    path = snapshot()
    dask = DaskExecutor(cluster.scheduler_address, initializer=trial_algorithms.register)
    try:
        slow = trial_algorithms.configuration("sleeping", seconds=60)
        timed = dask.submit(make_spec(path, slow, time_limit_s=1)).result(300)
        assert timed.status == "timeout"
        failed = dask.submit(make_spec(path, trial_algorithms.configuration("exploding")))
        assert failed.result(300).status == "failed"
        assert "the solver diverged" in failed.result().error

        running = dask.submit(make_spec(path, slow))
        deadline = time.monotonic() + 120
        while dask.busy() == 0:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        running.cancel()
        assert running.result(5).status == "cancelled"
        # The cancelled experiment's process was killed, so the single worker is free again.
        assert dask.submit(make_spec(path, "dummy:strategy=prior")).result(120).ok
    finally:
        dask.close()

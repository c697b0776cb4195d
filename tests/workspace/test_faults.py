"""Faults the queue must survive: a crash of the process running it, a broken or unreachable cluster."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from metadesk.experiments.spec import Protocol
from metadesk.knowledge.store import Store
from metadesk.workspace import Workspace

HERE = Path(__file__).parent
QUICK = ["logreg:C=1", "logreg:C=10", "dummy:strategy=prior"]


@pytest.mark.skipif(os.name != "posix", reason="kill -9 is POSIX")
def test_kill_9_while_two_experiments_run(workspace_path, workspace, dataset_id):
    import faulty_algorithms

    slow = [
        dataclasses.replace(faulty_algorithms.configuration("sleepy"), id=f"test_sleepy:n={i}")
        for i in range(3)
    ]
    workspace.queue(dataset_id, QUICK, protocol=Protocol(folds=3), priority=1)
    workspace.queue(dataset_id, slow, protocol=Protocol(folds=3, time_limit_s=300))
    workspace.close()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), *sys.path]))
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "queue_process.py"), str(workspace_path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its worker processes can be cleaned up with it
    )
    watcher = Store(workspace_path)
    try:
        deadline = time.monotonic() + 240
        while not (watcher.count(["ok"]) == 3 and watcher.count(["running"]) == 2):
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the queue never had two experiments running"
            time.sleep(0.05)
        finished = {e["id"]: e["result"] for e in watcher.experiments(statuses=["ok"])}
        os.kill(proc.pid, signal.SIGKILL)  # the process running the queue, mid-flight
        proc.wait(timeout=30)
    finally:
        watcher.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # its orphaned workers
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        proc.stderr.close()

    with Workspace.open(workspace_path, prior_dir=False) as again:
        assert again.store.integrity_ok()
        rows = {e.experiment_id: e for e in again.experiments()}
        ok = {i: e for i, e in rows.items() if e.status == "ok"}
        assert set(ok) == set(finished)
        assert {e.configuration_id for e in ok.values()} == set(QUICK)
        assert all(e.result is not None and e.result.mean["accuracy"] > 0 for e in ok.values())
        interrupted = [e for e in rows.values() if e.interruptions]
        assert len(interrupted) == 2
        assert all(e.status == "queued" for e in interrupted)
        assert {e.configuration_id for e in rows.values() if e.status == "queued"} == {
            c.id for c in slow
        }


def test_an_unreachable_scheduler_is_a_clear_error_and_keeps_the_queue(workspace, dataset_id):
    from metadesk.errors import ExecutionProblem

    pytest.importorskip("metadesk.experiments.cluster")
    ids = workspace.queue(dataset_id, QUICK, protocol=Protocol(folds=3))
    with pytest.raises(ExecutionProblem) as caught:
        workspace.start(scheduler="tcp://127.0.0.1:9")  # the discard port: nothing listens
    assert "127.0.0.1:9" in caught.value.message and caught.value.hint
    assert not workspace.running
    assert [e.experiment_id for e in workspace.experiments(statuses=["queued"])] == ids


@pytest.mark.slow
def test_the_queue_runs_on_a_local_dask_cluster(workspace, dataset_id):
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("metadesk.experiments.cluster")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        ids = workspace.queue(dataset_id, QUICK[:2], protocol=Protocol(folds=3))
        workspace.start(scheduler=cluster.scheduler_address)
        assert workspace.wait(timeout=300)
        rows = {e.experiment_id: e for e in workspace.experiments(dataset_id)}
        assert [rows[i].status for i in ids] == ["ok", "ok"], [rows[i].error for i in ids]
        workspace.close()

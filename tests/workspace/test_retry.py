"""A worker killed from outside is said to be so (not "out of memory"), and failed experiments
can be run again: `metadesk run --retry-failed`, and `Workspace.retry` behind the dock's button."""

from __future__ import annotations

import os
import signal
import time

import faulty_algorithms
import pytest

from metadesk.cli import main
from metadesk.experiments import LocalExecutor
from metadesk.experiments.executor import crash_message
from metadesk.experiments.spec import Protocol


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_a_worker_killed_from_outside_is_not_called_out_of_memory(
    workspace, dataset_id, tmp_path, monkeypatch
):
    # Before: "The worker process stopped unexpectedly (exit code -9). The experiment most likely
    # ran out of memory", and nothing offered to run it again.
    mark = tmp_path / "fitting.pid"
    monkeypatch.setenv("METADESK_TEST_FIT_MARK", str(mark))
    workspace.start(LocalExecutor(1, initializer=faulty_algorithms.register))
    sleepy = faulty_algorithms.configuration("sleepy")
    [eid] = workspace.queue(dataset_id, [sleepy], protocol=Protocol(folds=3, time_limit_s=120))
    deadline = time.monotonic() + 120
    while not mark.exists() or not mark.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(int(mark.read_text()), signal.SIGKILL)
    assert workspace.wait(timeout=120)
    [row] = [e for e in workspace.experiments(dataset_id) if e.experiment_id == eid]
    assert row.status == "failed"
    assert "ended from outside metadesk (SIGKILL)" in row.error
    assert "ran out of memory" not in row.error and "run it again" in row.error

    workspace.retry(eid)  # what the dock's "Run again" calls
    [again] = [e for e in workspace.experiments(dataset_id) if e.experiment_id == eid]
    assert again.status in ("queued", "running")
    workspace.cancel(eid)


def test_crash_messages_tell_a_crash_from_a_kill():
    assert "ran out of memory (limit 512 MB)" in crash_message(-6, 512)
    assert "crashed (SIGSEGV)" in crash_message(-11, 512)
    assert "from outside metadesk (SIGTERM)" in crash_message(-15, 512)
    assert "exit code 3" in crash_message(3, None)


def test_run_retry_failed_runs_failed_experiments_again(tiny_csv, workspace_path, capsys):
    argv = ["--workspace", str(workspace_path), "run", str(tiny_csv), "--target", "y"]
    configs = ["--configs", "logreg:C=1", "--folds", "3", "--workers", "1"]
    assert main([*argv, *configs, "--memory-limit", "2048"]) == 0
    import sqlite3

    with sqlite3.connect(workspace_path) as con:  # as a killed worker leaves it
        con.execute("UPDATE experiments SET status = 'failed', error = 'killed', scores = NULL")
    con.close()
    capsys.readouterr()
    assert main([*argv, *configs]) == 1  # without the flag a failed experiment stays failed
    out = capsys.readouterr().out
    assert "1 experiments (1 already done)" in out and "--retry-failed" in out
    assert main([*argv, *configs, "--retry-failed"]) == 0
    out = capsys.readouterr().out
    assert "1 experiments (0 already done)" in out and "[1/1] ok" in out


def test_memory_limit_is_refused_below_64_mb(tiny_csv, workspace_path, capsys):
    argv = ["--workspace", str(workspace_path), "run", str(tiny_csv), "--target", "y"]
    with pytest.raises(SystemExit):
        main([*argv, "--memory-limit", "10"])
    assert "the memory limit (MB) must be at least 64, not 10" in capsys.readouterr().err

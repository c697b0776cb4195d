"""Meta-features computed in a child process (what the GUI uses): the same values as in-process,
stored the same way, plain-language problems, a crashed child replaced, nothing left running."""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metadesk.errors import WorkspaceProblem
from metadesk.workspace import Workspace
from metadesk.workspace.metafeature_child import MetaFeatureChild, compute


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    a = rng.normal(size=n)
    colour = rng.choice(["red", "green", "blue"], size=n)
    y = np.where(a + rng.normal(scale=0.5, size=n) > 0, "yes", "no")
    return pd.DataFrame({"a": a, "colour": colour, "y": y})


def _children() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "metadesk-metafeatures"]


def _same(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(
        a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a
    )


@pytest.fixture
def isolated(workspace_path):
    ws = Workspace.open(workspace_path, prior_dir=False)
    ws.isolate_meta_features(True)
    try:
        yield ws
    finally:
        ws.close()


def _add(ws: Workspace, n: int = 80) -> str:
    return ws.add_dataset(ws.make_task(_frame(n), "y", name="tiny", folds=3)).dataset_id


def test_the_child_computes_what_this_process_computes_and_stores_it(isolated, tmp_path):
    dataset_id = _add(isolated)
    values = isolated.meta_features(dataset_id)
    (child,) = _children()
    if hasattr(os, "nice"):  # it runs below the window's priority, like the experiment workers
        assert os.getpriority(os.PRIO_PROCESS, child.pid) > os.getpriority(os.PRIO_PROCESS, 0)
    assert values.to_records() == isolated.meta_features(dataset_id).to_records()  # from the store

    with Workspace.open(tmp_path / "in_process.sqlite", prior_dir=False) as plain:
        expected = plain.meta_features(_add(plain))
    assert _same(values.as_floats(), expected.as_floats())
    assert [v.status for v in values.values()] == [v.status for v in expected.values()]


def test_a_lost_snapshot_is_reported_in_plain_words_and_a_killed_child_is_replaced(isolated):
    dataset_id = _add(isolated)
    isolated._meta_features._child.start()
    (child,) = _children()
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)

    Path(isolated.dataset(dataset_id).snapshot_path).unlink()
    with pytest.raises(WorkspaceProblem, match="stored copy of 'tiny' is missing"):
        isolated.meta_features(dataset_id)
    assert [p.pid for p in _children()] != [child.pid]  # a new one answered

    isolated.isolate_meta_features(False)  # back in this process: same answer
    assert not _children()
    with pytest.raises(WorkspaceProblem, match="stored copy of 'tiny' is missing"):
        isolated.meta_features(dataset_id)


def test_closing_while_it_computes_stops_the_child_and_frees_the_waiting_call(isolated):
    dataset_id = _add(isolated)
    outcome: list = []

    def ask() -> None:
        try:
            outcome.append(isolated.meta_features(dataset_id))
        except WorkspaceProblem as exc:
            outcome.append(exc)

    asking = threading.Thread(target=ask)
    asking.start()
    while not _children():  # the request is on its way; the child is still loading pandas
        asking.join(0.01)
    isolated.close()
    asking.join(30)
    assert not asking.is_alive()
    assert not _children()
    assert isinstance(outcome[0], WorkspaceProblem) or outcome[0].as_floats()


def test_a_closed_child_refuses_new_work():
    child = MetaFeatureChild()
    child.close()
    with pytest.raises(WorkspaceProblem, match="closed"):
        child.extract({"name": "tiny"})


def test_a_bug_in_extraction_comes_back_as_a_traceback_not_a_crash():
    reply = compute({"snapshot_path": None, "name": "x"})
    assert reply["ok"] is False and reply["problem"] is False
    assert "TypeError" in reply["traceback"]

"""Fixtures for the workspace: a tiny table, a workspace without prior, and an in-process executor
whose experiments finish when the test says so (no threads, no processes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metadesk.workspace import Workspace


def tiny_frame(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = rng.normal(size=n)
    colour = rng.choice(["red", "green", "blue"], size=n)
    y = np.where(a + 0.5 * b + rng.normal(scale=0.3, size=n) > 0, "yes", "no")
    return pd.DataFrame({"a": a, "b": b, "colour": colour, "y": y})


@pytest.fixture
def tiny_csv(tmp_path):
    path = tmp_path / "tiny.csv"
    tiny_frame().to_csv(path, index=False)
    return path


@pytest.fixture
def workspace(workspace_path):
    ws = Workspace.open(workspace_path, prior_dir=False)
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture
def dataset_id(workspace, tiny_csv):
    frame, _report = workspace.read_table(tiny_csv)
    task = workspace.make_task(frame, "y", name="tiny", source_path=tiny_csv, folds=3)
    return workspace.add_dataset(task).dataset_id

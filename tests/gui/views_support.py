"""Support for the view tests: real experiments run in-process, a small real prior built from them,
and a workspace over that prior with one dataset and a few finished runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from inline_executor import InlineExecutor

from metadesk.experiments.spec import Protocol
from metadesk.gui.workers import WorkspaceBridge
from metadesk.workspace import Workspace

# Fast configurations (a fraction of a second on 60 rows with 2 folds).
FAST = (
    "logreg:C=1",
    "knn:n_neighbors=5",
    "tree:max_depth=3,min_samples_leaf=1",
    "gaussian_nb:var_smoothing=1e-09",
    "lda:shrinkage=true",
)
TWO_FOLDS = Protocol(folds=2, time_limit_s=60)


def table(n: int = 60, seed: int = 0, *, noise: float = 0.3, extra: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n), rng.normal(size=n)
    frame = pd.DataFrame({"a": a, "b": b, "colour": rng.choice(["red", "green", "blue"], size=n)})
    for i in range(extra):
        frame[f"x{i}"] = rng.normal(size=n)
    signal = a + 0.5 * b if seed % 2 == 0 else a * b
    frame["y"] = np.where(signal + rng.normal(scale=noise, size=n) > 0, "yes", "no")
    return frame


def add_table(ws: Workspace, frame: pd.DataFrame, folder, name: str, file: str = "") -> str:
    path = folder / f"{file or name}.csv"
    frame.to_csv(path, index=False)
    loaded, _ = ws.read_table(path)
    task = ws.make_task(loaded, "y", name=name, source_path=path)
    return ws.add_dataset(task).dataset_id


def build_prior(folder) -> None:
    """Knowledge from five small datasets x the fast configurations, exported as a prior."""
    ws = Workspace.open(folder / "builder.sqlite", prior_dir=False)
    try:
        ws.start(InlineExecutor())
        for i in range(5):
            frame = table(50 + 10 * i, seed=10 + i, noise=0.2 + 0.2 * i, extra=i)
            dataset_id = add_table(ws, frame, folder, f"past-{i}")
            ws.meta_features(dataset_id)
            ws.queue(dataset_id, list(FAST), protocol=TWO_FOLDS)
        assert ws.wait(300)
        for path in ws.export_knowledge(folder / "prior", fmt="csv"):
            frame = pd.read_csv(path)
            frame["provenance"] = "prior"  # as the shipped prior is labelled
            frame.to_csv(path, index=False)
    finally:
        ws.close()


@pytest.fixture(scope="session")
def prior_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prior")
    build_prior(folder)
    return folder / "prior"


@pytest.fixture
def views_workspace(tmp_path, prior_folder):
    """(workspace, dataset id): the prior above plus one dataset, dispatching in-process."""
    ws = Workspace.open(tmp_path / "views.sqlite", prior_dir=prior_folder)
    try:
        dataset_id = add_table(ws, table(60, seed=2), tmp_path, "<i>churn</i> sample", "churn")
        ws.meta_features(dataset_id)
        ws.start(InlineExecutor())
        yield ws, dataset_id
    finally:
        ws.close()


@pytest.fixture
def views_bridge(qtbot, views_workspace):
    bridge = WorkspaceBridge(views_workspace[0])
    bridge.show_error_dialogs = False
    yield bridge
    bridge.shutdown()


def run_and_wait(ws: Workspace, dataset_id: str, configuration_ids) -> None:
    ws.queue(dataset_id, list(configuration_ids), protocol=TWO_FOLDS)
    assert ws.wait(120)


def showing(qtbot, view, size: tuple[int, int]):
    """`view` shown at `size`, closed with the test."""
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    return view


def set_dataset_and_wait(qtbot, view, signal, dataset_id):
    """Show `dataset_id` in `view`; the first argument of `signal` once it has been drawn."""
    with qtbot.waitSignal(signal, timeout=60_000) as blocker:
        view.set_dataset(dataset_id)
    return blocker.args[0] if blocker.args else None


def use_result(qtbot, results_view, button, save_as, open_path=None) -> list:
    """Click a Results action with its file dialogs answered; the `done` signal's arguments."""
    if open_path is not None:
        results_view.use_result.ask_open_path = lambda *a: str(open_path)
    results_view.use_result.ask_save_path = lambda *a: str(save_as)
    with qtbot.waitSignal(results_view.use_result.done, timeout=120_000) as blocker:
        button.click()
    return blocker.args

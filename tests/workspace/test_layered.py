"""Knowledge in layers: a prior, imported knowledge and this workspace's own results (own wins)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from workspace_fakes import FakeExecutor

from metadesk.data import make_task, read_table
from metadesk.experiments.spec import Protocol
from metadesk.metafeatures import FEATURE_NAMES
from metadesk.metamodel import write_exchange
from metadesk.metamodel.values import MetaDataset
from metadesk.portfolio import default_portfolio
from metadesk.workspace import Workspace

CONFIGS = [c for c in default_portfolio("binary")][:12]


def knowledge(dataset_ids: list[str], seed: int = 0, provenance: str = "prior") -> MetaDataset:
    rng = np.random.default_rng(seed)
    names = FEATURE_NAMES("binary")[:10]
    datasets = pd.DataFrame(
        {
            "name": [f"known-{i}" for i in range(len(dataset_ids))],
            "task_type": "binary",
            "group": [f"g{i}" for i in range(len(dataset_ids))],
            "provenance": provenance,
            **{n: rng.normal(size=len(dataset_ids)) for n in names},
        },
        index=pd.Index(dataset_ids, name="dataset_id"),
    )
    quality = {c.id: rng.uniform(0.6, 0.9) for c in CONFIGS}
    runs = pd.DataFrame(
        [
            {
                "dataset_id": d,
                "configuration_id": c.id,
                "algorithm": c.algorithm,
                "metric": "accuracy",
                "score": float(np.clip(quality[c.id] + rng.normal(scale=0.03), 0, 1)),
                "std": 0.02,
                "folds": 5,
                "fit_seconds": 0.1,
                "provenance": provenance,
            }
            for d in dataset_ids
            for c in CONFIGS
        ]
    )
    return MetaDataset(datasets, runs, {c.id: c for c in CONFIGS})


@pytest.fixture
def tiny_id(tiny_csv):
    frame, _ = read_table(tiny_csv)
    return make_task(frame, "y", name="tiny", source_path=tiny_csv, folds=3).dataset_id


@pytest.fixture
def prior_dir(tmp_path, tiny_id):
    folder = tmp_path / "prior"
    write_exchange(knowledge([f"p{i}" for i in range(7)] + [tiny_id]), folder, "csv")
    return folder


@pytest.fixture
def informed(workspace_path, prior_dir, tiny_csv):
    ws = Workspace.open(workspace_path, prior_dir=prior_dir)
    try:
        frame, _ = ws.read_table(tiny_csv)
        ws.add_dataset(ws.make_task(frame, "y", name="tiny", source_path=tiny_csv, folds=3))
        yield ws
    finally:
        ws.close()


def test_suggestions_come_from_the_prior_and_skip_what_was_run(informed, tiny_id):
    info = informed.recommender_info("binary")
    assert not info["cold_start"] and info["sentence"]
    first = informed.suggest(tiny_id, top=5)
    assert first and not any(s.cold_start for s in first)
    assert all(np.isfinite(s.predicted) for s in first)
    best = first[0].configuration.id
    informed.queue(tiny_id, [best], protocol=Protocol(folds=3))
    informed.start(FakeExecutor())
    assert informed.wait(timeout=30)
    assert best not in {s.configuration.id for s in informed.suggest(tiny_id)}


def test_the_model_is_refitted_when_a_result_arrives(informed, tiny_id):
    before = informed.knowledge.model("binary")
    assert informed.knowledge.model("binary") is before  # cached while nothing changed
    informed.queue(tiny_id, [CONFIGS[0].id], protocol=Protocol(folds=3))
    informed.start(FakeExecutor())
    assert informed.wait(timeout=30)
    assert informed.knowledge.model("binary") is not before


def test_leaderboard_shows_prior_scores_for_a_known_dataset_and_own_ones_win(informed, tiny_id):
    board = informed.leaderboard(tiny_id)
    assert len(board) == len(CONFIGS) and set(board["provenance"]) == {"prior"}
    own_config = CONFIGS[3].id
    informed.queue(tiny_id, [own_config], protocol=Protocol(folds=3))
    informed.start(FakeExecutor())
    assert informed.wait(timeout=30)
    board = informed.leaderboard(tiny_id)
    rows = board[board["configuration_id"] == own_config]
    assert list(rows["provenance"]) == ["own"] and len(board) == len(CONFIGS)
    assert list(board["accuracy"]) == sorted(board["accuracy"], reverse=True)


def test_meta_dataset_layers_own_results_over_the_prior(informed, tiny_id):
    informed.queue(tiny_id, [CONFIGS[0].id], protocol=Protocol(folds=3))
    informed.start(FakeExecutor())
    assert informed.wait(timeout=30)
    md = informed.meta_dataset()
    mine = md.runs[(md.runs["dataset_id"] == tiny_id) & (md.runs["metric"] == "accuracy")]
    assert len(mine) == len(CONFIGS)
    own = mine[mine["configuration_id"] == CONFIGS[0].id]
    assert list(own["provenance"]) == ["own"]
    assert md.datasets.loc[tiny_id, "provenance"] == "own"


def test_imported_knowledge_is_kept_and_exported(informed, tmp_path, workspace_path, prior_dir):
    folder = tmp_path / "incoming"
    ds_path, runs_path = write_exchange(
        knowledge(["x1", "x2"], seed=3, provenance="imported"), folder
    )
    events = []
    informed.subscribe(events.append)
    counts = informed.import_knowledge(ds_path, runs_path)
    assert counts["datasets"] == 2 and counts["runs"] == 2 * len(CONFIGS)
    assert "knowledge_changed" in [e.kind for e in events]
    assert {"x1", "x2"} <= set(informed.meta_dataset().datasets.index)
    informed.close()
    with Workspace.open(workspace_path, prior_dir=prior_dir) as again:
        assert {"x1", "x2"} <= set(again.meta_dataset().datasets.index)
        out_ds, out_runs = again.export_knowledge(tmp_path / "out", fmt="csv")
        exported = pd.read_csv(out_ds)
        assert {"x1", "x2", "p0"} <= set(exported["dataset_id"])
        assert out_runs.exists()


def test_a_bad_import_changes_nothing(informed, tmp_path):
    from metadesk.errors import KnowledgeProblem

    bad_ds = tmp_path / "datasets.csv"
    bad_runs = tmp_path / "runs.csv"
    bad_ds.write_text("dataset_id,name,task_type\nz1,zz,binary\n")
    bad_runs.write_text(
        "dataset_id,configuration_id,algorithm,metric,score\nz1,a:b=1,a,accuracy,oops\n"
    )
    before = set(informed.meta_dataset().datasets.index)
    with pytest.raises(KnowledgeProblem):
        informed.import_knowledge(bad_ds, bad_runs)
    assert set(informed.meta_dataset().datasets.index) == before


def test_the_model_is_refitted_when_meta_features_arrive(informed, tiny_id):
    before = informed.knowledge.model("binary")
    informed.meta_features(tiny_id)
    assert informed.knowledge.model("binary") is not before

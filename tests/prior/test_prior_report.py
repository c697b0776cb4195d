"""The build report: counts, failures with their causes, and the held-out table with and without
the synthetic group."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from metadesk.priorbuild.corpus import CorpusEntry
from metadesk.priorbuild.export import ExportedPrior, write_report

CONFIGS = ["knn:n_neighbors=5", "tree:max_depth=3,min_samples_leaf=1", "dummy:strategy=prior"]


def _prior(groups: dict[str, str]) -> ExportedPrior:
    rng = np.random.default_rng(1)
    ids = list(groups)
    datasets = pd.DataFrame(
        {
            "name": ids,
            "task_type": "binary",
            "group": [groups[i] for i in ids],
            "provenance": "prior",
            "NumberOfInstances": rng.integers(50, 500, len(ids)).astype(float),
            "NumberOfFeatures": rng.integers(2, 30, len(ids)).astype(float),
        },
        index=pd.Index(ids, name="dataset_id"),
    )
    runs = pd.DataFrame(
        [
            {
                "dataset_id": d,
                "configuration_id": c,
                "algorithm": c.split(":")[0],
                "metric": "accuracy",
                "score": float(0.9 - 0.1 * k + rng.normal(0, 0.01)),
            }
            for d in ids
            for k, c in enumerate(CONFIGS)
        ]
    )
    failures = pd.DataFrame(
        [
            {
                "dataset_id": ids[0],
                "name": ids[0],
                "configuration_id": "mlp:alpha=0.01,hidden=64",
                "status": "timeout",
                "error": "The experiment took longer than 120 s.",
            }
        ]
    )
    return ExportedPrior(datasets=datasets, runs=runs, failures=failures)


def _entries(groups: dict[str, str]) -> list[CorpusEntry]:
    return [
        CorpusEntry(d, "p", "1", "MIT", "m", "csv", "y", "binary", g, rows=100, columns=3)
        for d, g in groups.items()
    ]


def test_report_has_counts_failures_and_both_evaluations(tmp_path):
    groups = {
        "a1": "a",
        "a2": "a",
        "b1": "b",
        "c1": "c",
        "s1": "synthetic:ring",
        "s2": "synthetic:twonorm",
    }
    prior = write_report(_entries(groups), _prior(groups), tmp_path, None, None)
    report = json.loads((tmp_path / "build_report.json").read_text())
    assert report["exported"]["datasets"] == 6
    assert report["exported"]["experiments_ok"] == 18
    assert report["exported"]["experiments_timeout"] == 1
    assert report["failures"][0]["algorithm"] == "mlp"
    all_ = report["evaluation"]["all/binary/accuracy"]
    real = report["evaluation"]["without_synthetic/binary/accuracy"]
    assert (all_["n_groups"], real["n_groups"]) == (5, 3)
    assert {"average_rank", "random", "oracle"} <= set(all_["figures"])
    markdown = (tmp_path / "build_report.md").read_text()
    assert "without_synthetic/binary/accuracy" in markdown and "average_rank" in markdown
    saved = json.loads((tmp_path / "evaluation.json").read_text())
    assert set(saved) == {"binary/accuracy"}
    assert prior.report["exported"]["datasets"] == 6


def test_report_without_synthetic_datasets_has_one_evaluation(tmp_path):
    groups = {"a1": "a", "b1": "b", "c1": "c"}
    write_report(_entries(groups), _prior(groups), tmp_path, None, None)
    report = json.loads((tmp_path / "build_report.json").read_text())
    assert list(report["evaluation"]) == ["all/binary/accuracy"]


def _export(path, datasets: dict[str, str], shift: float, repeats: int) -> None:
    """A small exported prior: `datasets` maps name -> task type; scores moved by `shift`."""
    from metadesk.portfolio import default_portfolio
    from metadesk.priorbuild.export import _write_tables

    rows, runs = [], []
    for k, (name, task) in enumerate(datasets.items()):
        rows.append({"name": name, "task_type": task, "group": name, "provenance": "prior"})
        rows[-1]["NumberOfInstances"] = 100.0 + k
        metric = "r2" if task == "regression" else "accuracy"
        for j, config in enumerate(default_portfolio(task)[:4]):
            score = 0.8 - 0.05 * j + shift
            runs.append(
                {
                    "dataset_id": f"id-{name}",
                    "configuration_id": config.id,
                    "algorithm": config.algorithm,
                    "metric": metric,
                    "score": score,
                    "std": 0.01,
                    "folds": 5,
                    "fold_scores": " ".join([str(score)] * 5 * repeats),
                }
            )
    frame = pd.DataFrame(rows, index=pd.Index([f"id-{n}" for n in datasets], name="dataset_id"))
    path.mkdir()
    _write_tables(ExportedPrior(datasets=frame, runs=pd.DataFrame(runs)), path)


def test_rebuilt_classification_labels_replace_only_classification_scores(tmp_path):
    from metadesk.errors import UserError
    from metadesk.priorbuild.export import read_exported, take_labels

    shipped = {"a1": "binary", "b1": "multiclass", "r1": "regression"}
    _export(tmp_path / "prior", shipped, shift=0.0, repeats=1)
    _export(tmp_path / "partial", {"a1": "binary"}, shift=0.05, repeats=3)
    try:
        take_labels(tmp_path / "prior", tmp_path / "partial")
        raise AssertionError("a partial rebuild was taken")
    except UserError as exc:
        assert "b1" in str(exc)  # names what the rebuild still lacks
    assert read_exported(tmp_path / "prior").runs["score"].max() == 0.8  # left as it was

    _export(tmp_path / "next", {"a1": "binary", "b1": "multiclass"}, shift=0.05, repeats=3)
    assert take_labels(tmp_path / "prior", tmp_path / "next") == (2, 8)
    prior = read_exported(tmp_path / "prior")
    by_id = prior.runs.groupby("dataset_id")["score"].max()
    assert by_id.round(6).to_dict() == {"id-a1": 0.85, "id-b1": 0.85, "id-r1": 0.8}
    entries = [
        CorpusEntry(n, "p", "1", "MIT", "m", "csv", "y", t, n, rows=100, columns=3)
        for n, t in shipped.items()
    ]
    write_report(entries, prior, tmp_path / "prior", None, None, evaluate=False)
    text = (tmp_path / "prior" / "build_report.md").read_text()
    assert (
        "classification: 5-fold cross-validation repeated 3 times on reshuffled folds; "
        "regression: 5-fold cross-validation," in text
    )

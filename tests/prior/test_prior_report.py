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

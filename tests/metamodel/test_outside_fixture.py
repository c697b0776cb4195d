"""The committed brute-force cache of tables outside the prior (benchmarks/outside_cache/).

It is what judges suggestions on unseen tables, so it must import as exchange-format knowledge, its
scores must be what its fold scores say, and none of its tables may come from the prior's corpus.
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import pandas as pd
import pytest

from metadesk.metamodel.exchange import read_exchange

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "benchmarks" / "outside_cache"
MANIFEST = ROOT / "resources" / "knowledge" / "manifest.csv"

pytestmark = pytest.mark.skipif(
    not (CACHE / "runs.parquet").exists(), reason="no outside cache committed yet"
)


def _bench():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import outside_bruteforce
        import outside_tables
    finally:
        sys.path.pop(0)
    return outside_tables, outside_bruteforce


def test_cache_imports_as_exchange_knowledge():
    md = read_exchange(CACHE / "datasets.parquet", CACHE / "runs.parquet")
    tables = pd.read_csv(CACHE / "tables.csv")
    # tables.csv lists the tables whose whole portfolio has run; one more may be under way.
    assert set(tables["name"]) <= set(md.datasets["name"])
    assert len(md.datasets) - len(tables) <= 1
    assert set(md.runs["dataset_id"]) <= set(md.datasets.index)
    assert set(md.datasets["task_type"]) <= {"binary", "multiclass", "regression"}


def test_each_mean_score_is_the_mean_of_its_five_fold_scores():
    _, bruteforce = _bench()
    _, runs = bruteforce.load_cache(CACHE)
    assert runs["fold_scores"].notna().all()
    for row in runs.itertuples():
        folds = [s for s in row.fold_scores if not math.isnan(s)]
        assert len(row.fold_scores) == 5
        assert row.score == pytest.approx(sum(folds) / len(folds), rel=1e-9, abs=1e-12)


def test_no_table_comes_from_the_prior_corpus():
    tables_module, _ = _bench()
    with MANIFEST.open(newline="", encoding="utf-8") as f:
        manifest = list(csv.DictReader(f))
    prior_packages = {r["package"].lower().replace("_", "-") for r in manifest}
    prior_groups = {r["group"] for r in manifest}
    for package in tables_module.PACKAGES:
        assert package.lower().replace("_", "-") not in prior_packages
    tables = pd.read_csv(CACHE / "tables.csv")
    assert not set(tables["group"]) & prior_groups
    assert not set(tables["name"]) & {r["name"] for r in manifest}

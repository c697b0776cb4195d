"""Held-out evaluation: whole groups are held out, the figures are consistent and reproducible."""

from __future__ import annotations

import itertools
import json

import numpy as np

from metadesk.metamodel import AverageRank, MetaModel, evaluate
from metadesk.metamodel.evaluation import held_out_splits
from metadesk.metamodel.synthetic import synthetic_meta_dataset


def _key(features: dict) -> tuple:
    return tuple(
        None if np.isnan(float(features[k])) else round(float(features[k]), 9)
        for k in sorted(features)
    )


class SpyRanking(AverageRank):
    """A fixed ranking that records which groups it was trained on and what it was asked about."""

    name = "spy"
    calls: list[tuple[frozenset, tuple]] = []

    def _fit(self, t):
        super()._fit(t)
        self._groups = frozenset(t.groups.tolist())

    def forecast(self, meta_features, config_ids, observed=None, configurations=None):
        SpyRanking.calls.append((self._groups, _key(meta_features)))
        return super().forecast(meta_features, config_ids, observed, configurations)


def test_leave_one_group_out_never_leaks_a_group(meta_dataset, features_of):
    SpyRanking.calls = []
    evaluate(meta_dataset, "binary", "accuracy", [SpyRanking()], random_seeds=1)
    group_of = {}
    for did, group in meta_dataset.datasets["group"].items():
        group_of[_key(features_of(meta_dataset, did))] = group
    assert SpyRanking.calls
    asked = set()
    for trained_on, key in SpyRanking.calls:
        group = group_of[key]
        asked.add(group)
        assert group not in trained_on
        assert len(trained_on) == meta_dataset.datasets["group"].nunique() - 1
    assert asked == set(meta_dataset.datasets["group"])


def test_folds_hold_out_whole_groups_and_cover_every_dataset_once():
    groups = np.array(["a", "a", "b", "c", "c", "c", "d", "e", "e"])
    for folds in (None, 2, 3):
        masks = list(held_out_splits(groups, folds))
        assert np.array_equal(np.sum(masks, axis=0), np.ones(groups.size))
        for m in masks:
            assert not set(groups[m]) & set(groups[~m])


def test_figures_are_consistent_and_reproducible():
    md = synthetic_meta_dataset(20, 5, 10, seed=9)
    a = evaluate(md, "binary", "accuracy", [AverageRank()], random_seeds=3)
    b = evaluate(md, "binary", "accuracy", [AverageRank()], random_seeds=3)
    assert json.dumps(a.to_dict(), allow_nan=False) == json.dumps(b.to_dict(), allow_nan=False)
    for name in ("average_rank", "random", "oracle"):
        f = a.figures[name]
        assert f["n_datasets"] == 20
        for key in ("best_so_far", "best_so_far_observed"):
            bsf = f[key]
            assert len(bsf) == 10 and all(x >= y - 1e-12 for x, y in itertools.pairwise(bsf))
        assert f["top1_regret"] >= f["top3_regret"] >= f["top5_regret"] >= 0
        assert 1 <= f["first_pick_rank"] <= 10
    assert a.figures["oracle"]["top1_regret"] == 0
    assert a.figures["oracle"]["experiments_to_half_point"] == 1
    table = a.table
    assert {"top1_regret", "spearman", "coverage", "bsf_obs@3"} <= set(table.columns)
    assert list(table.index) == ["average_rank", "random", "oracle"]


def test_too_few_groups_to_evaluate_still_gives_a_usable_model(features_of):
    md = synthetic_meta_dataset(4, 2, 8, seed=2)
    report = evaluate(md, "binary", "accuracy")
    assert report.n_groups == 2 and "average_rank" in report.figures
    model = MetaModel("binary", "accuracy").fit(md)
    assert model.name == "average_rank" and not model.cold_start
    assert "too few" in model.info["sentence"]
    ranked = model.rank(features_of(md, md.datasets.index[0]), list(md.configurations.values()))
    assert len(ranked) == 8

"""Recommenders learn what a fixed ranking cannot, explain themselves, and adapt to results."""

from __future__ import annotations

import math

import numpy as np
import pytest

from metadesk.metamodel import (
    AverageRank,
    MetaDataset,
    MetaModel,
    NearestDatasets,
    Surrogate,
    cold_start_suggestions,
)
from metadesk.metamodel.forecast import Forecast
from metadesk.portfolio.configuration import Configuration

RECOMMENDERS = (AverageRank, NearestDatasets, Surrogate)


def _holdout(md, dataset_ids):
    """The meta-dataset without some datasets (and their runs)."""
    keep = ~md.datasets.index.isin(dataset_ids)
    runs = md.runs[~md.runs["dataset_id"].isin(dataset_ids)]
    return MetaDataset(md.datasets[keep], runs, md.configurations)


@pytest.fixture(scope="module")
def split(meta_dataset):
    test_group = meta_dataset.datasets["group"].iloc[0]
    test_ids = list(meta_dataset.datasets.index[meta_dataset.datasets["group"] == test_group])
    return _holdout(meta_dataset, test_ids), test_ids


@pytest.mark.parametrize("cls", RECOMMENDERS)
def test_suggestions_are_explained_in_metric_units(cls, meta_dataset, split, features_of):
    train, test_ids = split
    rec = cls().fit(train, "binary", "accuracy")
    candidates = list(meta_dataset.configurations.values())
    ranked = rec.rank(features_of(meta_dataset, test_ids[0]), candidates)
    assert [s.rank for s in ranked] == list(range(1, len(candidates) + 1))
    assert {s.configuration.id for s in ranked} == {c.id for c in candidates}
    for s in ranked:
        assert s.metric == "accuracy" and s.recommender == rec.name
        assert 0.3 < s.predicted <= 1.0
        assert 0.0 <= s.low <= s.predicted <= s.high <= 1.0, "never past what accuracy can reach"
    if cls is not AverageRank:
        top = ranked[0]
        assert top.evidence, "a learned suggestion says which similar datasets it comes from"
        assert all(0 < e.similarity <= 1 for e in top.evidence)
        assert all(e.dataset_id not in test_ids for e in top.evidence)
        assert top.reason.startswith("Did well on similar datasets")


def test_learned_recommenders_beat_a_fixed_ranking_held_out(held_out):
    f = held_out.figures
    ar = f["average_rank"]
    for name in ("nearest_datasets", "surrogate"):
        assert f[name]["top1_regret"] <= 0.7 * ar["top1_regret"], name
        assert f[name]["spearman"] >= ar["spearman"] + 0.1, name
        assert f[name]["experiments_to_half_point"] < ar["experiments_to_half_point"], name
    assert f["oracle"]["top1_regret"] == 0
    assert f["random"]["spearman"] == pytest.approx(0, abs=0.15)


def test_intervals_cover_about_eighty_percent_held_out(held_out):
    for name in ("average_rank", "nearest_datasets", "surrogate"):
        assert 0.65 <= held_out.figures[name]["coverage"] <= 0.95, name


@pytest.mark.parametrize("cls", (NearestDatasets, Surrogate))
def test_observed_results_change_the_ranking(cls, meta_dataset, split, features_of):
    train, test_ids = split
    rec = cls().fit(train, "binary", "accuracy")
    candidates = list(meta_dataset.configurations.values())
    mf = features_of(meta_dataset, test_ids[0])
    before = rec.rank(mf, candidates)
    first = before[0].configuration.id
    # The favourite disappointed: a very low score should move its relatives down.
    after = rec.rank(mf, candidates, observed={first: 0.40})
    assert first not in {s.configuration.id for s in after}
    order_before = [s.configuration.id for s in before if s.configuration.id != first]
    assert [s.configuration.id for s in after] != order_before
    same_algo = [s for s in after if s.configuration.algorithm == before[0].configuration.algorithm]
    if same_algo:
        pos_after = [s.rank for s in same_algo]
        pos_before = [order_before.index(s.configuration.id) + 1 for s in same_algo]
        assert np.mean(pos_after) >= np.mean(pos_before)


def test_expected_improvement_does_not_offer_near_twins_back_to_back():
    # A and its twin A2 always score alike; B is a bit worse on average but good where A is not.
    scen = np.array([[1.0, 0.99, 0.2], [1.0, 0.98, 0.3], [0.0, 0.01, 0.9], [0.9, 0.9, 0.8]])
    fc = Forecast(
        config_ids=["A", "A2", "B"],
        mean_z=scen.mean(axis=0),
        sd_z=scen.std(axis=0),
        loc=0.8,
        scale=0.05,
        loc_sd=0.01,
        scenarios=scen,
        weights=np.ones(4),
    )
    order, gains = fc.order([0, 1, 2], [])
    assert order == [0, 2, 1]
    assert gains[2] < gains[1]


def test_past_the_first_picks_the_list_reads_best_predicted_first():
    # Thirty configurations: the first ten picks follow expected improvement, the rest are listed
    # by predicted score, so the bottom of the list is never a jumble of long shots.
    rng = np.random.default_rng(3)
    scen = rng.normal(size=(12, 30))
    fc = Forecast(
        config_ids=[f"c{i}" for i in range(30)],
        mean_z=scen.mean(axis=0),
        sd_z=scen.std(axis=0),
        loc=0.8,
        scale=0.05,
        loc_sd=0.01,
        scenarios=scen,
        weights=np.ones(12),
    )
    order, gains = fc.order(range(30), [])
    assert sorted(order) == list(range(30)) and len(gains) == 30
    tail = fc.mean_z[order[10:]]
    assert np.all(np.diff(tail) <= 0)
    assert fc.order(range(30), [], limit=12)[0] == order[:12]


def test_shortfall_scenarios_are_in_metric_units(meta_dataset, split, features_of):
    train, test_ids = split
    rec = NearestDatasets().fit(train, "binary", "accuracy")
    candidates = list(meta_dataset.configurations.values())
    fc = rec.forecast(features_of(meta_dataset, test_ids[0]), [c.id for c in candidates])
    assert fc.scenario_scale == 1.0
    assert np.all(fc.scenarios <= 0) and np.all(fc.scenarios >= -0.5)
    assert np.isclose(fc.scenarios.max(axis=1), 0).any()
    first = candidates[0].id
    ranked = rec.rank(features_of(meta_dataset, test_ids[0]), candidates, observed={first: 0.6})
    gains = [s.expected_improvement for s in ranked]
    assert all(0 <= g <= 0.5 for g in gains) and gains[0] > 0


def test_near_twins_rarely_lead_under_the_expected_improvement_order(
    meta_dataset, split, features_of
):
    train, _test_ids = split
    rec = NearestDatasets().fit(train, "binary", "accuracy")
    candidates = list(meta_dataset.configurations.values())
    twins = 0
    by_mean = 0
    for did in meta_dataset.datasets.index[::3]:
        fc = rec.forecast(features_of(meta_dataset, did), [c.id for c in candidates])
        order, _ = fc.order(range(len(candidates)), [])
        mean_order = list(np.argsort(-fc.mean_z, kind="stable"))
        pair = lambda o: {candidates[o[0]].algorithm, candidates[o[1]].algorithm}  # noqa: E731
        twins += pair(order) == {"random_forest", "extra_trees"}
        by_mean += pair(mean_order) == {"random_forest", "extra_trees"}
    assert twins <= by_mean


@pytest.mark.parametrize("cls", RECOMMENDERS)
def test_unrunnable_configurations_are_never_offered(cls, meta_dataset, features_of):
    rec = cls().fit(meta_dataset, "binary", "accuracy")
    candidates = [
        Configuration(c.id, c.algorithm, c.params, c.label, c.task_types, runnable=(i % 3 != 0))
        for i, c in enumerate(meta_dataset.configurations.values())
    ]
    ranked = rec.rank(features_of(meta_dataset, meta_dataset.datasets.index[5]), candidates)
    assert ranked and all(s.configuration.runnable for s in ranked)
    assert len(ranked) == sum(c.runnable for c in candidates)


def test_unrunnable_knowledge_still_counts_for_similarity(meta_dataset, features_of):
    foreign = {
        cid: Configuration(c.id, c.algorithm, c.params, c.label, c.task_types, runnable=False)
        for cid, c in meta_dataset.configurations.items()
    }
    md = MetaDataset(meta_dataset.datasets, meta_dataset.runs, foreign)
    model = MetaModel("binary", "accuracy").fit(md, evaluation={})
    assert model.rank(features_of(md, md.datasets.index[0])) == []
    runnable = list(meta_dataset.configurations.values())
    ranked = model.rank(features_of(md, md.datasets.index[0]), runnable)
    assert len(ranked) == len(runnable) and not ranked[0].cold_start


def test_cold_start_with_an_empty_meta_dataset():
    from metadesk.portfolio import default_order, default_portfolio

    model = MetaModel().fit(MetaDataset.empty(), "binary", "accuracy")
    assert model.cold_start and model.info["cold_start"] is True
    assert "default order" in model.info["sentence"]
    candidates = default_portfolio("binary")
    ranked = model.rank({}, candidates)
    assert len(ranked) == len(candidates)
    assert all(s.cold_start and math.isnan(s.predicted) for s in ranked)
    assert ranked[0].configuration.id == default_order("binary")[0]
    assert ranked[0].reason.startswith("Default order")


def test_cold_start_without_a_portfolio_order_puts_strong_models_first():
    candidates = [
        Configuration("dummy:strategy=prior", "dummy"),
        Configuration("foo:x=1", "foo"),
        Configuration("hist_gb:custom=1", "hist_gb"),
        Configuration("knn:k=3", "knn", runnable=False),
    ]
    ranked = cold_start_suggestions(candidates, "binary", "accuracy")
    assert next(s.configuration.id for s in ranked) == "hist_gb:custom=1"
    assert "knn:k=3" not in {s.configuration.id for s in ranked}


def test_meta_model_picks_a_learned_recommender_and_says_how_good_it_is(meta_dataset, held_out):
    model = MetaModel().fit(meta_dataset, "binary", "accuracy", evaluation=held_out)
    info = model.info
    assert info["name"] in ("nearest_datasets", "surrogate")
    assert info["n_datasets"] == 60 and info["cold_start"] is False
    assert info["held_out"]["top1_regret"] < info["baseline"]["top1_regret"]
    assert "held-out datasets" in info["sentence"] and "fixed ranking" in info["sentence"]
    assert "best of its first three" in info["sentence"], "the choice is judged on a few runs"
    # The same choice from the saved (JSON) form of the evaluation.
    again = MetaModel().fit(meta_dataset, "binary", "accuracy", evaluation=held_out.to_dict())
    assert again.name == model.name


def test_meta_model_keeps_the_fixed_ranking_unless_another_beats_it(meta_dataset, held_out):
    report = held_out.to_dict()
    for name in ("nearest_datasets", "surrogate", "average_rank_diverse"):
        report["figures"][name]["best_so_far_observed"] = [1.0] * 10
    model = MetaModel("binary", "accuracy").fit(meta_dataset, evaluation=report)
    assert model.name == "average_rank"
    assert "fixed ranking" in model.info["sentence"]


def test_lower_is_better_metrics_are_ranked_the_right_way_round(features_of):
    from metadesk.metamodel.synthetic import synthetic_meta_dataset

    md = synthetic_meta_dataset(30, 6, 16, seed=3, task_type="regression", metric="rmse")
    rep_model = NearestDatasets().fit(md, "regression", "rmse")
    did = md.datasets.index[0]
    ranked = rep_model.rank(features_of(md, did), list(md.configurations.values()))
    truth = md.runs[md.runs["dataset_id"] == did].set_index("configuration_id")["score"]
    # The first pick is among the better half on this (seen) dataset: small RMSE.
    assert truth[ranked[0].configuration.id] <= truth.median()
    assert all(s.low <= s.predicted <= s.high for s in ranked)


def test_metric_facts_agree_with_the_experiments_layer():
    from metadesk.experiments import spec
    from metadesk.metamodel import metrics

    assert metrics.LOWER_IS_BETTER == spec.LOWER_IS_BETTER
    assert metrics.CLASSIFICATION_METRICS == spec.CLASSIFICATION_METRICS
    assert metrics.REGRESSION_METRICS == spec.REGRESSION_METRICS
    assert set(metrics.METRIC_LABELS) == set(spec.METRIC_LABELS)


def test_meta_features_can_be_given_as_the_extractor_returns_them(meta_dataset, features_of):
    from metadesk.metafeatures.values import MetaFeatures, MetaFeatureValue

    did = meta_dataset.datasets.index[3]
    plain = features_of(meta_dataset, did)
    values = MetaFeatures(
        [
            MetaFeatureValue(k, v, "computed" if v == v else "not_applicable", "general")
            for k, v in plain.items()
        ]
    )
    rec = NearestDatasets().fit(meta_dataset, "binary", "accuracy")
    candidates = list(meta_dataset.configurations.values())
    a = [s.configuration.id for s in rec.rank(plain, candidates)]
    b = [s.configuration.id for s in rec.rank(values, candidates)]
    assert a == b

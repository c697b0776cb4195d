"""The shipped portfolio: what it contains, how configurations are named, and that every one runs."""

from __future__ import annotations

import re

import numpy as np
import pytest
from portfolio_tables import ROLES, make_table

from metadesk.errors import UserError
from metadesk.experiments.runner import run
from metadesk.experiments.spec import ExperimentSpec, Protocol
from metadesk.portfolio import (
    build_pipeline,
    configuration_descriptor,
    default_order,
    default_portfolio,
    get_configuration,
)
from metadesk.portfolio.algorithms import make_estimator

CLASSIFIERS = {
    "logreg", "linear_svm", "rbf_svm", "knn", "tree", "random_forest", "extra_trees", "hist_gb",
    "adaboost", "gaussian_nb", "lda", "mlp", "dummy",
}  # fmt: skip
REGRESSORS = {
    "ridge", "lasso", "elastic_net", "svr", "knn", "tree", "random_forest", "extra_trees",
    "hist_gb", "mlp", "dummy",
}  # fmt: skip


def test_portfolios_cover_the_promised_algorithms_and_sizes():
    classification = default_portfolio("binary")
    regression = default_portfolio("regression")
    assert {c.algorithm for c in classification} == CLASSIFIERS
    assert {c.algorithm for c in regression} == REGRESSORS
    assert 50 <= len(classification) <= 70
    assert 40 <= len(regression) <= 60
    assert [c.id for c in default_portfolio("multiclass")] == [c.id for c in classification]
    for portfolio in (classification, regression):
        per_algorithm = {}
        for c in portfolio:
            per_algorithm[c.algorithm] = per_algorithm.get(c.algorithm, 0) + 1
        assert all(2 <= n <= 6 for n in per_algorithm.values()), per_algorithm


def test_ids_are_unique_readable_and_round_trip():
    for task_type in ("binary", "regression"):
        ids = [c.id for c in default_portfolio(task_type)]
        assert len(ids) == len(set(ids))
        for config_id in ids:
            assert re.fullmatch(r"[a-z_]+:[A-Za-z0-9_.=,\-+]+", config_id), config_id
            assert get_configuration(config_id).id == config_id
    assert get_configuration("hist_gb:learning_rate=0.1,max_leaf_nodes=31").params == {
        "learning_rate": 0.1,
        "max_leaf_nodes": 31,
    }


def test_ids_are_stable_between_releases():
    # Stored experiments refer to these ids: changing one orphans every result recorded under it.
    ids = {c.id for c in default_portfolio("binary")} | {
        c.id for c in default_portfolio("regression")
    }
    for known in (
        "hist_gb:learning_rate=0.1,max_leaf_nodes=31",
        "random_forest:max_features=sqrt,min_samples_leaf=1",
        "logreg:C=1",
        "rbf_svm:C=1,gamma=scale",
        "knn:n_neighbors=15",
        "ridge:alpha=1",
        "dummy:strategy=prior",
        "dummy:strategy=mean",
        "gaussian_nb:var_smoothing=1e-09",
        "tree:max_depth=none,min_samples_leaf=1",
    ):
        assert known in ids


def test_labels_are_plain_language():
    label = get_configuration("hist_gb:learning_rate=0.1,max_leaf_nodes=31").label
    assert label == "Gradient boosting, learning rate 0.1, 31 leaves"
    for task_type in ("binary", "regression"):
        labels = [c.label for c in default_portfolio(task_type)]
        assert len(labels) == len(set(labels))
        for text in labels:
            assert "_" not in text and "=" not in text and "None" not in text, text
            assert text[0].isupper()


def test_unknown_configuration_is_a_user_error():
    with pytest.raises(UserError, match="no configuration"):
        get_configuration("quantum_forest:qubits=3")


def test_default_order_starts_with_strong_diverse_models_and_covers_everything():
    for task_type in ("binary", "regression"):
        order = default_order(task_type)
        assert sorted(order) == sorted(c.id for c in default_portfolio(task_type))
        assert order[0] == "hist_gb:learning_rate=0.1,max_leaf_nodes=31"
        first = [get_configuration(i).algorithm for i in order[:6]]
        assert len(set(first)) == 6
        assert "random_forest" in first


def test_descriptor_has_the_same_numeric_keys_for_every_configuration():
    configs = default_portfolio("binary") + default_portfolio("regression")
    keyset = {tuple(configuration_descriptor(c)) for c in configs}
    assert len(keyset) == 1
    vectors = {tuple(configuration_descriptor(c).values()) for c in configs}
    assert len(vectors) == len({c.id for c in configs})  # every configuration is told apart
    d = configuration_descriptor(get_configuration("logreg:C=10"))
    assert d["algorithm:logreg"] == 1.0 and d["param:C"] == pytest.approx(1.0)
    assert all(np.isfinite(v) for v in d.values())


def test_pipeline_handles_unseen_categories_and_gaps_at_prediction():
    table = make_table("binary")
    pipe = build_pipeline(get_configuration("logreg:C=1"), ROLES, "binary")
    pipe.fit(table.drop(columns="y"), table["y"])
    fresh = table.drop(columns="y").head(3).copy()
    fresh["color"] = ["purple", None, "red"]
    fresh["city"] = ["atlantis", "city 1", None]
    fresh["x2"] = np.nan
    assert list(pipe.predict(fresh)) == list(pipe.predict(fresh))
    assert set(pipe.predict(fresh)) <= {"yes", "no"}


def test_pipeline_one_hot_encodes_few_levels_and_target_encodes_many():
    table = make_table("regression")
    pipe = build_pipeline(get_configuration("ridge:alpha=1"), ROLES, "regression")
    pipe.fit(table.drop(columns="y"), table["y"])
    encoder = pipe.named_steps["prepare"].named_steps["encode"].named_transformers_["categories"]
    encoder = encoder.named_steps["encode"]
    assert encoder.low_ == ["color", "flag"]
    assert encoder.high_ == ["city"]


@pytest.mark.parametrize(
    ("task_type", "config_id"),
    [(t, c.id) for t in ("binary", "regression") for c in default_portfolio(t)],
)
def test_every_configuration_fits_and_predicts_on_a_tiny_mixed_table(task_type, config_id):
    table = make_table(task_type, n=60)
    train, test = table.iloc[:45], table.iloc[45:].drop(columns="y")
    pipe = build_pipeline(get_configuration(config_id), ROLES, task_type)
    pipe.fit(train.drop(columns="y"), train["y"])
    predictions = pipe.predict(test)
    assert len(predictions) == len(test)
    if task_type == "regression":
        assert np.isfinite(predictions.astype(float)).all()
    else:
        proba = pipe.predict_proba(test)
        assert np.allclose(proba.sum(axis=1), 1.0)


def _first_of_each_algorithm(task_type):
    seen = {}
    for c in default_portfolio(task_type):
        seen.setdefault(c.algorithm, c.id)
    return list(seen.values())


@pytest.mark.parametrize("config_id", _first_of_each_algorithm("multiclass"))
def test_each_algorithm_cross_validates_a_multiclass_table(config_id):
    spec = ExperimentSpec(
        dataset_id="tiny",
        snapshot_path="",
        target="y",
        task_type="multiclass",
        roles=ROLES,
        configuration=get_configuration(config_id),
        protocol=Protocol(folds=2),
    )
    result = run(spec, make_table("multiclass", n=60))
    assert result.status == "ok", result.error + "\n" + result.details
    assert len(result.fold_scores["roc_auc"]) == 2
    assert np.isfinite(result.mean["log_loss"])


def test_class_weighted_variants_are_offered_for_classification_only():
    weighted = {c.id: c for c in default_portfolio("binary") if "class_weight" in c.params}
    assert {c.algorithm for c in weighted.values()} == {"logreg", "linear_svm", "rbf_svm", "tree"}
    assert all("classes weighted equally" in c.label for c in weighted.values())
    assert not any("class_weight" in c.params for c in default_portfolio("regression"))
    model = make_estimator("logreg", weighted["logreg:C=1,class_weight=balanced"].params, "binary")
    assert model.class_weight == "balanced"

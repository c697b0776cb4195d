"""The search space: the portfolio is a set of named points of it, and any other point gets a
stable id and a plain label that read back to the same configuration."""

from __future__ import annotations

import numpy as np
import pytest

from metadesk.errors import UserError
from metadesk.portfolio import default_portfolio, get_configuration
from metadesk.portfolio.search_space import (
    configuration_from_id,
    contains,
    encode,
    neighbour,
    sample_configuration,
)


@pytest.mark.parametrize("task_type", ["binary", "multiclass", "regression"])
def test_every_shipped_configuration_is_a_named_point_of_the_space(task_type):
    for c in default_portfolio(task_type):
        assert contains(c), c.id
        parsed = configuration_from_id(c.id)
        assert (parsed.id, parsed.params) == (c.id, c.params)


def test_a_point_outside_the_grid_has_a_stable_id_and_a_plain_label():
    c = get_configuration("hist_gb:learning_rate=0.07,max_leaf_nodes=45")
    assert c.label == "Gradient boosting, learning rate 0.07, 45 leaves"
    assert c.params == {"learning_rate": 0.07, "max_leaf_nodes": 45}
    assert get_configuration("logreg:C=3").id == "logreg:C=3"
    # Settings left out take their default and are spelled out in the stored id.
    assert get_configuration("rbf_svm:C=5").id == "rbf_svm:C=5,gamma=scale"


@pytest.mark.parametrize("task_type", ["binary", "regression"])
def test_sampled_points_read_back_to_the_same_configuration(task_type):
    rng = np.random.default_rng(1)
    for _ in range(300):
        c = sample_configuration(task_type, rng)
        for point in (c, neighbour(c, rng)):
            again = get_configuration(point.id)
            assert (again.id, again.params, again.label) == (point.id, point.params, point.label)
            assert task_type in again.task_types
            assert "_" not in point.label and "None" not in point.label, point.label
    matrix = encode([sample_configuration(task_type, rng) for _ in range(20)], task_type)
    assert matrix.shape[0] == 20 and np.isfinite(matrix).all()


@pytest.mark.parametrize(
    ("config_id", "words"),
    [
        ("logreg:C=-1", "between 0.001 and 1000"),
        ("logreg:C=abc", "must be a number"),
        ("logreg:D=3", "no setting D"),
        ("tree:max_depth=2.5", "whole number"),
        ("mlp:hidden=7x7x7", "must be one of"),
        ("logreg:C", "not a configuration id"),
        ("quantum_forest:qubits=3", "no configuration"),
    ],
)
def test_a_point_outside_the_space_is_refused_with_the_reason(config_id, words):
    with pytest.raises(UserError, match=words):
        get_configuration(config_id)

"""The shipped search space: a few settings per algorithm spanning its useful range, under stable ids.

Ids are built from the algorithm name and the settings (``hist_gb:learning_rate=0.1,max_leaf_nodes=31``),
so they never change between releases unless a setting does. Labels are for analysts.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from metadesk.errors import UserError
from metadesk.portfolio.algorithms import ALGORITHMS, get_algorithm
from metadesk.portfolio.configuration import Configuration

# The settings of each algorithm, per task family. Same settings in both families -> one shared id.
_SHARED_GRIDS: dict[str, list[dict[str, Any]]] = {
    "knn": [
        {"n_neighbors": 1},
        {"n_neighbors": 5},
        {"n_neighbors": 15},
        {"n_neighbors": 15, "weights": "distance"},
        {"n_neighbors": 50},
    ],
    "tree": [
        {"max_depth": 3, "min_samples_leaf": 1},
        {"max_depth": 5, "min_samples_leaf": 1},
        {"max_depth": 10, "min_samples_leaf": 1},
        {"max_depth": None, "min_samples_leaf": 1},
        {"max_depth": None, "min_samples_leaf": 10},
    ],
    "random_forest": [
        {"max_features": "sqrt", "min_samples_leaf": 1},
        {"max_features": "sqrt", "min_samples_leaf": 5},
        {"max_features": 0.5, "min_samples_leaf": 1},
        {"max_features": 1.0, "min_samples_leaf": 1},
    ],
    "extra_trees": [
        {"max_features": "sqrt", "min_samples_leaf": 1},
        {"max_features": "sqrt", "min_samples_leaf": 5},
        {"max_features": 0.5, "min_samples_leaf": 1},
        {"max_features": 1.0, "min_samples_leaf": 1},
    ],
    "hist_gb": [
        {"learning_rate": 0.03, "max_leaf_nodes": 31},
        {"learning_rate": 0.05, "max_leaf_nodes": 63},
        {"learning_rate": 0.1, "max_leaf_nodes": 7},
        {"learning_rate": 0.1, "max_leaf_nodes": 31},
        {"learning_rate": 0.1, "max_leaf_nodes": 127},
        {"learning_rate": 0.3, "max_leaf_nodes": 31},
    ],
    "mlp": [
        {"hidden": "64", "alpha": 0.0001},
        {"hidden": "64", "alpha": 0.01},
        {"hidden": "128x64", "alpha": 0.0001},
        {"hidden": "128x64", "alpha": 0.01},
    ],
}

_CLASSIFICATION_GRIDS: dict[str, list[dict[str, Any]]] = {
    "logreg": [{"C": c} for c in (0.01, 0.1, 1, 10, 100)],
    "linear_svm": [{"C": c} for c in (0.01, 0.1, 1, 10)],
    "rbf_svm": [{"C": c, "gamma": "scale"} for c in (0.1, 1, 10, 100)] + [{"C": 10, "gamma": 0.01}],
    "adaboost": [{"n_estimators": n, "learning_rate": lr} for n in (50, 200) for lr in (0.1, 1)],
    "gaussian_nb": [{"var_smoothing": v} for v in (1e-09, 1e-05, 0.01)],
    "lda": [{"shrinkage": False}, {"shrinkage": True}],
    "dummy": [{"strategy": "prior"}, {"strategy": "stratified"}],
    # Class-weighted variants: every class counts equally in training, for tables with a rare class.
    "logreg_weighted": [{"C": 1, "class_weight": "balanced"}],
    "linear_svm_weighted": [{"C": 1, "class_weight": "balanced"}],
    "rbf_svm_weighted": [{"C": 1, "gamma": "scale", "class_weight": "balanced"}],
    "tree_weighted": [{"max_depth": 5, "min_samples_leaf": 1, "class_weight": "balanced"}],
}

_REGRESSION_GRIDS: dict[str, list[dict[str, Any]]] = {
    "ridge": [{"alpha": a} for a in (0.01, 0.1, 1, 10, 100)],
    "lasso": [{"alpha": a} for a in (0.001, 0.01, 0.1)],
    "elastic_net": [
        {"alpha": 0.001, "l1_ratio": 0.5},
        {"alpha": 0.01, "l1_ratio": 0.2},
        {"alpha": 0.01, "l1_ratio": 0.5},
        {"alpha": 0.01, "l1_ratio": 0.8},
        {"alpha": 0.1, "l1_ratio": 0.5},
    ],
    "svr": [{"C": c} for c in (0.1, 1, 10, 100)],
    "dummy": [{"strategy": "mean"}, {"strategy": "median"}],
}

# Cold start: strong general-purpose models first, then one of each other family, then the rest.
_ORDER_HEAD = {
    "classification": [
        "hist_gb:learning_rate=0.1,max_leaf_nodes=31",
        "random_forest:max_features=sqrt,min_samples_leaf=1",
        "logreg:C=1",
        "extra_trees:max_features=sqrt,min_samples_leaf=1",
        "rbf_svm:C=1,gamma=scale",
        "knn:n_neighbors=15",
        "dummy:strategy=prior",
        "mlp:alpha=0.0001,hidden=64",
        "lda:shrinkage=true",
        "gaussian_nb:var_smoothing=1e-09",
        "adaboost:learning_rate=1,n_estimators=200",
        "tree:max_depth=5,min_samples_leaf=1",
        "hist_gb:learning_rate=0.05,max_leaf_nodes=63",
        "logreg:C=0.1",
    ],
    "regression": [
        "hist_gb:learning_rate=0.1,max_leaf_nodes=31",
        "random_forest:max_features=0.5,min_samples_leaf=1",
        "ridge:alpha=1",
        "extra_trees:max_features=0.5,min_samples_leaf=1",
        "svr:C=1",
        "knn:n_neighbors=15",
        "dummy:strategy=mean",
        "mlp:alpha=0.0001,hidden=64",
        "elastic_net:alpha=0.01,l1_ratio=0.5",
        "lasso:alpha=0.01",
        "tree:max_depth=5,min_samples_leaf=1",
        "hist_gb:learning_rate=0.05,max_leaf_nodes=63",
        "ridge:alpha=10",
    ],
}

_VALUE_WORDS = {
    ("max_depth", None): "unlimited",
    ("max_features", "sqrt"): "square root of the features per split",
    ("max_features", 0.5): "half the features per split",
    ("max_features", 1.0): "all features per split",
    ("gamma", "scale"): "automatic",
    ("weights", "distance"): "distance-weighted",
    ("shrinkage", True): "with shrinkage",
    ("shrinkage", False): "no shrinkage",
    ("strategy", "prior"): "predicts class frequencies",
    ("strategy", "stratified"): "random guesses by class frequency",
    ("strategy", "mean"): "predicts the mean",
    ("strategy", "median"): "predicts the median",
    ("class_weight", "balanced"): "classes weighted equally",
}


def format_value(value: Any) -> str:
    """How a setting is written in an id: 0.1, 1e-05, 100, sqrt, none, true."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format(value, "g")
    return str(value)


def configuration_id(algorithm: str, params: dict[str, Any]) -> str:
    """The stable id: algorithm, then the settings sorted by name."""
    settings = ",".join(f"{k}={format_value(params[k])}" for k in sorted(params))
    return f"{algorithm}:{settings}" if settings else algorithm


def configuration_label(algorithm: str, params: dict[str, Any]) -> str:
    """The analyst's name: "Gradient boosting, learning rate 0.1, 31 leaves"."""
    algo = get_algorithm(algorithm)
    parts = [algo.label]
    for name, value in params.items():
        template = algo.param_labels.get(name, name.replace("_", " ") + " {}")
        word = _VALUE_WORDS.get((name, value))
        if word is None and name == "max_features" and isinstance(value, float):
            word = f"{value:.0%} of the features per split"
        if word is None:
            word = (
                format_value(value).replace("x", "+") if name == "hidden" else format_value(value)
            )
        text = template.format(word)
        if name == "min_samples_leaf" and value == 1:
            text = "1 row per leaf"
        if name == "n_neighbors" and value == 1:
            text = "1 neighbour"
        parts.append(text)
    return ", ".join(parts)


def _make(algorithm: str, params: dict[str, Any], task_types: tuple[str, ...]) -> Configuration:
    return Configuration(
        id=configuration_id(algorithm, params),
        algorithm=algorithm,
        params=dict(params),
        label=configuration_label(algorithm, params),
        task_types=task_types,
    )


@cache
def _catalog() -> dict[str, tuple[Configuration, ...]]:
    classification, regression = [], []
    for algo, grid in _SHARED_GRIDS.items():
        for params in grid:
            c = _make(algo, params, ("binary", "multiclass", "regression"))
            classification.append(c)
            regression.append(c)
    for key, grid in _CLASSIFICATION_GRIDS.items():
        algo = key.removesuffix("_weighted")  # a second grid of the same algorithm
        classification += [_make(algo, p, ("binary", "multiclass")) for p in grid]
    for algo, grid in _REGRESSION_GRIDS.items():
        regression += [_make(algo, p, ("regression",)) for p in grid]
    return {"classification": tuple(classification), "regression": tuple(regression)}


def _family(task_type: str) -> str:
    if task_type in ("binary", "multiclass", "classification"):
        return "classification"
    if task_type == "regression":
        return "regression"
    raise UserError(
        f"'{task_type}' is not a task type metadesk knows.",
        "Use binary, multiclass or regression.",
    )


def default_portfolio(task_type: str) -> list[Configuration]:
    """The configurations shipped for a task type (binary and multiclass share one portfolio)."""
    return list(_catalog()[_family(task_type)])


@cache
def _by_id() -> dict[str, Configuration]:
    return {c.id: c for family in _catalog().values() for c in family}


def get_configuration(config_id: str) -> Configuration:
    """The configuration with this id: a shipped one, else a point of the search space; a
    `UserError` that says why when it is neither."""
    try:
        return _by_id()[config_id]
    except KeyError:
        pass
    # Not a shipped point: any point of the search space is runnable too ("logreg:C=3").
    from metadesk.portfolio.search_space import configuration_from_id

    return configuration_from_id(config_id)


def default_order(task_type: str) -> list[str]:
    """Configuration ids in a sensible order to try when nothing is known about a dataset yet:
    strong general-purpose models first, then the remaining ones alternating between algorithms."""
    family = _family(task_type)
    portfolio = default_portfolio(task_type)
    known = {c.id for c in portfolio}
    head = [i for i in _ORDER_HEAD[family] if i in known]
    rest: dict[str, list[str]] = {}
    for c in portfolio:
        if c.id not in head:
            rest.setdefault(c.algorithm, []).append(c.id)
    order = list(head)
    queues = list(rest.values())
    while any(queues):
        for q in queues:
            if q:
                order.append(q.pop(0))
    return order


# Settings described on a log scale in the descriptor (all are positive when present).
_LOG_PARAMS = (
    "C",
    "gamma",
    "n_neighbors",
    "max_depth",
    "min_samples_leaf",
    "learning_rate",
    "max_leaf_nodes",
    "n_estimators",
    "var_smoothing",
    "alpha",
    "hidden",
)


def _numeric_settings(params: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name in _LOG_PARAMS:
        if name not in params:
            continue
        value = params[name]
        if name == "hidden":
            units = [int(u) for u in str(value).split("x")]
            out["param:hidden"] = math.log10(sum(units))
            out["param:hidden_layers"] = float(len(units))
        elif name == "max_depth" and value is None:
            out["param:max_depth"] = 2.0  # "unlimited" reads as a depth of about 100
            out["param:max_depth_unlimited"] = 1.0
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            out[f"param:{name}"] = math.log10(float(value))
        else:
            out[f"param:{name}={format_value(value)}"] = 1.0
    if "max_features" in params:
        v = params["max_features"]
        if isinstance(v, (int, float)):
            out["param:max_features"] = float(v)
        else:
            out[f"param:max_features={v}"] = 1.0
    for name in ("l1_ratio",):
        if name in params:
            out[f"param:{name}"] = float(params[name])
    for name, value in params.items():
        if isinstance(value, bool):
            out[f"param:{name}"] = float(value)
        elif isinstance(value, str) and name not in ("hidden", "max_features", "gamma"):
            out[f"param:{name}={value}"] = 1.0
    return out


@cache
def _descriptor_keys() -> tuple[str, ...]:
    keys = {f"algorithm:{name}" for name in ALGORITHMS}
    for c in _by_id().values():
        keys.update(_numeric_settings(c.params))
    return tuple(sorted(keys))


def configuration_descriptor(configuration: Configuration) -> dict[str, float]:
    """A numeric description of a configuration for a surrogate meta-model: a one-hot of the
    algorithm plus the main settings on a log scale. Every configuration gets the same keys;
    settings a configuration does not have are 0."""
    values = dict.fromkeys(_descriptor_keys(), 0.0)
    key = f"algorithm:{configuration.algorithm}"
    if key in values:
        values[key] = 1.0
    for k, v in _numeric_settings(configuration.params).items():
        if k in values:
            values[k] = v
    return values

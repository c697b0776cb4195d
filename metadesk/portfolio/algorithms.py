"""The algorithms the portfolio knows: how each becomes a scikit-learn estimator and how it is named.

Every estimator is single-threaded (`n_jobs=1`) and seeded, so N workers use N cores and a
configuration scores the same on every machine.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import TransformedTargetRegressor
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import (
    AdaBoostClassifier,
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression, Ridge
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR, LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from metadesk.errors import UserError

CLASSIFICATION = ("binary", "multiclass")
REGRESSION = ("regression",)

# (task_family, params, seed) -> unfitted estimator; task_family is "classification" or "regression".
Factory = Callable[[str, dict[str, Any], int], BaseEstimator]


@dataclass(frozen=True)
class Algorithm:
    """`name` is the id prefix; `label` the analyst's name; `param_labels` render one setting each
    ("learning rate {}"); `scale` says whether the model needs standardised inputs."""

    name: str
    label: str
    factory: Factory
    task_types: tuple[str, ...]
    scale: bool = False
    param_labels: dict[str, str] = field(default_factory=dict)
    family: str = ""  # coarse family for the cold-start order and the descriptor


def _scaled_target(model: BaseEstimator) -> BaseEstimator:
    # Linear, kernel and neural regressors assume a target of unit scale (alpha, epsilon, learning rate).
    return TransformedTargetRegressor(regressor=model, transformer=StandardScaler())


def _logreg(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    return LogisticRegression(
        C=p["C"], max_iter=1000, random_state=seed, class_weight=p.get("class_weight")
    )


def _calibrated(model: BaseEstimator) -> BaseEstimator:
    # Probabilities (for ROC AUC and log loss) from Platt scaling on 3 internal folds; one model
    # refitted on all rows makes the predictions (scikit-learn's replacement for probability=True).
    return CalibratedClassifierCV(model, method="sigmoid", cv=3, ensemble=False)


def _linear_svm(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    return _calibrated(
        LinearSVC(
            C=p["C"],
            dual="auto",
            max_iter=5000,
            random_state=seed,
            class_weight=p.get("class_weight"),
        )
    )


def _rbf_svm(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    return _calibrated(
        SVC(
            kernel="rbf",
            C=p["C"],
            gamma=p.get("gamma", "scale"),
            class_weight=p.get("class_weight"),
        )
    )


def _svr(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    return _scaled_target(SVR(kernel="rbf", C=p["C"], epsilon=p.get("epsilon", 0.1)))


class _AtMostAllRows:
    """Uses at most as many neighbours as there are training rows, so k=50 still works on a small
    table instead of failing; `n_neighbors` itself is left as configured."""

    @contextmanager
    def _capped(self):
        requested = self.n_neighbors
        self.n_neighbors = min(requested, getattr(self, "n_samples_fit_", requested))
        try:
            yield
        finally:
            self.n_neighbors = requested

    def predict(self, X):
        with self._capped():
            return super().predict(X)

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        with self._capped():
            return super().kneighbors(X, n_neighbors, return_distance)


class NeighboursClassifier(_AtMostAllRows, KNeighborsClassifier):
    def predict_proba(self, X):
        with self._capped():
            return super().predict_proba(X)


class NeighboursRegressor(_AtMostAllRows, KNeighborsRegressor):
    pass


def _knn(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    cls = NeighboursClassifier if kind == "classification" else NeighboursRegressor
    return cls(n_neighbors=p["n_neighbors"], weights=p.get("weights", "uniform"), n_jobs=1)


def _tree(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    if kind == "classification":
        return DecisionTreeClassifier(
            max_depth=p.get("max_depth"),
            min_samples_leaf=p.get("min_samples_leaf", 1),
            random_state=seed,
            class_weight=p.get("class_weight"),
        )
    return DecisionTreeRegressor(
        max_depth=p.get("max_depth"),
        min_samples_leaf=p.get("min_samples_leaf", 1),
        random_state=seed,
    )


def _forest(classifier: type, regressor: type) -> Factory:
    def make(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
        cls = classifier if kind == "classification" else regressor
        max_features = p.get("max_features", "sqrt")
        if isinstance(max_features, (int, float)) and max_features <= 1:
            # A share of the features; 1 may come back from JSON as an int, which means "one feature".
            max_features = float(max_features)
        return cls(
            n_estimators=p.get("n_estimators", 100),
            max_features=max_features,
            min_samples_leaf=p.get("min_samples_leaf", 1),
            random_state=seed,
            n_jobs=1,
        )

    return make


def _hist_gb(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    cls = (
        HistGradientBoostingClassifier
        if kind == "classification"
        else HistGradientBoostingRegressor
    )
    return cls(
        learning_rate=p["learning_rate"],
        max_leaf_nodes=p["max_leaf_nodes"],
        max_iter=p.get("max_iter", 200),
        l2_regularization=p.get("l2_regularization", 0.0),
        random_state=seed,
    )


def _adaboost(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    return AdaBoostClassifier(
        n_estimators=p["n_estimators"], learning_rate=p["learning_rate"], random_state=seed
    )


def _gaussian_nb(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    return GaussianNB(var_smoothing=p["var_smoothing"])


def _lda(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    if p.get("shrinkage"):
        return LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto")
    return LinearDiscriminantAnalysis(solver="svd")


def _mlp(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    # max_iter is bounded so that one configuration cannot dominate a portfolio run.
    settings = dict(
        hidden_layer_sizes=tuple(int(u) for u in str(p["hidden"]).split("x")),
        alpha=p["alpha"],
        max_iter=200,
        random_state=seed,
    )
    if kind == "classification":
        return MLPClassifier(**settings)
    return _scaled_target(MLPRegressor(**settings))


def _ridge(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    return _scaled_target(Ridge(alpha=p["alpha"]))


def _lasso(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    return _scaled_target(Lasso(alpha=p["alpha"], max_iter=5000, random_state=seed))


def _elastic_net(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    return _scaled_target(
        ElasticNet(alpha=p["alpha"], l1_ratio=p["l1_ratio"], max_iter=5000, random_state=seed)
    )


def _dummy(kind: str, p: dict[str, Any], seed: int) -> BaseEstimator:
    if kind == "classification":
        return DummyClassifier(strategy=p["strategy"], random_state=seed)
    return DummyRegressor(strategy=p["strategy"])


_BOTH = CLASSIFICATION + REGRESSION

ALGORITHMS: dict[str, Algorithm] = {
    a.name: a
    for a in [
        Algorithm("logreg", "Logistic regression", _logreg, CLASSIFICATION, True,
                  {"C": "C {}", "class_weight": "{}"}, "linear"),
        Algorithm("linear_svm", "Linear SVM", _linear_svm, CLASSIFICATION, True,
                  {"C": "C {}", "class_weight": "{}"}, "kernel"),
        Algorithm("rbf_svm", "RBF SVM", _rbf_svm, CLASSIFICATION, True,
                  {"C": "C {}", "gamma": "gamma {}", "class_weight": "{}"}, "kernel"),
        Algorithm("svr", "Support vector regression", _svr, REGRESSION, True,
                  {"C": "C {}", "epsilon": "epsilon {}"}, "kernel"),
        Algorithm("ridge", "Ridge regression", _ridge, REGRESSION, True,
                  {"alpha": "alpha {}"}, "linear"),
        Algorithm("lasso", "Lasso", _lasso, REGRESSION, True, {"alpha": "alpha {}"}, "linear"),
        Algorithm("elastic_net", "Elastic net", _elastic_net, REGRESSION, True,
                  {"alpha": "alpha {}", "l1_ratio": "L1 share {}"}, "linear"),
        Algorithm("knn", "Nearest neighbours", _knn, _BOTH, True,
                  {"n_neighbors": "{} neighbours", "weights": "{}"}, "neighbours"),
        Algorithm("tree", "Decision tree", _tree, _BOTH, False,
                  {"max_depth": "depth {}", "min_samples_leaf": "{} rows per leaf",
                   "class_weight": "{}"}, "tree"),
        Algorithm("random_forest", "Random forest",
                  _forest(RandomForestClassifier, RandomForestRegressor), _BOTH, False,
                  {"max_features": "{}",
                   "min_samples_leaf": "{} rows per leaf"}, "forest"),
        Algorithm("extra_trees", "Extra trees",
                  _forest(ExtraTreesClassifier, ExtraTreesRegressor), _BOTH, False,
                  {"max_features": "{}",
                   "min_samples_leaf": "{} rows per leaf"}, "forest"),
        Algorithm("hist_gb", "Gradient boosting", _hist_gb, _BOTH, False,
                  {"learning_rate": "learning rate {}", "max_leaf_nodes": "{} leaves",
                   "l2_regularization": "L2 {}", "max_iter": "{} rounds"}, "boosting"),
        Algorithm("adaboost", "AdaBoost", _adaboost, CLASSIFICATION, False,
                  {"n_estimators": "{} rounds", "learning_rate": "learning rate {}"}, "boosting"),
        Algorithm("gaussian_nb", "Naive Bayes", _gaussian_nb, CLASSIFICATION, False,
                  {"var_smoothing": "smoothing {}"}, "probabilistic"),
        Algorithm("lda", "Linear discriminant analysis", _lda, CLASSIFICATION, False,
                  {"shrinkage": "{}"}, "probabilistic"),
        Algorithm("mlp", "Neural network", _mlp, _BOTH, True,
                  {"hidden": "{} units", "alpha": "alpha {}"}, "neural"),
        Algorithm("dummy", "Baseline", _dummy, _BOTH, False, {"strategy": "{}"}, "baseline"),
    ]
}  # fmt: skip


def get_algorithm(name: str) -> Algorithm:
    try:
        return ALGORITHMS[name]
    except KeyError:
        raise UserError(
            f"metadesk does not know the algorithm '{name}'.",
            "It may come from imported knowledge or a newer version; it cannot be run here.",
        ) from None


def register_algorithm(algorithm: Algorithm) -> None:
    """Add an algorithm (used by tests and extensions); configurations name it by `algorithm.name`."""
    ALGORITHMS[algorithm.name] = algorithm


def make_estimator(algorithm: str, params: dict[str, Any], task_type: str, seed: int = 0):
    """The unfitted model of a configuration for a task type."""
    algo = get_algorithm(algorithm)
    if task_type not in algo.task_types:
        raise UserError(
            f"{algo.label} cannot be used for a {task_type} task.",
            "Pick a configuration made for this kind of target.",
        )
    kind = "regression" if task_type == "regression" else "classification"
    return algo.factory(kind, dict(params), seed)

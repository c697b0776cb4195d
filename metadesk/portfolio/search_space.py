"""The search space of every algorithm: ranges, log scales and conditional settings.

The shipped portfolio's configurations are named points of this space. Any other point gets the
same kind of stable id and plain label (``hist_gb:learning_rate=0.07,max_leaf_nodes=45``), so a
tuned configuration is stored, exchanged and re-run exactly like a shipped one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from metadesk.errors import UserError
from metadesk.portfolio.algorithms import ALGORITHMS
from metadesk.portfolio.catalog import configuration_id, configuration_label
from metadesk.portfolio.configuration import Configuration

CLASSIFICATION = ("binary", "multiclass")
REGRESSION = ("regression",)
BOTH = CLASSIFICATION + REGRESSION
_ABSENT = object()  # a sampled "leave this setting out" (the estimator's own default applies)


@dataclass(frozen=True)
class Param:
    """One setting. `kind` is "float", "int" or "choice". Numbers live in [low, high], on a log
    scale when `log`. `special` are alternatives to a number (None for "unlimited", "scale", "sqrt")
    drawn with probability `p_special` each; `optional` settings may be left out of a configuration
    (the estimator's default applies, e.g. no L2 penalty), which is how the portfolio writes them."""

    name: str
    kind: str
    low: float = 0.0
    high: float = 1.0
    log: bool = False
    choices: tuple[Any, ...] = ()
    special: tuple[Any, ...] = ()
    p_special: float = 0.2
    optional: bool = False
    default: Any = None  # the value used when a user's id leaves the setting out

    def check(self, value: Any) -> Any:
        """The value in this setting's type, or ValueError with a plain reason."""
        if self.kind == "choice" or value in self.special:
            pool = self.choices + self.special
            for choice in pool:
                if value == choice and type(value) is type(choice):
                    return choice
                if isinstance(choice, str) and str(value).lower() == choice.lower():
                    return choice  # "hidden=64" reads as a number
            if self.kind == "choice":
                raise ValueError(f"{self.name} must be one of {_listing(pool)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{self.name} must be a number{_or_special(self.special)}")
        if not math.isfinite(value) or not self.low <= value <= self.high:
            raise ValueError(f"{self.name} must be between {self.low:g} and {self.high:g}")
        if self.kind == "int":
            if float(value) != int(value):
                raise ValueError(f"{self.name} must be a whole number")
            return int(value)
        return float(value)

    def sample(self, rng: np.random.Generator) -> Any:
        if self.optional and rng.random() < 0.3:
            return _ABSENT
        if self.kind == "choice":
            return self.choices[int(rng.integers(len(self.choices)))]
        if self.special and rng.random() < self.p_special * len(self.special):
            return self.special[int(rng.integers(len(self.special)))]
        return self.from_unit(float(rng.random()))

    def from_unit(self, u: float) -> Any:
        """The number at position u in [0, 1] of the range (log or linear), rounded for a readable id."""
        u = min(max(u, 0.0), 1.0)
        if self.log:
            x = math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            x = self.low + u * (self.high - self.low)
        if self.kind == "int":
            return int(min(max(round(x), self.low), self.high))
        return min(max(_round(x, 2 if self.log else 0), self.low), self.high)

    def to_unit(self, value: Any) -> float:
        if self.log:
            return (math.log(value) - math.log(self.low)) / (
                math.log(self.high) - math.log(self.low)
            )
        return (float(value) - self.low) / (self.high - self.low)


def _round(x: float, digits: int) -> float:
    """Two significant digits on a log scale (0.07, 3.4, 120); two decimals on a linear one."""
    if digits == 0:
        return round(x, 2)
    return float(f"{x:.{digits}g}")


def _listing(values: tuple[Any, ...]) -> str:
    return ", ".join("none" if v is None else str(v).lower() for v in values)


def _or_special(special: tuple[Any, ...]) -> str:
    return f" or {_listing(special)}" if special else ""


def _log(name: str, low: float, high: float, kind: str = "float", **kw: Any) -> Param:
    return Param(name, kind, low, high, log=True, **kw)


# Every class counts equally in training (the portfolio's class-weighted variants); else as given.
_BALANCED = Param("class_weight", "choice", choices=("balanced",), optional=True)
_HIDDEN = ("16", "32", "64", "128", "256", "32x16", "64x32", "128x64", "256x128")

# Per algorithm: its settings and the task types it serves. Ranges follow the estimators'
# useful regions (scikit-learn's docs, auto-sklearn's and FLAML's spaces), kept laptop-sized.
SPACES: dict[str, tuple[Param, ...]] = {
    "logreg": (_log("C", 1e-3, 1e3, default=1.0), _BALANCED),
    "linear_svm": (_log("C", 1e-3, 1e2, default=1.0), _BALANCED),
    "rbf_svm": (
        _log("C", 1e-2, 1e3, default=1.0),
        _log("gamma", 1e-4, 10, special=("scale",), p_special=0.3, default="scale"),
        _BALANCED,
    ),
    "svr": (
        _log("C", 1e-2, 1e3, default=1.0),
        _log("epsilon", 1e-3, 1.0, optional=True, default=0.1),
    ),
    "ridge": (_log("alpha", 1e-3, 1e3, default=1.0),),
    "lasso": (_log("alpha", 1e-4, 1.0, default=0.01),),
    "elastic_net": (
        _log("alpha", 1e-4, 1.0, default=0.01),
        Param("l1_ratio", "float", 0.05, 0.95, default=0.5),
    ),
    "knn": (
        _log("n_neighbors", 1, 100, "int", default=5),
        Param("weights", "choice", choices=("distance",), optional=True),
    ),
    "tree": (
        _log("max_depth", 2, 30, "int", special=(None,), default=None),
        _log("min_samples_leaf", 1, 50, "int", default=1),
        _BALANCED,  # a regression tree ignores it
    ),
    "random_forest": (
        Param("max_features", "float", 0.1, 1.0, special=("sqrt",), p_special=0.3, default="sqrt"),
        _log("min_samples_leaf", 1, 20, "int", default=1),
    ),
    "extra_trees": (
        Param("max_features", "float", 0.1, 1.0, special=("sqrt",), p_special=0.3, default="sqrt"),
        _log("min_samples_leaf", 1, 20, "int", default=1),
    ),
    "hist_gb": (
        _log("learning_rate", 0.01, 0.5, default=0.1),
        _log("max_leaf_nodes", 4, 256, "int", default=31),
        _log("l2_regularization", 1e-3, 10.0, optional=True, default=0.0),
        _log("max_iter", 50, 500, "int", optional=True, default=200),
    ),
    "adaboost": (
        _log("n_estimators", 25, 400, "int", default=50),
        _log("learning_rate", 0.01, 2.0, default=1.0),
    ),
    "gaussian_nb": (_log("var_smoothing", 1e-12, 1.0, default=1e-9),),
    "lda": (Param("shrinkage", "choice", choices=(False, True), default=False),),
    "mlp": (
        Param("hidden", "choice", choices=_HIDDEN, default="64"),
        _log("alpha", 1e-6, 1.0, default=1e-4),
    ),
    "dummy": (
        Param(
            "strategy", "choice", choices=("prior", "stratified", "mean", "median"), default=None
        ),
    ),
}
# Not worth a trial of a time budget: the baseline is always in the portfolio already.
NOT_TUNED = frozenset({"dummy"})


def tunable_algorithms(task_type: str) -> list[str]:
    """The algorithms a search over this task type draws from (shipped ones only)."""
    return [
        name
        for name, algo in ALGORITHMS.items()
        if name in SPACES and name not in NOT_TUNED and task_type in algo.task_types
    ]


def make_configuration(algorithm: str, params: dict[str, Any]) -> Configuration:
    """The configuration of a point (validated): stable id and plain label like any shipped one."""
    checked = check_params(algorithm, params)
    algo = ALGORITHMS[algorithm]
    return Configuration(
        id=configuration_id(algorithm, checked),
        algorithm=algorithm,
        params=checked,
        label=configuration_label(algorithm, checked),
        task_types=_task_types(algorithm, checked, algo.task_types),
    )


def _task_types(
    algorithm: str, params: dict[str, Any], default: tuple[str, ...]
) -> tuple[str, ...]:
    if algorithm == "dummy":
        family = "classification" if params.get("strategy") in ("prior", "stratified") else None
        return CLASSIFICATION if family else REGRESSION
    return tuple(default)


def check_params(algorithm: str, params: dict[str, Any]) -> dict[str, Any]:
    """Settings in the space's types and order; a `UserError` naming the setting that is wrong."""
    space = SPACES.get(algorithm)
    if space is None or algorithm not in ALGORITHMS:
        known = ", ".join(sorted(SPACES))
        raise UserError(
            f"There is no configuration '{configuration_id(algorithm, params)}': metadesk does "
            f"not know the algorithm '{algorithm}'.",
            f"Its algorithms are: {known}.",
        )
    names = {p.name for p in space}
    unknown = sorted(set(params) - names)
    if unknown:
        raise UserError(
            f"{ALGORITHMS[algorithm].label} has no setting {', '.join(unknown)}.",
            f"Its settings are: {', '.join(p.name for p in space)}.",
        )
    out: dict[str, Any] = {}
    for p in space:
        if p.name not in params:
            if p.optional:
                continue
            value = p.default
        else:
            value = params[p.name]
        try:
            out[p.name] = p.check(value)
        except ValueError as exc:
            raise UserError(
                f"'{configuration_id(algorithm, params)}' is outside the search space: {exc}.",
                "Change the setting, or leave it out to use its default.",
            ) from None
    return out


def _parse_value(text: str) -> Any:
    low = text.strip().lower()
    if low in ("none", "null"):
        return None
    if low in ("true", "false"):
        return low == "true"
    try:
        number = float(low)
    except ValueError:
        return text.strip()
    return int(number) if number.is_integer() and "." not in low and "e" not in low else number


def configuration_from_id(config_id: str) -> Configuration:
    """Parse an id such as ``logreg:C=3`` into a configuration of the space (or a `UserError`).
    Settings left out take their default, so the stored id may spell out more than the one typed."""
    algorithm, _, settings = config_id.strip().partition(":")
    params: dict[str, Any] = {}
    for piece in filter(None, (s.strip() for s in settings.split(","))):
        name, eq, value = piece.partition("=")
        if not eq or not name.strip():
            raise UserError(
                f"'{config_id}' is not a configuration id.",
                "Write it as algorithm:setting=value,setting=value, e.g. logreg:C=3.",
            )
        params[name.strip()] = _parse_value(value)
    if algorithm.strip() == "hist_gb" and params.get("l2_regularization") == 0:
        del params["l2_regularization"]  # zero is how "no penalty" reads; keep the id short
    return make_configuration(algorithm.strip(), params)


def contains(configuration: Configuration) -> bool:
    """True when the configuration is a point of the space (the whole shipped portfolio is)."""
    try:
        return (
            make_configuration(configuration.algorithm, configuration.params).id == configuration.id
        )
    except UserError:
        return False


def sample_configuration(task_type: str, rng: np.random.Generator) -> Configuration:
    """One random point for this task type: an algorithm uniformly, then its settings."""
    names = tunable_algorithms(task_type)
    algorithm = names[int(rng.integers(len(names)))]
    return sample_settings(algorithm, rng)


def sample_settings(algorithm: str, rng: np.random.Generator) -> Configuration:
    params = {}
    for p in SPACES[algorithm]:
        value = p.sample(rng)
        if value is not _ABSENT:
            params[p.name] = value
    return make_configuration(algorithm, params)


def neighbour(
    configuration: Configuration, rng: np.random.Generator, step: float = 0.1
) -> Configuration:
    """A nearby point: every number moved by a small step on its own scale; a choice changed
    now and then. Used to search around the best configurations found so far."""
    params = dict(configuration.params)
    for p in SPACES[configuration.algorithm]:
        value = params.get(p.name, _ABSENT)
        if p.kind == "choice" or value is _ABSENT or value in p.special:
            if rng.random() < 0.15:
                drawn = p.sample(rng)
                if drawn is _ABSENT:
                    params.pop(p.name, None)
                else:
                    params[p.name] = drawn
            continue
        moved = p.from_unit(p.to_unit(value) + float(rng.normal(0.0, step)))
        if p.kind == "int" and moved == value and rng.random() < 0.5:
            moved = int(min(max(value + rng.choice((-1, 1)), p.low), p.high))
        params[p.name] = moved
    return make_configuration(configuration.algorithm, params)


@cache
def _encoding_columns(task_type: str) -> tuple[tuple[str, str, Any], ...]:
    cols: list[tuple[str, str, Any]] = []
    for algorithm in tunable_algorithms(task_type):
        cols.append((algorithm, "", None))
        for p in SPACES[algorithm]:
            if p.kind == "choice":
                cols += [(algorithm, p.name, c) for c in p.choices]
            else:
                cols.append((algorithm, p.name, "number"))
                cols += [(algorithm, p.name, s) for s in p.special]
            if p.optional:
                cols.append((algorithm, p.name, _ABSENT))
    return tuple(cols)


def encode(configurations: list[Configuration], task_type: str) -> np.ndarray:
    """A numeric matrix for a model of the score: the algorithm one-hot, each number at its place
    in [0, 1] of its range (log or linear), each alternative one-hot; -1 where a setting does not apply."""
    cols = _encoding_columns(task_type)
    out = np.full((len(configurations), len(cols)), -1.0)
    for i, c in enumerate(configurations):
        for j, (algorithm, name, what) in enumerate(cols):
            if algorithm != c.algorithm:
                continue
            if name == "":
                out[i, j] = 1.0
                continue
            value = c.params.get(name, _ABSENT)
            if what == "number":
                if (
                    value is not _ABSENT
                    and isinstance(value, (int, float))
                    and not isinstance(value, bool)
                ):
                    spec = next(p for p in SPACES[algorithm] if p.name == name)
                    out[i, j] = spec.to_unit(value)
            elif what is _ABSENT:
                out[i, j] = float(value is _ABSENT)
            else:
                out[i, j] = float(
                    value is not _ABSENT and value == what and type(value) is type(what)
                )
    return out

"""Test-only algorithms that misbehave on purpose; `register` runs inside each worker process."""

from __future__ import annotations

import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier

from metadesk.portfolio import Algorithm, Configuration, register_algorithm


class Exploding(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        raise ValueError("the solver diverged")


class Sleeping(DummyClassifier):
    """Sleeps `seconds` in fit, then behaves like a baseline (so it can also finish)."""

    def __init__(self, seconds: float = 60.0) -> None:
        super().__init__(strategy="prior")
        self.seconds = seconds

    def fit(self, X, y, sample_weight=None):
        time.sleep(self.seconds)
        return super().fit(X, y, sample_weight)


class Hoarding(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.hoard_ = [np.ones(64 * 1024 * 1024 // 8) for _ in range(128)]  # 8 GB, 64 MB at a time
        return self


TASK_TYPES = ("binary", "multiclass")


def register() -> None:
    register_algorithm(
        Algorithm("trial_exploding", "Exploding", lambda k, p, s: Exploding(), TASK_TYPES)
    )
    register_algorithm(
        Algorithm(
            "trial_sleeping", "Sleeping", lambda k, p, s: Sleeping(p.get("seconds", 60)), TASK_TYPES
        )
    )
    register_algorithm(
        Algorithm("trial_hoarding", "Hoarding", lambda k, p, s: Hoarding(), TASK_TYPES)
    )


def configuration(kind: str, **params) -> Configuration:
    settings = ",".join(f"{k}={v}" for k, v in sorted(params.items()))
    return Configuration(
        id=f"trial_{kind}:{settings}",
        algorithm=f"trial_{kind}",
        params=params,
        label=f"Trial {kind}",
        task_types=TASK_TYPES,
    )

"""Test-only algorithms that misbehave on purpose, registered inside each worker process."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from metadesk.portfolio import Algorithm, Configuration, register_algorithm


class Raising(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        raise ValueError("this model always fails")


class Sleepy(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        mark = os.environ.get("METADESK_TEST_FIT_MARK")
        if mark:  # tells a test which process is fitting, and that it has started
            Path(mark).write_text(str(os.getpid()))
        time.sleep(60)
        return self


class Hungry(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.hoard_ = [np.ones(64 * 1024 * 1024 // 8) for _ in range(64)]  # 4 GB, 64 MB at a time
        return self


KINDS = {"raising": Raising, "sleepy": Sleepy, "hungry": Hungry}
TASK_TYPES = ("binary", "multiclass")


def register() -> None:
    for name, cls in KINDS.items():
        register_algorithm(
            Algorithm(f"test_{name}", f"Test {name}", lambda kind, p, seed, c=cls: c(), TASK_TYPES)
        )


def configuration(kind: str) -> Configuration:
    return Configuration(
        id=f"test_{kind}:", algorithm=f"test_{kind}", label=f"Test {kind}", task_types=TASK_TYPES
    )

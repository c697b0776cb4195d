"""Model-based proposals over the search space: a random forest fitted on the trials of one table
scores sampled candidates and neighbours of the best ones by expected improvement (as SMAC does).

Pure values in, configurations out: the tuner in the workspace decides what runs and when.
scikit-learn is already a dependency, so this adds nothing to install or to the bundle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm
from sklearn.ensemble import RandomForestRegressor

from metadesk.portfolio.configuration import Configuration
from metadesk.portfolio.search_space import encode, neighbour, sample_configuration

MIN_OBSERVATIONS = 4  # below this the model knows too little: propose random points
RANDOM_SHARE = 0.2  # every fifth proposal is random, so the search never stops exploring


@dataclass(frozen=True)
class Trial:
    """One evaluated point: `rows_share` is the fraction of the table's rows it was scored on
    (1.0 for the full cross-validation); `score` is higher-is-better (losses negated)."""

    configuration: Configuration
    rows_share: float
    score: float


class Proposer:
    """`propose(trials, n, taken)` returns up to `n` new configurations for this task type."""

    def __init__(self, task_type: str, seed: int = 0, candidates: int = 400) -> None:
        self.task_type = task_type
        self.rng = np.random.default_rng(seed)
        self.candidates = candidates
        self._count = 0

    def propose(self, trials: list[Trial], n: int, taken: set[str]) -> list[Configuration]:
        out: list[Configuration] = []
        seen = set(taken)
        usable = [t for t in trials if math.isfinite(t.score)]
        for _ in range(n):
            self._count += 1
            explore = len(usable) < MIN_OBSERVATIONS or self._count % round(1 / RANDOM_SHARE) == 0
            pick = self._random(seen) if explore else self._best_by_model(usable, seen)
            if pick is None:
                break
            out.append(pick)
            seen.add(pick.id)
        return out

    def _random(self, seen: set[str]) -> Configuration | None:
        for _ in range(50):
            c = sample_configuration(self.task_type, self.rng)
            if c.id not in seen:
                return c
        return None

    def _best_by_model(self, trials: list[Trial], seen: set[str]) -> Configuration | None:
        X = self._features([t.configuration for t in trials], [t.rows_share for t in trials])
        y = np.array([t.score for t in trials], dtype=float)
        y = (y - y.mean()) / (y.std() or 1.0)
        forest = RandomForestRegressor(
            n_estimators=40, min_samples_leaf=2, max_features=0.6, random_state=self._count
        ).fit(X, y)
        pool = self._candidates(trials, seen)
        if not pool:
            return self._random(seen)
        C = self._features(pool, [1.0] * len(pool))
        per_tree = np.stack([tree.predict(C) for tree in forest.estimators_])
        mean, std = per_tree.mean(axis=0), per_tree.std(axis=0) + 1e-9
        full = [i for i, t in enumerate(trials) if t.rows_share >= 1.0]
        best = float(y[full].max()) if full else float(y.max())
        z = (mean - best) / std
        improvement = (mean - best) * norm.cdf(z) + std * norm.pdf(z)
        return pool[int(np.argmax(improvement))]

    def _candidates(self, trials: list[Trial], seen: set[str]) -> list[Configuration]:
        pool: dict[str, Configuration] = {}
        for _ in range(self.candidates):
            c = sample_configuration(self.task_type, self.rng)
            if c.id not in seen:
                pool[c.id] = c
        # Local search around the best points of the largest row share measured so far.
        ranked = sorted(trials, key=lambda t: (t.rows_share, t.score), reverse=True)
        for t in ranked[:6]:
            for step in (0.05, 0.1, 0.2):
                for _ in range(8):
                    c = neighbour(t.configuration, self.rng, step)
                    if c.id not in seen:
                        pool[c.id] = c
        return list(pool.values())

    def _features(self, configurations: list[Configuration], shares: list[float]) -> np.ndarray:
        base = encode(configurations, self.task_type)
        rows = np.log2(np.clip(np.asarray(shares, dtype=float), 1e-3, 1.0))[:, None]
        return np.hstack([base, rows])

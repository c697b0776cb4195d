"""Suggestion quality on tables outside the knowledge: fit on one meta-dataset (the shipped prior),
judge on another whose whole portfolio was run (real tables the prior never saw, on their full rows).

Held-out groups of the prior say how well the meta-model carries over between the prior's own
tables; this says how well it carries over to an analyst's table, which is what the app promises.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from metadesk.metamodel.evaluation import Figures, _average, _one, best_noise
from metadesk.metamodel.level import LevelModel
from metadesk.metamodel.metrics import POINT, sign
from metadesk.metamodel.recommenders import Recommender
from metadesk.metamodel.scores import ScoreTable
from metadesk.metamodel.values import MetaDataset

MAX_K = 5


def evaluate_outside(
    knowledge: MetaDataset,
    tables: MetaDataset,
    task_type: str,
    metric: str,
    recommenders: Sequence[Recommender],
) -> dict[str, Figures]:
    """Per recommender: the held-out figures of `evaluation` (top-1 regret, best-so-far with the
    `observed=` update, coverage...) averaged over the tables, plus `bias` (mean predicted minus
    measured score over every configuration, metric units) and `abs_error`; and `per_table`."""
    with threadpool_limits(1):
        train = ScoreTable.build(knowledge, task_type, metric)
        test = ScoreTable.build(tables, task_type, metric)
        level = LevelModel().fit(train)
        fitted = [r.fit_table(train, knowledge.configurations, level) for r in recommenders]
        per: dict[str, list[Figures]] = {r.name: [] for r in fitted}
        speaks_for = set(train.config_ids)  # only configurations the knowledge knows are judged
        for d in range(test.n_datasets):
            known = [
                c
                for c in range(len(test.config_ids))
                if np.isfinite(test.raw[d, c]) and test.config_ids[c] in speaks_for
            ]
            if len(known) < 2:
                continue
            ids = [test.config_ids[c] for c in known]
            raw = test.raw[d, known]
            truth = sign(metric) * raw
            mf = test.meta_features_of(d)
            for rec in fitted:
                row = _one(rec, mf, ids, truth, raw, MAX_K, True, best_noise(test, d, known))
                row["table"] = test.names[d] or test.dataset_ids[d]
                per[rec.name].append(row)
    out: dict[str, Figures] = {}
    for name, rows in per.items():
        tables_ = [r.pop("table") for r in rows]
        figures = _average(rows, MAX_K)
        figures["per_table"] = {
            t: {
                "top1_regret": r["top1_regret"],
                "best_of_3": r["best_so_far_observed"][2],
                "bias": r["bias"],
            }
            for t, r in zip(tables_, rows, strict=True)
        }
        out[name] = figures
    return out


def in_points(value: float | None, metric: str) -> float | None:
    """A regret or bias in points (0.01) for metrics counted in points; as it is otherwise."""
    if value is None or not np.isfinite(value):
        return None
    return value / POINT if metric not in ("log_loss", "rmse", "mae") else value

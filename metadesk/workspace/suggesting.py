"""Suggestions for one dataset: the cached meta-model, this dataset's own results as `observed=`,
and a clearly labelled default order when nothing is known yet (the meta-model's cold start)."""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from metadesk.knowledge.store import Store
from metadesk.metamodel.values import Suggestion
from metadesk.metric_names import default_metric
from metadesk.workspace.records import experiment_row
from metadesk.workspace.stored import dataset_row

if TYPE_CHECKING:
    from metadesk.metafeatures.values import MetaFeatures
    from metadesk.metamodel.facade import RecommenderInfo
    from metadesk.workspace.layered import Knowledge

log = logging.getLogger(__name__)

# Experiments in these states keep their configuration out of the suggestions.
TAKEN = ("queued", "running", "ok", "failed", "timeout", "interrupted")


def observed_scores(store: Store, dataset_id: str, metric: str) -> dict[str, float]:
    """configuration id -> this dataset's own finished score for `metric`."""
    out: dict[str, float] = {}
    for row in store.experiments(dataset_id, ("ok",)):
        e = experiment_row(row)
        score = e.result.mean.get(metric) if e.result is not None else None
        if score is not None and math.isfinite(score):
            out[e.configuration_id] = float(score)
    return out


def suggest(
    store: Store,
    knowledge: Knowledge,
    meta_features: Callable[[str], MetaFeatures],
    dataset_id: str,
    metric: str,
    top: int | None = None,
) -> list[Suggestion]:
    """The suggestions for `dataset_id` judged by `metric`; `meta_features(dataset_id)` is asked
    only when the meta-model needs them (not on a cold start)."""
    from metadesk.portfolio import default_portfolio

    task_type = str(dataset_row(store, dataset_id)["task_type"])
    taken = {str(r["configuration_id"]) for r in store.experiments(dataset_id, TAKEN)}
    candidates = [c for c in default_portfolio(task_type) if c.runnable and c.id not in taken]
    model = knowledge.model(task_type, metric)
    # A cold start needs no meta-features: do not make the user wait for them.
    features = {} if model.cold_start else meta_features(dataset_id).as_floats()
    observed = observed_scores(store, dataset_id, metric)
    ranked = [
        s
        for s in model.rank(features, candidates, observed or None)
        if s.configuration.id not in taken and s.configuration.runnable
    ]
    if top is not None:
        ranked = ranked[: max(int(top), 0)]
    return [dataclasses.replace(s, rank=i + 1) for i, s in enumerate(ranked)]


def recommender_info(
    knowledge: Knowledge, task_type: str, metric: str | None = None
) -> RecommenderInfo:
    """How the suggestions for this task type and metric are made."""
    return knowledge.model(task_type, metric or default_metric(task_type)).info

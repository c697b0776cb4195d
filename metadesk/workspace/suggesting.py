"""Suggestions for one dataset: the cached meta-model, this dataset's own results as `observed=`,
and a clearly labelled default order when nothing is known yet (the meta-model's cold start)."""

from __future__ import annotations

import dataclasses
import logging
import math
from typing import Any

from metadesk.experiments.spec import default_metric
from metadesk.metamodel.values import Suggestion

log = logging.getLogger(__name__)

# Experiments in these states keep their configuration out of the suggestions.
TAKEN = ("queued", "running", "ok", "failed", "timeout", "interrupted")


def observed_scores(workspace: Any, dataset_id: str, metric: str) -> dict[str, float]:
    """configuration id -> this dataset's own finished score for `metric`."""
    out: dict[str, float] = {}
    for e in workspace.experiments(dataset_id, ("ok",)):
        score = e.result.mean.get(metric) if e.result is not None else None
        if score is not None and math.isfinite(score):
            out[e.configuration_id] = float(score)
    return out


def suggest(
    workspace: Any, dataset_id: str, *, metric: str | None = None, top: int | None = None
) -> list[Suggestion]:
    from metadesk.portfolio import default_portfolio

    info = workspace.dataset(dataset_id)
    metric = metric or workspace.default_metric(dataset_id)  # balanced when a class is rare
    taken = {e.configuration_id for e in workspace.experiments(dataset_id, TAKEN)}
    candidates = [c for c in default_portfolio(info.task_type) if c.runnable and c.id not in taken]
    model = workspace.knowledge.model(info.task_type, metric)
    # A cold start needs no meta-features: do not make the user wait for them.
    features = {} if model.cold_start else workspace.meta_features(dataset_id).as_floats()
    observed = observed_scores(workspace, dataset_id, metric)
    ranked = [
        s
        for s in model.rank(features, candidates, observed or None)
        if s.configuration.id not in taken and s.configuration.runnable
    ]
    if top is not None:
        ranked = ranked[: max(int(top), 0)]
    return [dataclasses.replace(s, rank=i + 1) for i, s in enumerate(ranked)]


def recommender_info(workspace: Any, task_type: str, metric: str | None = None) -> dict[str, Any]:
    info = dict(workspace.knowledge.model(task_type, metric or default_metric(task_type)).info)
    for key, default in (("held_out", {}), ("baseline", {}), ("name", ""), ("sentence", "")):
        info.setdefault(key, default)
    info.setdefault("cold_start", False)
    return info

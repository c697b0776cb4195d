"""Suggestions for one dataset: the cached meta-model, this dataset's own results as `observed=`,
and a clearly labelled default order when nothing is known yet (cold start)."""

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
COLD_START_NAME = "Default order"


def _has_knowledge(workspace: Any, task_type: str, metric: str) -> bool:
    md = workspace.knowledge.combined()
    runs = md.runs
    if runs is None or not len(runs):
        return False
    types = md.datasets.get("task_type", None)
    if types is None:
        return True
    known = set(types[_same_family(types, task_type)].index)
    mine = runs[(runs["metric"] == metric) & runs["dataset_id"].isin(known)]
    return len(mine) > 0


def _same_family(types: Any, task_type: str) -> Any:
    if task_type == "regression":
        return types == "regression"
    return types != "regression"


def suggest(
    workspace: Any, dataset_id: str, *, metric: str | None = None, top: int | None = None
) -> list[Suggestion]:
    from metadesk.portfolio import default_order, default_portfolio

    info = workspace.dataset(dataset_id)
    metric = metric or default_metric(info.task_type)
    taken = {e.configuration_id for e in workspace.experiments(dataset_id, TAKEN)}
    candidates = [c for c in default_portfolio(info.task_type) if c.runnable and c.id not in taken]
    observed = {
        e.configuration_id: float(e.result.mean[metric])
        for e in workspace.experiments(dataset_id, ("ok",))
        if e.result is not None and metric in e.result.mean and math.isfinite(e.result.mean[metric])
    }
    if _has_knowledge(workspace, info.task_type, metric):
        features = workspace.meta_features(dataset_id).as_floats()
        model = workspace.knowledge.model(info.task_type, metric)
        ranked = list(model.rank(features, candidates, observed or None))
    else:
        order = {cid: i for i, cid in enumerate(default_order(info.task_type))}
        ranked = [
            Suggestion(
                configuration=c,
                rank=0,
                metric=metric,
                predicted=math.nan,
                low=math.nan,
                high=math.nan,
                recommender=COLD_START_NAME,
                cold_start=True,
            )
            for c in sorted(candidates, key=lambda c: order.get(c.id, len(order)))
        ]
    ranked = [s for s in ranked if s.configuration.id not in taken]
    if top is not None:
        ranked = ranked[: max(int(top), 0)]
    return [dataclasses.replace(s, rank=i + 1) for i, s in enumerate(ranked)]


def recommender_info(workspace: Any, task_type: str, metric: str | None = None) -> dict[str, Any]:
    metric = metric or default_metric(task_type)
    if not _has_knowledge(workspace, task_type, metric):
        return {
            "name": COLD_START_NAME,
            "held_out": {},
            "baseline": {},
            "sentence": (
                "No past experiments are known yet, so suggestions follow a default order of "
                "strong general-purpose models. They improve as results arrive."
            ),
            "cold_start": True,
        }
    info = dict(getattr(workspace.knowledge.model(task_type, metric), "info", {}) or {})
    info.setdefault("cold_start", False)
    info.setdefault("held_out", {})
    info.setdefault("baseline", {})
    info.setdefault("name", "")
    info.setdefault("sentence", "")
    return info

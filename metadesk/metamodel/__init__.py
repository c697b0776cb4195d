"""The meta-model: from what was learned on past datasets, suggest what to run on a new one.

Recommenders share `fit(meta_dataset, task_type, metric)` and `rank(meta_features, candidates,
observed=None)`; `MetaModel` picks the best one on held-out data. Never opens a database.
"""

from __future__ import annotations

from metadesk.metamodel.evaluation import EvaluationReport, evaluate
from metadesk.metamodel.exchange import combine, load_prior, read_exchange, write_exchange
from metadesk.metamodel.facade import MetaModel, cold_start_suggestions
from metadesk.metamodel.nearest import NearestDatasets
from metadesk.metamodel.recommenders import AverageRank, Recommender
from metadesk.metamodel.surrogate import Surrogate
from metadesk.metamodel.values import Evidence, MetaDataset, Suggestion

__all__ = [
    "AverageRank",
    "EvaluationReport",
    "Evidence",
    "MetaDataset",
    "MetaModel",
    "NearestDatasets",
    "Recommender",
    "Suggestion",
    "Surrogate",
    "cold_start_suggestions",
    "combine",
    "evaluate",
    "load_prior",
    "read_exchange",
    "write_exchange",
]

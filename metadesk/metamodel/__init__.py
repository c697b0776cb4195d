"""The meta-model: from what was learned on past datasets, suggest what to run on a new one.

Recommenders share `fit(meta_dataset, task_type, metric)` and `rank(meta_features, candidates,
observed=None)`; `MetaModel` picks the best one on held-out data. Never opens a database.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from metadesk.metamodel.exchange import combine, load_prior, read_exchange, write_exchange
from metadesk.metamodel.values import Evidence, MetaDataset, Suggestion

if TYPE_CHECKING:  # what __getattr__ resolves, for the type checker
    from metadesk.metamodel.evaluation import EvaluationReport, evaluate
    from metadesk.metamodel.facade import MetaModel, cold_start_suggestions
    from metadesk.metamodel.nearest import NearestDatasets
    from metadesk.metamodel.recommenders import AverageRank, DiversifiedRank, Recommender
    from metadesk.metamodel.surrogate import Surrogate

# The recommenders load scipy and tree models: imported on first use, so that reading the prior
# at start-up stays a matter of reading two tables.
_LAZY = {
    "AverageRank": "metadesk.metamodel.recommenders",
    "Recommender": "metadesk.metamodel.recommenders",
    "DiversifiedRank": "metadesk.metamodel.recommenders",
    "NearestDatasets": "metadesk.metamodel.nearest",
    "Surrogate": "metadesk.metamodel.surrogate",
    "EvaluationReport": "metadesk.metamodel.evaluation",
    "evaluate": "metadesk.metamodel.evaluation",
    "MetaModel": "metadesk.metamodel.facade",
    "cold_start_suggestions": "metadesk.metamodel.facade",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "AverageRank",
    "DiversifiedRank",
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

"""Experiments: the runner that evaluates one configuration on one dataset, and the executors that
run many in the background (local processes or a Dask cluster).

Kept light on purpose: a fresh worker process imports `metadesk.experiments.worker` first, which
pins BLAS/OpenMP threads before numpy loads. Names are resolved on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "run": "metadesk.experiments.runner",
    "fit_final": "metadesk.experiments.runner",
    "load_snapshot": "metadesk.experiments.runner",
    "ExperimentSpec": "metadesk.experiments.spec",
    "Protocol": "metadesk.experiments.spec",
    "Result": "metadesk.experiments.spec",
    "ExperimentHandle": "metadesk.experiments.executor",
    "Executor": "metadesk.experiments.executor",
    "LocalExecutor": "metadesk.experiments.local",
    "DaskExecutor": "metadesk.experiments.cluster",
    "check_scheduler": "metadesk.experiments.cluster",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'metadesk.experiments' has no attribute {name!r}")
    return getattr(import_module(module), name)

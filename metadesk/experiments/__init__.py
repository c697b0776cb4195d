"""Experiments: the runner that evaluates one configuration on one dataset, and the executors that
run many in the background (local processes or a Dask cluster).

Kept light on purpose: a fresh worker process imports `metadesk.experiments.worker` first, which
pins BLAS/OpenMP threads before numpy loads. Names are resolved on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what __getattr__ resolves, for the type checker
    from metadesk.experiments.cluster import DaskExecutor as DaskExecutor
    from metadesk.experiments.cluster import check_scheduler as check_scheduler
    from metadesk.experiments.executor import Executor as Executor
    from metadesk.experiments.executor import ExperimentHandle as ExperimentHandle
    from metadesk.experiments.local import LocalExecutor as LocalExecutor
    from metadesk.experiments.runner import fit_final as fit_final
    from metadesk.experiments.runner import load_snapshot as load_snapshot
    from metadesk.experiments.runner import run as run
    from metadesk.experiments.spec import ExperimentSpec as ExperimentSpec
    from metadesk.experiments.spec import Protocol as Protocol
    from metadesk.experiments.spec import Result as Result

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


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'metadesk.experiments' has no attribute {name!r}")
    return getattr(import_module(module), name)

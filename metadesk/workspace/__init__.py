"""The application service: one object the GUI and the CLI talk to (no Qt, no argparse).

It opens a workspace (a SQLite store plus a folder of Parquet snapshots), adds datasets, computes and
caches meta-features, asks the meta-model for suggestions, queues and dispatches experiments, and
reports progress through plain callbacks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from metadesk.workspace.events import Event, EventKind

if TYPE_CHECKING:
    from metadesk.workspace.records import DatasetInfo, ExperimentRow
    from metadesk.workspace.service import Workspace

__all__ = ["DatasetInfo", "Event", "EventKind", "ExperimentRow", "Workspace"]

# Loaded on first use: the service pulls in pandas, which a face reading only the event types
# (the window's views at start-up, the command line) must not pay for.
_LAZY = {
    "DatasetInfo": "metadesk.workspace.records",
    "ExperimentRow": "metadesk.workspace.records",
    "Workspace": "metadesk.workspace.service",
}


def __getattr__(name: str) -> Any:  # the module attribute's type depends on `name`
    if name not in _LAZY:
        raise AttributeError(f"module 'metadesk.workspace' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value

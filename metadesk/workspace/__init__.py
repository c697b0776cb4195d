"""The application service: one object the GUI and the CLI talk to (no Qt, no argparse).

It opens a workspace (a SQLite store plus a folder of Parquet snapshots), adds datasets, computes and
caches meta-features, asks the meta-model for suggestions, queues and dispatches experiments, and
reports progress through plain callbacks.
"""

from __future__ import annotations

from metadesk.workspace.service import DatasetInfo, Event, ExperimentRow, Workspace

__all__ = ["DatasetInfo", "Event", "ExperimentRow", "Workspace"]

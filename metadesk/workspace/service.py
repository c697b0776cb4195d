"""`Workspace`: the facade of the application layer. THE PUBLIC API BELOW IS A CONTRACT.

The GUI and CLI are written against these signatures. Implementations may live in sibling modules
(`dispatcher.py`, `usage.py`, ...) but the names, arguments and return types stay as documented here.
Every method is safe to call from a worker thread; none is meant for the GUI thread (they do I/O).
Callbacks are invoked from whatever thread produced the event (the dispatcher thread for experiments).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from metadesk.data.task import Task
from metadesk.experiments.spec import Protocol, Result


@dataclass(frozen=True)
class DatasetInfo:
    dataset_id: str
    name: str
    task_type: str
    target: str
    n_rows: int
    n_features: int
    source_path: str  # the user's original file (may have moved since; the snapshot is what counts)
    snapshot_path: str
    added_at: str  # ISO timestamp


@dataclass(frozen=True)
class ExperimentRow:
    """One row of the queue / results table."""

    experiment_id: int
    dataset_id: str
    configuration_id: str
    configuration_label: str
    status: str  # queued | running | ok | failed | timeout | cancelled | interrupted
    priority: int
    queued_at: str
    started_at: str | None
    finished_at: str | None
    result: Result | None  # present once finished


@dataclass(frozen=True)
class Event:
    """What changed. kind: 'dataset_added', 'meta_features', 'queued', 'started', 'finished',
    'cancelled', 'paused', 'resumed', 'suggestions_stale', 'knowledge_changed', 'executor_error'."""

    kind: str
    dataset_id: str | None = None
    experiment_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


Listener = Callable[[Event], None]


class Workspace:
    """Open with `Workspace.open(path)`; `path=None` means the default platformdirs workspace.

    `prior_dir=None` uses the shipped prior knowledge in `resources/knowledge/`; pass `False` to
    start without any prior (cold start), or another folder holding the exchange format.
    """

    @classmethod
    def open(
        cls, path: Path | str | None = None, *, prior_dir: Path | str | bool | None = None
    ) -> Workspace:
        raise NotImplementedError

    path: Path

    def close(self) -> None:
        """Stop the dispatcher (cancelling running experiments, which are re-queued next time)."""
        raise NotImplementedError

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Register a callback for `Event`s; returns a function that unsubscribes."""
        raise NotImplementedError

    # --- datasets -------------------------------------------------------------------------------
    def read_table(self, path: Path | str, **options: Any) -> tuple[pd.DataFrame, Any]:
        """`metadesk.data.read_table` (frame, report). Raises `UserError` on bad input."""
        raise NotImplementedError

    def make_task(self, frame: pd.DataFrame, target: str, **options: Any) -> Task:
        """`metadesk.data.make_task` (task_type=, roles=, name=, source_path=, folds=)."""
        raise NotImplementedError

    def add_dataset(self, task: Task) -> DatasetInfo:
        """Snapshot the task's data as content-addressed Parquet and record it (idempotent)."""
        raise NotImplementedError

    def datasets(self) -> list[DatasetInfo]:
        raise NotImplementedError

    def dataset(self, dataset_id: str) -> DatasetInfo:
        raise NotImplementedError

    def load_task(self, dataset_id: str) -> Task:
        """Rebuild the `Task` from its snapshot (never from the user's original file)."""
        raise NotImplementedError

    def remove_dataset(self, dataset_id: str) -> None:
        raise NotImplementedError

    def meta_features(self, dataset_id: str) -> Any:
        """`metafeatures.MetaFeatures` for the dataset: computed once, then read from the store."""
        raise NotImplementedError

    # --- suggestions ----------------------------------------------------------------------------
    def suggest(
        self, dataset_id: str, *, metric: str | None = None, top: int | None = None
    ) -> list[Any]:
        """`metamodel.Suggestion`s, best first, taking this dataset's finished results into account
        (`observed=`). Configurations already run on this dataset are not suggested again."""
        raise NotImplementedError

    def recommender_info(self, task_type: str, metric: str | None = None) -> dict[str, Any]:
        """{'name', 'held_out': {...metrics...}, 'baseline': {...AverageRank...}, 'sentence', 'cold_start'}"""
        raise NotImplementedError

    # --- experiments ----------------------------------------------------------------------------
    def queue(
        self,
        dataset_id: str,
        configuration_ids: Sequence[str] | str = "all",
        *,
        priority: int = 0,
        protocol: Protocol | None = None,
    ) -> list[int]:
        """Queue experiments; identical ones (same dataset, configuration, protocol) are reused,
        never run twice. Returns the experiment ids (existing ids for reused ones)."""
        raise NotImplementedError

    def experiments(
        self, dataset_id: str | None = None, statuses: Sequence[str] | None = None
    ) -> list[ExperimentRow]:
        raise NotImplementedError

    def start(
        self, executor: Any = None, *, workers: int | None = None, scheduler: str | None = None
    ) -> None:
        """Start dispatching queued experiments in the background (a plain thread). Without an
        executor: a `LocalExecutor(workers)`, or a `DaskExecutor(scheduler)` when given."""
        raise NotImplementedError

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the queue is empty (for the CLI and tests). True if it emptied."""
        raise NotImplementedError

    def pause(self) -> None:
        raise NotImplementedError

    def resume(self) -> None:
        raise NotImplementedError

    @property
    def paused(self) -> bool:
        raise NotImplementedError

    def cancel(self, experiment_id: int) -> None:
        raise NotImplementedError

    def cancel_all(self) -> None:
        raise NotImplementedError

    def workers_status(self) -> dict[str, int]:
        """{'busy': n, 'free': n, 'total': n}"""
        raise NotImplementedError

    def leaderboard(self, dataset_id: str, metric: str | None = None) -> pd.DataFrame:
        """One row per finished ok experiment on this dataset: configuration_id, label, algorithm,
        mean and std of every metric, fit_seconds, provenance ('own' or 'prior'), best first."""
        raise NotImplementedError

    # --- knowledge ------------------------------------------------------------------------------
    def meta_dataset(self) -> Any:
        """`metamodel.MetaDataset`: the prior plus this workspace's results (own results win)."""
        raise NotImplementedError

    def import_knowledge(self, datasets_path: Path | str, runs_path: Path | str) -> dict[str, int]:
        raise NotImplementedError

    def export_knowledge(self, folder: Path | str, *, fmt: str = "csv") -> tuple[Path, Path]:
        raise NotImplementedError

    # --- using a result -------------------------------------------------------------------------
    def predict_file(
        self, dataset_id: str, configuration_id: str, in_path: Path | str, out_path: Path | str
    ) -> Path:
        """Fit the configuration on the whole dataset, predict the new file, write CSV or Excel
        (by extension) with predictions and class probabilities; cells are formula-safe."""
        raise NotImplementedError

    def export_model(self, dataset_id: str, configuration_id: str, out_path: Path | str) -> Path:
        """Fit on the whole dataset and save with skops."""
        raise NotImplementedError

    def export_report(
        self, dataset_id: str, out_path: Path | str, *, metric: str | None = None
    ) -> Path:
        """One self-contained HTML file: leaderboard, plots (inline PNG), suggestions with reasons."""
        raise NotImplementedError

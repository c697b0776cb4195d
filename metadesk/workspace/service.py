"""`Workspace`: the facade of the application layer. THE PUBLIC API BELOW IS A CONTRACT.

The GUI and CLI are written against these signatures. The experiment methods live in `queueing.py`,
the knowledge-exchange ones in `knowledge_exchange.py` (both mixed in); the work is done in sibling
modules (`stored.py`, `records.py`, `dispatcher.py`, `layered.py`, `usage.py`...), but the names,
arguments and return types stay as documented here. Every method is safe to call from a worker
thread; none is meant for the GUI thread (they do I/O). Listeners get typed `Event`s (`events.py`)
on whatever thread produced them (the dispatcher thread for experiments).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from metadesk.data.readers import read_table
from metadesk.data.task import Task, make_task
from metadesk.experiments.spec import Protocol, Result
from metadesk.knowledge.store import Store, default_path
from metadesk.workspace import records, stored
from metadesk.workspace.comparisons import Baseline, Baselines, ResultsTable
from metadesk.workspace.dispatcher import Dispatcher
from metadesk.workspace.events import Event, EventKind, Listener, Listeners
from metadesk.workspace.knowledge_exchange import KnowledgeExchange
from metadesk.workspace.layered import Knowledge
from metadesk.workspace.metafeature_upkeep import MetaFeatureUpkeep
from metadesk.workspace.queueing import ExperimentQueue
from metadesk.workspace.records import DatasetInfo, ExperimentRow

if TYPE_CHECKING:  # imported where used: each pulls in its own libraries
    from metadesk.experiments.predictions import OutOfFold
    from metadesk.metafeatures.values import MetaFeatures
    from metadesk.metamodel.facade import RecommenderInfo
    from metadesk.metamodel.values import MetaDataset, Suggestion
    from metadesk.portfolio.configuration import Configuration
    from metadesk.workspace.models import OpenedModel

log = logging.getLogger(__name__)

__all__ = ["DatasetInfo", "Event", "EventKind", "ExperimentRow", "Listener", "Workspace"]


class Workspace(ExperimentQueue, KnowledgeExchange):
    """Open with `Workspace.open(path)`; `path=None` means the default platformdirs workspace.

    `prior_dir=None` uses the shipped prior knowledge in `resources/knowledge/`; pass `False` to
    start without any prior (cold start), or another folder holding the exchange format.
    """

    def __init__(self, store: Store, prior_dir: Path | str | bool | None) -> None:
        self.store = store
        self.path: Path = store.path
        self.knowledge = Knowledge(store, prior_dir)
        self._events = Listeners()
        self._meta_features = MetaFeatureUpkeep(store, self._emit)
        self._baselines = Baselines()
        self._default_metrics: dict[str, str] = {}
        self._lock = threading.RLock()
        self._dispatcher: Dispatcher | None = None
        self._paused = False
        self._closed = False

    @classmethod
    def open(
        cls, path: Path | str | None = None, *, prior_dir: Path | str | bool | None = None
    ) -> Workspace:
        store = Store(default_path() if path is None else path)
        store.recover_interrupted()
        return cls(store, prior_dir)

    def close(self) -> None:
        """Stop the dispatcher (cancelling running experiments, which are re-queued next time)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            dispatcher, self._dispatcher = self._dispatcher, None
        if dispatcher is not None:
            dispatcher.stop()
        self._meta_features.close()
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Register a callback for `Event`s; returns a function that unsubscribes. A listener is
        called on the thread that produced the event (the dispatcher's for experiments)."""
        return self._events.subscribe(listener)

    def _emit(self, event: Event) -> None:
        self._events.emit(event)

    # --- datasets -------------------------------------------------------------------------------
    # The data layer's own functions, signatures and all: `read_table` raises `UserError` on bad
    # input, `make_task` a `TaskProblem` naming what is wrong with the user's choices.
    read_table = staticmethod(read_table)
    make_task = staticmethod(make_task)

    def add_dataset(self, task: Task) -> DatasetInfo:
        """Snapshot the task's data as content-addressed Parquet and record it (idempotent)."""
        existing = self.store.dataset(task.dataset_id)
        if existing is not None and Path(existing["snapshot_path"]).exists():
            return records.dataset_info(existing)
        from metadesk.data import write_snapshot

        folder = records.snapshot_folder(self.store.snapshot_dir)
        snapshot = write_snapshot(task, folder)
        if existing is not None:  # the snapshot was lost: record the fresh one, keep the results
            self.store.set_snapshot(task.dataset_id, str(snapshot))
            return self.dataset(task.dataset_id)
        if self.store.put_dataset(records.dataset_row(task, Path(snapshot))):
            self._emit(Event(EventKind.DATASET_ADDED, task.dataset_id))
        return self.dataset(task.dataset_id)

    def datasets(self) -> list[DatasetInfo]:
        return [records.dataset_info(r) for r in self.store.datasets()]

    def dataset(self, dataset_id: str) -> DatasetInfo:
        return records.dataset_info(stored.dataset_row(self.store, dataset_id))

    def load_task(self, dataset_id: str) -> Task:
        """Rebuild the `Task` from its snapshot (never from the user's original file)."""
        return stored.load_task(self.store, dataset_id)

    def remove_dataset(self, dataset_id: str) -> None:
        running = [e.experiment_id for e in self.experiments(dataset_id, ("queued", "running"))]
        if running:
            self.store.cancel(running)
            if self._dispatcher is not None:
                self._dispatcher.cancel(running)
        self.store.remove_dataset(dataset_id)
        self._baselines.forget(dataset_id)
        self._emit(Event(EventKind.KNOWLEDGE_CHANGED, dataset_id))

    def meta_features(self, dataset_id: str) -> MetaFeatures:
        """`metafeatures.MetaFeatures` for the dataset: read from the store when computed by the
        current extractor version, else (re)computed from the snapshot and stored with it.
        Values over budget are retried once per session."""
        return self._meta_features.get(dataset_id)

    def isolate_meta_features(self, enabled: bool = True, *, start_now: bool = False) -> None:
        """Compute meta-features in a child process (the GUI does, so that extraction never holds
        its interpreter lock), or in this process again; `start_now` starts the child at once
        rather than on first use; `close()` stops it."""
        self._meta_features.isolate(enabled, start_now=start_now)

    def refresh_meta_features(
        self,
        dataset_ids: Sequence[str] | None = None,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> int:
        """Recompute the meta-features of every stale dataset (none yet, an older extractor
        version, or values over budget); returns how many were recomputed.
        `progress(done, total, dataset_id)` follows each stale dataset."""
        return self._meta_features.refresh(dataset_ids, progress)

    # --- suggestions ----------------------------------------------------------------------------
    def suggest(
        self, dataset_id: str, *, metric: str | None = None, top: int | None = None
    ) -> list[Suggestion]:
        """`metamodel.Suggestion`s, best first, taking this dataset's finished results into account
        (`observed=`). Configurations already run on this dataset are not suggested again."""
        from metadesk.workspace.suggesting import suggest

        metric = metric or self.default_metric(dataset_id)  # balanced when a class is rare
        return suggest(self.store, self.knowledge, self.meta_features, dataset_id, metric, top)

    def recommender_info(self, task_type: str, metric: str | None = None) -> RecommenderInfo:
        """name, label, held_out and baseline figures, the trust sentence, cold_start..."""
        from metadesk.workspace.suggesting import recommender_info

        return recommender_info(self.knowledge, task_type, metric)

    def leaderboard(self, dataset_id: str, metric: str | None = None) -> pd.DataFrame:
        """One row per finished ok experiment on this dataset: configuration_id, label, algorithm,
        mean and std of every metric (columns `<metric>` and `<metric>_std`), fit_seconds,
        provenance ('own' or 'prior'), experiment_id, folds; best first by `metric`."""
        return self._leaderboard(dataset_id, metric, self.store.experiments(dataset_id, ("ok",)))

    def _leaderboard(
        self, dataset_id: str, metric: str | None, own: list[stored.StoreRow]
    ) -> pd.DataFrame:
        row = stored.dataset_row(self.store, dataset_id)
        prior_runs = None
        configurations: dict[str, Configuration] = {}
        known = self.knowledge.without_own()
        if dataset_id in known.datasets.index:
            prior_runs = known.runs[known.runs["dataset_id"] == dataset_id]
            configurations = known.configurations
        return records.leaderboard_frame(
            row["task_type"],
            own,
            prior_runs,
            configurations,
            metric or self.default_metric(dataset_id),
        )

    def default_metric(self, dataset_id: str) -> str:
        """The metric a dataset is judged by unless the user picks one: balanced accuracy when a
        class is rare (under 20 % of two classes), else the task type's default."""
        with self._lock:
            known = self._default_metrics.get(dataset_id)
        if known is not None:
            return known
        from metadesk.workspace.comparisons import dataset_default_metric, target_counts

        info = self.dataset(dataset_id)
        metric = dataset_default_metric(info.task_type, target_counts(info))
        with self._lock:
            self._default_metrics[dataset_id] = metric
        return metric

    def baseline(self, dataset_id: str, protocol: Protocol | None = None) -> Baseline | None:
        """The majority-class (regression: mean) predictor cross-validated on the folds of
        `protocol`: the score to beat. Computed once per dataset and folds (cheap); None when the
        table cannot be cross-validated."""
        return self._baselines.get(self.store, dataset_id, protocol or Protocol())

    def results(
        self, dataset_id: str, metric: str | None = None, *, bayesian: bool = True
    ) -> ResultsTable:
        """The leaderboard with each own run's fold scores, `p_value_vs_best` and
        `tied_with_best` (corrected resampled t-test against the best run on the same folds;
        with `bayesian`, the probability of being within ±1 point of it), the baseline, and
        plain-language notes (ties; accuracy too close to the baseline)."""
        from metadesk.workspace.comparisons import results_table

        metric = metric or self.default_metric(dataset_id)
        own = self.store.experiments(dataset_id, ("ok",))
        for row in own:  # parsed once for the leaderboard and the tests
            if row.get("result"):
                row["parsed_result"] = Result.from_json(row["result"])
        board = self._leaderboard(dataset_id, metric, own)
        return results_table(self.baseline, dataset_id, metric, board, own, bayesian=bayesian)

    def predictions(self, experiment_id: int) -> OutOfFold | None:
        """`experiments.predictions.OutOfFold` of a finished experiment, or None when they were
        not kept (an older run, or beyond the retention rule)."""
        from metadesk.experiments.predictions import decode

        data = self.store.predictions(experiment_id)
        return decode(data) if data else None

    # --- knowledge ------------------------------------------------------------------------------
    def meta_dataset(self) -> MetaDataset:
        """`metamodel.MetaDataset`: the prior plus this workspace's results (own results win)."""
        return self.knowledge.combined()

    # --- using a result -------------------------------------------------------------------------
    def predict_file(
        self, dataset_id: str, configuration_id: str, in_path: Path | str, out_path: Path | str
    ) -> Path:
        """Fit the configuration on the whole dataset, predict the new file, write CSV or Excel
        (by extension) with predictions and class probabilities; cells are formula-safe."""
        from metadesk.workspace import usage

        path = usage.predict_file(
            self.store, self.knowledge, dataset_id, configuration_id, in_path, out_path
        )
        return _private(path)

    def export_model(self, dataset_id: str, configuration_id: str, out_path: Path | str) -> Path:
        """Fit on the whole dataset and save with skops."""
        from metadesk.workspace import usage

        metric = self.default_metric(dataset_id)  # the score the model card reports
        path = usage.export_model(
            self.store, self.knowledge, dataset_id, configuration_id, out_path, metric
        )
        return _private(path)

    def open_model(self, path: Path | str) -> OpenedModel:
        """`models.OpenedModel` from an exported `.skops` file, after checking that every type it
        needs comes from scikit-learn, NumPy, SciPy or metadesk (`ModelFileProblem` otherwise)."""
        from metadesk.workspace.models import open_model

        return open_model(path)

    def predict_with_model(
        self, model_path: Path | str, in_path: Path | str, out_path: Path | str
    ) -> Path:
        """Predict a table with an exported model (no dataset needed); written as `predict_file`."""
        from metadesk.workspace.models import predict_with_model

        return predict_with_model(model_path, in_path, out_path)


def _private(path: Path) -> Path:
    """An exported file holds the user's data: readable by the user only."""
    from metadesk.knowledge.integrity import make_private

    make_private(Path(path))
    return path

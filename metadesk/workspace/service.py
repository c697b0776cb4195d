"""`Workspace`: the facade of the application layer. THE PUBLIC API BELOW IS A CONTRACT.

The GUI and CLI are written against these signatures. Implementations live in sibling modules
(`records.py`, `dispatcher.py`, `layered.py`, `usage.py`) but the names, arguments and return types
stay as documented here. Every method is safe to call from a worker thread; none is meant for the GUI
thread (they do I/O). Callbacks are invoked from whatever thread produced the event (the dispatcher
thread for experiments).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from metadesk.data.task import Task
from metadesk.errors import WorkspaceProblem
from metadesk.experiments.spec import FINISHED, Protocol, Result
from metadesk.knowledge.store import Store, default_path
from metadesk.workspace import records
from metadesk.workspace.comparisons import Baseline, Baselines, ResultsTable
from metadesk.workspace.dispatcher import Dispatcher, make_executor
from metadesk.workspace.knowledge_exchange import KnowledgeExchange
from metadesk.workspace.layered import Knowledge
from metadesk.workspace.metafeature_upkeep import MetaFeatureUpkeep
from metadesk.workspace.records import DatasetInfo, Event, ExperimentRow, Listener

log = logging.getLogger(__name__)

__all__ = ["DatasetInfo", "Event", "ExperimentRow", "Listener", "Workspace"]


class Workspace(KnowledgeExchange):
    """Open with `Workspace.open(path)`; `path=None` means the default platformdirs workspace.

    `prior_dir=None` uses the shipped prior knowledge in `resources/knowledge/`; pass `False` to
    start without any prior (cold start), or another folder holding the exchange format.
    """

    def __init__(self, store: Store, prior_dir: Path | str | bool | None) -> None:
        self.store = store
        self.path: Path = store.path
        self.knowledge = Knowledge(store, prior_dir)
        self._meta_features = MetaFeatureUpkeep(self)
        self._baselines = Baselines()
        self._default_metrics: dict[str, str] = {}
        self._listeners: list[Listener] = []
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
        """Register a callback for `Event`s; returns a function that unsubscribes."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _emit(self, kind: str, **fields: Any) -> None:
        event = Event(kind, **fields)
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a faulty listener must not stop the queue
                log.exception("listener failed on %s", kind)

    # --- datasets -------------------------------------------------------------------------------
    def read_table(self, path: Path | str, **options: Any) -> tuple[pd.DataFrame, Any]:
        """`metadesk.data.read_table` (frame, report). Raises `UserError` on bad input."""
        from metadesk.data import read_table

        return read_table(path, **options)

    def make_task(self, frame: pd.DataFrame, target: str, **options: Any) -> Task:
        """`metadesk.data.make_task` (task_type=, roles=, name=, source_path=, folds=)."""
        from metadesk.data import make_task

        return make_task(frame, target, **options)

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
            self._emit("dataset_added", dataset_id=task.dataset_id)
        return self.dataset(task.dataset_id)

    def datasets(self) -> list[DatasetInfo]:
        return [records.dataset_info(r) for r in self.store.datasets()]

    def dataset(self, dataset_id: str) -> DatasetInfo:
        return records.dataset_info(self._dataset_row(dataset_id))

    def _dataset_row(self, dataset_id: str) -> dict[str, Any]:
        row = self.store.dataset(dataset_id)
        if row is None:
            raise WorkspaceProblem(
                f"No dataset {dataset_id} in this workspace.", "Load the table again to add it."
            )
        return row

    def load_task(self, dataset_id: str) -> Task:
        """Rebuild the `Task` from its snapshot (never from the user's original file)."""
        from metadesk.data import task_from_snapshot

        row = self._dataset_row(dataset_id)
        if not Path(row["snapshot_path"]).exists():
            raise WorkspaceProblem(
                f"The stored copy of '{row['name']}' is missing.",
                "Load the original file again to restore it.",
            )
        task = task_from_snapshot(
            row["snapshot_path"],
            target=row["target"],
            task_type=row["task_type"],
            roles=row["roles"],
            name=row["name"],
            dataset_id=row["id"],
            source_path=row["source_path"] or None,
        )
        return records.with_stored_columns(task, row)

    def remove_dataset(self, dataset_id: str) -> None:
        running = [e.experiment_id for e in self.experiments(dataset_id, ("queued", "running"))]
        if running:
            self.store.cancel(running)
            if self._dispatcher is not None:
                self._dispatcher.cancel(running)
        self.store.remove_dataset(dataset_id)
        self._baselines.forget(dataset_id)
        self._emit("knowledge_changed", dataset_id=dataset_id)

    def meta_features(self, dataset_id: str) -> Any:
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
    ) -> list[Any]:
        """`metamodel.Suggestion`s, best first, taking this dataset's finished results into account
        (`observed=`). Configurations already run on this dataset are not suggested again."""
        from metadesk.workspace.suggesting import suggest

        return suggest(self, dataset_id, metric=metric, top=top)

    def tuner(self, dataset_id: str, budget_seconds: float, **options: Any) -> Any:
        """A `tuning.Tuner` (metric=, warm_start=, seed=, started=, on_progress=): `run()` searches
        beyond the portfolio within the budget, warm-started by the suggestions; `stop()` ends it.
        Dispatching must be started (`start()`): trials are ordinary experiments."""
        from metadesk.workspace.tuning import Tuner

        return Tuner(self, dataset_id, budget_seconds, **options)

    def recommender_info(self, task_type: str, metric: str | None = None) -> dict[str, Any]:
        """{'name', 'held_out': {...metrics...}, 'baseline': {...AverageRank...}, 'sentence', 'cold_start'}"""
        from metadesk.workspace.suggesting import recommender_info

        return recommender_info(self, task_type, metric)

    # --- experiments ----------------------------------------------------------------------------
    def queue(
        self,
        dataset_id: str,
        configuration_ids: Sequence[str | Any] | str = "all",
        *,
        priority: int = 0,
        protocol: Protocol | None = None,
        retry_failed: bool = False,
    ) -> list[int]:
        """Queue experiments; identical ones (same dataset, configuration, protocol) are reused,
        never run twice. Returns the experiment ids (existing ids for reused ones).
        A cancelled or interrupted one is queued again; a failed one only with `retry_failed=True`;
        one that timed out also when the new protocol allows it more time."""
        from metadesk.portfolio import Configuration, default_portfolio, get_configuration

        row = self._dataset_row(dataset_id)
        protocol = protocol or Protocol()
        if isinstance(configuration_ids, str) and configuration_ids == "all":
            configs = [c for c in default_portfolio(row["task_type"]) if c.runnable]
        else:
            ids = [configuration_ids] if isinstance(configuration_ids, str) else configuration_ids
            configs = [c if isinstance(c, Configuration) else get_configuration(c) for c in ids]
        self.store.put_configurations([records.configuration_row(c) for c in configs])
        items = [records.queue_item(row, c, protocol) for c in configs]
        requeue = records.requeue_rule(protocol, retry_failed=retry_failed)
        outcome = self.store.enqueue(items, priority=priority, requeue=requeue)
        ids = [eid for eid, _ in outcome]
        new = [eid for eid, fresh in outcome if fresh]
        if new:
            self._emit("queued", dataset_id=dataset_id, payload={"experiment_ids": new})
            self._emit("suggestions_stale", dataset_id=dataset_id)
            if self._dispatcher is not None:
                self._dispatcher.wake()
        return ids

    def retry(self, experiment_id: int) -> int:
        """Queue a failed, timed-out or cancelled experiment again (same id)."""
        row = self.store.experiment(experiment_id)
        if row is None:
            raise WorkspaceProblem(f"No experiment {experiment_id} in this workspace.")
        stored = self.store.configuration(row["configuration_id"])  # as it was queued
        config = records.configuration_from_row(stored) if stored else row["configuration_id"]
        self.queue(
            row["dataset_id"],
            [config],
            priority=row["priority"],
            protocol=Protocol.from_dict(row["protocol"]),
            retry_failed=True,
        )
        return experiment_id

    def experiments(
        self, dataset_id: str | None = None, statuses: Sequence[str] | None = None
    ) -> list[ExperimentRow]:
        return [records.experiment_row(r) for r in self.store.experiments(dataset_id, statuses)]

    def start(
        self, executor: Any = None, *, workers: int | None = None, scheduler: str | None = None
    ) -> None:
        """Start dispatching queued experiments in the background (a plain thread). Without an
        executor: a `LocalExecutor(workers)`, or a `DaskExecutor(scheduler)` when given.
        Raises `ExecutionProblem` (queue untouched) when the scheduler cannot be reached."""
        with self._lock:
            if self._closed:
                raise WorkspaceProblem("This workspace has been closed.", "Open it again.")
            if self._dispatcher is not None:
                return
            if executor is None:
                executor = make_executor(workers, scheduler)
            self._dispatcher = Dispatcher(
                self.store,
                executor,
                records.spec_builder(self.store),
                self._emit,
                paused=self._paused,
            )
            self._dispatcher.start()

    def stop(self) -> None:
        """Stop dispatching and shut the workers down (running experiments go back to the queue);
        the workspace stays open, so `start()` may follow, e.g. with a cluster instead."""
        with self._lock:
            dispatcher, self._dispatcher = self._dispatcher, None
        if dispatcher is not None:
            dispatcher.stop()

    @property
    def running(self) -> bool:
        """True while a dispatcher is started (paused or not)."""
        return self._dispatcher is not None

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the queue is empty (for the CLI and tests). True if it emptied.
        Returns False at once when nothing is dispatching (not started, or paused) and work is left."""
        dispatcher = self._dispatcher
        if dispatcher is None:
            return self.store.count(("queued",)) == 0
        return dispatcher.wait(timeout)

    def pause(self) -> None:
        self._paused = True
        if self._dispatcher is not None:
            self._dispatcher.pause()
        self._emit("paused")

    def resume(self) -> None:
        self._paused = False
        if self._dispatcher is not None:
            self._dispatcher.resume()
        self._emit("resumed")

    @property
    def paused(self) -> bool:
        if self._dispatcher is not None:
            return self._dispatcher.paused
        return self._paused

    def cancel(self, experiment_id: int) -> None:
        self._cancel([experiment_id])

    def cancel_all(self) -> None:
        self._cancel(None)

    def _cancel(self, ids: list[int] | None) -> None:
        rows = {r["id"]: r for r in self.store.experiments(statuses=("queued", "running"))}
        changed = self.store.cancel(ids)
        if self._dispatcher is not None and changed:
            self._dispatcher.cancel(changed)
        for eid in changed:
            self._emit(
                "cancelled", dataset_id=rows.get(eid, {}).get("dataset_id"), experiment_id=eid
            )

    def workers_status(self) -> dict[str, int]:
        """{'busy': n, 'free': n, 'total': n}"""
        if self._dispatcher is None:
            return {"busy": 0, "free": 0, "total": 0}
        return self._dispatcher.status()

    def leaderboard(self, dataset_id: str, metric: str | None = None) -> pd.DataFrame:
        """One row per finished ok experiment on this dataset: configuration_id, label, algorithm,
        mean and std of every metric (columns `<metric>` and `<metric>_std`), fit_seconds,
        provenance ('own' or 'prior'), experiment_id, folds; best first by `metric`."""
        return self._leaderboard(dataset_id, metric, self.store.experiments(dataset_id, ("ok",)))

    def _leaderboard(self, dataset_id: str, metric: str | None, own: list[Any]) -> pd.DataFrame:
        row = self._dataset_row(dataset_id)
        prior_runs = None
        configurations: dict[str, Any] = {}
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
        metric = dataset_default_metric(info.task_type, target_counts(self, dataset_id))
        with self._lock:
            self._default_metrics[dataset_id] = metric
        return metric

    def baseline(self, dataset_id: str, protocol: Protocol | None = None) -> Baseline | None:
        """The majority-class (regression: mean) predictor cross-validated on the folds of
        `protocol`: the score to beat. Computed once per dataset and folds (cheap); None when the
        table cannot be cross-validated."""
        return self._baselines.get(self, dataset_id, protocol or Protocol())

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
        return results_table(self, dataset_id, metric, board, own, bayesian=bayesian)

    def predictions(self, experiment_id: int) -> Any:
        """`experiments.predictions.OutOfFold` of a finished experiment, or None when they were
        not kept (an older run, or beyond the retention rule)."""
        from metadesk.experiments.predictions import decode

        data = self.store.predictions(experiment_id)
        return decode(data) if data else None

    def finished_count(self, dataset_id: str | None = None) -> int:
        return len(self.store.experiments(dataset_id, tuple(FINISHED)))

    # --- knowledge ------------------------------------------------------------------------------
    def meta_dataset(self) -> Any:
        """`metamodel.MetaDataset`: the prior plus this workspace's results (own results win)."""
        return self.knowledge.combined()

    # --- using a result -------------------------------------------------------------------------
    def predict_file(
        self, dataset_id: str, configuration_id: str, in_path: Path | str, out_path: Path | str
    ) -> Path:
        """Fit the configuration on the whole dataset, predict the new file, write CSV or Excel
        (by extension) with predictions and class probabilities; cells are formula-safe."""
        from metadesk.workspace import usage

        return _private(usage.predict_file(self, dataset_id, configuration_id, in_path, out_path))

    def export_model(self, dataset_id: str, configuration_id: str, out_path: Path | str) -> Path:
        """Fit on the whole dataset and save with skops."""
        from metadesk.workspace import usage

        return _private(usage.export_model(self, dataset_id, configuration_id, out_path))

    def open_model(self, path: Path | str) -> Any:
        """`models.OpenedModel` from an exported `.skops` file, after checking that every type it
        needs comes from scikit-learn, NumPy, SciPy or metadesk (`ModelFileProblem` otherwise)."""
        from metadesk.workspace.models import open_model

        return open_model(path)

    def predict_with_model(
        self, model_path: Path | str, in_path: Path | str, out_path: Path | str
    ) -> Path:
        """Predict a table with an exported model (no dataset needed); written as `predict_file`."""
        from metadesk.workspace.models import predict_with_model

        return predict_with_model(self, model_path, in_path, out_path)


def _private(path: Path) -> Path:
    """An exported file holds the user's data: readable by the user only."""
    from metadesk.knowledge.integrity import make_private

    make_private(Path(path))
    return path

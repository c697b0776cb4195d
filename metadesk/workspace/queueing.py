"""The experiment part of the `Workspace` facade: queue, dispatch, pause, cancel, wait.

A mixin so that `service.py` stays one readable page; the methods are the facade's contract.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from metadesk.errors import WorkspaceProblem
from metadesk.experiments.executor import Executor
from metadesk.experiments.spec import FINISHED, Protocol
from metadesk.knowledge.store import Store
from metadesk.portfolio.configuration import Configuration
from metadesk.workspace import records
from metadesk.workspace.dispatcher import Dispatcher, WorkersStatus, make_executor
from metadesk.workspace.events import Event, EventKind, Listeners, Queued
from metadesk.workspace.records import ExperimentRow
from metadesk.workspace.stored import dataset_row


class ExperimentQueue:
    """Mixed into `Workspace`, which sets these attributes in its `__init__`."""

    store: Store
    _events: Listeners
    _lock: threading.RLock
    _dispatcher: Dispatcher | None
    _paused: bool
    _closed: bool

    def queue(
        self,
        dataset_id: str,
        configuration_ids: Sequence[str | Configuration] | str = "all",
        *,
        priority: int = 0,
        protocol: Protocol | None = None,
        retry_failed: bool = False,
    ) -> list[int]:
        """Queue experiments; identical ones (same dataset, configuration, protocol) are reused,
        never run twice. Returns the experiment ids (existing ids for reused ones).
        A cancelled or interrupted one is queued again; a failed one only with `retry_failed=True`;
        one that timed out also when the new protocol allows it more time."""
        from metadesk.portfolio import default_portfolio, get_configuration

        row = dataset_row(self.store, dataset_id)
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
        new = [int(eid) for eid, fresh in outcome if fresh]
        if new:
            self._events.emit(Event(EventKind.QUEUED, dataset_id, payload=Queued(tuple(new))))
            self._events.emit(Event(EventKind.SUGGESTIONS_STALE, dataset_id))
            if self._dispatcher is not None:
                self._dispatcher.wake()
        return [int(eid) for eid, _ in outcome]

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

    def finished_count(self, dataset_id: str | None = None) -> int:
        return len(self.store.experiments(dataset_id, tuple(FINISHED)))

    def start(
        self,
        executor: Executor | None = None,
        *,
        workers: int | None = None,
        scheduler: str | None = None,
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
                self._events.emit,
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
        """Block until the queue is empty (for the CLI and tests). True if it emptied. False at
        once when nothing is dispatching (not started, or paused) and work is left."""
        dispatcher = self._dispatcher
        if dispatcher is None:
            return int(self.store.count(("queued",))) == 0
        return dispatcher.wait(timeout)

    def pause(self) -> None:
        self._paused = True
        if self._dispatcher is not None:
            self._dispatcher.pause()
        self._events.emit(Event(EventKind.PAUSED))

    def resume(self) -> None:
        self._paused = False
        if self._dispatcher is not None:
            self._dispatcher.resume()
        self._events.emit(Event(EventKind.RESUMED))

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
            dataset_id = rows[eid]["dataset_id"] if eid in rows else None
            self._events.emit(Event(EventKind.CANCELLED, dataset_id, eid))

    def workers_status(self) -> WorkersStatus:
        """How many workers are busy and free, of how many."""
        if self._dispatcher is None:
            return {"busy": 0, "free": 0, "total": 0}
        return self._dispatcher.status()

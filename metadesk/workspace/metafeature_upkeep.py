"""Keeping the stored meta-features current: values computed by an older extractor version, or cut
short by a time budget, are recomputed from the dataset's snapshot and replaced in one transaction.
In the GUI they are computed in a child process (`metafeature_child`), elsewhere in this one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from metadesk.errors import WorkspaceProblem
from metadesk.knowledge.store import Store
from metadesk.workspace.events import Emit, Event, EventKind
from metadesk.workspace.stored import StoreRow, dataset_row, load_task

if TYPE_CHECKING:  # imported when used: the extractor's modules load on the first computation
    from metadesk.metafeatures.values import MetaFeatures
    from metadesk.workspace.metafeature_child import MetaFeatureChild

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


class MetaFeatureUpkeep:
    """Reads a workspace's meta-features, recomputing stale ones. One dataset is recomputed by one
    thread at a time; the others wait and then read what it stored. `emit` tells the workspace's
    listeners when a dataset's values (and so its suggestions) changed."""

    def __init__(self, store: Store, emit: Emit) -> None:
        self._store = store
        self._emit = emit
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        # Over-budget values are retried once per session on reading: a table whose landmarkers
        # never fit the budget must not be recomputed on every suggestion. `refresh` always retries.
        self._budget_retried: set[str] = set()
        self._child: MetaFeatureChild | None = None  # while isolated

    def isolate(self, enabled: bool = True, *, start_now: bool = False) -> None:
        """Compute in a child process from now on (`enabled`), or in this process again; turning
        it off stops the child, and a computation waiting on it fails with `WorkspaceProblem`.
        `start_now` starts the child at once instead of on the first computation."""
        from metadesk.workspace.metafeature_child import MetaFeatureChild

        with self._lock:
            old, new = self._child, self._child
            if enabled and old is None:
                new = MetaFeatureChild()
            elif not enabled:
                new = None
            self._child = new
        if old is not None and old is not new:
            old.close()
        if new is not None and start_now:
            new.start()

    @property
    def isolated(self) -> bool:
        return self._child is not None

    def close(self) -> None:
        """Stop the child process, if any (the workspace closes)."""
        with self._lock:
            child, self._child = self._child, None
        if child is not None:
            child.close()

    def get(self, dataset_id: str) -> MetaFeatures:
        """`MetaFeatures` of the dataset, recomputed first when stale (one query when current)."""
        from metadesk.metafeatures.values import MetaFeatures

        state = self._store.stored_meta_features(dataset_id)
        if state is not None and self._usable(dataset_id, *state):
            return MetaFeatures.from_records(state[1])
        with self._dataset_lock(dataset_id):
            state = self._store.stored_meta_features(dataset_id)
            if state is None:
                dataset_row(self._store, dataset_id)  # raises the plain-language WorkspaceProblem
                state = (0, [])  # a dataset without meta-features yet
            if self._usable(dataset_id, *state):  # another thread has just recomputed them
                return MetaFeatures.from_records(state[1])
            values = self._recompute(dataset_id, state)
        self._announce(dataset_id)
        return values

    def refresh(self, dataset_ids: Sequence[str] | None, progress: Progress | None) -> int:
        """Recompute every stale dataset (missing, older version, or partly over budget).
        A dataset whose snapshot is lost is skipped with a warning. Returns how many were
        recomputed; `progress(done, total, dataset_id)` is called after each stale dataset."""
        current = _current_version()
        stale = self._store.stale_meta_features(current, dataset_ids)
        recomputed = 0
        for done, dataset_id in enumerate(stale, start=1):
            if self._refresh_one(dataset_id, current):
                recomputed += 1
                self._announce(dataset_id)
            if progress is not None:
                progress(done, len(stale), dataset_id)
        return recomputed

    # --- internals -------------------------------------------------------------------------------
    def _dataset_lock(self, dataset_id: str) -> threading.Lock:
        with self._lock:
            return self._locks.setdefault(dataset_id, threading.Lock())

    def _refresh_one(self, dataset_id: str, current: int) -> bool:
        with self._dataset_lock(dataset_id):
            state = self._store.stored_meta_features(dataset_id)
            if state is None or _up_to_date(
                state[0], state[1], current
            ):  # removed, or done meanwhile
                return False
            try:
                self._recompute(dataset_id, state)
            except WorkspaceProblem as exc:  # e.g. the snapshot is lost: the others still refresh
                log.warning("meta-features of %s not refreshed: %s", dataset_id, exc)
                return False
            return True

    def _usable(self, dataset_id: str, version: int, records: list[StoreRow]) -> bool:
        if not records or version != _current_version():
            return False
        if any(r["status"] == "over_budget" for r in records):
            return dataset_id in self._budget_retried
        return True

    def _recompute(self, dataset_id: str, state: tuple[int, list[StoreRow]]) -> MetaFeatures:
        import metadesk.metafeatures as mf
        from metadesk.metafeatures.values import MetaFeatures

        version = _current_version()
        child = self._child
        if child is None:
            values = mf.extract_meta_features(load_task(self._store, dataset_id))
        else:
            values = MetaFeatures.from_records(child.extract(dataset_row(self._store, dataset_id)))
        if state[0] == version:
            values = _keep_computed(values, state[1])
        if not self._store.put_meta_features(dataset_id, values.to_records(), version=version):
            raise WorkspaceProblem(
                f"No dataset {dataset_id} in this workspace.", "Load the table again to add it."
            )
        self._budget_retried.add(dataset_id)
        log.info("meta-features of %s computed by extractor version %d", dataset_id, version)
        return values

    def _announce(self, dataset_id: str) -> None:
        self._emit(Event(EventKind.META_FEATURES, dataset_id))
        self._emit(Event(EventKind.SUGGESTIONS_STALE, dataset_id))


def _current_version() -> int:
    import metadesk.metafeatures as mf

    return int(mf.METAFEATURES_VERSION)


def _up_to_date(version: int, records: list[StoreRow], current: int) -> bool:
    return (
        bool(records) and version == current and all(r["status"] != "over_budget" for r in records)
    )


def _keep_computed(values: MetaFeatures, stored: list[StoreRow]) -> MetaFeatures:
    """Same extractor version: a value computed before stays when the retry ran out of budget."""
    from metadesk.metafeatures.values import MetaFeatures

    before = MetaFeatures.from_records(stored)
    return MetaFeatures(
        [
            before[name]
            if v.status == "over_budget" and name in before and before[name].status == "computed"
            else v
            for name, v in values.items()
        ]
    )

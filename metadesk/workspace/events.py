"""What the workspace tells its listeners: an `Event` of one `EventKind`, with a typed payload.

Each kind carries exactly one payload type (or none), checked when the event is made, so a
listener can tell from the kind what arrives: `Finished` after `EventKind.FINISHED`, and so on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum

log = logging.getLogger(__name__)


class EventKind(str, Enum):
    """A `str` too, so `event.kind == "finished"` and `event.kind in {"queued", ...}` still hold."""

    DATASET_ADDED = "dataset_added"
    META_FEATURES = "meta_features"  # a dataset's meta-features were (re)computed
    QUEUED = "queued"
    STARTED = "started"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    PAUSED = "paused"
    RESUMED = "resumed"
    SUGGESTIONS_STALE = "suggestions_stale"  # without a dataset_id: every dataset's suggestions
    KNOWLEDGE_CHANGED = "knowledge_changed"
    EXECUTOR_ERROR = "executor_error"

    def __str__(self) -> str:  # the plain name in messages and logs, as before the enum
        return self.value


@dataclass(frozen=True)
class Queued:
    experiment_ids: tuple[int, ...]  # the newly queued ones (reused experiments are not listed)


@dataclass(frozen=True)
class Started:
    configuration_id: str
    configuration_label: str = ""


@dataclass(frozen=True)
class Finished:
    status: str  # ok | failed | timeout | cancelled
    configuration_id: str
    configuration_label: str = ""
    scores: Mapping[str, float] = field(default_factory=dict)  # metric -> mean; ok only
    error: str = ""  # the plain-language message when not ok


@dataclass(frozen=True)
class ExecutorError:
    message: str  # plain language: dispatching is paused until the user acts


@dataclass(frozen=True)
class KnowledgeImported:
    datasets: int
    runs: int
    configurations: int


@dataclass(frozen=True)
class ImportRemoved:
    import_id: str


Payload = Queued | Started | Finished | ExecutorError | KnowledgeImported | ImportRemoved

# The payload each kind carries; a kind not listed carries none. Knowledge changes after an
# import (the counts), after removing one (its id), or after removing a dataset (no payload).
PAYLOADS: dict[EventKind, tuple[type, ...]] = {
    EventKind.QUEUED: (Queued,),
    EventKind.STARTED: (Started,),
    EventKind.FINISHED: (Finished,),
    EventKind.EXECUTOR_ERROR: (ExecutorError,),
    EventKind.KNOWLEDGE_CHANGED: (KnowledgeImported, ImportRemoved, type(None)),
}


@dataclass(frozen=True)
class Event:
    """What changed: `kind`, the dataset and experiment it concerns (when it concerns one), and
    the kind's payload (see `PAYLOADS`). `TypeError` for a payload the kind does not carry."""

    kind: EventKind
    dataset_id: str | None = None
    experiment_id: int | None = None
    payload: Payload | None = None

    def __post_init__(self) -> None:
        kind = EventKind(self.kind)  # a plain string names a kind too
        object.__setattr__(self, "kind", kind)
        allowed = PAYLOADS.get(kind, (type(None),))
        if not isinstance(self.payload, allowed):
            names = " or ".join("no payload" if t is type(None) else t.__name__ for t in allowed)
            raise TypeError(f"a {kind} event carries {names}, not {self.payload!r}")


Listener = Callable[[Event], None]
Emit = Callable[[Event], None]


class Listeners:
    """The workspace's subscribers; `emit` calls each one on the emitting thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Register `listener`; returns a function that unsubscribes it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def emit(self, event: Event) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a faulty listener must not stop the queue
                log.exception("listener failed on %s", event.kind)

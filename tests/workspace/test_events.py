"""Each event kind arrives with its own payload type, so a listener knows what it gets."""

from __future__ import annotations

import pytest
from workspace_fakes import FakeExecutor

from metadesk.experiments.spec import Protocol
from metadesk.workspace.events import (
    Event,
    EventKind,
    ExecutorError,
    Finished,
    Queued,
    Started,
)

SMALL = Protocol(folds=3, time_limit_s=60)
LOGREG = "logreg:C=1"


def test_a_kind_is_still_its_plain_name():
    event = Event("finished", "d1", 3, Finished("ok", LOGREG))
    assert event.kind is EventKind.FINISHED
    assert event.kind == "finished" and event.kind in {"finished", "cancelled"}
    assert f"{event.kind}" == "finished"


def test_an_event_refuses_a_payload_its_kind_does_not_carry():
    with pytest.raises(TypeError, match="finished"):
        Event(EventKind.FINISHED, "d1", 3)  # a finished experiment always says how it ended
    with pytest.raises(TypeError, match="queued"):
        Event(EventKind.QUEUED, "d1", payload=ExecutorError("no"))
    with pytest.raises(TypeError, match="paused"):
        Event(EventKind.PAUSED, payload=Queued((1,)))


def test_a_listener_gets_typed_payloads_from_a_run(workspace, dataset_id):
    events: list[Event] = []
    workspace.subscribe(events.append)
    ids = workspace.queue(dataset_id, [LOGREG], protocol=SMALL)
    workspace.start(FakeExecutor(workers=1))
    assert workspace.wait(timeout=30)
    by_kind = {e.kind: e for e in events}
    assert by_kind[EventKind.QUEUED].payload == Queued(tuple(ids))
    started = by_kind[EventKind.STARTED].payload
    assert isinstance(started, Started) and started.configuration_id == LOGREG
    finished = by_kind[EventKind.FINISHED].payload
    assert isinstance(finished, Finished) and finished.status == "ok"
    assert finished.scores["accuracy"] > 0 and finished.error == ""

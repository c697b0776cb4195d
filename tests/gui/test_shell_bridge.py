"""The bridge: work runs off the GUI thread, answers come back on it, superseded answers are dropped."""

from __future__ import annotations

import threading

from metadesk.errors import FileProblem
from metadesk.workspace.events import Event, Finished

FINISHED = Finished("ok", "logreg:C=1")


def test_result_is_delivered_on_the_gui_thread(qtbot, bare_bridge, main_thread_id):
    seen = {}

    def work():
        seen["worker"] = threading.get_ident()
        return 42

    def done(value):
        seen["value"] = value
        seen["delivered_on"] = threading.get_ident()

    bare_bridge.call(work, done)
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen["value"] == 42
    assert seen["worker"] != main_thread_id
    assert seen["delivered_on"] == main_thread_id


def test_a_newer_call_with_the_same_key_drops_the_older_result(qtbot, bare_bridge):
    release = threading.Event()
    got = []

    def slow():
        release.wait(5)
        return "old"

    old = bare_bridge.call(slow, got.append, key="suggest")
    new = bare_bridge.call(lambda: "new", got.append, key="suggest")
    qtbot.waitUntil(lambda: new.done)
    release.set()
    qtbot.waitUntil(lambda: old.done)
    assert got == ["new"]
    assert old.superseded and not new.superseded


def test_cancel_drops_delivery(qtbot, bare_bridge):
    release = threading.Event()
    got = []
    handle = bare_bridge.call(lambda: release.wait(5), got.append)
    handle.cancel()
    release.set()
    qtbot.waitUntil(lambda: handle.done)
    assert got == [] and handle.cancelled


def test_errors_go_to_on_error(qtbot, bare_bridge):
    errors = []

    def boom():
        raise ValueError("broken")

    bare_bridge.call(boom, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError)


def test_a_user_error_without_handler_shows_the_plain_dialog(
    qtbot, bare_bridge, find_error_dialogs
):
    def bad():
        raise FileProblem("The file is empty.", "Choose a file with a header row.")

    with qtbot.waitSignal(bare_bridge.unhandled_error):
        bare_bridge.call(bad)
    dialogs = find_error_dialogs()
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert "The file is empty." in dialog.message_label.text()
    assert "header row" in dialog.hint_label.text()
    assert not dialog.details_edit.isVisible()


def test_a_bug_shows_something_went_wrong_with_details(qtbot, bare_bridge, find_error_dialogs):
    def bug():
        raise KeyError("internal")

    with qtbot.waitSignal(bare_bridge.unhandled_error):
        bare_bridge.call(bug)
    dialog = find_error_dialogs()[0]
    assert "Something went wrong" in dialog.message_label.text()
    dialog.details_button.click()
    assert dialog.details_edit.isVisible()
    assert "KeyError" in dialog.details_edit.toPlainText()


def test_busy_changes_while_calls_run(qtbot, bare_bridge):
    release = threading.Event()
    with qtbot.waitSignal(bare_bridge.busy_changed) as started:
        bare_bridge.call(lambda: release.wait(5))
    assert started.args == [True]
    with qtbot.waitSignal(bare_bridge.busy_changed) as finished:
        release.set()
    assert finished.args == [False]


def test_progress_reaches_the_gui_thread(qtbot, bare_bridge):
    from metadesk.gui.workers import current_task_state

    progress = []

    def work():
        state = current_task_state()
        state.set_progress(0.5, "half way")
        return True

    done = []
    bare_bridge.call(work, done.append, on_progress=lambda f, m: progress.append((f, m)))
    qtbot.waitUntil(lambda: bool(done))
    assert progress == [(0.5, "half way")]


class _EventSource:
    """The part of a workspace the bridge listens to."""

    def __init__(self):
        self.listeners = []

    def subscribe(self, listener):
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)


def test_workspace_events_from_another_thread_arrive_on_the_gui_thread(
    qtbot, bare_bridge, main_thread_id
):
    source = _EventSource()
    bare_bridge.set_workspace(source)
    received = []
    bare_bridge.event.connect(lambda e: received.append((e.kind, threading.get_ident())))
    thread = threading.Thread(
        target=lambda: [
            listener(Event("finished", "d1", 7, FINISHED)) for listener in source.listeners
        ]
    )
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(received))
    assert received == [("finished", main_thread_id)]
    bare_bridge.set_workspace(None)
    assert source.listeners == []


def test_shutdown_waits_for_running_calls(qtbot, bare_bridge):
    finished = threading.Event()

    def work():
        finished.wait(0.2)
        finished.set()

    bare_bridge.call(work)
    bare_bridge.shutdown()
    assert finished.is_set()
    late = bare_bridge.call(lambda: 1)
    assert late.done and late.cancelled

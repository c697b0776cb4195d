"""The bridge between the GUI thread and everything slow: `WorkspaceBridge`.

Background calls run on a private `QThreadPool`; their results, progress and the workspace's events
come back to the GUI thread through queued signals (Orange's `TaskState`, Anki's operations).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, SignalInstance, Slot

if TYPE_CHECKING:
    from metadesk.workspace.events import Event
    from metadesk.workspace.service import Workspace

log = logging.getLogger(__name__)

T = TypeVar("T")

_local = threading.local()


class TaskState:
    """What a running call may tell the GUI (progress) and ask it (was I interrupted?).

    A background function reaches its own state through `current_task_state()`; it must never
    touch a widget.
    """

    def __init__(self, handle: CallHandle[Any]) -> None:  # (calls of every result type: Any)
        self._handle = handle

    @property
    def interrupted(self) -> bool:
        """True once the call was cancelled, superseded by a newer call with its key, or the
        bridge is shutting down: a cooperative function stops early."""
        return self._handle._dropped or self._handle._bridge_closing

    def set_progress(self, fraction: float | None, message: str = "") -> None:
        """`fraction` in [0, 1], or None for "busy, unknown how long"."""
        bridge = self._handle._bridge_ref
        if bridge is None or self.interrupted:
            return
        # RuntimeError: the bridge's C++ side is gone (application quitting).
        with contextlib.suppress(RuntimeError):
            bridge._progress_relay.emit(self._handle, fraction, message)


def current_task_state() -> TaskState | None:
    """The `TaskState` of the bridge call running on this thread, or None outside one."""
    return getattr(_local, "state", None)


class CallHandle(Generic[T]):
    """One background call. `cancel()` drops its delivery (the function itself may still finish,
    it can check `current_task_state().interrupted`); `done` is True once it was delivered or dropped."""

    def __init__(
        self,
        bridge: WorkspaceBridge,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_progress: Callable[[float | None, str], None] | None,
        key: str | None,
        description: str,
    ) -> None:
        self._bridge_ref: WorkspaceBridge | None = bridge
        self.fn = fn
        self.on_done = on_done
        self.on_error = on_error
        self.on_progress = on_progress
        self.key = key
        self.description = description
        self.state = TaskState(self)
        self._dropped = False
        self._bridge_closing = False
        self._done = False
        self._superseded = False

    @property
    def done(self) -> bool:
        return self._done

    @property
    def cancelled(self) -> bool:
        return self._dropped and not self._superseded

    @property
    def superseded(self) -> bool:
        return self._superseded

    def cancel(self) -> None:
        """Drop the delivery of this call's result; safe to call more than once."""
        self._dropped = True

    def __repr__(self) -> str:
        state = "done" if self._done else ("dropped" if self._dropped else "running")
        return f"<CallHandle {self.description or self.key or 'call'} {state}>"


class _Runnable(QRunnable):
    def __init__(self, handle: CallHandle[Any], relay: SignalInstance) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._handle = handle
        self._relay = relay

    def run(self) -> None:
        handle = self._handle
        outcome: tuple[bool, Any]
        if handle._dropped:
            outcome = (False, None)  # cancelled before it started: don't do the work at all
        else:
            _local.state = handle.state
            try:
                outcome = (True, handle.fn())
            except BaseException as exc:  # everything goes back to the GUI thread, never lost
                outcome = (False, exc)
            finally:
                _local.state = None
        with contextlib.suppress(RuntimeError):  # bridge deleted: nobody to deliver to
            self._relay.emit(handle, outcome)


class WorkspaceBridge(QObject):
    """Runs slow work off the GUI thread and re-emits workspace events on it.

    `call()`, `set_workspace()` and `shutdown()` are for the GUI thread; the callbacks they take are
    invoked on the GUI thread too. The `event` signal carries one `metadesk.workspace.events.Event`
    (its `kind` an `EventKind`, its `payload` the kind's dataclass, e.g. `Finished`).
    """

    # Every workspace `Event`, re-emitted on the GUI thread. (It shadows `QObject.event()`, which
    # this object never needs: the views connect to it by this name.)
    event = Signal(object)  # type: ignore[assignment]
    busy_changed = Signal(bool)  # any background call running
    # An error that had no on_error, after the default route showed it.
    unhandled_error = Signal(object)
    activity_changed = Signal()  # a call started or finished (running_descriptions() changed)

    # Private relays: emitted from worker threads, connected queued to GUI-thread slots.
    _done_relay = Signal(object, object)
    _progress_relay = Signal(object, object, str)
    _event_relay = Signal(object)

    def __init__(self, workspace: Workspace | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace: Workspace | None = None
        self.show_error_dialogs = True  # tests and the self-test switch this off
        # Meta-features are computed in a child process for the workspaces this bridge serves:
        # C code holding the interpreter lock there cannot stall the GUI thread.
        self.isolate_meta_features = True
        # ...started as soon as a workspace is set (the application does; tests start it on use).
        self.start_meta_feature_process = False
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(4)
        self._pending: set[CallHandle[Any]] = set()
        self._latest: dict[str, CallHandle[Any]] = {}
        self._unsubscribe: Callable[[], None] | None = None
        self._closed = False
        self._done_relay.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._progress_relay.connect(self._deliver_progress, Qt.ConnectionType.QueuedConnection)
        self._event_relay.connect(self._reemit_event, Qt.ConnectionType.QueuedConnection)
        if workspace is not None:
            self.set_workspace(workspace)

    # --- workspace ------------------------------------------------------------------------------
    def set_workspace(self, workspace: Workspace | None) -> None:
        """Switch to `workspace` (or none): listeners move with it. Does not close the old one."""
        if self._unsubscribe is not None:
            try:
                self._unsubscribe()
            except Exception:
                log.exception("unsubscribing from the old workspace failed")
            self._unsubscribe = None
        self.workspace = workspace
        if workspace is not None:
            self._unsubscribe = workspace.subscribe(self._on_workspace_event)
            if self.isolate_meta_features and hasattr(workspace, "isolate_meta_features"):
                workspace.isolate_meta_features(True, start_now=self.start_meta_feature_process)

    def _on_workspace_event(self, event: Event) -> None:
        # Called on whatever thread produced the event (the dispatcher thread for experiments).
        if self._closed:
            return
        with contextlib.suppress(RuntimeError):
            self._event_relay.emit(event)

    @Slot(object)
    def _reemit_event(self, event: Event) -> None:
        if not self._closed:
            self.event.emit(event)

    # --- calls ----------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def running_descriptions(self) -> list[str]:
        """What is running now, in plain words, for the status bar."""
        return [h.description for h in self._pending if h.description and not h._dropped]

    def call(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        key: str | None = None,
        description: str = "",
        on_progress: Callable[[float | None, str], None] | None = None,
    ) -> CallHandle[T]:
        """Run `fn()` on a worker thread; deliver `on_done(result)` or `on_error(exc)` on the GUI
        thread. A newer call with the same `key` supersedes an older one: the older's result is
        dropped. Without `on_error`, errors take the default route (dialog and log)."""
        handle: CallHandle[T] = CallHandle(
            self, fn, on_done, on_error, on_progress, key, description
        )
        if self._closed:
            handle._dropped = True
            handle._done = True
            log.debug("bridge closed: %s not run", handle)
            return handle
        if key is not None:
            older = self._latest.get(key)
            if older is not None and not older._done:
                older._superseded = True
                older._dropped = True
            self._latest[key] = handle
        was_busy = self.busy
        self._pending.add(handle)
        self._pool.start(_Runnable(handle, self._done_relay))
        if not was_busy:
            self.busy_changed.emit(True)
        self.activity_changed.emit()
        return handle

    @Slot(object, object)
    def _deliver(self, handle: CallHandle[Any], outcome: tuple[bool, Any]) -> None:
        self._pending.discard(handle)
        if handle.key is not None and self._latest.get(handle.key) is handle:
            del self._latest[handle.key]
        handle._done = True
        try:
            if handle._dropped or self._closed:
                return
            ok, value = outcome
            if ok:
                if handle.on_done is not None:
                    self._safely(handle.on_done, value, handle)
            elif handle.on_error is not None:
                self._safely(handle.on_error, value, handle)
            else:
                self.report_error(value, handle.description)
        finally:
            handle.fn = None  # type: ignore[assignment]  # let closures (and frames) go
            if not self._closed:
                if not self._pending:
                    self.busy_changed.emit(False)
                self.activity_changed.emit()

    @Slot(object, object, str)
    def _deliver_progress(self, handle: CallHandle[Any], fraction: Any, message: str) -> None:
        if handle._dropped or handle._done or handle.on_progress is None:
            return
        self._safely(handle.on_progress, (fraction, message), handle, star=True)

    def _safely(
        self,
        callback: Callable[..., Any],  # on_done(value), on_error(exc) or on_progress(*value)
        value: Any,  # whatever the call returned: its type is the caller's T
        handle: CallHandle[Any] | None,
        star: bool = False,
    ) -> None:
        try:
            if star:
                callback(*value)
            else:
                callback(value)
        except Exception as exc:  # a bug in a GUI callback must not kill the event loop
            self.report_error(exc, handle.description if handle else "")

    def report_error(self, exc: BaseException, context: str = "") -> None:
        """The default error route: plain dialog for a `UserError`, logged traceback and a
        "Something went wrong" dialog for anything else."""
        from metadesk.errors import UserError

        if not isinstance(exc, UserError):
            tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            log.error("%s failed:\n%s", context or "a background task", tb)
        else:
            log.info("%s: %s", context or "user error", exc)
        if self.show_error_dialogs:
            from PySide6.QtWidgets import QApplication

            from metadesk.gui.dialogs.error import show_error

            show_error(QApplication.activeWindow(), exc, context=context)
        self.unhandled_error.emit(exc)

    # --- shutting down --------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop delivering, ask running calls to stop, wait for them; leaves no thread behind."""
        if self._closed:
            return
        self._closed = True
        workspace = self.workspace
        self.set_workspace(None)
        for handle in list(self._pending):
            handle._bridge_closing = True
        if (
            self.isolate_meta_features
            and workspace is not None
            and hasattr(workspace, "isolate_meta_features")  # (a test's stand-in may lack it)
        ):
            # A call waiting on the meta-feature process returns now instead of after it.
            workspace.isolate_meta_features(False)
        finished = self._pool.waitForDone(timeout_ms)
        if not finished:
            log.warning(
                "background calls still running after %d ms: %s",
                timeout_ms,
                [h.description for h in self._pending],
            )
        for handle in self._pending:
            handle._done = True
            handle._dropped = True
            handle._bridge_ref = None
        self._pending.clear()
        self._latest.clear()
        self.busy_changed.emit(False)

    @property
    def closed(self) -> bool:
        return self._closed

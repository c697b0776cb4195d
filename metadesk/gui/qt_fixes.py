"""Work-arounds for bugs in the Qt binding, applied once when `metadesk.gui` is imported.

PySide6 6.12 returns `None` from every void method (and `True` from `Signal.emit`) without taking a
reference. From Python 3.12 on these objects are immortal and nothing happens; on 3.11 every such
call drops a reference until the interpreter aborts ("deallocating None"). pyproject.toml excludes
that release on Python < 3.12; this guard remains for an environment installed before the exclusion:
it probes for the bug and, only when found, makes None, True and False immortal too.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

# Far more references than a process will ever drop (one per Qt call), far below overflow.
_PLENTY = 1 << 40
_applied = False


class _Probe(QObject):
    ping = Signal()


def binding_drops_references() -> bool:
    """True when calls into the binding lose references to None/True (the bug above)."""
    probe = _Probe()
    before = sys.getrefcount(None) + sys.getrefcount(True)
    for _ in range(4):
        probe.setObjectName("probe")  # a void method
        probe.ping.emit()
    after = sys.getrefcount(None) + sys.getrefcount(True)
    probe.deleteLater()
    return after < before


def apply() -> bool:
    """Give None, True and False so many references that the binding can never free them."""
    global _applied
    if _applied or sys.version_info >= (3, 12):
        return _applied
    if not binding_drops_references():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every object in a release build of CPython 3.11.
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        if refcount.value < _PLENTY:
            refcount.value += _PLENTY
    _applied = True
    return True

"""The desktop application: the only package that imports Qt (PySide6)."""

from metadesk.gui import qt_fixes as _qt_fixes

_qt_fixes.apply()  # before any signal is emitted: see qt_fixes for the binding bug it works around

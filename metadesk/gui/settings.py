"""The user's preferences and recent files, kept in `QSettings`.

`AppSettings` gives each preference a typed property with a default, so callers never parse strings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings

if TYPE_CHECKING:
    from metadesk.experiments.spec import Protocol

ORGANIZATION = "metadesk"
APPLICATION = "metadesk"
MAX_RECENT = 10
DEFAULT_MEMORY_MB = 4096
MIN_MEMORY_MB = 1024


def _cpu_default() -> int:
    import os

    return max(1, (os.cpu_count() or 2) - 1)


class AppSettings:
    """Typed access to the preferences; pass a `QSettings` to use another store (tests)."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings(ORGANIZATION, APPLICATION)

    def _get(self, key: str, default, kind):
        value = self.store.value(key, default)
        try:
            if kind is bool and isinstance(value, str):
                return value.lower() in ("1", "true", "yes")
            return kind(value)
        except (TypeError, ValueError):
            return default

    # --- preferences ----------------------------------------------------------------------------
    @property
    def workers(self) -> int:
        return max(1, self._get("run/workers", _cpu_default(), int))

    @workers.setter
    def workers(self, value: int) -> None:
        self.store.setValue("run/workers", max(1, int(value)))

    @property
    def scheduler(self) -> str:
        """Dask scheduler address (`tcp://host:8786`); empty means run on this computer."""
        return self._get("run/scheduler", "", str).strip()

    @scheduler.setter
    def scheduler(self, value: str) -> None:
        self.store.setValue("run/scheduler", (value or "").strip())

    @property
    def folds(self) -> int:
        return min(20, max(2, self._get("run/folds", 5, int)))

    @folds.setter
    def folds(self, value: int) -> None:
        self.store.setValue("run/folds", int(value))

    @property
    def repeats(self) -> int:
        """How many times cross-validation is repeated with reshuffled folds (1: not repeated)."""
        return min(10, max(1, self._get("run/repeats", 1, int)))

    @repeats.setter
    def repeats(self, value: int) -> None:
        self.store.setValue("run/repeats", int(value))

    @property
    def time_limit_s(self) -> float:
        return max(10.0, self._get("run/time_limit_s", 600.0, float))

    @time_limit_s.setter
    def time_limit_s(self, value: float) -> None:
        self.store.setValue("run/time_limit_s", float(value))

    @property
    def memory_limit_mb(self) -> int:
        """Memory per experiment (MB); beyond it the experiment fails as out of memory."""
        return max(MIN_MEMORY_MB, self._get("run/memory_limit_mb", DEFAULT_MEMORY_MB, int))

    @memory_limit_mb.setter
    def memory_limit_mb(self, value: int) -> None:
        self.store.setValue("run/memory_limit_mb", max(MIN_MEMORY_MB, int(value)))

    @property
    def default_metric(self) -> str:
        """A metric name, or "" for the task type's default."""
        return self._get("run/default_metric", "", str)

    @default_metric.setter
    def default_metric(self, value: str) -> None:
        self.store.setValue("run/default_metric", value or "")

    @property
    def theme(self) -> str:
        value = self._get("ui/theme", "system", str)
        return value if value in ("system", "light", "dark") else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self.store.setValue("ui/theme", value)

    def protocol(self) -> Protocol:
        """The `Protocol` experiments are queued with: folds, repeats, time and memory limits."""
        from metadesk.experiments.spec import Protocol

        return Protocol(
            folds=self.folds,
            repeats=self.repeats,
            time_limit_s=self.time_limit_s,
            memory_limit_mb=self.memory_limit_mb,
        )

    # --- recent files ---------------------------------------------------------------------------
    @property
    def recent_files(self) -> list[str]:
        value: Any = self.store.value("files/recent", [])
        if isinstance(value, str):
            value = [value] if value else []
        return [str(v) for v in (value or [])][:MAX_RECENT]

    def add_recent_file(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        files = [f for f in self.recent_files if f != path]
        self.store.setValue("files/recent", [path, *files][:MAX_RECENT])

    def clear_recent_files(self) -> None:
        self.store.setValue("files/recent", [])

    # --- the dataset shown last (selected again after a restart) --------------------------------
    @property
    def last_dataset(self) -> str | None:
        value = self.store.value("ui/last_dataset", "")
        return str(value) if value else None

    @last_dataset.setter
    def last_dataset(self, dataset_id: str | None) -> None:
        self.store.setValue("ui/last_dataset", dataset_id or "")

    # --- window ---------------------------------------------------------------------------------
    def window_state(self) -> tuple[Any, Any]:
        """The saved geometry and dock state (QByteArrays), None before the first close."""
        return self.store.value("ui/geometry"), self.store.value("ui/state")

    def save_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self.store.setValue("ui/geometry", geometry)
        self.store.setValue("ui/state", state)

    def sync(self) -> None:
        self.store.sync()

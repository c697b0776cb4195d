"""The knowledge-exchange part of the `Workspace` facade: import, export, list and remove imports.

A mixin so that `service.py` stays one readable page; the methods are the facade's contract.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class KnowledgeExchange:
    """Mixed into `Workspace`; uses its `knowledge`, `meta_dataset()` and `_emit()`."""

    knowledge: Any

    def import_knowledge(self, datasets_path: Path | str, runs_path: Path | str) -> dict[str, int]:
        """Validate both tables whole, then add them as one import (atomic); raises
        `KnowledgeProblem` listing every problem, and then nothing is imported."""
        counts = self.knowledge.import_exchange(Path(datasets_path), Path(runs_path))
        self._emit("knowledge_changed", payload=counts)
        self._emit("suggestions_stale")
        return counts

    def export_knowledge(self, folder: Path | str, *, fmt: str = "csv") -> tuple[Path, Path]:
        """Write datasets and runs into `folder` (CSV cells formula-safe, files 0600)."""
        from metadesk.workspace.knowledge_export import export_knowledge

        return export_knowledge(self.meta_dataset(), Path(folder), fmt)  # type: ignore[attr-defined]

    def knowledge_imports(self) -> list[Any]:
        """The imports layered into this workspace (`ImportEntry`: id, when, files, counts)."""
        return self.knowledge.import_entries()

    def remove_import(self, import_id: str) -> Any:
        """Remove one import's datasets and runs; raises `KnowledgeProblem` for an unknown id."""
        entry = self.knowledge.remove_import(str(import_id))
        self._emit("knowledge_changed", payload={"removed": entry.import_id})
        self._emit("suggestions_stale")
        return entry

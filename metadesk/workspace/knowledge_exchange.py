"""The knowledge-exchange part of the `Workspace` facade: import, export, list and remove imports.

A mixin so that `service.py` stays one readable page; the methods are the facade's contract.
"""

from __future__ import annotations

from pathlib import Path

from metadesk.workspace.events import Event, EventKind, ImportRemoved, KnowledgeImported, Listeners
from metadesk.workspace.imports import ImportEntry
from metadesk.workspace.layered import Knowledge


class KnowledgeExchange:
    """Mixed into `Workspace`, which sets these attributes in its `__init__`."""

    knowledge: Knowledge
    _events: Listeners

    def import_knowledge(self, datasets_path: Path | str, runs_path: Path | str) -> dict[str, int]:
        """Validate both tables whole, then add them as one import (atomic); raises
        `KnowledgeProblem` listing every problem, and then nothing is imported."""
        counts = self.knowledge.import_exchange(Path(datasets_path), Path(runs_path))
        imported = KnowledgeImported(counts["datasets"], counts["runs"], counts["configurations"])
        self._events.emit(Event(EventKind.KNOWLEDGE_CHANGED, payload=imported))
        self._events.emit(Event(EventKind.SUGGESTIONS_STALE))
        return counts

    def export_knowledge(self, folder: Path | str, *, fmt: str = "csv") -> tuple[Path, Path]:
        """Write datasets and runs into `folder` (CSV cells formula-safe, files 0600)."""
        from metadesk.workspace.knowledge_export import export_knowledge

        return export_knowledge(self.knowledge.combined(), Path(folder), fmt)

    def knowledge_imports(self) -> list[ImportEntry]:
        """The imports layered into this workspace (`ImportEntry`: id, when, files, counts)."""
        return self.knowledge.import_entries()

    def remove_import(self, import_id: str) -> ImportEntry:
        """Remove one import's datasets and runs; raises `KnowledgeProblem` for an unknown id."""
        entry = self.knowledge.remove_import(str(import_id))
        removed = ImportRemoved(entry.import_id)
        self._events.emit(Event(EventKind.KNOWLEDGE_CHANGED, payload=removed))
        self._events.emit(Event(EventKind.SUGGESTIONS_STALE))
        return entry

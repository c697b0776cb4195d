"""Imported knowledge, one folder per import under `<workspace>.knowledge/imports/`, so each import
can be listed and removed, and an import is atomic: it is written to a hidden `.tmp` folder and
appears with one rename. A crash (kill -9) mid-import leaves only the `.tmp`, cleared on next open.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metadesk.errors import KnowledgeProblem

if TYPE_CHECKING:
    from metadesk.metamodel.values import MetaDataset

log = logging.getLogger(__name__)

_ABOUT = "about.json"
_PRIVATE_FOLDER = 0o700


@dataclass(frozen=True)
class ImportEntry:
    """One import: its id (a number as text), when, from which files, and what it brought:
    `runs` rows of scores (one per metric), `experiments` distinct dataset x configuration pairs
    (what the Knowledge view counts as runs)."""

    import_id: str
    imported_at: str
    datasets_file: str
    runs_file: str
    datasets: int
    runs: int
    configurations: int
    experiments: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class ImportedKnowledge:
    """The imports of one workspace (not thread-safe: the caller holds its knowledge lock)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.imports = folder / "imports"

    def recover(self) -> None:
        """Clear what a crash left behind and move knowledge imported by older versions (two files
        directly in the folder) into an import of its own."""
        if self.imports.is_dir():
            for stale in self.imports.glob(".*.tmp"):
                log.warning("removing an unfinished import left by a crash: %s", stale)
                shutil.rmtree(stale, ignore_errors=True)
        if not self.folder.is_dir():
            return
        for stale in self.folder.glob("*.tmp"):  # older versions' half-replaced files
            stale.unlink(missing_ok=True)
        legacy = [self.folder / f"{n}.parquet" for n in ("datasets", "runs")]
        if all(p.is_file() for p in legacy):
            from metadesk.metamodel import load_prior

            try:
                md = load_prior(self.folder, provenance="imported")
            except KnowledgeProblem:
                md = None
            if md is not None:
                self._write(md, "earlier imports", "earlier imports")
            for p in legacy:
                p.unlink(missing_ok=True)

    def entries(self) -> list[ImportEntry]:
        if not self.imports.is_dir():
            return []
        found = []
        for folder in self.imports.iterdir():
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            try:
                about = json.loads((folder / _ABOUT).read_text(encoding="utf-8"))
                found.append(ImportEntry(**about))
            except (OSError, ValueError, TypeError):
                log.warning("an import without a readable description: %s", folder)
        return sorted(found, key=lambda e: int(e.import_id))

    def add(self, incoming: MetaDataset, datasets_file: Path, runs_file: Path) -> ImportEntry:
        return self._write(incoming, str(datasets_file), str(runs_file))

    def remove(self, import_id: str) -> ImportEntry:
        entry = next((e for e in self.entries() if e.import_id == str(import_id)), None)
        if entry is None:
            known = ", ".join(e.import_id for e in self.entries()) or "none"
            raise KnowledgeProblem(
                f"There is no import {import_id} in this workspace.",
                f"Imports: {known}. 'metadesk knowledge list' shows them.",
            )
        doomed = self.imports / f".{entry.import_id}.removed.tmp"
        os.rename(self.imports / entry.import_id, doomed)  # gone in one step
        shutil.rmtree(doomed, ignore_errors=True)
        return entry

    def load(self) -> MetaDataset | None:
        """All imports layered in order (a later import wins), or None when there are none."""
        from metadesk.metamodel import combine, load_prior

        merged: MetaDataset | None = None
        for entry in self.entries():
            md = load_prior(self.imports / entry.import_id, provenance="imported")
            if md is not None:
                merged = md if merged is None else combine(merged, md)
        return merged

    def _write(self, md: MetaDataset, datasets_file: str, runs_file: str) -> ImportEntry:
        from metadesk.metamodel import write_exchange

        self.imports.mkdir(mode=_PRIVATE_FOLDER, parents=True, exist_ok=True)
        ids = [int(e.import_id) for e in self.entries()]
        taken = {p.name for p in self.imports.iterdir()}
        number = max(ids, default=0) + 1
        while str(number) in taken:
            number += 1
        entry = ImportEntry(
            import_id=str(number),
            imported_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            datasets_file=datasets_file,
            runs_file=runs_file,
            datasets=len(md.datasets),
            runs=len(md.runs),
            configurations=len(md.configurations),
            experiments=len(md.runs.drop_duplicates(["dataset_id", "configuration_id"])),
        )
        tmp = self.imports / f".{number}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(mode=_PRIVATE_FOLDER)
        write_exchange(md, tmp, "parquet")
        (tmp / _ABOUT).write_text(json.dumps(entry.to_dict()), encoding="utf-8")
        _sync_folder(tmp)
        os.rename(tmp, self.imports / entry.import_id)  # the import appears whole, or not at all
        _sync_folder(self.imports)
        return entry


def _sync_folder(folder: Path) -> None:
    """Flush the folder's files and entries to disk, so a power cut keeps the rename's order."""
    if os.name == "nt":
        return
    for path in [*folder.iterdir(), folder]:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

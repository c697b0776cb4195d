"""`Workspace.export_knowledge`: the exchange tables written into a folder the user names, with
text cells that a spreadsheet would run as formulas escaped (as in prediction output), and files
readable by their owner only."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from metadesk.errors import KnowledgeProblem

if TYPE_CHECKING:
    from metadesk.metamodel.values import MetaDataset

_PRIVATE_FILE = 0o600
_PRIVATE_FOLDER = 0o700


def export_knowledge(meta_dataset: MetaDataset, folder: Path, fmt: str) -> tuple[Path, Path]:
    from metadesk.metamodel import write_exchange
    from metadesk.workspace.usage import formula_safe_frame

    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise KnowledgeProblem(
            f"{folder} is a file, not a folder.",
            "Give the name of a folder (it is created if needed); the export writes "
            "datasets and runs tables into it.",
        )
    try:
        folder.mkdir(mode=_PRIVATE_FOLDER, parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".export-", dir=folder))
    except OSError as exc:
        raise KnowledgeProblem(
            f"The folder {folder} cannot be written.",
            "Choose a folder you can write to.",
            details=str(exc),
        ) from exc
    try:
        written = write_exchange(meta_dataset, work, fmt)
        finals = []
        for path in written:
            final = folder / path.name
            if fmt == "csv":
                frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
                safe = formula_safe_frame(frame)
                fd = os.open(path, os.O_WRONLY | os.O_TRUNC, _PRIVATE_FILE)
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                    safe.to_csv(handle, index=False)
            os.chmod(path, _PRIVATE_FILE)
            os.replace(path, final)
            finals.append(final)
    except OSError as exc:
        raise KnowledgeProblem(
            f"The knowledge could not be written to {folder}.",
            "Check the free space and that the folder is writable.",
            details=str(exc),
        ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return finals[0], finals[1]

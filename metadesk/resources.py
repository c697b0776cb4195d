"""Where the shipped read-only files live: icons, bundled samples and the prior knowledge.

The same lookup works from a source checkout, an installed wheel and a frozen (PyInstaller) app.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The `resources/` folder: next to the frozen executable, in the checkout, or under sys.prefix."""
    candidates = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources")
    candidates.append(
        Path(__file__).resolve().parents[1] / "resources"
    )  # checkout / editable install
    candidates.append(Path(sys.prefix) / "share" / "metadesk" / "resources")  # wheel's data files
    for path in candidates:
        if path.is_dir():
            return path
    return candidates[0]


def resource_path(*parts: str) -> Path:
    """Path of a shipped file, e.g. `resource_path("knowledge", "runs.parquet")`."""
    return resources_dir().joinpath(*parts)


def samples_dir() -> Path:
    return resource_path("samples")


def prior_dir() -> Path:
    return resource_path("knowledge")

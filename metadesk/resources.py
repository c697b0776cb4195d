"""Where the shipped read-only files live: icons, bundled samples and the prior knowledge.

The same lookup works from a source checkout, an installed wheel (the files are the package
`metadesk._shipped`) and a frozen (PyInstaller) app.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib import resources
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The shipped files: next to the frozen executable, in the installed package
    (`metadesk._shipped`, found by importlib.resources wherever pip put it, `--user` included),
    or in the source checkout."""
    candidates = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources")
    try:
        shipped = resources.files("metadesk._shipped")
    except ModuleNotFoundError:  # a checkout run without installing, or an older editable install
        shipped = None
    if shipped is not None and isinstance(shipped, Path):
        candidates.append(shipped)
    candidates.append(Path(__file__).resolve().parents[1] / "resources")  # the checkout
    for path in candidates:
        if path.is_dir():
            return path
    return candidates[-1]


def resource_path(*parts: str) -> Path:
    """Path of a shipped file, e.g. `resource_path("knowledge", "runs.parquet")`."""
    return resources_dir().joinpath(*parts)


def samples_dir() -> Path:
    return resource_path("samples")


def prior_dir() -> Path:
    return resource_path("knowledge")

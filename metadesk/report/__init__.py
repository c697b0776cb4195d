"""The analyst's report: one self-contained HTML file per dataset, and the plots and figures the
window shows beside it (leaderboard, knowledge map, tuning curve, diagnostics).

Above the workspace: it reads a `Workspace` and never changes it. `export_report` is the entry.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metadesk.workspace.service import Workspace


def export_report(
    workspace: Workspace, dataset_id: str, out_path: Path | str, *, metric: str | None = None
) -> Path:
    """Write one self-contained HTML file (leaderboard, plots as inline PNG, suggestions with
    reasons) readable by the user only; returns where it was written. Does I/O: off the GUI thread.
    """
    from metadesk.knowledge.integrity import make_private
    from metadesk.report.html import build_report_html
    from metadesk.workspace.usage import write_atomically

    path = Path(out_path)
    if path.suffix.lower() not in (".html", ".htm"):
        path = path.with_suffix(".html")
    text = build_report_html(workspace, dataset_id, metric=metric)
    written = write_atomically(
        path, lambda tmp: tmp.write_text(text, encoding="utf-8"), "Choose another folder."
    )
    make_private(written)
    return written

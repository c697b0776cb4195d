"""`opened(ws)`: the workspace a background call works on, or a plain-language error while it is
still opening (a view's action can be asked for before the bridge has one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metadesk.workspace.service import Workspace


def opened(ws: Workspace | None) -> Workspace:
    if ws is None:
        from metadesk.errors import WorkspaceProblem

        raise WorkspaceProblem("The workspace is still opening.", "Try again in a moment.")
    return ws

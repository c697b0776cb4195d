"""Keeping a workspace file whole: a quick integrity check when it opens, a plain refusal (with the
way back) when it is damaged, and a rolling backup taken with SQLite's online backup API before
every migration and once a day.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from datetime import datetime
from pathlib import Path

from metadesk.errors import WorkspaceProblem

log = logging.getLogger(__name__)

KEEP_BACKUPS = 3
BACKUP_EVERY_S = 24 * 3600
# A file's owner only: workspaces, backups and logs hold a user's data.
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def backup_dir(path: Path) -> Path:
    return path.parent / f"{path.stem}.backups"


def backups(path: Path) -> list[Path]:
    """This workspace's backups, newest first."""
    folder = backup_dir(path)
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob(f"{path.stem}-*.sqlite") if p.is_file()]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def check_integrity(con: sqlite3.Connection, path: Path) -> None:
    """Raise `WorkspaceProblem` (saying how to recover) when SQLite's quick_check finds damage."""
    try:
        rows = con.execute("PRAGMA quick_check(5)").fetchall()
        findings = [str(r[0]) for r in rows]
    except sqlite3.DatabaseError as exc:
        findings = [str(exc)]
    if findings == ["ok"]:
        return
    log.error("workspace %s failed its integrity check: %s", path, findings)
    raise damaged(path, "; ".join(findings))


def damaged(path: Path, details: str) -> WorkspaceProblem:
    """The refusal for a damaged workspace, pointing at the newest backup when there is one."""
    saved = backups(path)
    if saved:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(saved[0].stat().st_mtime))
        hint = (
            f"metadesk will not write to it. Close metadesk and copy the backup {saved[0]} "
            f"(taken {when}) over it, or open the backup directly with --workspace."
        )
    else:
        hint = (
            "metadesk will not write to it. Recover what is readable with the sqlite3 tool: "
            f"sqlite3 '{path}' .recover | sqlite3 recovered.sqlite, then open recovered.sqlite."
        )
    return WorkspaceProblem(f"The workspace {path} is damaged.", hint, details=details)


def take_backup(con: sqlite3.Connection, path: Path, reason: str) -> Path | None:
    """Copy the open workspace into its backups folder (consistent even while others write);
    keeps the newest `KEEP_BACKUPS`. Returns the copy, or None when it could not be written."""
    folder = backup_dir(path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}-{stamp}-{reason}.sqlite"
    try:
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        os.close(fd)
        copy = sqlite3.connect(str(target))
        try:
            con.backup(copy)
        finally:
            copy.close()
    except (OSError, sqlite3.Error) as exc:  # a backup that fails must not stop the work
        log.warning("could not back up %s to %s: %s", path, target, exc)
        return None
    for old in backups(path)[KEEP_BACKUPS:]:
        try:
            old.unlink()
        except OSError:
            log.debug("could not remove old backup %s", old, exc_info=True)
    log.info("workspace %s backed up to %s (%s)", path, target, reason)
    return target


def backup_is_due(path: Path) -> bool:
    saved = backups(path)
    return not saved or time.time() - saved[0].stat().st_mtime > BACKUP_EVERY_S


def make_private(path: Path) -> None:
    """Restrict a file this app created to its owner (a no-op where the OS has no such modes)."""
    try:
        os.chmod(path, PRIVATE_FILE)
    except OSError:
        log.debug("could not restrict %s", path, exc_info=True)

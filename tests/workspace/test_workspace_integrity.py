"""A damaged workspace is refused with the way back; backups roll; files are the user's only."""

from __future__ import annotations

import os
import stat

import pytest

from metadesk.cli import main
from metadesk.errors import WorkspaceProblem
from metadesk.knowledge import integrity
from metadesk.workspace import Workspace


def _fill(path, rows: int = 400) -> None:
    with Workspace.open(path, prior_dir=False) as ws:
        configs = [
            {"id": f"c{i}", "algorithm": "tree", "params": {"pad": "x" * 400}, "label": f"C {i}"}
            for i in range(rows)
        ]
        ws.store.put_configurations(configs)


def _corrupt_middle_pages(path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 20 * page
    middle = len(data) // 2 // page * page
    data[middle : middle + 3 * page] = b"\xa5" * (3 * page)
    path.write_bytes(bytes(data))


def test_a_workspace_with_corrupt_pages_is_refused_and_left_untouched(
    workspace_path, tiny_csv, capsys
):
    _fill(workspace_path)
    Workspace.open(workspace_path, prior_dir=False).close()  # a later day: a backup is taken
    for suffix in ("-wal", "-shm"):
        assert not os.path.exists(str(workspace_path) + suffix)
    _corrupt_middle_pages(workspace_path)
    before = workspace_path.read_bytes()
    with pytest.raises(WorkspaceProblem) as caught:
        Workspace.open(workspace_path, prior_dir=False)
    assert "is damaged" in caught.value.message
    assert "will not write to it" in caught.value.hint
    assert "backup" in caught.value.hint  # the daily backup of the earlier open

    # Before: `run` printed a sqlite3.DatabaseError traceback and wrote into the damaged file.
    argv = ["--workspace", str(workspace_path), "run", str(tiny_csv), "--target", "y"]
    assert main([*argv, "--configs", "logreg:C=1"]) == 2
    err = capsys.readouterr().err
    assert "is damaged" in err and "Traceback" not in err
    assert workspace_path.read_bytes() == before


def test_a_damaged_workspace_without_backups_points_at_sqlite_recover(workspace_path):
    _fill(workspace_path)
    for saved in integrity.backups(workspace_path):
        saved.unlink()
    _corrupt_middle_pages(workspace_path)
    with pytest.raises(WorkspaceProblem) as caught:
        Workspace.open(workspace_path, prior_dir=False)
    assert ".recover" in caught.value.hint


def test_backups_are_taken_daily_and_roll(workspace_path, monkeypatch):
    _fill(workspace_path, rows=5)
    assert integrity.backups(workspace_path) == []  # a brand-new file needs no backup
    monkeypatch.setattr(integrity, "BACKUP_EVERY_S", -1)  # every open is a new day
    names = set()
    for _ in range(integrity.KEEP_BACKUPS + 2):
        Workspace.open(workspace_path, prior_dir=False).close()
        names |= {p.name for p in integrity.backups(workspace_path)}
    kept = integrity.backups(workspace_path)
    assert len(kept) == integrity.KEEP_BACKUPS
    # a backup is a whole workspace: it opens and holds the configurations
    with Workspace.open(kept[0], prior_dir=False) as copy:
        assert len(copy.store.configurations()) == 5


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_workspace_and_backups_are_readable_by_their_owner_only(workspace_path, monkeypatch):
    _fill(workspace_path, rows=5)
    monkeypatch.setattr(integrity, "BACKUP_EVERY_S", -1)
    Workspace.open(workspace_path, prior_dir=False).close()
    assert stat.S_IMODE(workspace_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(integrity.backup_dir(workspace_path).stat().st_mode) == 0o700
    for saved in integrity.backups(workspace_path):
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_the_log_file_and_cli_outputs_are_the_users_only(tmp_path, monkeypatch, workspace_path):
    import logging

    from metadesk.gui import app

    log_path = tmp_path / "logs" / "metadesk.log"
    monkeypatch.setattr(app, "log_file_path", lambda: log_path)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        assert app.setup_file_logging() == log_path
    finally:
        for handler in set(root.handlers) - set(handlers):
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_path.parent.stat().st_mode) == 0o700

    out = tmp_path / "exported"
    assert main(["--workspace", str(workspace_path), "knowledge", "export", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o600}


def test_a_backup_is_taken_before_a_migration(workspace_path, monkeypatch):
    from metadesk.knowledge import schema

    _fill(workspace_path, rows=3)
    old_version = schema.SCHEMA_VERSION
    added = [*schema.MIGRATIONS, lambda con: con.execute("CREATE TABLE later (x INTEGER)")]
    monkeypatch.setattr(schema, "MIGRATIONS", added)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(added))
    Workspace.open(workspace_path, prior_dir=False).close()
    [saved] = integrity.backups(workspace_path)
    assert "before-migration" in saved.name
    import sqlite3

    with sqlite3.connect(saved) as con:  # the copy is the workspace as it was before
        assert con.execute("PRAGMA user_version").fetchone()[0] == old_version
    con.close()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_as_workspace_is_refused(tmp_path):
    pipe = tmp_path / "workspace.sqlite"
    os.mkfifo(pipe)
    with pytest.raises(WorkspaceProblem, match="is not a regular file"):
        Workspace.open(pipe, prior_dir=False)

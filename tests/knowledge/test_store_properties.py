"""Whatever file a user points metadesk at, opening it as a workspace gives a plain answer."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from metadesk.errors import WorkspaceProblem
from metadesk.knowledge.store import Store


@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=1, max_size=4096), st.booleans())
def test_any_file_is_refused_plainly_or_opened(content, sqlite_header):
    if sqlite_header:  # a damaged database rather than a random file
        content = b"SQLite format 3\x00" + content
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "file.sqlite"
        path.write_bytes(content)
        try:
            store = Store(path)
        except WorkspaceProblem as exc:
            assert exc.message and exc.hint is not None
        else:
            store.close()
            raise AssertionError("random bytes were taken for a workspace")


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(["t", "x INTEGER", "name TEXT"]), min_size=1, max_size=3))
def test_a_foreign_database_is_never_changed(columns):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "other.sqlite"
        con = sqlite3.connect(path)
        con.execute(f"CREATE TABLE mine ({', '.join(f'c{i} {c}' for i, c in enumerate(columns))})")
        con.commit()
        con.close()
        before = path.read_bytes()
        try:
            Store(path).close()
        except WorkspaceProblem:
            pass
        else:
            raise AssertionError("a foreign database was opened as a workspace")
        assert path.read_bytes() == before

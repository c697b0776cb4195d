"""Imported knowledge as a user meets it: validated by metric range, listed and removed one import
at a time, atomic under kill -9, and exported without formula cells."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_layered import knowledge

from metadesk.cli import main
from metadesk.errors import KnowledgeProblem
from metadesk.metamodel import write_exchange
from metadesk.workspace import Workspace


@pytest.fixture
def exchange(tmp_path):
    folder = tmp_path / "shared"
    return write_exchange(knowledge([f"k{i}" for i in range(6)], seed=1), folder, "csv")


def _edit_runs(runs_path, **cells) -> None:
    runs = pd.read_csv(runs_path, dtype=str, keep_default_na=False)
    for column, value in cells.items():
        runs.loc[3, column] = value
    runs.to_csv(runs_path, index=False)


@pytest.mark.parametrize(
    ("cells", "said"),
    [
        ({"score": "1e308"}, "score 1e+308 is outside the range of accuracy (between 0 and 1)"),
        ({"score": "-0.5"}, "score -0.5 is outside the range of accuracy"),
        ({"score": "inf"}, "score 'inf' is missing or not finite"),
        ({"std": "-1"}, "std '-1' is not a number ≥ 0"),
        ({"std": "1e300"}, "std 1e+300 is too large"),
    ],
)
def test_scores_outside_their_metric_range_are_refused(workspace, exchange, cells, said):
    # Before: 1e308 was accepted and every later suggest failed with OverflowError.
    datasets, runs = exchange
    _edit_runs(runs, **cells)
    with pytest.raises(KnowledgeProblem) as caught:
        workspace.import_knowledge(datasets, runs)
    assert any(said in p and "row 5" in p for p in caught.value.problems), caught.value.problems
    assert workspace.knowledge_imports() == []


def test_deeply_nested_params_are_refused_plainly(workspace, exchange):
    # Before: RecursionError.
    datasets, runs = exchange
    _edit_runs(runs, params="[" * 100_000 + "]" * 100_000)
    with pytest.raises(KnowledgeProblem) as caught:
        workspace.import_knowledge(datasets, runs)
    assert "runs.csv row 5: params is nested more than 32 levels deep" in caught.value.problems[0]


def test_a_repeated_column_name_is_refused(workspace, exchange):
    # Before: the second column was imported as 'NumberOfFeatures.1'.
    datasets, runs = exchange
    text = datasets.read_text().splitlines()
    header = text[0].split(",")
    text[0] = ",".join([*header[:-1], header[-2]])
    datasets.write_text("\n".join(text) + "\n")
    with pytest.raises(KnowledgeProblem) as caught:
        workspace.import_knowledge(datasets, runs)
    assert f"column '{header[-2]}' appears more than once" in caught.value.problems[0]


def test_imports_are_listed_and_removed_one_at_a_time(workspace_path, tmp_path, capsys):
    ws = ["--workspace", str(workspace_path)]
    first = write_exchange(knowledge(["a1", "a2"], seed=1), tmp_path / "first", "csv")
    second = write_exchange(knowledge(["b1", "b2", "b3"], seed=2), tmp_path / "second", "csv")
    assert main([*ws, "knowledge", "import", *map(str, first)]) == 0
    assert main([*ws, "knowledge", "import", *map(str, second)]) == 0
    capsys.readouterr()
    assert main([*ws, "knowledge", "list"]) == 0
    listing = capsys.readouterr().out
    assert "first/datasets.csv" in listing and "second/runs.csv" in listing
    assert main([*ws, "knowledge", "remove", "1"]) == 0
    assert "Removed import 1 (2 datasets, 24 runs)" in capsys.readouterr().out
    with Workspace.open(workspace_path, prior_dir=False) as again:
        assert set(again.knowledge.imported().datasets.index) == {"b1", "b2", "b3"}
        assert [e.import_id for e in again.knowledge_imports()] == ["2"]
    assert main([*ws, "knowledge", "remove", "7"]) == 2
    assert "There is no import 7" in capsys.readouterr().err


_KILLED_IMPORT = textwrap.dedent(
    """
    import os, signal, sys
    from metadesk.workspace import Workspace, imports
    real = imports._sync_folder
    def die(folder):
        if folder.name.endswith(".tmp"):  # both tables written, not yet renamed into place
            os.kill(os.getpid(), signal.SIGKILL)
        real(folder)
    imports._sync_folder = die
    ws = Workspace.open(sys.argv[1], prior_dir=False)
    ws.import_knowledge(sys.argv[2], sys.argv[3])
    """
)


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_an_import_killed_midway_leaves_nothing_and_is_cleared(workspace_path, exchange):
    Workspace.open(workspace_path, prior_dir=False).close()
    proc = subprocess.run(
        [sys.executable, "-c", _KILLED_IMPORT, str(workspace_path), *map(str, exchange)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    imports_dir = workspace_path.with_suffix(".knowledge") / "imports"
    assert [p.name for p in imports_dir.iterdir()] == [".1.tmp"]  # half an import, hidden
    with Workspace.open(workspace_path, prior_dir=False) as again:
        assert again.knowledge_imports() == []
        assert len(again.knowledge.imported().runs) == 0  # no datasets without their runs
        assert list(imports_dir.iterdir()) == []  # the leftover is cleared on open
        again.import_knowledge(*exchange)
        assert len(again.knowledge.imported().runs) == 72


def test_knowledge_imported_by_an_older_version_becomes_an_import(workspace_path, tmp_path):
    legacy = workspace_path.with_suffix(".knowledge")
    write_exchange(knowledge(["old1", "old2"]), legacy, "parquet")
    (legacy / "runs.parquet.tmp").write_bytes(b"half written")
    with Workspace.open(workspace_path, prior_dir=False) as ws:
        [entry] = ws.knowledge_imports()
        assert entry.datasets == 2 and entry.datasets_file == "earlier imports"
        assert set(ws.knowledge.imported().datasets.index) == {"old1", "old2"}
    assert not (legacy / "runs.parquet.tmp").exists()


def test_export_escapes_formula_cells_and_refuses_a_file(workspace, tmp_path, capsys):
    md = knowledge(["x1", "x2"])
    md.datasets.loc["x1", "name"] = "=cmd|' /C calc'!A0"
    files = write_exchange(md, tmp_path / "in", "csv")
    workspace.import_knowledge(*files)
    out = tmp_path / "out"
    datasets, runs = workspace.export_knowledge(out)
    names = pd.read_csv(datasets, dtype=str)["name"].tolist()
    assert "'=cmd|' /C calc'!A0" in names and "=cmd|' /C calc'!A0" not in names
    assert pd.read_csv(runs)["score"].between(0, 1).all()  # numbers stay numbers
    if os.name != "nt":
        assert stat.S_IMODE(datasets.stat().st_mode) == 0o600
    assert not [p for p in out.iterdir() if p.name.startswith(".")]

    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    with pytest.raises(KnowledgeProblem, match="is a file, not a folder"):
        workspace.export_knowledge(a_file)
    assert a_file.read_text() == "mine"


_JSON_PIECES = st.sampled_from(
    ["[", "]", "{", "}", '"', "\\", ":", ",", "1", '"a"', " ", "[[[[", "]]]]"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_JSON_PIECES, max_size=80).map("".join), st.integers(0, 3000))
def test_any_params_text_is_imported_or_refused_plainly(tmp_path_factory, text, depth):
    # Whatever the params cell holds, the import ends in a count or a KnowledgeProblem.
    folder = tmp_path_factory.mktemp("fuzz")
    datasets, runs = write_exchange(knowledge(["f1"], seed=3), folder, "csv")
    _edit_runs(runs, params="[" * depth + text + "]" * depth)
    with Workspace.open(folder / "ws.sqlite", prior_dir=False) as ws:
        try:
            counts = ws.import_knowledge(datasets, runs)
        except KnowledgeProblem as exc:
            assert exc.problems
        else:
            assert counts["runs"] == 12


def test_a_parquet_table_declaring_billions_of_rows_is_refused_unread(
    workspace, exchange, tmp_path, monkeypatch
):
    from metadesk.workspace import knowledge_checks

    datasets, runs = exchange
    runs_parquet = tmp_path / "runs.parquet"
    pd.read_csv(runs, dtype=str, keep_default_na=False).to_parquet(runs_parquet)
    monkeypatch.setattr(knowledge_checks, "reading_memory_budget", lambda: 1000)
    with pytest.raises(KnowledgeProblem) as caught:
        workspace.import_knowledge(datasets, runs_parquet)
    assert "runs.parquet: runs.parquet declares 72 rows" in caught.value.problems[0]

"""Files built to take the process down are refused with a plain message; the process lives on."""

from __future__ import annotations

import os
import threading

import numpy as np
import pandas as pd
import pytest
from hostile_files import (
    HEADER_ROW,
    SHEET_HEAD,
    bomb_xlsx,
    far_cell_xlsx,
    small_xlsx,
    write_xlsx,
)

from metadesk.data import isolated_read, read_table, readers
from metadesk.errors import FileProblem

pytestmark = pytest.mark.timeout(120)


def test_one_cell_at_xfd1048576_is_refused_and_the_process_survives(tmp_path):
    # Before: the Excel reader asked for 512 GB and aborted the whole process (exit 134).
    path = far_cell_xlsx(tmp_path / "far.xlsx")
    with pytest.raises(FileProblem) as caught:
        read_table(path)
    assert "could not be read" in caught.value.message
    assert "memory" in caught.value.message
    frame, _ = read_table(small_xlsx(tmp_path / "fine.xlsx"))  # and this process still reads
    assert frame.shape == (30, 2)


def test_a_huge_declared_sheet_is_refused_before_reading(tmp_path):
    path = far_cell_xlsx(tmp_path / "declared.xlsx", declare=True)
    with pytest.raises(FileProblem) as caught:
        read_table(path)
    assert "1,048,576 rows × 16,384 columns" in caught.value.message
    assert "delete the empty rows" in caught.value.hint


def test_a_zip_bomb_is_refused_without_unpacking_it(tmp_path, monkeypatch):
    path = bomb_xlsx(tmp_path / "bomb.xlsx", unpacked_mb=40)
    assert path.stat().st_size < 1024**2
    monkeypatch.setattr(
        isolated_read, "read_isolated", lambda *a, **k: pytest.fail("the bomb was opened")
    )
    with pytest.raises(FileProblem, match="zip bomb"):
        read_table(path)


def test_a_workbook_that_unpacks_beyond_the_memory_budget_is_refused(tmp_path, monkeypatch):
    path = small_xlsx(tmp_path / "wide.xlsx", rows=2000)
    monkeypatch.setattr(readers, "reading_memory_budget", lambda: 20_000)
    with pytest.raises(FileProblem, match="would unpack to"):
        read_table(path)


def test_a_parquet_file_declaring_more_rows_than_memory_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "long.parquet"
    pd.DataFrame({"a": np.zeros(50_000), "b": np.ones(50_000)}).to_parquet(path)
    monkeypatch.setattr(readers, "reading_memory_budget", lambda: 100_000)
    with pytest.raises(FileProblem, match="declares 50,000 rows × 2 columns"):
        read_table(path)
    monkeypatch.undo()
    frame, _ = read_table(path, nrows=100)  # a row limit reads only what fits
    assert len(frame) == 100


def test_the_memory_limit_of_the_reader_is_what_refuses_a_sheet(tmp_path, monkeypatch):
    # One cell at Z200000, undeclared: the reader would hold 5.2 million cells (about 170 MB).
    path = write_xlsx(
        tmp_path / "sparse.xlsx",
        [SHEET_HEAD, f'<sheetData>{HEADER_ROW}<row r="200000"><c r="Z200000"><v>1</v></c></row>'
         "</sheetData></worksheet>"],
    )  # fmt: skip
    monkeypatch.setattr(readers, "reading_memory_budget", lambda: 32 * 1024**2)
    with pytest.raises(FileProblem) as caught:
        read_table(path)
    assert "32.0 MB of memory allowed for reading" in caught.value.message
    monkeypatch.undo()
    frame, _ = read_table(path)  # within the default budget it reads
    assert {"a", "b"} <= set(frame.columns)


def test_workbooks_and_parquet_read_in_a_child_give_the_same_table(tmp_path, mixed_frame):
    xlsx, parquet = tmp_path / "t.xlsx", tmp_path / "t.parquet"
    mixed_frame.to_excel(xlsx, index=False)
    mixed_frame.to_parquet(parquet)
    for path in (xlsx, parquet):
        frame, report = read_table(path)
        assert list(frame.columns) == list(mixed_frame.columns)
        assert len(frame) == len(mixed_frame) == report.rows
        assert frame["income"].tolist() == pytest.approx(mixed_frame["income"].tolist())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_at_once(tmp_path):
    # Before: opening the pipe waited for a writer forever.
    pipe = tmp_path / "table.csv"
    os.mkfifo(pipe)
    outcome: list = []

    def read() -> None:
        try:
            read_table(pipe)
        except FileProblem as exc:
            outcome.append(exc.message)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():  # let the test end: a writer releases the blocked open
        with open(pipe, "w"):
            pass
        pytest.fail("reading a named pipe hung")
    assert outcome and "not a regular file (a named pipe)" in outcome[0]

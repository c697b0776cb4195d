"""Every bad input gives its own UserError with a plain message, never a traceback or a hang."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from metadesk.data import read_table
from metadesk.data import sources as sources_module
from metadesk.errors import FileProblem, FileTooLarge, UnsupportedFormat, UserError


def test_missing_file(tmp_path):
    with pytest.raises(FileProblem, match="was not found") as info:
        read_table(tmp_path / "gone.csv")
    assert "moved, renamed or deleted" in info.value.hint


def test_folder_instead_of_file(tmp_path):
    folder = tmp_path / "data.csv"
    folder.mkdir()
    with pytest.raises(FileProblem, match="is a folder"):
        read_table(folder)


def test_empty_file(write_bytes):
    with pytest.raises(FileProblem, match="is empty"):
        read_table(write_bytes("e.csv", b""))


def test_blank_file(write_bytes):
    with pytest.raises(FileProblem, match="no data"):
        read_table(write_bytes("b.csv", "\n\n  \n"))


def test_header_without_rows(write_bytes):
    with pytest.raises(FileProblem, match="no rows"):
        read_table(write_bytes("h.csv", "a,b,c\n"))


def test_binary_file(write_bytes):
    with pytest.raises(FileProblem, match="binary data"):
        read_table(write_bytes("blob.csv", bytes(range(256)) * 20))


def test_excel_workbook_saved_as_csv(tmp_path):
    path = tmp_path / "really.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(path, index=False)
    renamed = path.rename(tmp_path / "really.csv")
    with pytest.raises(UnsupportedFormat, match="zip archive"):
        read_table(renamed)


@pytest.mark.parametrize("name", ["report.pdf", "notes.docx", "data.json", "README"])
def test_unknown_extension(write_bytes, name):
    with pytest.raises(UnsupportedFormat, match="cannot read") as info:
        read_table(write_bytes(name, "a,b\n1,2\n"))
    assert "CSV" in info.value.hint


def test_ragged_row_names_the_line(write_bytes):
    text = "a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n11,12,13\n"
    with pytest.raises(FileProblem, match=r"Line 4 of r\.csv has 4 fields where the header has 3"):
        read_table(write_bytes("r.csv", text))


def test_corrupt_spreadsheet(write_bytes):
    with pytest.raises(FileProblem, match="not a readable spreadsheet"):
        read_table(write_bytes("broken.xlsx", b"PK\x03\x04 this is not a workbook"))


def test_corrupt_parquet(write_bytes):
    with pytest.raises(FileProblem, match="not a readable Parquet"):
        read_table(write_bytes("broken.parquet", b"PAR1 nothing PAR"))


def test_undecodable_text_after_a_utf8_head(write_bytes):
    head = "name,v\n" + "".join(f"Zoë{i},{i}\n" for i in range(30_000))
    data = head.encode("utf-8") + b"bad\xff\xfe,1\n"
    with pytest.raises(FileProblem, match="not valid utf-8"):
        read_table(write_bytes("mixed.csv", data))


def test_wrong_encoding_name(write_bytes):
    with pytest.raises(FileProblem, match="not a text encoding"):
        read_table(write_bytes("x.csv", "a,b\n1,2\n"), encoding="no-such-codec")


def test_huge_file_offers_a_row_limit_or_a_sample(write_bytes):
    path = write_bytes("big.csv", "a,b\n" + "1,2\n" * 1000)
    with pytest.raises(FileTooLarge, match="too large") as info:
        read_table(path, max_bytes=1000)
    assert "nrows=" in info.value.hint and "sample=" in info.value.hint
    assert info.value.size_bytes == path.stat().st_size
    frame, report = read_table(path, max_bytes=1000, nrows=5)
    assert len(frame) == 5 and report.truncated


def test_file_too_big_for_memory(write_bytes, monkeypatch):
    monkeypatch.setattr(sources_module, "total_memory", lambda: 1000)
    with pytest.raises(FileTooLarge, match="memory"):
        read_table(write_bytes("big.csv", "a,b\n" + "1,2\n" * 1000))


def test_locked_file(write_bytes, monkeypatch):
    path = write_bytes("locked.csv", "a,b\n1,2\n")
    real_open = type(path).open

    def locked(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(type(path), "open", locked)
    with pytest.raises(FileProblem, match=r"not allowed to read locked\.csv") as info:
        read_table(path)
    assert "Excel" in info.value.hint


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_permissions(write_bytes):
    path = write_bytes("private.csv", "a,b\n1,2\n")
    path.chmod(0)
    try:
        with pytest.raises(FileProblem, match="not allowed"):
            read_table(path)
    finally:
        path.chmod(0o644)


def test_file_vanishing_while_reading(write_bytes, monkeypatch):
    from metadesk.data import text_reader

    path = write_bytes("v.csv", "a,b\n1,2\n")

    def vanish(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory", str(path))

    monkeypatch.setattr(text_reader.pacsv, "read_csv", vanish)
    with pytest.raises(FileProblem, match="was not found"):
        read_table(path)


@pytest.mark.parametrize(
    "text",
    [
        "@relation r\n@attribute a numeric\n",
        "@relation r\n@data\n1\n",
        "@relation r\n@attribute a blob\n@data\n1\n",
        "@relation r\n@attribute a {x,y\n@data\nx\n",
        "@relation r\n@attribute a numeric\n@data\n'open quote\n",
        "@relation r\n@attribute a numeric\n@data\n{5 1}\n",
        "hello world\n",
    ],
)
def test_malformed_arff(write_bytes, text):
    with pytest.raises(UserError) as info:
        read_table(write_bytes("bad.arff", text))
    assert info.value.message and "\n" not in info.value.message


def test_bad_row_limit(write_bytes):
    with pytest.raises(FileProblem, match="at least 1"):
        read_table(write_bytes("a.csv", "a\n1\n"), nrows=0)

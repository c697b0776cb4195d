"""Cheap checks of a workbook or Parquet file before any reader touches its content.

A zip-based workbook says how big its parts are once uncompressed and how big its sheets are; a
Parquet file says how many rows and columns it holds. A file whose own numbers promise more than
this computer can hold (a zip bomb, one cell at XFD1048576) is refused here, in milliseconds.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from metadesk.errors import FileProblem

# More parts than any real workbook has (a workbook with 1,000 sheets has about 2,000).
MAX_MEMBERS = 20_000
# Spreadsheet XML compresses about 5-30 times; a part beyond this ratio is built to explode.
MAX_RATIO = 250
# Parts smaller than this are never refused for their ratio (tiny repetitive XML compresses well).
_RATIO_FLOOR_BYTES = 16 * 1024**2
# The Excel reader keeps every cell of a sheet's rectangle, about 32 bytes each, twice over.
BYTES_PER_CELL = 64
# How far into a sheet's XML the <dimension> element may be (it comes right after <sheetPr>).
_HEAD_BYTES = 64 * 1024
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Za-z]{1,3})?\$?(\d+)?(?::\$?([A-Za-z]{1,3})\$?(\d+))?\""
)
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_HINT = "Open it in its program and save it again, or export the table as CSV."


def check_workbook(path: Path, memory_budget: int) -> None:
    """Refuse a zip-based workbook (.xlsx, .xlsm, .xlsb, .ods) whose declared sizes would need more
    than `memory_budget` bytes to read. Files that are not zip archives (.xls) pass untouched."""
    if not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_members(path, members, memory_budget)
            for info in members:
                if _SHEET_PART.match(info.filename):
                    _check_dimension(path, archive, info, memory_budget)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        zlib.error,
    ) as exc:
        raise FileProblem(
            f"{path.name} is not a readable spreadsheet: its zip structure is damaged.",
            _HINT,
            details=str(exc),
        ) from exc
    except (RuntimeError, ValueError) as exc:  # encrypted parts, bad compression parameters
        raise FileProblem(
            f"{path.name} is not a readable spreadsheet.", _HINT, details=str(exc)
        ) from exc


def _check_members(path: Path, members: list[zipfile.ZipInfo], memory_budget: int) -> None:
    if len(members) > MAX_MEMBERS:
        raise FileProblem(
            f"{path.name} holds {len(members):,} parts, far more than a spreadsheet has.",
            _HINT,
        )
    total = sum(max(0, info.file_size) for info in members)
    if total > memory_budget:
        raise FileProblem(
            f"{path.name} would unpack to {human_bytes(total)}, more than the "
            f"{human_bytes(memory_budget)} metadesk allows for reading a file.",
            "Export the sheet you need as CSV, or split the workbook.",
        )
    for info in members:
        packed = max(1, info.compress_size)
        if info.file_size > _RATIO_FLOOR_BYTES and info.file_size / packed > MAX_RATIO:
            raise FileProblem(
                f"{path.name} looks like a zip bomb: a part of {human_bytes(packed)} would unpack "
                f"to {human_bytes(info.file_size)} ({info.file_size / packed:,.0f} times bigger).",
                "Do not open it; ask whoever sent it for the table as CSV.",
            )


def _check_dimension(
    path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, memory_budget: int
) -> None:
    with archive.open(info) as handle:
        head = handle.read(_HEAD_BYTES)
    match = _DIMENSION.search(head)
    if match is None:
        return
    col = match.group(3) or match.group(1)
    row = match.group(4) or match.group(2)
    if not col or not row:
        return
    rows, cols = int(row), column_number(col.decode("ascii"))
    if rows * cols * BYTES_PER_CELL > memory_budget:
        raise FileProblem(
            f"A sheet of {path.name} declares {rows:,} rows × {cols:,} columns "
            f"({rows * cols:,} cells), more than metadesk can hold in memory.",
            "Open it in Excel, delete the empty rows and columns after the table (or copy the "
            "table to a new sheet), save, and load it again.",
        )


def column_number(letters: str) -> int:
    """1 for A, 26 for Z, 16,384 for XFD."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + (ord(letter) - ord("A") + 1)
    return number


def check_parquet(path: Path, memory_budget: int, nrows: int | None = None) -> None:
    """Refuse a Parquet file whose footer declares more values than `memory_budget` can hold
    (counting only the first `nrows` rows when a row limit is given)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
    except (pa.ArrowException, OSError, ValueError):
        return  # the reader says what is wrong with it, in its own words
    rows = int(meta.num_rows) if nrows is None else min(int(meta.num_rows), nrows)
    declared = rows * max(1, int(meta.num_columns)) * 8
    if meta.num_rows < 0 or declared > memory_budget:
        raise FileProblem(
            f"{path.name} declares {meta.num_rows:,} rows × {meta.num_columns:,} columns, "
            f"about {human_bytes(declared)} once read: more than metadesk can hold in memory.",
            "Load part of it with a row limit, or write a smaller file.",
        )


def human_bytes(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"

"""Opening a user's file safely: it exists, can be read, is not too big, and is the format it claims.

Every OS-level failure becomes a `FileProblem` here, so the format readers only deal with content.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from metadesk.errors import FileProblem, FileTooLarge, UnsupportedFormat

FORMATS_BY_SUFFIX = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "csv",
    ".dat": "keel",
    ".arff": "arff",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".xlsb": "excel",
    ".ods": "excel",
    ".parquet": "parquet",
    ".pq": "parquet",
}
SUPPORTED = "CSV/TSV/TXT, Excel (.xlsx, .xls, .ods), Parquet, ARFF and KEEL .dat"

DEFAULT_MAX_BYTES = 2 * 1024**3
# How much bigger than the file a loaded table typically is in memory, per format.
_MEMORY_FACTOR = {"csv": 2.0, "keel": 3.0, "arff": 3.0, "excel": 8.0, "parquet": 5.0}
# Refuse to load when the estimate is above this share of the machine's memory.
_RAM_SHARE = 0.5

# File signatures of formats someone might save under the wrong name.
_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx or .ods workbook is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook or another Office file"),
    (b"PAR1", "a Parquet file"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"SQLite format 3", "an SQLite database"),
)


def detect_format(path: Path) -> str:
    """The format a file's extension promises; unknown extensions are refused."""
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        kind = f"'{path.suffix}' files" if path.suffix else "files without an extension"
        raise UnsupportedFormat(
            f"metadesk cannot read {kind} ({path.name}).",
            f"Save the table as one of: {SUPPORTED}.",
        )
    return fmt


def describe_binary(head: bytes) -> str | None:
    """What a binary file really is, when its first bytes say so."""
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return what
    return None


@contextmanager
def os_errors_as_file_problems(path: Path) -> Iterator[None]:
    """Turn a vanished, locked or unreadable file into a plain message at any step of reading."""
    try:
        yield
    except FileNotFoundError as exc:
        raise FileProblem(
            f"The file {path.name} was not found.",
            "It may have been moved, renamed or deleted; check its name and folder.",
            details=str(exc),
        ) from exc
    except IsADirectoryError as exc:
        raise FileProblem(
            f"{path.name} is a folder, not a file.",
            "Pick a table file inside it.",
            details=str(exc),
        ) from exc
    except PermissionError as exc:
        raise FileProblem(
            f"metadesk is not allowed to read {path.name}.",
            "Close it in any program that has it open (Excel locks files) or check its permissions.",
            details=str(exc),
        ) from exc
    except OSError as exc:
        raise FileProblem(
            f"{path.name} could not be read: {exc.strerror or exc}.",
            "Check that the drive or network share is available and try again.",
            details=str(exc),
        ) from exc


def check_file(path: Path) -> int:
    """The file's size in bytes after checking it exists, is a regular file and can be opened."""
    with os_errors_as_file_problems(path):
        info = path.stat()  # before opening: opening a named pipe waits for a writer forever
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(str(path))
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(
                f"{path.name} is not a regular file ({_special_kind(info.st_mode)}).",
                "Save the table to a file on disk and load that file.",
            )
        size = info.st_size
        with path.open("rb") as handle:
            handle.read(1)
    if size == 0:
        raise FileProblem(f"{path.name} is empty.", "Pick a file that holds a table.")
    return size


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a plain file"


def require_regular_file(path: Path) -> None:
    """Refuse a named pipe, socket or device before anything opens it (opening may block)."""
    with os_errors_as_file_problems(path):
        info = path.stat()
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        raise FileProblem(
            f"{path.name} is not a regular file ({_special_kind(info.st_mode)}).",
            "Save the table to a file on disk and load that file.",
        )


def total_memory() -> int | None:
    """Bytes of physical memory, when the platform tells us."""
    try:
        import psutil  # a declared dependency; more accurate than sysconf on Windows and macOS

        return int(psutil.virtual_memory().total)
    except Exception:  # psutil missing or failing: fall back on POSIX sysconf
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def check_size(path: Path, size: int, fmt: str, max_bytes: int | None) -> None:
    """Refuse a file that would freeze the machine; the message offers a row limit or a sample."""
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    estimate = size * _MEMORY_FACTOR.get(fmt, 3.0)
    ram = total_memory()
    too_big_on_disk = size > limit
    too_big_in_memory = max_bytes is None and ram is not None and estimate > _RAM_SHARE * ram
    if not (too_big_on_disk or too_big_in_memory):
        return
    reason = (
        f"it is {_human(size)}, above the {_human(limit)} limit"
        if too_big_on_disk
        else f"loading it would take about {_human(estimate)} of this computer's {_human(ram or 0)} memory"
    )
    raise FileTooLarge(
        f"{path.name} is too large to load whole: {reason}.",
        "Load part of it instead: a row limit (nrows=) reads the first rows, a sample (sample=) "
        "picks rows at random from the whole file.",
        size_bytes=size,
    )


def _human(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"

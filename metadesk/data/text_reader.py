"""Delimited text (CSV, TSV, TXT, header-less KEEL) parsed by pyarrow after sniffing the head.

pyarrow does the heavy lifting on all cores; Python only fixes what it cannot (thousands separators,
numbers with stray words, non-ISO dates) on the columns that need it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from metadesk.data import cleanup
from metadesk.data.arrow_frames import to_pandas
from metadesk.data.report import NoteBook
from metadesk.data.sniff import HEAD_BYTES, Dialect, read_head, sniff_dialect
from metadesk.errors import FileProblem

log = logging.getLogger(__name__)

_CHUNK = 16 * 1024 * 1024
_SEED = 0


class _Ragged(Exception):
    def __init__(self, expected: int, actual: int, text: str) -> None:
        super().__init__(text)
        self.expected, self.actual, self.text = expected, actual, text


def read_text(
    path: Path,
    size: int,
    notes: NoteBook,
    *,
    nrows: int | None = None,
    sample: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    names: list[str] | None = None,
) -> tuple[pd.DataFrame, Dialect, bool]:
    """(frame, dialect, truncated). `names` forces header-less reading with these column names."""
    head = read_head(path)
    complete = size <= len(head)
    dialect = sniff_dialect(path, head, complete, encoding, delimiter)
    if names is not None:
        dialect = dataclasses.replace(dialect, header=False)
    if dialect.encoding == "utf-16":
        # Line-level slicing needs single-byte newlines; UTF-16 files are parsed whole, then cut.
        frame = _parse(path, path, dialect, names, notes)
        truncated = nrows is not None and len(frame) > nrows
        return (frame.iloc[:nrows] if truncated else frame), dialect, truncated
    source, truncated = _source(path, size, dialect, nrows, sample)
    types = None
    if source is path and not dialect.multiline and not complete:
        types = _head_types(head[: head.rfind(b"\n") + 1], dialect, names)
    frame = _parse(path, source, dialect, names, notes, types)
    if not dialect.header and names is None:
        notes.add("The first row holds only numbers, so it was read as data; columns were named.")
    return frame, dialect, truncated


def _source(
    path: Path, size: int, dialect: Dialect, nrows: int | None, sample: int | None
) -> tuple[Path | io.BytesIO, bool]:
    """The whole file, or the bytes of the header plus the first `nrows` or a random `sample`."""
    if nrows is None and sample is None:
        return path, False
    with path.open("rb") as handle:
        header = handle.readline() if dialect.header else b""
        if nrows is not None:
            return _first_lines(handle, header, nrows)
        return _sampled_lines(handle, header, size, sample or 0)


def _first_lines(handle: BinaryIO, header: bytes, nrows: int) -> tuple[io.BytesIO, bool]:
    parts, count = [header], 0
    while count < nrows:
        chunk = handle.read(_CHUNK)
        if not chunk:
            return io.BytesIO(b"".join(parts)), False
        n_lines = chunk.count(b"\n")
        if count + n_lines < nrows:
            parts.append(chunk)
            count += n_lines
            continue
        cut = -1
        for _ in range(nrows - count):
            cut = chunk.index(b"\n", cut + 1)
        parts.append(chunk[: cut + 1])
        more = bool(chunk[cut + 1 :].strip()) or bool(handle.read(1).strip())
        return io.BytesIO(b"".join(parts)), more
    return io.BytesIO(b"".join(parts)), bool(handle.read(1).strip())


def _sampled_lines(
    handle: BinaryIO, header: bytes, size: int, sample: int
) -> tuple[io.BytesIO, bool]:
    """Each line is kept with a probability set from the estimated row count, then trimmed."""
    rng = np.random.default_rng(_SEED)
    body_start = handle.tell()
    probe = handle.read(HEAD_BYTES)
    handle.seek(body_start)
    per_line = len(probe) / max(1, probe.count(b"\n"))
    estimate = max(1.0, (size - body_start) / max(per_line, 1.0))
    keep_p = min(1.0, 1.5 * sample / estimate)
    kept: list[bytes] = []
    total, rest = 0, b""
    while True:
        chunk = handle.read(_CHUNK)
        if not chunk:
            lines = [rest] if rest.strip() else []
        else:
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
        lines = [ln for ln in lines if ln.strip()]
        total += len(lines)
        if lines:
            picks = np.flatnonzero(rng.random(len(lines)) < keep_p)
            kept.extend(lines[i] for i in picks)
        if not chunk:
            break
    if len(kept) > sample:
        idx = np.sort(rng.choice(len(kept), size=sample, replace=False))
        kept = [kept[i] for i in idx]
    body = b"\n".join(kept) + b"\n"
    return io.BytesIO(header + body), len(kept) < total


def _parse(
    path: Path,
    source: Path | io.BytesIO,
    dialect: Dialect,
    names: list[str] | None,
    notes: NoteBook,
    types: dict[str, pa.DataType] | None = None,
) -> pd.DataFrame:
    try:
        try:
            table = _arrow_read(source, dialect, names, types)
        except _TypesMismatch:
            # The rest of the file does not keep to the head's types: let pyarrow infer them.
            _rewind(source)
            table = _arrow_read(source, dialect, names)
    except _Ragged as exc:
        # A quoted value spanning lines further down looks ragged to the fast path: retry once.
        if dialect.multiline:
            raise _ragged_problem(path, dialect, exc) from None
        _rewind(source)
        try:
            table = _arrow_read(source, dataclasses.replace(dialect, multiline=True), names)
        except _Ragged as again:
            raise _ragged_problem(path, dialect, again) from None
    if any(pa.types.is_binary(f.type) for f in table.schema):
        table = _redecode(path, source, dialect, names, notes)
    frame = to_pandas(table, date_as_object=False)
    frame = cleanup.tidy(frame, notes)
    frame = cleanup.coerce_columns(frame, dialect.decimal, dialect.thousands, notes)
    return cleanup.settle_objects(frame, notes)


def _rewind(source: Path | io.BytesIO) -> None:
    if isinstance(source, io.BytesIO):
        source.seek(0)


def _redecode(
    path: Path,
    source: Path | io.BytesIO,
    dialect: Dialect,
    names: list[str] | None,
    notes: NoteBook,
) -> pa.Table:
    """Bytes that are not UTF-8 further down a file whose head was plain ASCII: try cp1252."""
    if dialect.encoding not in ("utf-8", "utf-8-sig") or not dialect.ascii_head:
        raise FileProblem(
            f"Part of {path.name} is not valid {dialect.encoding} text.",
            "Save the file again as UTF-8 (in Excel: 'CSV UTF-8'), or pass the encoding it uses.",
        )
    _rewind(source)
    notes.add("The file is not UTF-8 after its first lines; it was read as Windows-1252 (cp1252).")
    table = _arrow_read(source, dataclasses.replace(dialect, encoding="cp1252"), names)
    return table


_TYPED = (pa.int64(), pa.float64(), pa.string(), pa.bool_())


class _TypesMismatch(Exception):
    pass


def _head_types(
    head: bytes, dialect: Dialect, names: list[str] | None
) -> dict[str, pa.DataType] | None:
    """Column types pyarrow infers on the head: given for the whole file, they spare it inference."""
    if not head:
        return None
    try:
        table = _arrow_read(io.BytesIO(head), dialect, names)
    except (_Ragged, FileProblem):
        return None
    if len(set(table.column_names)) != table.num_columns:
        return None
    return {f.name: f.type for f in table.schema if f.type in _TYPED} or None


def _arrow_read(
    source: Path | io.BytesIO,
    dialect: Dialect,
    names: list[str] | None,
    types: dict[str, pa.DataType] | None = None,
) -> pa.Table:
    ragged: list[_Ragged] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        ragged.append(_Ragged(row.expected_columns, row.actual_columns, row.text))
        return "error"

    encoding = "utf8" if dialect.encoding in ("utf-8", "utf-8-sig") else dialect.encoding
    read = pacsv.ReadOptions(
        encoding=encoding,
        column_names=names,
        autogenerate_column_names=not dialect.header and names is None,
        block_size=(4 if dialect.multiline else 1) * 1024 * 1024,
    )
    parse = pacsv.ParseOptions(
        delimiter=dialect.delimiter,
        quote_char='"',
        newlines_in_values=dialect.multiline,
        invalid_row_handler=on_invalid,
    )
    convert = pacsv.ConvertOptions(
        decimal_point=dialect.decimal,
        null_values=list(cleanup.PARSER_MISSING_MARKERS),
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        true_values=["true", "True", "TRUE"],
        false_values=["false", "False", "FALSE"],
        column_types=types,
    )
    try:
        table = pacsv.read_csv(
            source, read_options=read, parse_options=parse, convert_options=convert
        )
    except (pa.ArrowInvalid, UnicodeError, LookupError) as exc:
        if ragged:
            raise ragged[0] from None
        if types and "conversion error" in str(exc):
            raise _TypesMismatch(str(exc)) from None
        raise _arrow_problem(source, exc) from exc
    if not dialect.header and names is None:
        table = table.rename_columns([f"column_{i + 1}" for i in range(table.num_columns)])
    return table


def _arrow_problem(source: Path | io.BytesIO, exc: Exception) -> FileProblem:
    name = source.name if isinstance(source, Path) else "The file"
    text = str(exc)
    if "Empty CSV file" in text:
        return FileProblem(f"{name} holds no table.", "Pick a file with a header and rows.")
    if isinstance(exc, UnicodeError | LookupError):
        return FileProblem(
            f"{name} could not be decoded as text.",
            "Save the file again as UTF-8 (in Excel: 'CSV UTF-8').",
            details=text,
        )
    return FileProblem(
        f"{name} could not be read as a table.",
        "Check that it is a delimited text file (CSV), or export it again.",
        details=text,
    )


def _ragged_problem(path: Path, dialect: Dialect, exc: _Ragged) -> FileProblem:
    line = _find_ragged_line(path, dialect, exc.expected)
    where = f"Line {line}" if line else f"A line ('{exc.text[:60]}')"
    sep = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}.get(dialect.delimiter, "")
    return FileProblem(
        f"{where} of {path.name} has {exc.actual} fields where the header has {exc.expected}.",
        f"The values are separated by a {sep}; a value holding a {sep} must be in double quotes. "
        "Fix that line or export the table again.",
        details=exc.text,
    )


def _find_ragged_line(path: Path, dialect: Dialect, expected: int) -> int | None:
    """The physical line number of the first record with the wrong number of fields."""
    try:
        with path.open("r", encoding=dialect.encoding, errors="replace", newline="") as handle:
            reader = csv.reader(handle, delimiter=dialect.delimiter, quotechar='"', strict=False)
            for row in reader:
                if row and len(row) != expected:
                    return reader.line_num
    except (OSError, csv.Error):
        return None
    return None

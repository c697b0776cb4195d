"""ARFF (Weka, OpenML) and KEEL `.dat` files: a typed header, then comma-separated data rows.

Both share one parser; KEEL adds value ranges to `@attribute` lines and `@inputs`/`@outputs` lines.
Header-less KEEL files (plain comma-separated rows, class last) go through the text reader instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from metadesk.data.report import NoteBook
from metadesk.errors import FileProblem, UnsupportedFormat

_MISSING = frozenset({"?", "<null>", ""})
_ATTRIBUTE = re.compile(r"^@attribute\s+", re.IGNORECASE)
_JAVA_DATE = (
    ("yyyy", "%Y"),
    ("yy", "%y"),
    ("MM", "%m"),
    ("dd", "%d"),
    ("HH", "%H"),
    ("mm", "%M"),
    ("ss", "%S"),
)


@dataclass
class Attribute:
    name: str
    kind: str  # numeric, integer, nominal, string, date
    values: list[str] = field(default_factory=list)
    date_format: str | None = None


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def split_values(line: str, lineno: int, path: Path) -> list[str]:
    """Comma-separated values with '…' or "…" quoting and backslash escapes."""
    if "'" not in line and '"' not in line:
        return [v.strip() for v in line.split(",")]
    out, buf, quote, i = [], [], "", 0
    quoted = False
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\" and i + 1 < len(line):
                buf.append(line[i + 1])
                i += 1
            elif ch == quote:
                quote = ""
            else:
                buf.append(ch)
        elif ch in "'\"" and not "".join(buf).strip():
            quote, quoted, buf = ch, True, []
        elif ch == ",":
            out.append("".join(buf) if quoted else "".join(buf).strip())
            buf, quoted = [], False
        else:
            if not (quoted and ch.isspace()):
                buf.append(ch)
        i += 1
    if quote:
        raise FileProblem(
            f"Line {lineno} of {path.name} opens a quote it never closes.",
            "Close the quote or remove it.",
        )
    out.append("".join(buf) if quoted else "".join(buf).strip())
    return out


def _parse_attribute(rest: str, lineno: int, path: Path) -> Attribute:
    rest = rest.strip()
    if rest[:1] in "'\"":
        end = rest.find(rest[0], 1)
        while end > 0 and rest[end - 1] == "\\":
            end = rest.find(rest[0], end + 1)
        if end < 0:
            raise _header_problem(path, lineno, "an attribute name opens a quote it never closes")
        name, kind = _unquote(rest[: end + 1]), rest[end + 1 :].strip()
    else:
        parts = re.split(r"[\s{]", rest, maxsplit=1)
        name = parts[0]
        kind = rest[len(name) :].strip()
    if not name or not kind:
        raise _header_problem(path, lineno, "an @attribute line needs a name and a type")
    if kind.startswith("{"):
        end = kind.rfind("}")
        if end < 0:
            raise _header_problem(path, lineno, f"the values of '{name}' miss their closing brace")
        values = [_unquote(v) for v in split_values(kind[1:end], lineno, path)]
        # Repeated declared values would make an invalid category list; keep the first of each.
        return Attribute(name, "nominal", list(dict.fromkeys(v for v in values if v != "")))
    word = kind.split()[0].lower()
    if word in ("numeric", "real", "float", "double"):
        return Attribute(name, "numeric")
    if word in ("integer", "int"):
        return Attribute(name, "integer")
    if word == "string":
        return Attribute(name, "string")
    if word == "date":
        fmt = _unquote(kind[4:].strip()) if len(kind) > 4 else ""
        return Attribute(name, "date", date_format=_java_to_strftime(fmt) if fmt else None)
    if word == "relational":
        raise UnsupportedFormat(
            f"{path.name} uses relational (multi-instance) attributes, which metadesk cannot read.",
            "Flatten the data into one row per example and save it as CSV.",
        )
    raise _header_problem(path, lineno, f"'{word}' is not an attribute type metadesk knows")


def _java_to_strftime(fmt: str) -> str:
    out = fmt.replace("'T'", "T").replace("'", "")
    for java, py in _JAVA_DATE:
        out = out.replace(java, py)
    return out


def _header_problem(path: Path, lineno: int, what: str) -> FileProblem:
    return FileProblem(
        f"Line {lineno} of {path.name}: {what}.",
        "Fix the header of the file (the lines starting with @).",
    )


def read_arff(
    path: Path, text: str, notes: NoteBook, *, nrows: int | None = None
) -> tuple[pd.DataFrame, bool]:
    """(frame with the declared column types, whether `nrows` left rows out)."""
    attributes: list[Attribute] = []
    lines = text.splitlines()
    data_start = None
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("%"):
            continue
        lowered = line.lower()
        if _ATTRIBUTE.match(line):
            attributes.append(_parse_attribute(_ATTRIBUTE.sub("", line, count=1), lineno, path))
        elif lowered.startswith("@data"):
            data_start = lineno
            break
        elif lowered.startswith(("@relation", "@inputs", "@input", "@outputs", "@output")):
            continue
        elif lowered.startswith("@end"):
            raise UnsupportedFormat(
                f"{path.name} uses relational (multi-instance) attributes, which metadesk cannot read.",
                "Flatten the data into one row per example and save it as CSV.",
            )
        else:
            raise _header_problem(path, lineno, f"'{line[:40]}' is not a header line")
    if not attributes:
        raise FileProblem(
            f"{path.name} declares no @attribute columns.", "Check that it is an ARFF file."
        )
    if data_start is None:
        raise FileProblem(
            f"{path.name} has no @data section.", "Add the @data line before the rows."
        )
    names = [a.name for a in attributes]
    if len(set(names)) != len(names):
        raise FileProblem(
            f"{path.name} declares the same attribute name twice.", "Rename the repeated attribute."
        )
    rows, truncated = _data_rows(lines, data_start, attributes, path, nrows)
    return _to_frame(rows, attributes, path, notes), truncated


def _data_rows(
    lines: list[str], start: int, attributes: list[Attribute], path: Path, nrows: int | None
) -> tuple[list[list[str]], bool]:
    width = len(attributes)
    rows: list[list[str]] = []
    for lineno in range(start + 1, len(lines) + 1):
        line = lines[lineno - 1].strip()
        if not line or line.startswith("%"):
            continue
        if line.startswith("{"):
            values = _sparse_row(line, lineno, attributes, path)
        else:
            # A trailing instance weight "{w}" is legal ARFF; metadesk ignores weights.
            if line.endswith("}") and ",{" in line.replace(", {", ",{"):
                line = line[: line.rfind("{")].rstrip().rstrip(",")
            values = split_values(line, lineno, path)
        if len(values) != width:
            raise FileProblem(
                f"Line {lineno} of {path.name} has {len(values)} values where the header "
                f"declares {width} attributes.",
                "Fix that line: a value holding a comma must be in quotes.",
            )
        rows.append(values)
        if nrows is not None and len(rows) >= nrows:
            rest = (ln.strip() for ln in lines[lineno:])
            return rows, any(ln and not ln.startswith("%") for ln in rest)
    return rows, False


def _sparse_row(line: str, lineno: int, attributes: list[Attribute], path: Path) -> list[str]:
    """'{3 x, 7 1.5}': unlisted values are 0 (the first declared value of a nominal attribute)."""
    if not line.endswith("}"):
        raise FileProblem(
            f"Line {lineno} of {path.name} opens a sparse row with '{{' but never closes it.",
            "Close the row with '}'.",
        )
    values = [a.values[0] if a.kind == "nominal" and a.values else "0" for a in attributes]
    body = line[1:-1].strip()
    for item in split_values(body, lineno, path) if body else []:
        index, _, value = item.strip().partition(" ")
        if not index.isdigit() or int(index) >= len(attributes):
            raise FileProblem(
                f"Line {lineno} of {path.name}: '{item[:30]}' is not a valid sparse entry.",
                "Sparse entries are 'index value' with an index below the number of attributes.",
            )
        values[int(index)] = _unquote(value)
    return values


def _to_frame(
    rows: list[list[str]], attributes: list[Attribute], path: Path, notes: NoteBook
) -> pd.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in attributes]
    data: dict[str, pd.Series] = {}
    for attr, raw in zip(attributes, columns, strict=True):
        cells = [None if v in _MISSING else _unquote(v) for v in raw]
        data[attr.name] = _typed(attr, cells, path, notes)
    return pd.DataFrame(data)


def _typed(attr: Attribute, cells: list[str | None], path: Path, notes: NoteBook) -> pd.Series:
    if attr.kind in ("numeric", "integer"):
        values = pd.to_numeric(pd.Series(cells, dtype="object"), errors="coerce")
        bad = sum(1 for c, v in zip(cells, values, strict=True) if c is not None and pd.isna(v))
        if bad:
            notes.add(
                f"Attribute '{attr.name}': {bad} value(s) were not numbers and were treated as missing."
            )
        values = values.astype(float)
        if attr.kind == "integer" and not values.isna().any() and np.all(values == values.round()):
            return values.astype(np.int64)
        return values
    if attr.kind == "nominal":
        unknown = {c for c in cells if c is not None} - set(attr.values)
        if unknown:
            example = sorted(unknown)[0]
            raise FileProblem(
                f"In {path.name}, '{example}' is not one of the declared values of '{attr.name}'.",
                f"Declared values: {', '.join(attr.values[:10])}. Fix the value or the header.",
            )
        return pd.Series(pd.Categorical(cells, categories=attr.values))
    if attr.kind == "date":
        series = pd.Series(cells, dtype="object")
        dates = pd.to_datetime(series, format=attr.date_format or "ISO8601", errors="coerce")
        bad = int((series.notna() & dates.isna()).sum())
        if bad:
            notes.add(
                f"Attribute '{attr.name}': {bad} value(s) were not dates and were treated as missing."
            )
        return dates
    return pd.Series(cells, dtype="str")

"""ARFF (Weka, OpenML) and KEEL `.dat` files: a typed header, then comma-separated data rows.

Both share one parser; KEEL adds value ranges to `@attribute` lines and `@inputs`/`@outputs` lines.
Header-less KEEL files (plain comma-separated rows, class last) go through the text reader instead.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from metadesk.data.report import NoteBook
from metadesk.data.text_dtype import TEXT
from metadesk.errors import FileProblem, UnsupportedFormat

_MISSING = frozenset({"?", "<null>", ""})
_NUMERIC = ("numeric", "integer")
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
    fast = _fast_frame(lines, data_start, attributes, path, notes, nrows)
    if fast is not None:
        return fast
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
        cells = pd.Series([None if v in _MISSING else _unquote(v) for v in raw], dtype="object")
        data[attr.name] = _typed(attr, cells, path, notes)
    return pd.DataFrame(data)


def _fast_frame(
    lines: list[str],
    start: int,
    attributes: list[Attribute],
    path: Path,
    notes: NoteBook,
    nrows: int | None,
) -> tuple[pd.DataFrame, bool] | None:
    """Plain rows (no quotes, sparse rows, comments or escapes) parsed by pyarrow; None otherwise."""
    body = "\n".join(lines[start:])
    if any(ch in body for ch in "'\"{%\\"):
        return None
    names = [f"c{i}" for i in range(len(attributes))]
    numeric = {
        n: pa.float64() for n, a in zip(names, attributes, strict=True) if a.kind in _NUMERIC
    }
    for types in (numeric, {}):
        try:
            table = pacsv.read_csv(
                io.BytesIO(body.encode("utf-8")),
                read_options=pacsv.ReadOptions(column_names=names),
                parse_options=pacsv.ParseOptions(delimiter=",", quote_char=False),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: types.get(n, pa.string()) for n in names},
                    null_values=["?", ""],
                    strings_can_be_null=True,
                ),
            )
            break
        except pa.ArrowInvalid:
            continue
    else:
        return None  # ragged rows and the like: the careful path names the line
    frame = table.to_pandas()
    truncated = nrows is not None and len(frame) > nrows
    if truncated:
        frame = frame.iloc[:nrows]
    data: dict[str, pd.Series] = {}
    for attr, name in zip(attributes, names, strict=True):
        column = frame[name]
        if not pd.api.types.is_numeric_dtype(column.dtype):
            column = column.str.strip()
            column = column.where(~column.isin(list(_MISSING)))
        data[attr.name] = _typed(attr, column.reset_index(drop=True), path, notes)
    return pd.DataFrame(data), truncated


def _typed(attr: Attribute, cells: pd.Series, path: Path, notes: NoteBook) -> pd.Series:
    if attr.kind in _NUMERIC:
        values = pd.to_numeric(cells, errors="coerce").astype(float)
        bad = int((cells.notna() & values.isna()).sum())
        if bad:
            notes.add(
                f"Attribute '{attr.name}': {bad} value(s) were not numbers and were treated as missing."
            )
        if attr.kind == "integer" and not values.isna().any() and np.all(values == values.round()):
            return values.astype(np.int64)
        return values
    if attr.kind == "nominal":
        unknown = set(cells.dropna().unique().tolist()) - set(attr.values)
        if unknown:
            example = sorted(map(str, unknown))[0]
            raise FileProblem(
                f"In {path.name}, '{example}' is not one of the declared values of '{attr.name}'.",
                f"Declared values: {', '.join(attr.values[:10])}. Fix the value or the header.",
            )
        return pd.Series(pd.Categorical(cells.astype(object), categories=attr.values))
    if attr.kind == "date":
        dates = pd.to_datetime(cells, format=attr.date_format or "ISO8601", errors="coerce")
        bad = int((cells.notna() & dates.isna()).sum())
        if bad:
            notes.add(
                f"Attribute '{attr.name}': {bad} value(s) were not dates and were treated as missing."
            )
        return dates
    return cells.astype(TEXT)

"""`ReadReport`: what `read_table` found in a file and what it changed on the way in.

Every drop or coercion the readers make is explained in `notes`, in words an analyst understands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from metadesk.data.roles import Role


@dataclass(frozen=True)
class ColumnReport:
    """One column as loaded: its pandas dtype, inferred role and number of missing cells."""

    name: str
    dtype: str
    role: Role
    missing: int


@dataclass(frozen=True)
class ReadReport:
    """What was read. `format` is one of csv, excel, parquet, arff, keel.

    `encoding`, `delimiter`, `decimal` and `thousands` are set for text formats only (thousands is
    empty when no separator was found). `truncated` is true when `nrows=` or `sample=` left rows out.
    """

    path: Path
    format: str
    rows: int
    columns: int
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    thousands: str | None = None
    column_reports: tuple[ColumnReport, ...] = ()
    notes: tuple[str, ...] = ()
    truncated: bool = False
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    # Text columns read as dates, with the strftime format they were written in (for writing back).
    date_formats: Mapping[str, str] = field(default_factory=dict)

    @property
    def dtypes(self) -> Mapping[str, str]:
        return {c.name: c.dtype for c in self.column_reports}

    @property
    def roles(self) -> Mapping[str, Role]:
        return {c.name: c.role for c in self.column_reports}

    @property
    def missing(self) -> Mapping[str, int]:
        return {c.name: c.missing for c in self.column_reports}

    # Any: JSON values of every kind, as `dataclasses.asdict` hands them over.
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (for `metadesk inspect --json` and the GUI's details)."""
        out = asdict(self)
        out["path"] = str(self.path)
        out["notes"] = list(self.notes)
        out["sheets"] = list(self.sheets)
        out["date_formats"] = dict(self.date_formats)
        out["column_reports"] = [
            {"name": c.name, "dtype": c.dtype, "role": c.role.value, "missing": c.missing}
            for c in self.column_reports
        ]
        return out


class ReportFields(TypedDict, total=False):
    """The `ReadReport` fields only some formats fill in, as a reader hands them over."""

    encoding: str | None
    delimiter: str | None
    decimal: str | None
    thousands: str | None
    sheet: str | None
    sheets: tuple[str, ...]


@dataclass
class NoteBook:
    """Collects notes while a reader works; turned into the report's tuple at the end."""

    notes: list[str] = field(default_factory=list)
    date_formats: dict[str, str] = field(default_factory=dict)

    def add(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

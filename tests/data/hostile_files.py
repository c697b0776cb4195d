"""Builders of hostile files: workbooks with a far-away cell or a huge declared sheet, zip bombs."""

from __future__ import annotations

import zipfile
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)  # fmt: skip
_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)  # fmt: skip
_WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)  # fmt: skip
_WORKBOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)  # fmt: skip
SHEET_HEAD = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>b</t></is></c></row>'
)


def write_xlsx(path: Path, sheet_parts, *, level: int = 6) -> Path:
    """A minimal .xlsx whose sheet XML is the concatenation of `sheet_parts` (streamed, so a
    gigabyte of XML never sits in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for part in sheet_parts:
                sheet.write(part.encode())
    return path


def far_cell_xlsx(path: Path, *, declare: bool = False) -> Path:
    """A tiny workbook with one cell at XFD1048576 (optionally declared in <dimension>)."""
    dimension = '<dimension ref="A1:XFD1048576"/>' if declare else ""
    body = (
        f'{dimension}<sheetData>{HEADER_ROW}<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )
    return write_xlsx(path, [SHEET_HEAD, body])


def bomb_xlsx(path: Path, unpacked_mb: int) -> Path:
    """A zip bomb: a sheet of `unpacked_mb` MB of identical rows, compressed about 1000 times."""
    row = "<row><c><v>1</v></c><c><v>2</v></c></row>" * 25_000  # about 1 MB
    chunks = (row for _ in range(unpacked_mb))
    parts = [SHEET_HEAD, f"<sheetData>{HEADER_ROW}", *chunks, "</sheetData></worksheet>"]
    return write_xlsx(path, parts, level=9)


def small_xlsx(path: Path, rows: int = 30) -> Path:
    """A well-formed workbook: a header and `rows` rows of two numbers."""
    body = "".join(
        f'<row r="{i}"><c r="A{i}"><v>{i}</v></c><c r="B{i}"><v>{i % 2}</v></c></row>'
        for i in range(2, rows + 2)
    )
    return write_xlsx(path, [SHEET_HEAD, f"<sheetData>{HEADER_ROW}{body}</sheetData></worksheet>"])

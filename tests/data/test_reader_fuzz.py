"""A fixed, seeded corpus of damaged and hostile files for every reader: each one is read or
refused with a `UserError`; none may take the process down, raise anything else, or hang.

The corpus: valid files of every format, seeded byte-level mutations of each (flips, cuts,
inserted garbage), zip-level damage of the workbooks (parts corrupted, dimensions made huge,
declared sizes falsified), zip bombs and far-away cells.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hostile_files import bomb_xlsx, far_cell_xlsx, small_xlsx

from metadesk.data import read_table
from metadesk.errors import UserError

pytestmark = pytest.mark.timeout(900)

MUTATIONS_PER_FILE = 50
_ODS_CONTENT = (
    '<?xml version="1.0"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
    '<table:table table:name="Sheet1">'
    "<table:table-row><table:table-cell><text:p>a</text:p></table:table-cell>"
    "<table:table-cell><text:p>b</text:p></table:table-cell></table:table-row>"
    '<table:table-row table:number-rows-repeated="{rows}"><table:table-cell office:value-type="float" '
    'office:value="1" table:number-columns-repeated="{cols}"><text:p>1</text:p></table:table-cell>'
    "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
)  # fmt: skip


def _ods(path: Path, rows: int = 20, cols: int = 2) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", _ODS_CONTENT.format(rows=rows, cols=cols))
    return path


def _valid_files(folder: Path) -> list[Path]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=40).round(3),
            "k": rng.integers(0, 5, 40),
            "city": rng.choice(["Köln", "Paris", "N/A"], 40),
            "y": np.tile(["a", "b"], 20),
        }
    )
    frame.to_csv(folder / "t.csv", index=False)
    frame.to_csv(folder / "t.tsv", index=False, sep="\t")
    frame.to_csv(folder / "t.txt", index=False, sep=";", decimal=",")
    frame.to_excel(folder / "t.xlsx", index=False)
    frame.to_parquet(folder / "t.parquet")
    arff = "@relation t\n@attribute x numeric\n@attribute k integer\n@attribute y {a,b}\n@data\n"
    arff += "".join(f"{r.x},{r.k},{r.y}\n" for r in frame.itertuples())
    (folder / "t.arff").write_text(arff)
    keel = "@relation t\n@attribute x real [-5.0, 5.0]\n@attribute y {a, b}\n@inputs x\n"
    keel += "@outputs y\n@data\n" + "".join(f"{r.x}, {r.y}\n" for r in frame.itertuples())
    (folder / "t.dat").write_text(keel)
    (folder / "h.dat").write_text("".join(f"{r.x},{r.k},{r.y}\n" for r in frame.itertuples()))
    (folder / "t.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"\x00" * 512)
    _ods(folder / "t.ods")
    return sorted(folder.iterdir())


def _mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    kind = rng.randrange(5)
    if kind == 0:  # flip bytes
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 1:  # cut it short
        del data[rng.randrange(1, len(data)) :]
    elif kind == 2:  # insert garbage
        at = rng.randrange(len(data))
        data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    elif kind == 3:  # repeat a slice many times
        start = rng.randrange(len(data))
        chunk = data[start : start + rng.randint(1, 40)]
        data[start:start] = chunk * rng.randint(2, 2000)
    else:  # zero a run
        start = rng.randrange(len(data))
        data[start : start + rng.randint(1, 200)] = bytes(min(200, len(data) - start))
    return bytes(data)


def _damaged_zip(source: Path, target: Path, rng: random.Random) -> Path:
    """A copy of a zip-based workbook with one part corrupted, emptied or replaced."""
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    name = rng.choice(sorted(parts))
    action = rng.randrange(4)
    if action == 0:
        parts[name] = _mutate(parts[name], rng) if parts[name] else b"<"
    elif action == 1:
        parts[name] = b""
    elif action == 2:
        del parts[name]
    else:
        dims = ["A1:XFD1048576", "A1:ZZZ99999999", "A1:B2", "XFD1048576", ":", "A0:A0"]
        parts[name] = parts[name].replace(b"<sheetData", f'<dimension ref="{rng.choice(dims)}"/><sheetData'.encode(), 1)  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
    target.write_bytes(buffer.getvalue())
    return target


def _lying_sizes(source: Path, target: Path) -> Path:
    """A workbook whose central directory says every part unpacks to 10 bytes."""
    data = bytearray(source.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        data[at + 24 : at + 28] = (10).to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    target.write_bytes(bytes(data))
    return target


def _corpus(folder: Path) -> list[Path]:
    rng = random.Random(18)
    valid = _valid_files(folder / "valid") if (folder / "valid").mkdir() is None else []
    inputs: list[Path] = list(valid)
    mutated = folder / "mutated"
    mutated.mkdir()
    for source in valid:
        for i in range(MUTATIONS_PER_FILE):
            target = mutated / f"{source.stem}_{i}{source.suffix}"
            target.write_bytes(_mutate(source.read_bytes(), rng))
            inputs.append(target)
            if source.suffix in (".xlsx", ".ods"):
                inputs.append(
                    _damaged_zip(source, mutated / f"z{source.stem}_{i}{source.suffix}", rng)
                )
    hostile = folder / "hostile"
    hostile.mkdir()
    inputs += [
        far_cell_xlsx(hostile / "far.xlsx"),
        far_cell_xlsx(hostile / "far_declared.xlsx", declare=True),
        bomb_xlsx(hostile / "bomb.xlsx", unpacked_mb=40),
        _lying_sizes(small_xlsx(hostile / "plain.xlsx", rows=2000), hostile / "lying.xlsx"),
        _ods(hostile / "huge_repeat.ods", rows=1_048_576, cols=16_384),
        _ods(hostile / "repeat_rows.ods", rows=100_000_000, cols=1),
    ]
    for suffix in (".csv", ".arff", ".dat", ".parquet", ".xlsx", ".txt"):
        (hostile / f"empty{suffix}").write_bytes(b"")
        (hostile / f"zeros{suffix}").write_bytes(bytes(4096))
        inputs += [hostile / f"empty{suffix}", hostile / f"zeros{suffix}"]
    return inputs


def test_no_file_in_the_corpus_takes_the_process_down(tmp_path, capsys):
    inputs = _corpus(tmp_path)
    read = refused = 0
    for path in inputs:
        try:
            frame, report = read_table(path)
        except UserError as exc:
            assert exc.message.strip(), path
            refused += 1
        else:
            assert report.rows == len(frame), path
            read += 1
    assert read + refused == len(inputs) >= 500
    assert read >= 10 and refused >= 100
    with capsys.disabled():
        print(
            f"\nreader fuzz corpus: {len(inputs)} inputs, {read} read, {refused} refused, 0 deaths"
        )

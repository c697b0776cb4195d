"""Refusing hostile files: time and peak memory to refuse a 4 MB zip-bombed .xlsx, a sheet that
declares 1,048,576 × 16,384 cells, and one cell at XFD1048576 (which kills only the reader child).

Each file is read by `read_table` in a fresh process (as the CLI would); the peak memory is the
largest sum of resident memory over that process and all its descendants (the reader children),
sampled every 5 ms. Baseline in the same run: reading a well-formed .xlsx of about the bomb's size
on disk. Prints one JSON object. Usage: python benchmarks/bench_hostile.py [--bomb-mb 4]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

_SHEET_HEAD = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}  # fmt: skip
_HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row>'  # fmt: skip

_READ = """
import json, sys, time
t0 = time.perf_counter()
from metadesk.data import read_table
from metadesk.errors import UserError
t = time.perf_counter()
try:
    frame, _ = read_table(sys.argv[1])
    outcome = f"read {frame.shape[0]} x {frame.shape[1]}"
except UserError as exc:
    outcome = "refused: " + exc.message
print(json.dumps({"seconds": time.perf_counter() - t, "import_seconds": t - t0, "outcome": outcome}))
"""


def write_xlsx(path: Path, chunks) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for chunk in chunks:
                sheet.write(chunk.encode())
    return path


def bomb(path: Path, target_mb: float) -> Path:
    """Identical rows until the compressed file reaches about `target_mb` MB."""
    row = "<row><c><v>1</v></c><c><v>2</v></c></row>" * 25_000  # about 1 MB of XML
    ratio = 340  # what DEFLATE reaches on these rows (measured)
    chunks = [_SHEET_HEAD, f"<sheetData>{_HEADER_ROW}"]
    chunks += [row] * int(target_mb * ratio) + ["</sheetData></worksheet>"]
    return write_xlsx(path, chunks)


def far_cell(path: Path, declare: bool) -> Path:
    dimension = '<dimension ref="A1:XFD1048576"/>' if declare else ""
    body = (
        f"{dimension}<sheetData>{_HEADER_ROW}"
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )
    return write_xlsx(path, [_SHEET_HEAD, body])


def measure(path: Path) -> dict:
    """Read `path` in a fresh process; its time, outcome and the tree's peak resident memory."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", _READ, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        total = 0
        with contextlib.suppress(psutil.Error):  # the process may end between two calls
            for p in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
        peak = max(peak, total)
        time.sleep(0.005)
    report = json.loads(proc.stdout.read())
    proc.stdout.close()
    return {
        "seconds": round(report["seconds"], 3),  # read_table alone
        "import_seconds": round(report["import_seconds"], 3),  # loading metadesk.data first
        "peak_tree_mb": round(peak / 1024**2, 1),
        "outcome": report["outcome"][:160],
        "file_mb": round(path.stat().st_size / 1024**2, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bomb-mb", type=float, default=4.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bomb_path = bomb(folder / "bomb.xlsx", args.bomb_mb)
        with zipfile.ZipFile(bomb_path) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
        rng = np.random.default_rng(0)
        rows = 60_000
        pd.DataFrame(
            {f"x{i}": rng.normal(size=rows).round(4) for i in range(8)}
            | {"y": rng.choice(["yes", "no"], rows)}
        ).to_excel(folder / "legit.xlsx", index=False)
        files = {
            "zip_bomb": bomb_path,
            "declared_huge_sheet": far_cell(folder / "declared.xlsx", declare=True),
            "cell_at_xfd1048576": far_cell(folder / "far.xlsx", declare=False),
        }
        baseline = measure(folder / "legit.xlsx")
        figures = {name: measure(path) for name, path in files.items()}
    bomb_figure = figures["zip_bomb"]
    result = {
        "figure": "refusing a zip-bombed .xlsx: seconds and peak memory of the reading process tree",
        "zip_bomb": {**bomb_figure, "declared_unpacked_mb": round(unpacked / 1024**2)},
        "declared_huge_sheet": figures["declared_huge_sheet"],
        "cell_at_xfd1048576": figures["cell_at_xfd1048576"],
        "baseline_legit_xlsx": {**baseline, "rows": rows, "columns": 9},
        "ratio_bomb_seconds_vs_baseline": round(bomb_figure["seconds"] / baseline["seconds"], 3),
        "ratio_bomb_peak_vs_baseline": round(
            bomb_figure["peak_tree_mb"] / baseline["peak_tree_mb"], 3
        ),
        "targets": {"bomb_peak_mb": 500, "bomb_seconds": 5},
        "meets_targets": bomb_figure["peak_tree_mb"] <= 500 and bomb_figure["seconds"] <= 5,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

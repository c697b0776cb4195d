"""Prediction files come back in the input's dialect: a German Excel export (semicolons, decimal
commas, d.m.Y dates, Windows-1252, CRLF) gives a file German Excel opens in columns, with integers
still integers and probabilities rounded; UTF-8 text gets the BOM Excel needs."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from metadesk.workspace import Workspace

REGIONS = ["Süd", "Nord", "Köln-Mülheim", "Westfalen"]


def european_rows(n: int, seed: int, with_target: bool = True) -> list[str]:
    rng = np.random.default_rng(seed)
    header = ["Region", "Umsatz", "Menge", "Datum"] + (["Kündigt"] if with_target else [])
    lines = [";".join(header)]
    for i in range(n):
        umsatz = rng.normal(1000, 300)
        menge = "" if i == 3 else str(int(rng.integers(1, 100)))
        day = f"{1 + i % 28:02d}.{1 + i % 12:02d}.2026"
        row = [REGIONS[i % 4], f"{umsatz:.2f}".replace(".", ","), menge, day]
        if with_target:
            row.append("ja" if umsatz + rng.normal(0, 100) > 1000 else "nein")
        lines.append(";".join(row))
    return lines


def write(path, lines, encoding):
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.fixture(scope="module")
def german(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dialect")
    source = write(folder / "kunden.csv", european_rows(80, 0), "cp1252")
    ws = Workspace.open(folder / "workspace.sqlite", prior_dir=False)
    try:
        frame, _ = ws.read_table(source)
        task = ws.make_task(frame, "Kündigt", name="kunden", source_path=source)
        yield ws, ws.add_dataset(task).dataset_id
    finally:
        ws.close()


def test_a_german_excel_export_is_answered_in_kind(german, tmp_path):
    ws, dataset_id = german
    new = write(tmp_path / "neu.csv", european_rows(12, 5, with_target=False), "cp1252")
    out = ws.predict_file(dataset_id, "logreg:C=1", new, tmp_path / "neu predictions.csv")
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("cp1252")  # Windows-1252 like the input, so "Süd" reads right
    lines = text.split("\r\n")
    assert lines[0] == (
        "Region;Umsatz;Menge;Datum;predicted Kündigt;probability of ja;probability of nein"
    )
    cells = [line.split(";") for line in lines[1:] if line]
    assert len(cells) == 12 and all(len(row) == 7 for row in cells)
    assert cells[0][0] == "Süd"
    assert re.fullmatch(r"\d+,\d{1,2}", cells[0][1])  # decimal comma, not 1043.5999999
    assert cells[0][2].isdigit() and cells[3][2] == ""  # 77, not 77.0; missing stays empty
    assert cells[0][3] == "01.01.2026"  # the input's date format
    for row in cells:
        for p in row[5:]:
            assert re.fullmatch(r"[01](,\d{1,4})?", p), p  # at most four decimals
        assert row[4] in ("ja", "nein")
    back = pd.read_csv(out, sep=";", decimal=",", encoding="cp1252")
    np.testing.assert_allclose(
        back["probability of ja"] + back["probability of nein"], 1, atol=2e-4
    )


def test_utf8_text_gets_the_bom_excel_needs(german, tmp_path):
    ws, dataset_id = german
    new = write(tmp_path / "neu.csv", european_rows(6, 2, with_target=False), "utf-8")
    out = ws.predict_file(dataset_id, "logreg:C=1", new, tmp_path / "out.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[1].startswith("Süd;")


def test_labels_the_input_encoding_cannot_hold_fall_back_to_utf8(german, tmp_path):
    from metadesk.workspace.prediction_output import OutputDialect, csv_encoding

    dialect = OutputDialect(delimiter=";", decimal=",", encoding="cp1252")
    assert csv_encoding(dialect, "Süd;1,5\r\n") == "cp1252"
    assert csv_encoding(dialect, "Łódź;1,5\r\n") == "utf-8-sig"
    assert csv_encoding(OutputDialect(), "plain,1.5\n") == "utf-8"

"""Excel, ODS, Parquet, ARFF and KEEL files load with the right column types."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from metadesk.data import Role, read_table
from metadesk.errors import FileProblem


def test_xlsx_first_sheet_by_default_and_sheet_by_name(tmp_path, mixed_frame):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        mixed_frame.to_excel(writer, sheet_name="customers", index=False)
        pd.DataFrame({"q": [1, 2], "r": ["?", "b"]}).to_excel(
            writer, sheet_name="other", index=False
        )
    frame, report = read_table(path)
    assert report.format == "excel"
    assert report.sheet == "customers" and report.sheets == ("customers", "other")
    assert frame.shape == mixed_frame.shape
    assert pd.api.types.is_integer_dtype(frame["age"])
    assert frame["income"].tolist() == pytest.approx(mixed_frame["income"].tolist())
    assert report.roles["customer_id"] == Role.IDENTIFIER
    assert report.roles["source"] == Role.CONSTANT
    other, report = read_table(path, sheet="other")
    assert other["r"].isna().tolist() == [True, False]  # '?' is missing in spreadsheets too
    assert read_table(path, sheet=1)[1].sheet == "other"


def test_unknown_sheet_names_the_sheets(tmp_path, mixed_frame):
    path = tmp_path / "book.xlsx"
    mixed_frame.to_excel(path, index=False, sheet_name="data")
    with pytest.raises(FileProblem, match="no sheet 'nope'") as info:
        read_table(path, sheet="nope")
    assert "data" in info.value.hint


def test_xlsx_numbers_typed_as_text_and_mixed_cells(tmp_path):
    path = tmp_path / "text.xlsx"
    pd.DataFrame(
        {"price": ["1.234,5", "12,5", "7,25"], "mixed": [1, "two", 3.0], "n": [1.0, 2.0, None]}
    ).to_excel(path, index=False)
    frame, report = read_table(path, nrows=2)
    assert frame["price"].tolist() == [1234.5, 12.5]
    assert frame["mixed"].tolist() == ["1", "two"]
    assert report.truncated


def _write_ods(path, rows):
    """A minimal OpenDocument spreadsheet, written by hand (no odfpy needed)."""

    def cell(value):
        if isinstance(value, (int, float)):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(map(cell, r)) + "</table:table-row>" for r in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)


def test_ods(tmp_path):
    path = tmp_path / "sheet.ods"
    _write_ods(path, [["height", "kind"], [1.5, "a"], [2.5, "b"], [3, "a"]])
    frame, report = read_table(path)
    assert report.format == "excel"
    assert frame["height"].tolist() == [1.5, 2.5, 3.0]
    assert frame["kind"].tolist() == ["a", "b", "a"]


def test_parquet_keeps_types_and_row_limit(tmp_path, mixed_frame):
    path = tmp_path / "t.parquet"
    data = mixed_frame.assign(city=mixed_frame["city"].astype("category"))
    data.to_parquet(path)
    frame, report = read_table(path)
    assert report.format == "parquet"
    assert isinstance(frame["city"].dtype, pd.CategoricalDtype)
    assert frame["age"].tolist() == mixed_frame["age"].tolist()
    head, report = read_table(path, nrows=5)
    assert len(head) == 5 and report.truncated


ARFF = """% The weather data, with every ARFF feature we read
@RELATION weather

@ATTRIBUTE outlook {sunny, overcast, 'rainy day'}
@attribute temperature NUMERIC
@attribute 'humidity %' real
@attribute count integer
@attribute note string
@attribute seen date "yyyy-MM-dd HH:mm:ss"
@attribute play {yes,no}

@data
sunny,85,85,1,'a, b',"2020-01-01 10:00:00",no
overcast,?,86,2,?,"2020-01-02 10:00:00",yes
% a comment between rows
'rainy day',70.5,96,3,"it\\'s",?,yes
{0 overcast, 1 64, 3 4, 6 no}
"""


def test_arff_types_quotes_missing_and_sparse_rows(write_bytes):
    frame, report = read_table(write_bytes("weather.arff", ARFF))
    assert report.format == "arff"
    assert list(frame.columns) == [
        "outlook", "temperature", "humidity %", "count", "note", "seen", "play",
    ]  # fmt: skip
    assert isinstance(frame["outlook"].dtype, pd.CategoricalDtype)
    assert list(frame["outlook"].cat.categories) == ["sunny", "overcast", "rainy day"]
    assert frame["outlook"].tolist() == ["sunny", "overcast", "rainy day", "overcast"]
    assert frame["temperature"].tolist()[2:] == [70.5, 64.0]
    assert pd.isna(frame["temperature"][1])
    assert pd.api.types.is_integer_dtype(frame["count"])
    assert frame["note"].tolist()[0] == "a, b"
    assert frame["note"].tolist()[2] == "it's"
    assert pd.api.types.is_datetime64_any_dtype(frame["seen"])
    assert frame["seen"][0] == pd.Timestamp("2020-01-01 10:00:00")
    assert frame["humidity %"].tolist()[3] == 0.0  # left out of a sparse row means 0
    assert report.roles["play"] == Role.BOOLEAN


def test_arff_value_outside_declared_nominals(write_bytes):
    text = "@relation r\n@attribute a {x,y}\n@attribute b numeric\n@data\nx,1\nz,2\n"
    with pytest.raises(FileProblem, match="'z' is not one of the declared values of 'a'"):
        read_table(write_bytes("bad.arff", text))


def test_arff_row_with_wrong_width_names_the_line(write_bytes):
    text = "@relation r\n@attribute a numeric\n@attribute b numeric\n@data\n1,2\n3\n"
    with pytest.raises(FileProblem, match="Line 6"):
        read_table(write_bytes("bad.arff", text))


KEEL = """@relation iris
@attribute SepalLength real [4.3, 7.9]
@attribute Petals integer [1, 9]
@attribute Class {Iris-setosa, Iris-versicolor}
@inputs SepalLength, Petals
@outputs Class
@data
5.1, 3, Iris-setosa
7.0, 4, Iris-versicolor
<null>, 5, Iris-setosa
"""


def test_keel_with_header(write_bytes):
    frame, report = read_table(write_bytes("iris.dat", KEEL))
    assert report.format == "keel"
    assert list(frame.columns) == ["SepalLength", "Petals", "Class"]
    assert frame["SepalLength"].isna().tolist() == [False, False, True]
    assert pd.api.types.is_integer_dtype(frame["Petals"])
    assert frame["Class"].tolist() == ["Iris-setosa", "Iris-versicolor", "Iris-setosa"]


def test_headerless_keel_rows_name_columns_x1_to_class(write_bytes):
    frame, report = read_table(write_bytes("plain.dat", "5.1,3.5,0\n4.9,3.0,1\n6.2,2.9,1\n"))
    assert report.format == "keel"
    assert list(frame.columns) == ["x1", "x2", "class"]
    assert frame["x1"].tolist() == [5.1, 4.9, 6.2]
    assert frame["class"].tolist() == [0, 1, 1]


def test_headerless_keel_with_spaces_after_commas(write_bytes):
    frame, _ = read_table(write_bytes("sp.dat", "5.1, 3.5, Iris-setosa\n4.9, ?, Iris-virginica\n"))
    assert frame["x2"].tolist()[:1] == [3.5] and pd.isna(frame["x2"][1])
    assert frame["class"].tolist() == ["Iris-setosa", "Iris-virginica"]


def test_plain_arff_rows_take_the_fast_path_with_the_same_types(write_bytes):
    header = "@relation r\n@attribute n integer\n@attribute v real\n@attribute c {lo, hi}\n@data\n"
    rows = "".join(f"{i}, {i / 2}, {'lo' if i % 2 else 'hi'}\n" for i in range(50))
    frame, report = read_table(write_bytes("plain.arff", header + rows + "50,?,lo\n"))
    assert pd.api.types.is_integer_dtype(frame["n"])
    assert frame["v"].iloc[3] == 1.5 and pd.isna(frame["v"].iloc[-1])
    assert list(frame["c"].cat.categories) == ["lo", "hi"]
    head, report = read_table(write_bytes("plain2.arff", header + rows), nrows=10)
    assert len(head) == 10 and report.truncated
    with pytest.raises(FileProblem, match="'mid' is not one of the declared values"):
        read_table(write_bytes("bad.arff", header + rows + "51,1.0,mid\n"))

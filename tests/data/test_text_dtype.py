"""Text casts keep missing cells missing under pandas 2.2 (the lowest allowed) as under pandas 3:
with pandas 2, astype("str") turned a missing cell into the text "None" or "nan"."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metadesk.data import fingerprint, read_table
from metadesk.data.text_dtype import as_text


def test_as_text_keeps_missing_cells_missing():
    values = as_text(pd.Series(["a", None, np.nan, 3], dtype=object))
    assert values.isna().tolist() == [False, True, True, False]
    assert values.iloc[3] == "3"
    assert "None" not in values.dropna().tolist() and "nan" not in values.dropna().tolist()


def test_a_column_mixing_numbers_and_words_keeps_its_gaps(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("code,v\nA1,1\n,2\n17,3\nB2,4\n", encoding="utf-8")
    frame, _report = read_table(path)
    assert frame["code"].isna().tolist() == [False, True, False, False]
    assert "None" not in frame["code"].dropna().tolist()


def test_missing_text_fingerprints_apart_from_the_word_none():
    with_gap = pd.DataFrame({"t": ["a", None], "y": [0, 1]})
    with_word = pd.DataFrame({"t": ["a", "None"], "y": [0, 1]})
    assert fingerprint(with_gap, "y") != fingerprint(with_word, "y")

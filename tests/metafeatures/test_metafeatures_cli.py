"""`metadesk metafeatures FILE --target COL [--json]` through the real reader and task builder."""

from __future__ import annotations

import json

import pytest

from metadesk.cli import main
from metadesk.metafeatures import FEATURE_NAMES


@pytest.fixture
def iris_csv(tmp_path, iris_frame):
    path = tmp_path / "iris.csv"
    iris_frame.to_csv(path, index=False)
    return path


def test_json_lists_every_feature_with_its_status(iris_csv, capsys):
    assert main(["metafeatures", str(iris_csv), "--target", "species", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["task_type"] == "multiclass"
    assert out["rows"] == 150
    names = [r["name"] for r in out["features"]]
    assert names == FEATURE_NAMES("multiclass")
    by_name = {r["name"]: r for r in out["features"]}
    assert by_name["NumberOfFeatures"]["value"] == 5
    assert by_name["MeanAttributeEntropy"]["status"] == "not_applicable"
    assert by_name["MeanAttributeEntropy"]["value"] is None  # no NaN in JSON
    assert by_name["MeanAttributeEntropy"]["reason"]


def test_text_output_is_grouped_and_explains_what_is_missing(iris_csv, capsys):
    assert main(["metafeatures", str(iris_csv), "--target", "species"]) == 0
    out = capsys.readouterr().out
    for title in ("General", "Statistical", "Information-theoretic", "Landmarkers"):
        assert f"\n{title}\n" in out
    line = next(x for x in out.splitlines() if x.strip().startswith("NumberOfClasses"))
    assert line.split()[-1] == "3"
    line = next(x for x in out.splitlines() if x.strip().startswith("MeanMutualInformation"))
    assert "not applicable: no nominal attribute" in line


def test_a_budget_of_zero_reports_over_budget(iris_csv, capsys):
    assert main(["metafeatures", str(iris_csv), "--target", "species", "--budget", "0"]) == 0
    assert "over budget" in capsys.readouterr().out


def test_an_unknown_target_is_a_plain_error(iris_csv, capsys):
    assert main(["metafeatures", str(iris_csv), "--target", "colour"]) == 2
    assert "colour" in capsys.readouterr().err

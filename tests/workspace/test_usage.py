"""Using a result: predictions with probabilities in formula-safe CSV and Excel, a skops model that
loads back with trusted types, and a one-file HTML report with embedded plots and escaped names."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inline_executor import InlineExecutor

from metadesk.errors import TaskProblem, UnsupportedFormat
from metadesk.experiments.spec import Protocol
from metadesk.report import export_report
from metadesk.report.html import _leaderboard_table
from metadesk.workspace import Workspace
from metadesk.workspace.usage import formula_safe, formula_safe_frame

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def tiny_frame(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n), rng.normal(size=n)
    colour = rng.choice(["red", "green", "blue"], size=n)
    y = np.where(a + 0.5 * b + rng.normal(scale=0.3, size=n) > 0, "yes", "no")
    return pd.DataFrame({"a": a, "b": b, "colour": colour, "y": y})


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A workspace with one tiny dataset (named with HTML in it) and two real finished runs."""
    folder = tmp_path_factory.mktemp("usage")
    source = folder / "tiny.csv"
    tiny_frame(80).to_csv(source, index=False)
    ws = Workspace.open(folder / "workspace.sqlite", prior_dir=False)
    try:
        frame, _ = ws.read_table(source)
        task = ws.make_task(frame, "y", name="<b>Churn</b> & co", source_path=source)
        dataset_id = ws.add_dataset(task).dataset_id
        from metadesk.portfolio import default_portfolio

        configs = [c.id for c in default_portfolio("binary")[:2]]
        ws.queue(dataset_id, configs, protocol=Protocol(folds=2))
        ws.start(InlineExecutor())
        assert ws.wait(120)
        yield ws, dataset_id, configs
    finally:
        ws.close()


def _new_file(tmp_path, suffix=".csv"):
    frame = tiny_frame(12, seed=3).drop(columns=["y"])
    frame["note"] = ["=1+2", "+SUM(A1)", "-cmd", "@A1", "-3.5", "plain"] * 2
    path = tmp_path / f"new{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_excel(path, index=False)
    return path


def test_predict_file_writes_predictions_and_probabilities_as_csv(finished, tmp_path):
    ws, dataset_id, configs = finished
    out = ws.predict_file(dataset_id, configs[0], _new_file(tmp_path), tmp_path / "out.csv")
    result = pd.read_csv(out, keep_default_na=False)
    assert len(result) == 12
    assert set(result["predicted y"]) <= {"yes", "no"}
    proba = result[["probability of no", "probability of yes"]].to_numpy(dtype=float)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # Text a spreadsheet would run is neutralised; a negative number stays a number.
    assert list(result["note"][:6]) == ["'=1+2", "'+SUM(A1)", "'-cmd", "'@A1", "-3.5", "plain"]


def test_predict_file_writes_formula_safe_excel(finished, tmp_path):
    from openpyxl import load_workbook

    ws, dataset_id, configs = finished
    out = ws.predict_file(dataset_id, configs[1], _new_file(tmp_path), tmp_path / "out.xlsx")
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    note = header.index("note")
    cells = [sheet.cell(row=r, column=note + 1) for r in range(2, 8)]
    assert all(c.data_type != "f" for c in cells)  # not one formula in the workbook
    assert cells[0].value == "'=1+2"
    assert "probability of yes" in header


def test_predict_file_names_missing_columns(finished, tmp_path):
    ws, dataset_id, configs = finished
    path = tmp_path / "partial.csv"
    tiny_frame(10).drop(columns=["b", "y"]).to_csv(path, index=False)
    with pytest.raises(TaskProblem, match="'b'"):
        ws.predict_file(dataset_id, configs[0], path, tmp_path / "out.csv")


def test_predict_file_refuses_an_unwritable_format_before_fitting(finished, tmp_path):
    ws, dataset_id, configs = finished
    with pytest.raises(UnsupportedFormat, match="CSV or Excel"):
        ws.predict_file(dataset_id, configs[0], _new_file(tmp_path), tmp_path / "out.pdf")


def test_export_model_loads_back_with_trusted_types(finished, tmp_path):
    import skops.io as sio

    from metadesk.portfolio import TRUSTED_TYPES

    ws, dataset_id, configs = finished
    path = ws.export_model(dataset_id, configs[0], tmp_path / "model")
    assert path.suffix == ".skops"
    untrusted = sio.get_untrusted_types(file=path)
    assert all(t in TRUSTED_TYPES or t.startswith(("sklearn.", "numpy.")) for t in untrusted)
    model = sio.load(path, trusted=untrusted)
    X = tiny_frame(10, seed=5).drop(columns=["y"])
    assert set(model.predict(X)) <= {"yes", "no"}
    assert path.read_bytes()[:2] == b"PK"  # a skops zip, not a pickle


def test_export_report_is_one_self_contained_html_file(finished, tmp_path):
    ws, dataset_id, _ = finished
    path = export_report(ws, dataset_id, tmp_path / "report")
    assert path.suffix == ".html"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("report")) == [
        "report.html"
    ]
    text = path.read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") >= 2  # score by configuration, best so far
    assert "<b>Churn</b>" not in text and "&lt;b&gt;Churn&lt;/b&gt; &amp; co" in text
    assert not re.search(r"""(src|href)=["']?(https?:|//|file:)""", text)  # nothing external
    assert "Leaderboard" in text and "±" in text


@given(st.text(max_size=20))
def test_formula_safe_never_leaves_a_formula(text):
    safe = formula_safe(text)
    numeric = re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text) is not None
    assert safe == text if numeric or not text.startswith(DANGEROUS) else safe == "'" + text


def test_formula_safe_frame_also_escapes_headers_and_categories():
    frame = pd.DataFrame({"=cmd": pd.Categorical(["@x", "ok"]), "n": [-1, 2]})
    safe = formula_safe_frame(frame)
    assert list(safe.columns) == ["'=cmd", "n"]
    assert list(safe["'=cmd"]) == ["'@x", "ok"]
    assert list(safe["n"]) == [-1, 2]


@settings(deadline=None)
@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=4))
def test_report_tables_escape_any_configuration_name(labels):
    board = pd.DataFrame(
        {
            "configuration_id": [f"c{i}" for i in range(len(labels))],
            "label": labels,
            "accuracy": np.linspace(0.9, 0.8, len(labels)),
            "accuracy_std": 0.01,
            "fit_seconds": 0.5,
            "provenance": "own",
        }
    )
    tags: set[str] = set()
    texts: list[str] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.add(tag)

        def handle_data(self, data):
            texts.append(data)

    parser = Collect(convert_charrefs=True)
    parser.feed(_leaderboard_table(board, "accuracy", ("accuracy",)))
    assert tags <= {"table", "tr", "th", "td", "span"}  # a name never becomes markup
    joined = "".join(texts)
    assert all(label.strip() in joined for label in labels if label.strip())


def test_intervals_never_pass_what_the_metric_can_reach():
    from metadesk.report.insights import within_metric_range

    assert within_metric_range("accuracy", 0.935, 0.826, 1.045) == (0.935, 0.826, 1.0)
    assert within_metric_range("rmse", 3.0, -1.0, 5.0) == (3.0, 0.0, 5.0)
    assert within_metric_range("r2", 0.5, -3.0, 1.2) == (0.5, -3.0, 1.0)

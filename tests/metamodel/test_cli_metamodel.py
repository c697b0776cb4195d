"""The `suggest`, `evaluate` and `knowledge import|export` commands, as an analyst would use them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metadesk.cli import main
from metadesk.metamodel import MetaDataset, read_exchange, write_exchange
from metadesk.metamodel.synthetic import synthetic_meta_dataset

DOC = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(scope="module")
def portfolio_knowledge(tmp_path_factory):
    """A small synthetic meta-dataset whose configurations are shipped ones (so, runnable)."""
    from metadesk.portfolio import default_portfolio

    md = synthetic_meta_dataset(24, 6, 12, seed=5)
    shipped = default_portfolio("binary")[:12]
    rename = dict(zip(md.configurations, (c.id for c in shipped), strict=True))
    runs = md.runs.assign(
        configuration_id=md.runs["configuration_id"].map(rename),
        algorithm=md.runs["configuration_id"].map(
            {old: c.algorithm for old, c in zip(rename, shipped, strict=True)}
        ),
    )
    md = MetaDataset(md.datasets, runs, {c.id: c for c in shipped})
    folder = tmp_path_factory.mktemp("knowledge")
    return write_exchange(md, folder, "csv")


@pytest.fixture
def table(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 3))
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    frame["label"] = np.where(x[:, 0] + x[:, 1] > 0, "yes", "no")
    path = tmp_path / "table.csv"
    frame.to_csv(path, index=False)
    return path


def test_evaluate_prints_the_held_out_table_as_json(portfolio_knowledge, capsys):
    code = main(["evaluate", "--knowledge", *map(str, portfolio_knowledge), "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    figures = out["reports"]["binary/accuracy"]["figures"]
    assert {"average_rank", "nearest_datasets", "surrogate", "random", "oracle"} <= set(figures)
    assert out["reports"]["binary/accuracy"]["scheme"] == "leave-one-group-out"
    assert len(figures["surrogate"]["best_so_far_observed"]) == 10


def test_evaluate_table_and_a_clear_message_without_a_prior(
    portfolio_knowledge, capsys, monkeypatch, tmp_path
):
    assert main(["evaluate", "--knowledge", *map(str, portfolio_knowledge), "--folds", "3"]) == 0
    text = capsys.readouterr().out
    assert "average_rank" in text and "oracle" in text and "Spearman" in text
    import metadesk.resources

    monkeypatch.setattr(metadesk.resources, "prior_dir", lambda: tmp_path)
    assert main(["evaluate"]) == 2
    err = capsys.readouterr().err
    assert "no shipped prior knowledge" in err and "--knowledge" in err


@pytest.fixture
def no_shipped_prior(monkeypatch, tmp_path):
    """Workspaces in these tests start from the given knowledge only, not the shipped prior."""
    import metadesk.resources

    empty = tmp_path / "no-prior"
    empty.mkdir()
    monkeypatch.setattr(metadesk.resources, "prior_dir", lambda: empty)


def test_import_suggest_export_through_the_workspace(
    portfolio_knowledge, table, tmp_path, capsys, no_shipped_prior
):
    ws = ["--workspace", str(tmp_path / "ws.sqlite")]
    assert main([*ws, "knowledge", "import", *map(str, portfolio_knowledge), "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["datasets"] == 24 and counts["runs"] == 24 * 12

    assert main([*ws, "suggest", str(table), "--target", "label", "--top", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [s["rank"] for s in out["suggestions"]] == [1, 2, 3]
    top = out["suggestions"][0]
    assert not top["cold_start"]
    assert top["evidence"] or out["recommender"]["name"] == "average_rank"
    assert top["low"] <= top["predicted"] <= top["high"]
    assert out["recommender"]["sentence"]

    assert main([*ws, "knowledge", "export", str(tmp_path / "out"), "--format", "parquet"]) == 0
    back = read_exchange(tmp_path / "out" / "datasets.parquet", tmp_path / "out" / "runs.parquet")
    assert len(back.datasets) >= 24


def test_a_bad_import_lists_the_rows_and_imports_nothing(
    portfolio_knowledge, tmp_path, capsys, no_shipped_prior
):
    ws = ["--workspace", str(tmp_path / "ws.sqlite")]
    datasets, runs = portfolio_knowledge
    bad = pd.read_csv(runs, dtype=str)
    bad.loc[15, "score"] = "abc"
    bad_path = tmp_path / "runs.csv"
    bad.to_csv(bad_path, index=False)
    assert main([*ws, "knowledge", "import", str(datasets), str(bad_path)]) == 2
    err = capsys.readouterr().err
    assert "nothing was imported" in err and "runs.csv row 17: score 'abc' is not a number" in err
    assert main([*ws, "knowledge", "export", str(tmp_path / "out")]) == 0
    exported = pd.read_csv(tmp_path / "out" / "datasets.csv")
    assert "imported" not in set(exported.get("provenance", []))


def test_the_documented_example_imports(tmp_path):
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```csv\n(.*?)```", text, flags=re.S)
    (tmp_path / "datasets.csv").write_text(blocks[0], encoding="utf-8")
    (tmp_path / "runs.csv").write_text(blocks[1], encoding="utf-8")
    md = read_exchange(tmp_path / "datasets.csv", tmp_path / "runs.csv")
    assert len(md.datasets) == 3 and len(md.runs) == 5
    assert md.configurations["logreg:C=1"].runnable
    assert not md.configurations["my_boosting:depth=6"].runnable

"""Knowledge exchange: a faithful roundtrip, and bad files rejected whole with row-level reasons."""

from __future__ import annotations

import contextlib
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metadesk.errors import KnowledgeProblem, UserError
from metadesk.metamodel import MetaDataset, combine, load_prior, read_exchange, write_exchange
from metadesk.portfolio.configuration import Configuration

DATASETS = """dataset_id,name,task_type,group,NumberOfInstances,ClassEntropy
iris,Iris,multiclass,iris,150,1.58
iris-half,Iris (half),multiclass,iris,75,
wine,Wine quality,regression,wine,1599,
"""


def _runs_rows(n: int = 20) -> list[dict]:
    rows = []
    for i in range(n):
        did = ("iris", "iris-half", "wine")[i % 3]
        metric = "r2" if did == "wine" else "accuracy"
        rows.append(
            {
                "dataset_id": did,
                "configuration_id": f"foreign_algo:depth={i}",
                "algorithm": "foreign_algo",
                "metric": metric,
                "score": 0.5 + i / 100,
            }
        )
    return rows


def _write(tmp_path, datasets: str = DATASETS, runs: pd.DataFrame | str | None = None):
    d, r = tmp_path / "datasets.csv", tmp_path / "runs.csv"
    d.write_text(datasets, encoding="utf-8")
    if runs is None:
        runs = pd.DataFrame(_runs_rows())
    if isinstance(runs, str):
        r.write_text(runs, encoding="utf-8")
    else:
        runs.to_csv(r, index=False)
    return d, r


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_roundtrip_preserves_everything(fmt, tmp_path, meta_dataset):
    paths = write_exchange(meta_dataset, tmp_path / "out", fmt)
    assert [p.name for p in paths] == [f"datasets.{fmt}", f"runs.{fmt}"]
    back = read_exchange(*paths)
    pd.testing.assert_frame_equal(
        back.datasets, meta_dataset.datasets, check_dtype=False, check_index_type=False
    )
    cols = ["dataset_id", "configuration_id", "algorithm", "metric", "score", "std", "folds"]
    got = back.runs[[*cols, "fit_seconds", "provenance"]].reset_index(drop=True)
    want = meta_dataset.runs[[*cols, "fit_seconds", "provenance"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert np.array_equal(back.runs["score"].to_numpy(), meta_dataset.runs["score"].to_numpy())
    assert set(back.configurations) == set(meta_dataset.configurations)
    for cid, cfg in meta_dataset.configurations.items():
        other = back.configurations[cid]
        assert (other.algorithm, other.params, other.label) == (
            cfg.algorithm,
            cfg.params,
            cfg.label,
        )


def test_exported_files_are_plain_tables_never_pickles(tmp_path, meta_dataset):
    d, r = write_exchange(meta_dataset, tmp_path, "parquet")
    assert d.read_bytes()[:4] == b"PAR1" and r.read_bytes()[:4] == b"PAR1"
    d, r = write_exchange(meta_dataset, tmp_path, "csv")
    assert d.read_text().startswith("dataset_id,name,task_type,group,provenance,")
    assert r.read_text().startswith("dataset_id,configuration_id,algorithm,metric,score")


def test_unknown_configurations_are_imported_but_not_runnable(tmp_path):
    from metadesk.portfolio import default_portfolio

    shipped = default_portfolio("binary")[0]
    rows = [
        *_runs_rows(6),
        {
            "dataset_id": "iris",
            "configuration_id": shipped.id,
            "algorithm": shipped.algorithm,
            "metric": "accuracy",
            "score": 0.9,
        },
    ]
    md = read_exchange(*_write(tmp_path, runs=pd.DataFrame(rows)))
    assert md.configurations[shipped.id].runnable
    foreign = md.configurations["foreign_algo:depth=0"]
    assert not foreign.runnable and foreign.algorithm == "foreign_algo"
    assert md.datasets.loc["iris-half", "group"] == "iris"
    assert set(md.datasets["provenance"]) == {"imported"}
    assert math.isnan(md.datasets.loc["wine", "ClassEntropy"])


def test_a_bad_score_is_reported_with_its_row(tmp_path):
    runs = pd.DataFrame(_runs_rows()).astype({"score": object})
    runs.loc[15, "score"] = "abc"  # the 16th data row: row 17 once the header is row 1
    with pytest.raises(KnowledgeProblem) as err:
        read_exchange(*_write(tmp_path, runs=runs))
    assert "runs.csv row 17: score 'abc' is not a number" in err.value.problems
    assert "nothing was imported" in err.value.message


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda r: r.__setitem__(0, {**r[0], "dataset_id": "ghost"}),
            "runs.csv row 2: dataset_id 'ghost' is not in the datasets table",
        ),
        (
            lambda r: r.__setitem__(1, {**r[1], "metric": "accuracy_pct"}),
            "runs.csv row 3: metric 'accuracy_pct' is not one of",
        ),
        (
            lambda r: r.__setitem__(2, {**r[2], "metric": "accuracy"}),
            "runs.csv row 4: metric 'accuracy' does not apply to regression dataset 'wine'",
        ),
        (
            lambda r: r.__setitem__(3, {**r[3], "score": "inf"}),
            "runs.csv row 5: score 'inf' is missing or not finite",
        ),
        (
            lambda r: r.__setitem__(4, {**r[4], "score": ""}),
            "runs.csv row 6: score '' is missing or not finite",
        ),
        (
            lambda r: r.append(dict(r[0])),
            "runs.csv row 22: repeats row 2 (same dataset, configuration and metric)",
        ),
        (
            lambda r: r.__setitem__(5, {**r[5], "configuration_id": " "}),
            "runs.csv row 7: configuration_id is empty",
        ),
    ],
)
def test_row_level_problems_in_runs(tmp_path, edit, expected):
    rows = _runs_rows()
    edit(rows)
    with pytest.raises(KnowledgeProblem) as err:
        read_exchange(*_write(tmp_path, runs=pd.DataFrame(rows)))
    assert any(p.startswith(expected) for p in err.value.problems), err.value.problems


@pytest.mark.parametrize(
    ("datasets", "expected"),
    [
        (
            DATASETS.replace("iris,Iris,multiclass", "iris,Iris,clustering"),
            "datasets.csv row 2: task_type 'clustering' is not one of",
        ),
        (
            DATASETS.replace("150,1.58", "150,high"),
            "datasets.csv row 2: ClassEntropy value 'high' is not a number",
        ),
        (
            DATASETS + "wine,Again,regression,wine,1,\n",
            "datasets.csv row 5: dataset_id 'wine' already used in row 4",
        ),
        (DATASETS.replace(",group,", ",family,"), "datasets.csv: missing column group"),
        ("", "datasets.csv: the file is empty"),
    ],
)
def test_problems_in_the_datasets_table(tmp_path, datasets, expected):
    with pytest.raises(KnowledgeProblem) as err:
        read_exchange(*_write(tmp_path, datasets=datasets))
    assert any(p.startswith(expected) for p in err.value.problems), err.value.problems


def test_missing_and_binary_files_are_knowledge_problems(tmp_path):
    with pytest.raises(KnowledgeProblem):
        read_exchange(tmp_path / "nope.csv", tmp_path / "none.csv")
    d, r = _write(tmp_path)
    r.write_bytes(b"\x00\xff\xfe\x89PNG\x00" * 50)
    with pytest.raises(KnowledgeProblem):
        read_exchange(d, r)
    bad_parquet = tmp_path / "runs.parquet"
    bad_parquet.write_bytes(b"PAR1 not really")
    with pytest.raises(KnowledgeProblem):
        read_exchange(d, bad_parquet)


_cell = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["", "nan", "inf", "-1", "1e309", "accuracy", "r2", "iris", "wine", "0.5"]),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {c: _cell for c in ["dataset_id", "configuration_id", "algorithm", "metric", "score"]}
        ),
        max_size=6,
    )
)
def test_malformed_runs_never_crash_and_never_half_import(tmp_path, rows):
    frame = pd.DataFrame(
        rows, columns=["dataset_id", "configuration_id", "algorithm", "metric", "score"]
    )
    d, r = _write(tmp_path, runs=frame)
    try:
        md = read_exchange(d, r)
    except UserError as exc:
        assert isinstance(exc, KnowledgeProblem) and exc.problems
        return
    # Accepted only when every row is valid: all of them are there.
    assert len(md.runs) == len(rows)
    assert np.isfinite(md.runs["score"].astype(float)).all()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_arbitrary_text_as_a_runs_file_is_a_knowledge_problem_or_valid(tmp_path, text):
    d, r = _write(tmp_path, runs=text)
    with contextlib.suppress(KnowledgeProblem):
        read_exchange(d, r)


def test_combine_lets_own_results_win(meta_dataset):
    own_runs = meta_dataset.runs.iloc[:3].copy()
    own_runs["score"] = 0.123
    own_runs["provenance"] = "own"
    did = own_runs["dataset_id"].iloc[0]
    own_ds = meta_dataset.datasets.loc[[did]].copy()
    own_ds["provenance"] = "own"
    own_ds["name"] = "my table"
    extra = Configuration("mine:x=1", "mine", runnable=False)
    own = MetaDataset(own_ds, own_runs, {extra.id: extra})
    merged = combine(meta_dataset, own)
    assert len(merged.datasets) == len(meta_dataset.datasets)
    assert merged.datasets.loc[did, "name"] == "my table"
    assert len(merged.runs) == len(meta_dataset.runs)
    key = ["dataset_id", "configuration_id", "metric"]
    m = merged.runs.set_index(key).loc[[tuple(x) for x in own_runs[key].to_numpy()]]
    assert (m["score"] == 0.123).all() and (m["provenance"] == "own").all()
    assert extra.id in merged.configurations
    assert combine(MetaDataset.empty(), own).runs.shape[0] == 3


def test_load_prior_reads_the_folder_and_saved_evaluations(tmp_path, meta_dataset, held_out):
    assert load_prior(tmp_path) is None
    write_exchange(meta_dataset, tmp_path, "parquet")
    (tmp_path / "evaluation.json").write_text(json.dumps({"binary/accuracy": held_out.to_dict()}))
    prior = load_prior(tmp_path)
    assert prior is not None and len(prior.datasets) == 60
    assert set(prior.datasets["provenance"]) == {"prior"}
    assert prior.evaluations["binary/accuracy"]["figures"]["surrogate"]["top1_regret"] > 0

"""Loading the shipped prior: everything in it counts as prior knowledge, and loading is only reading."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd

from metadesk.metamodel import MetaDataset, load_prior, write_exchange


def _own(md: MetaDataset) -> MetaDataset:
    ds = md.datasets.copy()
    ds["provenance"] = "own"
    runs = md.runs.copy()
    runs["provenance"] = "own"
    return MetaDataset(ds, runs, md.configurations)


def test_exported_own_knowledge_loads_as_prior(tmp_path, meta_dataset):
    for fmt in ("parquet", "csv"):
        folder = tmp_path / fmt
        write_exchange(_own(meta_dataset), folder, fmt)
        prior = load_prior(folder)
        assert set(prior.datasets["provenance"]) == {"prior"}, fmt
        assert set(prior.runs["provenance"]) == {"prior"}, fmt
        assert len(prior.runs) == len(meta_dataset.runs)


def test_imported_knowledge_can_still_be_loaded_as_imported(tmp_path, meta_dataset):
    write_exchange(_own(meta_dataset), tmp_path, "parquet")
    md = load_prior(tmp_path, provenance="imported")
    assert set(md.datasets["provenance"]) == {"imported"}
    assert set(md.runs["provenance"]) == {"imported"}


def test_the_quick_parquet_read_gives_what_the_validated_read_gives(tmp_path, meta_dataset):
    from metadesk.metamodel import read_exchange

    d, r = write_exchange(meta_dataset, tmp_path, "parquet")
    quick = load_prior(tmp_path)
    full = read_exchange(d, r, provenance="prior")
    full.datasets["provenance"] = "prior"
    full.runs["provenance"] = "prior"
    pd.testing.assert_frame_equal(quick.datasets, full.datasets, check_dtype=False)
    pd.testing.assert_frame_equal(quick.runs, full.runs, check_dtype=False)
    assert quick.configurations == full.configurations


def test_a_broken_parquet_prior_is_still_reported_row_by_row(tmp_path, meta_dataset):
    import pytest

    from metadesk.errors import KnowledgeProblem

    _d, r = write_exchange(meta_dataset, tmp_path, "parquet")
    runs = pd.read_parquet(r)
    runs.loc[3, "dataset_id"] = "nowhere"
    runs.to_parquet(r, index=False)
    with pytest.raises(KnowledgeProblem, match="not in the datasets table"):
        load_prior(tmp_path)


def test_loading_the_prior_imports_no_model_code():
    # Reading knowledge at start-up must not pull in the recommenders.
    code = (
        "import sys\n"
        "from metadesk.metamodel import load_prior\n"
        "bad = [m for m in ('metadesk.metamodel.evaluation', 'metadesk.metamodel.surrogate',"
        " 'metadesk.metamodel.nearest') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_a_saturated_dataset_does_not_turn_noise_into_large_differences():
    from metadesk.metamodel.scores import ScoreTable

    datasets = pd.DataFrame(
        {"name": ["easy", "hard"], "task_type": "binary", "group": ["a", "b"]},
        index=pd.Index(["easy", "hard"], name="dataset_id"),
    )
    scores = {"easy": [1.0, 0.999, 0.998, 0.997], "hard": [0.80, 0.75, 0.70, 0.65]}
    runs = pd.DataFrame(
        [
            {
                "dataset_id": d,
                "configuration_id": f"c{j}",
                "algorithm": "x",
                "metric": m,
                "score": v,
            }
            for m in ("accuracy", "rmse")
            for d, vals in scores.items()
            for j, v in enumerate(vals)
        ]
    )
    md = MetaDataset(datasets, runs)
    acc = ScoreTable.build(md, "binary", "accuracy")
    easy, hard = acc.dataset_ids.index("easy"), acc.dataset_ids.index("hard")
    # 0.3 points apart on the easy dataset: well under one spread; 15 points on the hard one.
    assert np.ptp(acc.z[easy]) < 1.0 < np.ptp(acc.z[hard])
    # Losses are in the target's units, where small numbers can be real differences.
    rmse = ScoreTable.build(md, "binary", "rmse")
    assert np.ptp(rmse.z[rmse.dataset_ids.index("easy")]) > 1.0

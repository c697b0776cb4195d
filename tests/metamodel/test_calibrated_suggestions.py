"""Suggestions an analyst can take at their word: predicted scores that are not inflated on a table
harder than any known one, a method chosen only when it measurably beats a fixed ranking, a list
that says why it is in the order it is, and fold scores that travel with the knowledge."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from metadesk.cli import main
from metadesk.metamodel import MetaDataset, NearestDatasets, read_exchange, write_exchange
from metadesk.metamodel.evaluation import EvaluationReport, paired_test
from metadesk.metamodel.facade import choose_recommender
from metadesk.metamodel.level import LevelModel
from metadesk.metamodel.scores import ScoreTable
from metadesk.portfolio.configuration import Configuration


def _landmarked(n: int = 40, seed: int = 0) -> MetaDataset:
    """Datasets whose accuracy follows their landmarkers (as on real tables); every known one is
    fairly easy (landmarker error 5-20%), and two configurations swap places with feature `f`."""
    rng = np.random.default_rng(seed)
    err = rng.uniform(0.05, 0.20, n)
    f = rng.normal(size=n)
    ids = [f"d{i}" for i in range(n)]
    datasets = pd.DataFrame(
        {
            "name": ids,
            "task_type": "binary",
            "group": [f"g{i}" for i in range(n)],
            "provenance": "prior",
            "NaiveBayesErrRate": err + rng.normal(0, 0.01, n),
            "DecisionStumpErrRate": err + 0.05,
            "f": f,
        },
        index=pd.Index(ids, name="dataset_id"),
    )
    configs = {
        "a:1": Configuration("a:1", "a", {}, "Model A"),
        "b:1": Configuration("b:1", "b", {}, "Model B"),
        "c:1": Configuration("c:1", "c", {}, "Model C"),
    }
    rows = []
    for i, d in enumerate(ids):
        level = 1 - err[i] + 0.02
        scores = {"a:1": level + 0.02 * f[i], "b:1": level - 0.02 * f[i], "c:1": level - 0.03}
        for cid, score in scores.items():
            rows.append((d, cid, cid[0], "accuracy", score + rng.normal(0, 0.003)))
    runs = pd.DataFrame(
        rows, columns=["dataset_id", "configuration_id", "algorithm", "metric", "score"]
    )
    return MetaDataset(datasets, runs, configs)


def test_a_table_harder_than_any_known_one_is_not_promised_their_accuracy():
    md = _landmarked()
    hard = {"NaiveBayesErrRate": 0.40, "DecisionStumpErrRate": 0.45, "f": 0.0}
    table = ScoreTable.build(md, "binary", "accuracy")
    level = LevelModel().fit(table)
    loc, _scale, _sd = level.predict(hard)
    # Its landmarkers say about 60%; the known tables all score 80-95%.
    assert abs(loc - 0.62) < 0.05
    suggestions = (
        NearestDatasets().fit(md, "binary", "accuracy").rank(hard, list(md.configurations.values()))
    )
    assert all(s.predicted < 0.70 for s in suggestions)
    assert all(s.low < s.predicted < s.high for s in suggestions)


def test_held_out_levels_are_unbiased_on_the_known_tables():
    table = ScoreTable.build(_landmarked(60, seed=3), "binary", "accuracy")
    level = LevelModel().fit(table)
    errors = level.heldout[:, 0] - table.loc
    assert abs(errors.mean()) < 0.01
    sd = level.heldout[:, 2]
    assert np.all(np.isfinite(sd)) and np.all(sd > 0)
    # Each level's uncertainty is its own (the trees' spread there), not one figure for all...
    assert np.std(sd) > 0
    # ...and together they are about as large as the errors they describe.
    assert 0.5 < np.sqrt(np.mean(errors**2)) / np.sqrt(np.mean(sd**2)) < 2.0


def _report(mine: dict, base: dict, n: int = 40) -> EvaluationReport:
    return EvaluationReport(
        "binary",
        "accuracy",
        "leave-one-group-out",
        n,
        n,
        {"average_rank": base, "nearest_datasets": mine},
    )


def _figures(top1: float, third: float, p: float | None = None) -> dict:
    f = {"top1_regret": top1, "best_so_far_observed": [top1, top1, third, third, third]}
    if p is not None:
        f["p_vs_average_rank"] = p
    return f


def test_a_method_replaces_the_fixed_ranking_only_when_it_measurably_beats_it():
    base = _figures(0.012, 0.006)
    # Better on both, and the paired test agrees: chosen.
    assert choose_recommender(_report(_figures(0.008, 0.004, p=0.01), base)) == "nearest_datasets"
    # Better on average but within noise: the fixed ranking stays.
    assert choose_recommender(_report(_figures(0.008, 0.004, p=0.40), base)) == "average_rank"
    # Better first pick, worse best of three: the fixed ranking stays.
    assert choose_recommender(_report(_figures(0.008, 0.007, p=0.01), base)) == "average_rank"
    # Too few held-out datasets to tell.
    assert choose_recommender(_report(_figures(0.008, 0.004, p=0.01), base, n=5)) == (
        "average_rank"
    )


def test_the_paired_test_counts_each_group_once():
    rows = [_figures(0.0, 0.0) for _ in range(12)]
    base = [_figures(0.02, 0.01) for _ in range(12)]
    # Twelve groups where the method is better: clearly significant.
    assert paired_test(rows, base, [f"g{i}" for i in range(12)]) < 0.01
    # The same twelve datasets from two groups are two observations: too few to test.
    assert np.isnan(paired_test(rows, base, ["a"] * 6 + ["b"] * 6))


def test_a_lower_predicted_configuration_ranked_first_says_why():
    from metadesk.metamodel.synthetic import synthetic_meta_dataset

    md = synthetic_meta_dataset(60, 12, 24, seed=1)
    rec = NearestDatasets().fit(md, "binary", "accuracy")
    features = {
        k: float(v)
        for k, v in md.datasets.iloc[0].items()
        if k not in ("name", "task_type", "group", "provenance")
    }
    ranked = rec.rank(features, list(md.configurations.values()))
    for i, s in enumerate(ranked):
        later_higher = any(t.predicted > s.predicted + 1e-9 for t in ranked[i + 1 :])
        assert bool(s.order_note) == later_higher, (s.rank, s.order_note)
    assert any(s.order_note for s in ranked), "the expected-improvement order departs somewhere"


def test_fold_scores_travel_with_exchanged_knowledge(tmp_path):
    md = _landmarked(8)
    runs = md.runs.assign(std=0.01, folds=5, fold_scores=[" ".join(["0.9"] * 5)] * len(md.runs))
    paths = write_exchange(MetaDataset(md.datasets, runs, md.configurations), tmp_path, "csv")
    back = read_exchange(*paths)
    assert [float(v) for v in back.runs["fold_scores"].iloc[0].split()] == [0.9] * 5
    table = ScoreTable.build(back, "binary", "accuracy")
    assert np.allclose(table.se[np.isfinite(table.raw)], 0.01 / np.sqrt(5))


def test_malformed_fold_scores_are_refused_row_by_row(tmp_path):
    from metadesk.errors import UserError

    md = _landmarked(8)
    runs = md.runs.assign(fold_scores=["0.9 0.8 zero"] + ["0.9"] * (len(md.runs) - 1))
    paths = write_exchange(MetaDataset(md.datasets, runs, md.configurations), tmp_path, "csv")
    with pytest.raises(UserError) as err:
        read_exchange(*paths)
    assert "fold_scores" in str(err.value.problems if hasattr(err.value, "problems") else err.value)


@pytest.fixture
def knowledge_files(tmp_path):
    return write_exchange(_landmarked(30, seed=2), tmp_path, "csv")


def test_evaluate_one_recommender_alone(knowledge_files, capsys):
    code = main(
        [
            "evaluate",
            "--knowledge",
            *map(str, knowledge_files),
            "--recommender",
            "nearest_datasets",
            "--json",
        ]
    )
    assert code == 0
    figures = json.loads(capsys.readouterr().out)["reports"]["binary/accuracy"]["figures"]
    assert set(figures) == {"average_rank", "nearest_datasets", "random", "oracle"}
    assert "p_vs_average_rank" in figures["nearest_datasets"]
    assert "top1_within_noise" in figures["nearest_datasets"]


def test_evaluate_an_unknown_recommender_says_which_exist(knowledge_files, capsys):
    code = main(["evaluate", "--knowledge", *map(str, knowledge_files), "--recommender", "magic"])
    assert code == 2
    err = capsys.readouterr().err
    assert "magic" in err and "nearest_datasets" in err and "Traceback" not in err


def test_an_imported_tuned_configuration_can_be_run_again(tmp_path):
    md = _landmarked(8)
    runs = md.runs.assign(
        configuration_id=md.runs["configuration_id"].map(
            {"a:1": "logreg:C=3", "b:1": "magic:x=1", "c:1": "c:1"}
        ),
        algorithm=md.runs["configuration_id"].map({"a:1": "logreg", "b:1": "magic", "c:1": "c"}),
    )
    paths = write_exchange(MetaDataset(md.datasets, runs, {}), tmp_path, "csv")
    back = read_exchange(*paths)
    assert back.configurations["logreg:C=3"].runnable  # a point of the search space
    assert back.configurations["logreg:C=3"].label == "Logistic regression, C 3"
    assert not back.configurations["magic:x=1"].runnable  # known only as knowledge

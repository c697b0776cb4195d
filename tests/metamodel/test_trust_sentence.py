"""The Suggestions header says which method ranks the table, and compares it with the right thing."""

from __future__ import annotations

from metadesk.metamodel.evaluation import EvaluationReport
from metadesk.metamodel.trust import trust_sentence


def _report() -> EvaluationReport:
    def figures(top1: float, bsf: list[float]) -> dict:
        return {"top1_regret": top1, "best_so_far_observed": bsf, "n_datasets": 150}

    return EvaluationReport(
        "binary",
        "accuracy",
        "leave-one-group-out",
        150,
        63,
        figures={
            "average_rank": figures(0.011, [0.011, 0.010, 0.008]),
            "average_rank_diverse": figures(0.011, [0.011, 0.007, 0.006]),
            "nearest_datasets": figures(0.009, [0.009, 0.006, 0.005]),
        },
    )


def test_the_header_names_what_a_fixed_ranking_without_twins_beat():
    text = trust_sentence(
        "average_rank_diverse",
        "a fixed ranking",
        _report(),
        "accuracy",
        150,
        False,
        fixed_ranking=True,
    )
    assert text.startswith("Suggestions follow a fixed ranking: on held-out data it did better")
    assert "(plain ranking: 1.1); the best of its first three, 0.6 (0.8)." in text
    assert "learned" in text and "beat a fixed ranking" not in text


def test_the_header_of_a_learned_method_compares_it_with_the_fixed_ranking():
    text = trust_sentence(
        "nearest_datasets",
        "similar datasets",
        _report(),
        "accuracy",
        150,
        False,
        fixed_ranking=False,
    )
    assert text.startswith("Suggestions come from similar datasets, which beat a fixed ranking")
    assert "0.9 points of accuracy below the best (fixed ranking: 1.1)" in text

"""How far to trust the suggestions, in one plain paragraph built from measured figures only:
held-out groups of the knowledge, and real tables outside it when those were measured.
"""

from __future__ import annotations

from metadesk.finite import finite_or_none
from metadesk.metamodel.evaluation import EvaluationReport, Figures
from metadesk.metamodel.metrics import LOWER_IS_BETTER, METRIC_LABELS, POINT

FIXED_RANKING = "average_rank"


def trust_sentence(
    name: str,
    label: str,
    evaluation: EvaluationReport | None,
    metric: str,
    n_datasets: int,
    cold_start: bool,
    *,
    fixed_ranking: bool,
) -> str:
    """The Suggestions header's paragraph for recommender `name` (described as `label`);
    `fixed_ranking`: it orders every table alike (`Recommender.fixed_ranking`)."""
    plural = "s" if n_datasets != 1 else ""
    if cold_start and n_datasets:
        return (
            f"Results on {n_datasets} dataset{plural} are too few to learn from yet, so "
            "suggestions follow a default order of strong general-purpose models; they improve "
            "as results on more datasets arrive."
        )
    if cold_start:
        return (
            "No past results are known for this kind of task yet, so suggestions follow a "
            "default order of strong general-purpose models; they improve as results arrive."
        )
    if evaluation is None or name not in evaluation.figures:
        return (
            f"Suggestions come from {label}, learned from {n_datasets} known dataset{plural}; "
            "too few yet to measure how well they carry over to a new one."
        )
    compared = name != FIXED_RANKING  # figures beside the plain fixed ranking's
    base_word = "plain ranking" if fixed_ranking else "fixed ranking"
    if not compared:
        head = f"Suggestions follow {label}: no other method did better on held-out data. "
    elif fixed_ranking:
        head = (
            f"Suggestions follow {label}: on held-out data it did better than the plain "
            "ranking, and no method learned from the table's own features did better still. "
        )
    else:
        head = f"Suggestions come from {label}, which beat a fixed ranking on held-out data. "
    mine = evaluation.figures[name]
    base = evaluation.figures.get(FIXED_RANKING, {}) if compared else {}
    n = int(mine.get("n_datasets") or evaluation.n_datasets)
    text = head + _figures_clause(f"On {n} held-out datasets", mine, base, metric, base_word)
    outside = evaluation.outside.get(name) if evaluation.outside else None
    if outside and outside.get("n_datasets"):
        m = int(outside["n_datasets"])
        other = evaluation.outside.get(FIXED_RANKING, {}) if compared else {}
        text += " " + _figures_clause(
            f"On {m} real tables it never saw", outside, other, metric, base_word
        )
    error = outside.get("abs_error") if outside else mine.get("abs_error")
    if finite_or_none(error) is not None and _in_points(metric):
        where = "those tables" if outside else "held-out datasets"
        text += (
            f" Predicted scores were {_amount(error, metric)} off on average on {where}; "
            f"80% intervals held {_percent((outside or mine).get('coverage'))} of the measured scores."
        )
    return text


def _figures_clause(
    where: str, mine: Figures, base: Figures, metric: str, base_word: str = "fixed ranking"
) -> str:
    text = f"{where}, its first pick was on average {_amount(mine.get('top1_regret'), metric)} "
    text += _regret_words(metric)
    if finite_or_none(base.get("top1_regret")) is not None:
        text += f" ({base_word}: {_amount(base.get('top1_regret'), metric, unit=False)})"
    third = best_of_three(mine)
    if third is not None:
        text += f"; the best of its first three, {_amount(third, metric, unit=False)}"
        if best_of_three(base) is not None:
            text += f" ({_amount(best_of_three(base), metric, unit=False)})"
    return text + "."


def best_of_three(figures: Figures) -> float | None:
    """Regret of the best of the first three runs, re-ranked after each (None when unknown)."""
    bsf = figures.get("best_so_far_observed") or []
    try:
        return finite_or_none(bsf[2])
    except IndexError:
        return None


def _percent(value: object) -> str:
    v = finite_or_none(value)
    return "an unknown share" if v is None else f"{100 * v:.0f}%"


def _regret_words(metric: str) -> str:
    label = METRIC_LABELS.get(metric, metric)
    side = "above" if metric in LOWER_IS_BETTER else "below"
    return f"of {label} {side} the best" if _in_points(metric) else f"{side} the best {label}"


def _in_points(metric: str) -> bool:
    return metric not in LOWER_IS_BETTER


def _amount(value: object, metric: str, unit: bool = True) -> str:
    v = finite_or_none(value)
    if v is None:
        return "an unknown amount"
    if _in_points(metric):
        pts = v / POINT
        return f"{pts:.1f} point{'s' if round(pts, 1) != 1 else ''}" if unit else f"{pts:.1f}"
    return f"{v:.3g}"

"""Held-out evaluation of recommenders: leave-one-group-out (a dataset and its variants are held
out together), always alongside a fixed ranking (AverageRank), a random order and the oracle.

Regret is in the metric's own units (for accuracy or R², one point = 0.01).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from metadesk.metamodel.level import LevelModel
from metadesk.metamodel.metrics import LOWER_IS_BETTER, METRIC_RANGE, POINT, sign
from metadesk.metamodel.nearest import NearestDatasets
from metadesk.metamodel.recommenders import AverageRank, DiversifiedRank, Recommender
from metadesk.metamodel.scores import SHORTFALL_FLOOR, ScoreTable, rank_values, spearman
from metadesk.metamodel.surrogate import Surrogate
from metadesk.metamodel.values import MetaDataset

log = logging.getLogger(__name__)

# One recommender's held-out figures: numbers, per-k lists (best so far), per-table records; saved
# as JSON and read back. Any: the kind of value depends on the key.
Figures = dict[str, Any]

MAX_K = 10
# A recommender replaces the fixed ranking only when a paired test says it is better at this level.
SIGNIFICANCE = 0.10
BASELINES = ("random", "oracle")
SCALAR_FIGURES = (
    "top1_regret",
    "top1_regret_median",
    "top3_regret",
    "top5_regret",
    "experiments_to_half_point",
    "experiments_to_one_point",
    "experiments_to_half_point_static",
    "first_pick_rank",
    "spearman",
    "coverage",
    "bias",
    "abs_error",
    "top1_within_noise",
    "top3_within_noise",
    "p_vs_average_rank",
    "n_datasets",
)


@dataclass
class EvaluationReport:
    """Per recommender (and baselines 'random', 'oracle'): a dict of held-out figures.

    'best_so_far' / 'best_so_far_observed': mean regret of the best of the first k experiments,
    k = 1..10, run in suggestion order without / with the `observed=` update after each run."""

    task_type: str
    metric: str
    scheme: str
    n_datasets: int
    n_groups: int
    figures: dict[str, Figures] = field(default_factory=dict)
    # The same figures on real tables outside the knowledge (`transfer.evaluate_outside`), when
    # measured: recommender -> figures; `outside_source` says which tables.
    outside: dict[str, Figures] = field(default_factory=dict)
    outside_source: str = ""

    @property
    def table(self) -> pd.DataFrame:
        rows = {}
        for name, f in self.figures.items():
            row = {k: f.get(k, np.nan) for k in SCALAR_FIGURES}
            for key, label in (("best_so_far", "bsf"), ("best_so_far_observed", "bsf_obs")):
                for k, v in enumerate(f.get(key, []), start=1):
                    row[f"{label}@{k}"] = v
            rows[name] = row
        return pd.DataFrame.from_dict(rows, orient="index")

    # Any: JSON values of mixed kinds, as saved next to the prior.
    def to_dict(self) -> dict[str, Any]:
        return {
            "task_type": self.task_type,
            "metric": self.metric,
            "scheme": self.scheme,
            "n_datasets": self.n_datasets,
            "n_groups": self.n_groups,
            "figures": _jsonable(self.figures),
            "outside": _jsonable(self.outside),
            "outside_source": self.outside_source,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EvaluationReport:
        return cls(
            task_type=d["task_type"],
            metric=d["metric"],
            scheme=d.get("scheme", ""),
            n_datasets=int(d.get("n_datasets", 0)),
            n_groups=int(d.get("n_groups", 0)),
            figures={k: dict(v) for k, v in (d.get("figures") or {}).items()},
            outside={k: dict(v) for k, v in (d.get("outside") or {}).items()},
            outside_source=str(d.get("outside_source") or ""),
        )

    def selection_score(self, name: str) -> float:
        """What the meta-model minimises to choose: `analyst_regret` (the first pick and the
        best of the first three, counted equally); lower is better, inf when unknown."""
        f = self.figures.get(name) or {}
        try:
            v = analyst_regret(f)
        except (KeyError, TypeError, ValueError, IndexError):
            return float("inf")
        return v if np.isfinite(v) else float("inf")

    def beats_fixed_ranking(self, name: str, alpha: float = SIGNIFICANCE) -> bool:
        """True when `name` is no worse than AverageRank on the first pick nor on the best of
        three, and better on both together by a paired test over held-out groups."""
        mine, base = self.figures.get(name) or {}, self.figures.get(AverageRank.name) or {}
        if not mine or not base:
            return False
        p = mine.get("p_vs_average_rank")
        try:
            no_worse = float(mine["top1_regret"]) <= float(base["top1_regret"]) + 1e-12 and (
                float(mine["best_so_far_observed"][2])
                <= float(base["best_so_far_observed"][2]) + 1e-12
            )
        except (KeyError, TypeError, ValueError, IndexError):
            return False
        return no_worse and p is not None and np.isfinite(p) and p < alpha


def _jsonable(x: object) -> object:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.floating, float)):
        return None if not np.isfinite(x) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


def default_recommenders() -> list[Recommender]:
    return [AverageRank(), DiversifiedRank(), NearestDatasets(), Surrogate()]


def held_out_splits(groups: np.ndarray, folds: int | None = None) -> Iterator[np.ndarray]:
    """Boolean test masks: one per group (folds=None), or `folds` sets of whole groups."""
    unique = np.unique(groups)
    if folds is None or folds >= unique.size:
        for g in unique:
            yield groups == g
        return
    rng = np.random.default_rng(0)
    shuffled = rng.permutation(unique)
    for part in np.array_split(shuffled, folds):
        yield np.isin(groups, part)


def evaluate(
    meta_dataset: MetaDataset,
    task_type: str,
    metric: str,
    recommenders: Sequence[Recommender] | None = None,
    *,
    folds: int | None = None,
    random_seeds: int = 10,
    max_k: int = MAX_K,
    max_datasets: int | None = None,
    until_close: bool = True,
) -> EvaluationReport:
    """Leave-one-group-out (or `folds` folds of whole groups) evaluation of each recommender.

    AverageRank is always included, plus a random order (averaged over `random_seeds` seeds) and
    the oracle. Unrunnable configurations count here: the meta-dataset is judged as it is.

    Quick mode (for choosing a recommender on the spot): `max_datasets` held-out datasets at
    most (a fixed sample), `random_seeds=0` skips the random baseline, `until_close=False` stops
    the simulated runs at `max_k` instead of running on until within 0.5 point of the best."""
    # BLAS/OpenMP pinned to one thread: the products here are small and slower threaded.
    with threadpool_limits(limits=1):
        table = ScoreTable.build(meta_dataset, task_type, metric)
        templates = list(recommenders) if recommenders is not None else default_recommenders()
        if not any(type(r) is AverageRank for r in templates):
            templates.insert(0, AverageRank())
        n_groups = int(np.unique(table.groups).size)
        scheme = "leave-one-group-out" if folds is None else f"{folds} folds of whole groups"
        report = EvaluationReport(task_type, metric, scheme, table.n_datasets, n_groups)
        if n_groups < 2:
            return report
        held_groups: list[str] = []
        per: dict[str, list[Figures]] = {r.name: [] for r in templates}
        per.update({b: [] for b in BASELINES if b != "random" or random_seeds > 0})
        chosen = np.ones(table.n_datasets, dtype=bool)
        if max_datasets is not None and max_datasets < table.n_datasets:
            chosen[:] = False
            chosen[
                np.random.default_rng(0).choice(table.n_datasets, max_datasets, replace=False)
            ] = True
        for test in held_out_splits(table.groups, folds):
            if not (test & chosen).any():
                continue
            train = table.subset(np.flatnonzero(~test))
            level = LevelModel().fit(train)
            fitted = [
                copy.deepcopy(r).fit_table(train, meta_dataset.configurations, level)
                for r in templates
            ]
            for d in np.flatnonzero(test & chosen).tolist():
                known = np.flatnonzero(np.isfinite(table.raw[d]))
                if known.size < 2:
                    continue
                ids = [table.config_ids[c] for c in known]
                truth = sign(metric) * table.raw[d, known]
                mf = table.meta_features_of(d)
                noise = best_noise(table, d, known)
                for rec in fitted:
                    per[rec.name].append(
                        _one(rec, mf, ids, truth, table.raw[d, known], max_k, until_close, noise)
                    )
                if random_seeds > 0:
                    per["random"].append(_random(truth, max_k, random_seeds, noise))
                per["oracle"].append(
                    _figures(list(np.argsort(-truth, kind="stable")), truth, max_k, noise)
                )
                held_groups.append(table.groups[d])
        for name, rows in per.items():
            report.figures[name] = _average(rows, max_k)
        if AverageRank.name in per:
            for name, rows in per.items():
                if name not in BASELINES and name != AverageRank.name and rows:
                    report.figures[name]["p_vs_average_rank"] = paired_test(
                        rows, per[AverageRank.name], held_groups
                    )
        return report


def best_noise(table: ScoreTable, d: int, known: np.ndarray | list[int]) -> float:
    """The standard error of the best score on dataset d (metric units): differences smaller
    than this are within cross-validation noise. 0 when the runs do not say."""
    if table.se is None:
        return 0.0
    se = table.se[d, known]
    best = int(np.argmax(sign(table.metric) * table.raw[d, known]))
    return float(se[best]) if np.isfinite(se[best]) else 0.0


def analyst_regret(row: Figures) -> float:
    """What the choice of recommender serves: the first pick and the best of the first three
    (re-ranked after each run), counted equally."""
    bsf = row.get("best_so_far_observed") or [np.nan] * 3
    return 0.5 * (float(row["top1_regret"]) + float(bsf[min(2, len(bsf) - 1)]))


def paired_test(
    rows: Sequence[Figures], baseline: Sequence[Figures], groups: Sequence[str]
) -> float:
    """One-sided Wilcoxon signed-rank p-value that `rows` has lower `analyst_regret` than
    `baseline` on the same held-out datasets, with each group counted once (its mean)."""
    from scipy.stats import wilcoxon

    diff: dict[str, list[float]] = {}
    for r, b, g in zip(rows, baseline, groups, strict=True):
        diff.setdefault(str(g), []).append(analyst_regret(r) - analyst_regret(b))
    d = np.array([np.mean(v) for v in diff.values()])
    d = d[np.isfinite(d) & (np.abs(d) > 1e-12)]
    if d.size < 5:
        return float("nan")
    return float(wilcoxon(d, alternative="less").pvalue)


def _one(
    rec: Recommender,
    mf: Mapping[str, float],
    ids: list[str],
    truth: np.ndarray,
    raw: np.ndarray,
    max_k: int,
    until_close: bool = True,
    noise: float = 0.0,
) -> Figures:
    fc = rec.forecast(mf, ids, {})
    order, _ = fc.order(range(len(ids)), [])
    out = _figures(order, truth, max_k, noise)
    low, high = fc.intervals(rec.metric)
    lo_hi = METRIC_RANGE.get(rec.metric, (-np.inf, np.inf))
    predicted, low, high = (np.clip(v, *lo_hi) for v in (fc.predicted(rec.metric), low, high))
    inside = (raw >= low) & (raw <= high)
    out["coverage"] = float(np.mean(inside))
    # A collapsed model (R² of -100) is "far below the best", not a hundred points of bias:
    # measured scores count at most `SHORTFALL_FLOOR` below the best, as regret scenarios do.
    if rec.metric not in LOWER_IS_BETTER:  # both sides alike: predicted and measured
        raw = np.maximum(raw, np.max(raw) - SHORTFALL_FLOOR)
        predicted = np.maximum(predicted, np.max(predicted) - SHORTFALL_FLOOR)
    err = predicted - raw
    out["bias"] = float(np.mean(err))
    out["abs_error"] = float(np.mean(np.abs(err)))
    # Sequential use: after each run the true score is revealed and the rest is re-ranked.
    best = truth.max()
    observed: dict[str, float] = {}
    seq: list[int] = []
    sign_ = sign(rec.metric)
    remaining = list(range(len(ids)))
    while remaining:
        if len(seq) >= max_k and (not until_close or best - truth[seq].max() <= 0.5 * POINT):
            break
        if observed:
            fc = rec.forecast(mf, ids, observed)
            nxt, _ = fc.order(remaining, [ids.index(o) for o in observed], limit=1)
            pick = nxt[0]
        else:
            pick = order[0]
        seq.append(pick)
        remaining.remove(pick)
        observed[ids[pick]] = float(sign_ * truth[pick])
    bsf = np.maximum.accumulate(truth[seq])
    regret = best - bsf
    out["best_so_far_observed"] = _pad(regret[:max_k], max_k)
    out["experiments_to_half_point"] = _first_within(regret, 0.5 * POINT, len(ids))
    out["experiments_to_one_point"] = _first_within(regret, POINT, len(ids))
    return out


def _figures(
    order: Sequence[int] | np.ndarray, truth: np.ndarray, max_k: int, noise: float = 0.0
) -> Figures:
    order = list(order)
    best = truth.max()
    regret = best - np.maximum.accumulate(truth[order])
    within = noise + 1e-12
    true_rank = rank_values(-truth, method="min")
    position = np.empty(len(order))
    position[order] = np.arange(len(order))
    rho = spearman(-position, truth)
    return {
        "top1_regret": float(regret[0]),
        "top3_regret": float(regret[min(2, len(order) - 1)]),
        "top5_regret": float(regret[min(4, len(order) - 1)]),
        "best_so_far": _pad(regret[:max_k], max_k),
        "best_so_far_observed": _pad(regret[:max_k], max_k),
        "experiments_to_half_point": _first_within(regret, 0.5 * POINT, len(order)),
        "experiments_to_one_point": _first_within(regret, POINT, len(order)),
        "experiments_to_half_point_static": _first_within(regret, 0.5 * POINT, len(order)),
        "first_pick_rank": float(true_rank[order[0]]),
        "spearman": float(rho),
        "coverage": np.nan,
        "bias": np.nan,
        "abs_error": np.nan,
        # A pick within the best's standard error is as good as the best, as far as can be told.
        "top1_within_noise": float(regret[0] <= within),
        "top3_within_noise": float(regret[min(2, len(order) - 1)] <= within),
    }


def _random(truth: np.ndarray, max_k: int, seeds: int, noise: float = 0.0) -> Figures:
    rows = []
    for s in range(seeds):
        order = np.random.default_rng(1000 + s).permutation(truth.size)
        rows.append(_figures(order, truth, max_k, noise))
    return _average(rows, max_k)


def _pad(values: np.ndarray, k: int) -> list[float]:
    """Regret after k runs when fewer than k configurations exist: the last (all were run)."""
    v = list(map(float, values))
    return v + [v[-1]] * (k - len(v)) if v else [np.nan] * k


def _first_within(regret: np.ndarray, threshold: float, n: int) -> float:
    hit = np.flatnonzero(regret <= threshold + 1e-12)
    return float(hit[0] + 1) if hit.size else float(n)


def _average(rows: list[Figures], max_k: int) -> Figures:
    if not rows:
        return {"n_datasets": 0}
    out: Figures = {"n_datasets": len(rows)}
    for key in rows[0]:
        vals = [r[key] for r in rows]
        if isinstance(vals[0], list):
            out[key] = [float(np.nanmean(col)) for col in zip(*vals, strict=False)]
        elif key != "n_datasets":
            arr = np.array(vals, dtype=float)
            out[key] = float(np.nanmean(arr)) if np.isfinite(arr).any() else float("nan")
            if key == "top1_regret":
                # One collapsed model (an R² of -100 on one dataset) can own the mean: the median
                # says what a typical dataset loses.
                out["top1_regret_median"] = (
                    float(np.nanmedian(arr)) if np.isfinite(arr).any() else float("nan")
                )
    return out

"""What a recommender predicts for one dataset, and how that becomes an ordered list of `Suggestion`s.

A `Forecast` holds normalised predictions plus "scenarios" (plausible score vectors, e.g. the nearest
datasets or the trees of an ensemble); the order is greedy expected improvement over the best so far
across scenarios, so two configurations that always score alike are not offered back to back. Past
the first `HEAD` picks (more than anyone runs before the ranking is refreshed by results), the rest
follow the predicted score, so that the whole list still reads as best-first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from metadesk.metamodel.metrics import sign, within_range
from metadesk.metamodel.values import Evidence, Suggestion
from metadesk.portfolio.configuration import Configuration

# 80% two-sided normal quantile: the interval multiplier before held-out calibration.
Z80 = 1.2816
# How many picks follow expected improvement before the rest are listed by predicted score.
HEAD = 10


@dataclass(eq=False)
class Forecast:
    """Predictions for `config_ids` on one dataset (oriented: greater is better; normalised units).

    scenarios: (n_scenarios, n_configs) normalised scores, `weights` sums to 1. `fixed_order`, when
    set, replaces expected improvement (a fixed ranking does not adapt). `scenario_scale`: metric
    units per scenario unit (None: scenarios are normalised like `mean_z`, so `scale`)."""

    config_ids: list[str]
    mean_z: np.ndarray
    sd_z: np.ndarray
    loc: float
    scale: float
    loc_sd: float
    quantile: float = Z80
    scenarios: np.ndarray | None = None
    weights: np.ndarray | None = None
    fixed_order: np.ndarray | None = None
    # When set (smaller first), chooses the first pick; the rest still follow expected improvement.
    lead: np.ndarray | None = None
    scenario_scale: float | None = None
    # Builds the evidence (one tuple per configuration) only when suggestions are shown.
    explain: Callable[[], list[tuple[Evidence, ...]]] | None = None

    def predicted(self, metric: str) -> np.ndarray:
        """Point predictions in the metric's own units."""
        return sign(metric) * (self.loc + self.scale * self.mean_z)

    def intervals(self, metric: str) -> tuple[np.ndarray, np.ndarray]:
        half = self.quantile * np.sqrt((self.scale * self.sd_z) ** 2 + self.loc_sd**2)
        centre = self.loc + self.scale * self.mean_z
        a, b = sign(metric) * (centre - half), sign(metric) * (centre + half)
        return np.minimum(a, b), np.maximum(a, b)

    def order(
        self, candidates: Sequence[int], observed: Sequence[int], limit: int | None = None
    ) -> tuple[list[int], list[float]]:
        """Positions (into config_ids) of `candidates` in the order to run them, and the expected
        improvement of each in normalised units at the moment it is picked."""
        candidates = list(candidates)
        if not candidates:
            return [], []
        if self.fixed_order is not None:
            fixed = self.fixed_order
            ranked = sorted(candidates, key=lambda i: (fixed[i], -self.mean_z[i]))
            return ranked, [float(max(self.mean_z[i], 0.0)) for i in ranked]
        scen = self.scenarios if self.scenarios is not None else self.mean_z[None, :]
        w = self.weights if self.weights is not None else np.ones(scen.shape[0])
        w = w / w.sum()
        if observed:
            best = scen[:, list(observed)].max(axis=1)
        else:
            best = None
        remaining = np.array(candidates)
        order: list[int] = []
        gains: list[float] = []
        while remaining.size and (limit is None or len(order) < limit):
            if len(order) >= HEAD and best is not None:
                gain = w @ np.maximum(scen[:, remaining] - best[:, None], 0.0)
                tail = np.lexsort((-gain, -self.mean_z[remaining]))
                if limit is not None:
                    tail = tail[: limit - len(order)]
                order.extend(int(remaining[j]) for j in tail)
                gains.extend(float(gain[j]) for j in tail)
                break
            block = scen[:, remaining]
            if best is None:
                # Nothing run yet: the first pick is the best expected score (gain over the median).
                gain = w @ block
                key = gain if self.lead is None else -self.lead[remaining]
                gain = np.maximum(gain, 0.0)
            else:
                gain = w @ np.maximum(block - best[:, None], 0.0)
                key = gain + 1e-6 * self.mean_z[remaining]  # once nothing can improve: best mean
            j = int(np.argmax(key))
            pick = int(remaining[j])
            order.append(pick)
            gains.append(float(gain[j]))
            best = scen[:, pick].copy() if best is None else np.maximum(best, scen[:, pick])
            remaining = np.delete(remaining, j)
        return order, gains


def suggestions_from(
    forecast: Forecast,
    candidates: Sequence[Configuration],
    observed: dict[str, float],
    metric: str,
    recommender: str,
) -> list[Suggestion]:
    """Order the forecast's candidate configurations and dress them as `Suggestion`s."""
    index = {cid: i for i, cid in enumerate(forecast.config_ids)}
    cand_pos = [index[c.id] for c in candidates]
    obs_pos = [index[c] for c in observed if c in index]
    order, gains = forecast.order(cand_pos, obs_pos)
    predicted = forecast.predicted(metric)
    low, high = forecast.intervals(metric)
    by_pos = {index[c.id]: c for c in candidates}
    evidence = forecast.explain() if forecast.explain is not None else None
    unit = forecast.scale if forecast.scenario_scale is None else forecast.scenario_scale
    out = []
    shown_scores = [within_range(metric, predicted[p])[0] for p in order]
    for rank, (pos, gain) in enumerate(zip(order, gains, strict=False), start=1):
        shown, lo, hi = within_range(metric, predicted[pos], low[pos], high[pos])
        above = [by_pos[p] for p in order[: rank - 1]]
        note = order_note(by_pos[pos], shown, shown_scores[rank:], above, metric, gain * unit)
        out.append(
            Suggestion(
                configuration=by_pos[pos],
                rank=rank,
                metric=metric,
                predicted=_finite(shown),
                low=_finite(lo),
                high=_finite(hi),
                expected_improvement=_finite(gain * unit),
                recommender=recommender,
                evidence=evidence[pos] if evidence else (),
                order_note=note,
            )
        )
    return out


def order_note(
    config: Configuration,
    predicted: float,
    below: Sequence[float],
    above: Sequence[Configuration],
    metric: str,
    gain: float,
) -> str:
    """Why a configuration is offered before some predicted to score higher; "" when it is not.

    The order is by expected improvement over what is ranked above, so a different kind of model
    can come before a near-twin of the leader that is predicted a little higher."""
    if not math.isfinite(predicted) or not below:
        return ""
    better = sign(metric) * (np.asarray(below, dtype=float) - predicted)
    overtaken = int(np.sum(np.isfinite(better) & (better > 1e-9)))
    if overtaken == 0:
        return ""
    if not above:  # only a fixed ranking leads with something else than the best prediction
        return (
            "First in the fixed ranking (the best on average over all known datasets), although "
            f"{overtaken} below {'is' if overtaken == 1 else 'are'} predicted a little higher here."
        )
    if config.algorithm not in {c.algorithm for c in above}:
        return (
            "A different kind of model from those above: worth one run, although "
            f"{overtaken} below {'is' if overtaken == 1 else 'are'} predicted a little higher."
        )
    gain_text = f" (expected gain {gain:.3f})" if math.isfinite(gain) and gain > 0 else ""
    return (
        f"Tried before {overtaken} predicted a little higher, as it is more likely to improve "
        f"on those above{gain_text}: the higher-predicted ones tend to score like them."
    )


def _finite(x: float) -> float:
    x = float(x)
    return x if math.isfinite(x) else math.nan


def anchor_location(
    loc: float,
    loc_sd: float,
    scale: float,
    mean_z_observed: np.ndarray,
    observed_oriented: np.ndarray,
) -> tuple[float, float]:
    """Move the dataset's expected level so predictions agree, on average, with what was measured."""
    if observed_oriented.size == 0:
        return loc, loc_sd
    ok = np.isfinite(mean_z_observed) & np.isfinite(observed_oriented)
    if not ok.any():
        return loc, loc_sd
    shift = observed_oriented[ok] - scale * mean_z_observed[ok]
    # The measured level is known up to the recommender's own error on the observed ones.
    return float(np.mean(shift)), float(loc_sd / math.sqrt(1.0 + ok.sum()))


def weighted_mean_sd(
    values: np.ndarray,
    weights: np.ndarray,
    prior_mean: np.ndarray,
    prior_sd: np.ndarray,
    prior_n: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise weighted mean and sd of `values` (NaN = unknown), shrunk towards a prior with the
    weight of `prior_n` average rows, so that few neighbours never give a zero-width interval."""
    known = np.isfinite(values)
    w = weights[:, None] * known
    wsum = w.sum(axis=0)
    avg_w = weights.mean() if weights.size else 1.0
    pw = prior_n * avg_w
    filled = np.where(known, values, 0.0)
    mean = (np.sum(w * filled, axis=0) + pw * prior_mean) / (wsum + pw)
    dev = np.where(known, (values - mean) ** 2, 0.0)
    var = (np.sum(w * dev, axis=0) + pw * prior_sd**2) / (wsum + pw)
    return mean, np.sqrt(var)

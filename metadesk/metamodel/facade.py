"""`MetaModel`: the one object the workspace uses. It picks, per task type and metric, the
recommender with the best held-out regret (a fixed ranking unless another beats it), says in one
honest sentence how far to trust it, and falls back to a labelled default order on a cold start.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from threadpoolctl import threadpool_limits

from metadesk.metafeatures.values import MetaFeatures
from metadesk.metamodel.evaluation import EvaluationReport, evaluate
from metadesk.metamodel.nearest import NearestDatasets
from metadesk.metamodel.recommenders import AverageRank, DiversifiedRank, Recommender
from metadesk.metamodel.scores import ScoreTable, task_family
from metadesk.metamodel.surrogate import Surrogate, configuration_from_id
from metadesk.metamodel.trust import trust_sentence
from metadesk.metamodel.values import MetaDataset, Suggestion
from metadesk.metric_names import default_metric
from metadesk.portfolio.configuration import Configuration

log = logging.getLogger(__name__)

RECOMMENDERS: dict[str, type[Recommender]] = {
    AverageRank.name: AverageRank,
    DiversifiedRank.name: DiversifiedRank,
    NearestDatasets.name: NearestDatasets,
    Surrogate.name: Surrogate,
}
COLD_START = "default_order"
# A configuration the knowledge has never measured, listed after those it can speak for.
UNKNOWN_NOTE = (
    "Not measured on any known dataset yet: no prediction, so it follows the ones past results "
    "speak for. Run it to add it to what metadesk knows."
)
# Fewer held-out datasets than this are too little evidence to leave the fixed ranking.
MIN_DATASETS_TO_SWITCH = 10
# With no prior or imported knowledge, a user's own first results on one or two tables say more
# about those tables than about the next one: below this many groups, keep the default order.
MIN_GROUPS_TO_LEARN = 3
# Baselines: worth running as a reference, never a model to try before the real ones.
BASELINE_ALGORITHMS = ("dummy",)
# Without a saved evaluation, the surrogate is evaluated on the spot only below this many runs.
QUICK_SURROGATE_RUNS = 4000
# ...and on at most this many held-out datasets (a fixed sample): a refit must stay cheap.
QUICK_DATASETS = 60
# Algorithms in the order to try when nothing is known (used if the portfolio offers no order).
_BUILTIN_ORDER = (
    "hist_gb",
    "random_forest",
    "logistic",
    "ridge",
    "extra_trees",
    "svm",
    "rbf_svm",
    "linear_svm",
    "knn",
    "mlp",
    "lda",
    "gaussian_nb",
    "naive_bayes",
    "decision_tree",
    "adaboost",
    "lasso",
    "elastic_net",
    "svr",
    "dummy",
)


class RecommenderInfo(TypedDict):
    """How suggestions are made, for the views, the report and `metadesk suggest`."""

    name: str  # the recommender's key, or "default_order" on a cold start
    label: str
    # Held-out figures as the evaluation report stores them (JSON: values vary by figure).
    held_out: dict[str, Any]  # the chosen recommender's (regret, hits...); {} when not evaluated
    baseline: dict[str, Any]  # the fixed ranking's, to compare with
    sentence: str  # how far to trust it, in one plain sentence
    cold_start: bool
    n_datasets: int
    task_type: str
    metric: str
    scheme: str  # how the held-out figures were measured; "" when not evaluated


class MetaModel:
    """`MetaModel(task_type, metric).fit(meta_dataset)` or `MetaModel().fit(md, task_type, metric)`.

    `evaluation`: a previous `EvaluationReport` (or its dict) to choose from without re-evaluating;
    otherwise a saved one in `meta_dataset.evaluations`, else a quick held-out evaluation."""

    def __init__(self, task_type: str | None = None, metric: str | None = None) -> None:
        self.task_type = task_type or "binary"
        self.metric = metric or default_metric(self.task_type)
        self.recommender: Recommender | None = None
        self.evaluation: EvaluationReport | None = None
        self.cold_start = True
        self.n_datasets = 0
        self._configurations: dict[str, Configuration] = {}
        self._known_ids: list[str] = []

    @property
    def name(self) -> str:
        return self.recommender.name if self.recommender is not None else COLD_START

    def fit(
        self,
        meta_dataset: MetaDataset,
        task_type: str | None = None,
        metric: str | None = None,
        *,
        evaluation: EvaluationReport | Mapping[str, Any] | None = None,
    ) -> MetaModel:
        with threadpool_limits(1):  # small matrix products: threads only add overhead
            return self._fit(meta_dataset, task_type, metric, evaluation)

    def _fit(
        self,
        meta_dataset: MetaDataset,
        task_type: str | None,
        metric: str | None,
        evaluation: EvaluationReport | Mapping[str, Any] | None,
    ) -> MetaModel:
        if task_type:
            self.task_type = task_type
            self.metric = metric or default_metric(task_type)
        elif metric:
            self.metric = metric
        table = ScoreTable.build(meta_dataset, self.task_type, self.metric)
        self.n_datasets = table.n_datasets
        self._configurations = dict(meta_dataset.configurations)
        self._known_ids = list(table.config_ids)
        own_only = set(table.provenance) <= {"own"}
        if table.n_datasets == 0 or (
            own_only and len(set(table.groups.tolist())) < MIN_GROUPS_TO_LEARN
        ):
            self.cold_start, self.recommender, self.evaluation = True, None, None
            return self
        self.cold_start = False
        report = self._report(meta_dataset, table, evaluation)
        self.evaluation = report
        chosen = choose_recommender(report)
        try:
            # The fixed ranking as offered: after its first pick, no near-twins in a row.
            # Unless held-out figures found the classic order better, which they then show.
            rec = (
                AverageRank(diversify=not _classic_is_better(report))
                if chosen == AverageRank.name
                else RECOMMENDERS[chosen]()
            )
            rec.task_type = self.task_type
            self.recommender = rec.fit_table(table, meta_dataset.configurations)
        except Exception:  # a bug in a learned recommender must not take suggestions away
            if chosen == AverageRank.name:
                raise
            log.exception("Fitting %s failed; using the fixed ranking instead", chosen)
            rec = AverageRank(diversify=True)
            rec.task_type = self.task_type
            self.recommender = rec.fit_table(table, meta_dataset.configurations)
        return self

    def _report(
        self,
        meta_dataset: MetaDataset,
        table: ScoreTable,
        evaluation: EvaluationReport | Mapping[str, Any] | None,
    ) -> EvaluationReport | None:
        if isinstance(evaluation, EvaluationReport):
            return evaluation
        if isinstance(evaluation, Mapping) and evaluation:
            return EvaluationReport.from_dict(dict(evaluation))
        saved = meta_dataset.evaluations.get(f"{self.task_type}/{self.metric}")
        if saved is None:
            for t in task_family(self.task_type):
                saved = saved or meta_dataset.evaluations.get(f"{t}/{self.metric}")
        # A saved evaluation speaks for the knowledge it was made on; once imported knowledge
        # has made the meta-dataset much larger, measure again (quickly) instead.
        if saved and table.n_datasets <= max(
            1.5 * saved.get("n_datasets", 0), 20 + saved.get("n_datasets", 0)
        ):
            return EvaluationReport.from_dict(saved)
        groups = len(set(table.groups.tolist()))
        if groups < 3:
            return None
        recs: list[Recommender] = [AverageRank(), DiversifiedRank(), NearestDatasets()]
        if int(table.z.size) <= QUICK_SURROGATE_RUNS:
            recs.append(Surrogate(n_trees=16))
        report: EvaluationReport = evaluate(
            meta_dataset,
            self.task_type,
            self.metric,
            recs,
            folds=min(5, groups),
            random_seeds=0,
            max_k=5,
            max_datasets=QUICK_DATASETS,
            until_close=False,
        )
        return report

    # --- using it ------------------------------------------------------------------------------
    def rank(
        self,
        meta_features: Mapping[str, float] | MetaFeatures,
        candidates: Sequence[Configuration] | None = None,
        observed: Mapping[str, float] | None = None,
    ) -> list[Suggestion]:
        """Suggestions for a dataset, best first. `candidates=None`: every runnable configuration
        the meta-dataset knows for this task type. Observed configurations are not offered again."""
        if isinstance(meta_features, MetaFeatures):
            meta_features = meta_features.as_floats()
        if candidates is None:
            candidates = self._default_candidates()
        if self.cold_start or self.recommender is None:
            done = set(observed or {})
            fresh = [c for c in candidates if c.id not in done]
            return cold_start_suggestions(fresh, self.task_type, self.metric)
        # Configurations the knowledge never measured cannot be learned about: they follow,
        # in the default order and labelled as such, after the ones it can speak for.
        known = set(self._known_ids)
        learned = [c for c in candidates if c.id in known]
        ranked = self.recommender.rank(dict(meta_features), learned, observed)
        done = set(observed or {})
        rest = [c for c in candidates if c.id not in known and c.id not in done]
        tail = [
            dataclasses.replace(s, order_note=UNKNOWN_NOTE) if ranked else s
            for s in cold_start_suggestions(rest, self.task_type, self.metric)
        ]
        return baselines_last(ranked + tail)

    def _default_candidates(self) -> list[Configuration]:
        out = []
        for cid in self._known_ids:
            cfg = self._configurations.get(cid) or _portfolio_configuration(cid)
            if cfg is not None and cfg.runnable:
                out.append(cfg)
        return out

    @property
    def info(self) -> RecommenderInfo:
        figures = (self.evaluation.figures if self.evaluation else {}) or {}
        held_out = dict(figures.get(self.name, {}))
        baseline = dict(figures.get(AverageRank.name, {}))
        return {
            "name": self.name,
            "label": self.recommender.label if self.recommender else "default order",
            "held_out": held_out,
            "baseline": baseline,
            "sentence": self.sentence(),
            "cold_start": self.cold_start,
            "n_datasets": self.n_datasets,
            "task_type": self.task_type,
            "metric": self.metric,
            "scheme": self.evaluation.scheme if self.evaluation else "",
        }

    def sentence(self) -> str:
        label = self.recommender.label if self.recommender is not None else "a default order"
        return trust_sentence(
            self.name,
            label,
            self.evaluation,
            self.metric,
            self.n_datasets,
            self.cold_start or self.recommender is None,
            fixed_ranking=self.recommender is not None and self.recommender.fixed_ranking,
        )


def choose_recommender(report: EvaluationReport | None) -> str:
    """The recommender to use: among those that beat the fixed ranking on held-out groups
    (`EvaluationReport.beats_fixed_ranking`), the one with the lowest `selection_score`;
    the fixed ranking when none does or the evidence is too thin."""
    if report is None or report.n_datasets < MIN_DATASETS_TO_SWITCH:
        return AverageRank.name
    winners = [n for n in RECOMMENDERS if n != AverageRank.name and report.beats_fixed_ranking(n)]
    if not winners:
        return AverageRank.name
    return min(winners, key=report.selection_score)


def _classic_is_better(report: EvaluationReport | None) -> bool:
    if report is None or DiversifiedRank.name not in report.figures:
        return False
    diverse = report.selection_score(DiversifiedRank.name)
    return report.selection_score(AverageRank.name) < diverse


def _portfolio_configuration(config_id: str) -> Configuration | None:
    portfolio = importlib.import_module("metadesk.portfolio")
    get = getattr(portfolio, "get_configuration", None)
    if get is None:
        return None
    try:
        configuration: Configuration = get(config_id)  # found by name: dynamic to mypy
        return configuration
    except Exception:  # not a shipped configuration
        return None


def cold_start_suggestions(
    candidates: Sequence[Configuration], task_type: str, metric: str
) -> list[Suggestion]:
    """Runnable candidates in a sensible default order, labelled `cold_start=True`: the portfolio's
    `default_order` when it has one, else strong general-purpose algorithms first."""
    portfolio = importlib.import_module("metadesk.portfolio")
    order: dict[str, int] = {}
    default_order = getattr(portfolio, "default_order", None)
    if default_order is not None:
        try:
            order = {
                (c if isinstance(c, str) else c.id): i
                for i, c in enumerate(default_order(task_type))
            }
        except Exception:  # an unknown task type: the built-in order below still applies
            order = {}
    # A configuration the order does not list takes the place of its algorithm's first one.
    algo_pos: dict[str, int] = {}
    for cid, i in order.items():
        algo_pos.setdefault(cid.partition(":")[0], i)
    algo_rank = {a: i for i, a in enumerate(_BUILTIN_ORDER)}
    runnable = [c for c in candidates if c.runnable]
    ranked = sorted(
        enumerate(runnable),
        key=lambda ic: (
            order.get(ic[1].id, algo_pos.get(ic[1].algorithm, len(order)) + 0.5),
            algo_rank.get(ic[1].algorithm, len(algo_rank)),
            ic[0],
        ),
    )
    return baselines_last(
        [
            Suggestion(
                configuration=c,
                rank=r,
                metric=metric,
                predicted=math.nan,
                low=math.nan,
                high=math.nan,
                recommender=COLD_START,
                cold_start=True,
            )
            for r, (_, c) in enumerate(ranked, start=1)
        ]
    )


def baselines_last(suggestions: Sequence[Suggestion]) -> list[Suggestion]:
    """The same suggestions with baselines (a dummy model) after every real model, ranks 1..n."""
    real = [s for s in suggestions if s.configuration.algorithm not in BASELINE_ALGORITHMS]
    base = [s for s in suggestions if s.configuration.algorithm in BASELINE_ALGORITHMS]
    return [dataclasses.replace(s, rank=r) for r, s in enumerate(real + base, start=1)]


__all__ = ["MetaModel", "RecommenderInfo", "cold_start_suggestions", "configuration_from_id"]

"""The held-out evaluation of the shipped prior and its Markdown build report.

`evaluate_prior` measures every recommender leave-one-group-out on the prior, and on the real
tables outside it when a source checkout has them (`benchmarks/outside_cache`); `report_markdown`
writes what `prior_export.write_report` collected as `build_report.md`.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Real tables outside the prior with the whole portfolio run on them (benchmarks/outside_*.py).
OUTSIDE_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "outside_cache"
SYNTHETIC_PREFIX = "synthetic:"  # the group label of synthetic datasets in the shipped prior
EVALUATED = (("binary", "accuracy"), ("regression", "r2"))


def evaluate_prior(prior: Any, outside: Any = None) -> dict[str, Any]:
    """The held-out table of every recommender and baseline, with and without synthetic groups;
    with `outside` (a `MetaDataset`, default `read_outside()`), also on real tables the prior
    never saw."""
    from metadesk.metamodel.evaluation import evaluate
    from metadesk.metamodel.values import MetaDataset

    out: dict[str, Any] = {}
    if prior.datasets.empty or prior.runs.empty:
        return out
    outside = outside if outside is not None else read_outside()
    real = ~prior.datasets["group"].astype(str).str.startswith(SYNTHETIC_PREFIX)
    variants = {"all": prior.datasets, "without_synthetic": prior.datasets[real]}
    for label, datasets in variants.items():
        if label == "without_synthetic" and bool(real.all()):
            continue
        md = MetaDataset(
            datasets=datasets, runs=prior.runs[prior.runs["dataset_id"].isin(datasets.index)]
        )
        for task_type, metric in EVALUATED:
            try:
                report = evaluate(md, task_type, metric)
            except Exception as exc:  # a partial prior may be too small: say so in the report
                log.exception("evaluation failed")
                out[f"{label}/{task_type}/{metric}"] = {"error": f"{type(exc).__name__}: {exc}"}
                continue
            if label == "all" and outside is not None:
                add_outside(report, md, outside)
            if report.n_datasets:
                out[f"{label}/{task_type}/{metric}"] = report.to_dict()
    return out


def add_outside(report: Any, knowledge: Any, outside: Any) -> None:
    """Fill `report.outside` with the figures on the real tables outside the prior."""
    from metadesk.metamodel.evaluation import default_recommenders
    from metadesk.metamodel.scores import task_family
    from metadesk.metamodel.transfer import evaluate_outside

    tables = outside.datasets["task_type"].isin(task_family(report.task_type))
    if not tables.any():
        return
    try:
        report.outside = evaluate_outside(
            knowledge, outside, report.task_type, report.metric, default_recommenders()
        )
    except Exception:  # the held-out table still ships without it
        log.exception("evaluation on the outside tables failed")
        return
    n = int(tables.sum())
    report.outside_source = f"{n} real tables outside the prior ({OUTSIDE_DIR.name})"


def read_outside(folder: Path | None = None) -> Any:
    """The outside tables' meta-features and whole-portfolio runs (exchange format), if present:
    they live beside the benchmarks of a source checkout, never in an installed app."""
    from metadesk.metamodel.exchange import load_prior

    folder = folder or OUTSIDE_DIR
    if not (folder / "datasets.parquet").exists():
        return None
    return load_prior(folder, provenance="outside")


FIGURES = (
    ("top1_regret", "top-1 regret"),
    ("top1_regret_median", "median top-1"),
    ("best_of_3", "best of 3"),
    ("top1_within_noise", "top-1 within noise"),
    ("p_vs_average_rank", "p vs AR"),
    ("spearman", "Spearman"),
    ("experiments_to_half_point", "runs to 0.5 pt"),
    ("coverage", "80% coverage"),
    ("bias", "bias"),
)


def report_markdown(report: dict[str, Any]) -> str:
    corpus, exported = report["corpus"], report["exported"]
    hours = report.get("build_seconds", 0.0) / 3600
    lines = [
        "# Prior knowledge: build report",
        "",
        f"Updated {report['updated_at']}. Every score below comes from a real run of the portfolio "
        f"through metadesk's experiment engine ({_protocol_words(exported)}, seed 0, 120 s per "
        "experiment, at most 2,000 rows per dataset: a stratified sample for classification, a "
        "random one for regression).",
        "",
        "## Counts",
        "",
        f"- Corpus: {corpus['datasets']} datasets in {corpus['groups']} groups "
        f"({_pairs(corpus['by_task_type'])}); {corpus['synthetic']} labelled synthetic.",
        f"- Exported: {exported['datasets']} datasets with meta-features and scores, "
        f"{exported['datasets_complete']} with the whole portfolio finished, "
        f"{exported['groups']} groups ({_pairs(exported['by_task_type'])}).",
        f"- Experiments: {exported['experiments_ok']} with scores, "
        f"{exported['experiments_failed']} failed, {exported['experiments_timeout']} timed out, "
        f"of {exported['experiments_in_full_build']} in the full build.",
        f"- Time: {hours:.1f} hours of building over {len(report['sessions'])} session(s).",
        "",
    ]
    missing = exported.get("not_exported") or {}
    noted = {n: why for n, why in missing.items() if why != "no results yet"}
    if missing:
        lines += ["## Manifest entries without results of their own in the export", ""]
        lines += [f"- {n}: {why}" for n, why in sorted(noted.items())]
        if len(missing) > len(noted):
            lines.append(f"- {len(missing) - len(noted)} more have no results yet.")
        lines.append("")
    if report["dataset_failures"]:
        lines += ["## Datasets that could not be added", ""]
        lines += [f"- {n}: {why}" for n, why in sorted(report["dataset_failures"].items())]
        lines.append("")
    if report["failures"]:
        lines += ["## Failed experiments (most frequent causes)", ""]
        lines += [
            "| status | algorithm | count | error | e.g. |",
            "| --- | --- | --- | --- | --- |",
        ]
        for f in report["failures"]:
            error = f["error"].replace("|", "/")[:120]
            examples = ", ".join(f["datasets"][:3])
            lines.append(
                f"| {f['status']} | {f['algorithm']} | {f['count']} | {error} | {examples} |"
            )
        lines.append("")
    lines += ["## Held-out evaluation (leave-one-group-out)", ""]
    if not report.get("evaluation"):
        lines += ["Not evaluated yet: run `metadesk knowledge build --export-only`.", ""]
    evaluations = report.get("evaluation", {})
    if evaluations and not any(k.startswith("without_synthetic/") for k in evaluations):
        lines += ["No synthetic dataset has results yet: these tables are also without them.", ""]
    for key, ev in sorted(evaluations.items()):
        lines += [f"### {key}", ""]
        if "error" in ev:
            lines += [f"Could not evaluate: {ev['error']}", ""]
            continue
        lines.append(f"{ev['n_datasets']} datasets in {ev['n_groups']} groups, {ev['scheme']}.")
        if ev["n_groups"] < 2:
            lines += ["", "Too few groups with results yet for a held-out evaluation.", ""]
            continue
        lines += ["", *_figure_table(ev.get("figures", {}))]
        if ev.get("outside"):
            lines += [
                f"On {ev.get('outside_source') or 'real tables outside the prior'}, whole "
                "tables, the meta-model fitted on the whole prior:",
                "",
                *_figure_table(ev["outside"]),
            ]
    lines += [
        "Regret and bias are in metric units (accuracy or R²; one point = 0.01); lower regret is "
        "better. Best of 3: regret of the best of the first three runs, re-ranked after each. "
        "Within noise: the first pick is within the best's standard error (fold standard "
        "deviation / √folds). p vs AR: one-sided paired Wilcoxon test over held-out groups on the "
        "first pick and the best of three together. Bias: mean predicted minus measured score.",
        "",
    ]
    return "\n".join(lines)


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "none"


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def _figure_table(figures: dict[str, Any]) -> list[str]:
    lines = [
        "| recommender | " + " | ".join(label for _, label in FIGURES) + " | bsf@1..5 (observed) |",
        "| --- " * (len(FIGURES) + 2) + "|",
    ]
    for name, fig in figures.items():
        bsf = fig.get("best_so_far_observed") or []
        fig = {**fig, "best_of_3": bsf[2] if len(bsf) > 2 else None}
        cells = [_fmt(fig.get(k)) for k, _ in FIGURES]
        lines.append(
            f"| {name} | " + " | ".join(cells) + " | " + " ".join(_fmt(v) for v in bsf[:5]) + " |"
        )
    lines.append("")
    return lines


def _protocol_words(exported: dict[str, Any]) -> str:
    """The cross-validation behind the scores; per family when the families differ."""
    by_family = exported.get("protocols") or {}
    words = {family: _cv_words(*counts) for family, counts in by_family.items()}
    if len(set(words.values())) > 1:
        return "; ".join(f"{family}: {w}" for family, w in words.items())
    return _cv_words(exported.get("folds"), exported.get("repeats"))


def _cv_words(folds: Any, repeats: Any) -> str:
    folds, repeats = int(folds or 5), int(repeats or 1)
    if repeats > 1:
        return f"{folds}-fold cross-validation repeated {repeats} times on reshuffled folds"
    return f"{folds}-fold cross-validation"

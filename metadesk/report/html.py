"""The HTML report of one dataset: summary, leaderboard, plots and suggestions with their reasons.

One self-contained file (inline CSS, PNG plots as base64 data URIs), every name HTML-escaped, so it
can be mailed or archived and opened anywhere without metadesk.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import logging
import math
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from metadesk import __version__
from metadesk.experiments.spec import LOWER_IS_BETTER, METRIC_LABELS, metrics_for
from metadesk.knowledge.dataset_names import plain_name, source_of
from metadesk.report import plots as report_plots
from metadesk.report.insights import finished_scores, within_metric_range
from metadesk.report.numbers import number_text

log = logging.getLogger(__name__)

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
       max-width: 980px; color: #202124; line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; } h2 { font-size: 1.25em; margin-top: 1.8em;
     border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.muted { color: #5f6368; } .note { background: #f1f3f4; padding: 0.6em 0.9em; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; margin: 0.6em 0; }
th, td { text-align: left; padding: 0.35em 0.6em; border-bottom: 1px solid #e6e6e6; vertical-align: top; }
th { background: #f8f9fa; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1.2em; }
dt { color: #5f6368; } dd { margin: 0; }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; }
figcaption { color: #5f6368; font-size: 0.9em; }
.tag { font-size: 0.8em; padding: 0.05em 0.45em; border-radius: 4px; background: #e8f0fe; }
.tag.prior { background: #f1f3f4; } .tag.baseline { background: #fce8e6; }
tr.baseline td { color: #5f6368; font-style: italic; }
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(value: Any, digits: int = 3) -> str:
    return number_text(value, digits, missing="–")  # a dash: an empty cell looks like a fault


def _img(fig: Any, alt: str, caption: str) -> str:
    data = base64.b64encode(report_plots.figure_png(fig, dpi=110)).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{_e(alt)}">'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def _verdict(r: dict[str, Any]) -> str:
    group = r.get("group")
    p = r.get("p_value_vs_best")
    if group == "best":
        return "<b>best</b>"
    if group == "tied":
        return f"<b>tied with the best</b> (p = {_num(p)})"
    if group == "worse":
        return "worse (p < 0.001)" if p is not None and p < 0.001 else f"worse (p = {_num(p)})"
    if group == "baseline":
        return "score to beat"
    return "not compared" if r.get("provenance") == "own" else "–"


def _leaderboard_table(
    board: pd.DataFrame, metric: str, metrics: tuple[str, ...], baseline: Any = None
) -> str:
    if board.empty and baseline is None:
        return '<p class="muted">No finished experiments on this dataset yet.</p>'
    others = [m for m in metrics if m != metric and m in board and board[m].notna().any()]
    head = (
        "<tr><th class='num'>#</th><th>Configuration</th>"
        f"<th class='num'>{_e(METRIC_LABELS.get(metric, metric))}</th><th>Against the best</th>"
        + "".join(f"<th class='num'>{_e(METRIC_LABELS.get(m, m))}</th>" for m in others)
        + "<th class='num'>Fit time</th><th>Source</th></tr>"
    )
    from metadesk.workspace.comparisons import with_baseline

    rows = []
    place = 0
    lower = metric in LOWER_IS_BETTER
    for row in with_baseline(board, baseline, metric, lower).itertuples(index=False):
        r = row._asdict()
        prov = str(r.get("provenance", "own"))
        is_baseline = prov == "baseline"
        place += 0 if is_baseline else 1
        cells = [
            f"<td class='num'>{'' if is_baseline else place}</td>",
            f"<td>{_e(r.get('label') or r.get('configuration_id'))}</td>",
            f"<td class='num'>{_num(r.get(metric))} ± {_num(r.get(f'{metric}_std'))}</td>",
            f"<td>{_verdict(r)}</td>",
        ]
        cells += [f"<td class='num'>{_num(r.get(m))}</td>" for m in others]
        fit = r.get("fit_seconds")
        cells.append(f"<td class='num'>{'' if is_baseline else _num(fit, 2) + ' s'}</td>")
        cells.append(f"<td><span class='tag {_e(prov)}'>{_e(prov)}</span></td>")
        style = " class='baseline'" if is_baseline else ""
        rows.append(f"<tr{style}>" + "".join(cells) + "</tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _predicted(s: Any) -> str:
    if not math.isfinite(s.predicted):
        return "not predicted (default order)"
    predicted, low, high = within_metric_range(s.metric, s.predicted, s.low, s.high)
    return f"{_num(predicted)} ({_num(low)}–{_num(high)})"


def _suggestions_table(suggestions: list[Any], metric_label: str) -> str:
    if not suggestions:
        return '<p class="muted">Every configuration of the portfolio has been run.</p>'
    head = (
        "<tr><th class='num'>#</th><th>Configuration</th>"
        f"<th class='num'>Predicted {_e(metric_label)} (80% interval)</th><th>Why</th></tr>"
    )
    rows = []
    for s in suggestions:
        evidence = "".join(
            f"<li>scored {_num(e.score)} on {_e(plain_name(e.dataset_name))}"
            f"{_e(_source(e.dataset_name))}: similarity {_num(e.similarity, 2)} "
            f"<span class='tag {_e(e.provenance)}'>{_e(e.provenance)}</span></li>"
            for e in s.evidence[:5]
        )
        lead = "" if evidence else _e(s.reason)  # the list says it, leading with the scores
        why = lead + (f"<ul>{evidence}</ul>" if evidence else "")
        rows.append(
            f"<tr><td class='num'>{s.rank}</td><td>{_e(s.configuration.label or s.configuration.id)}"
            f"</td><td class='num'>{_predicted(s)}</td>"
            f"<td>{why}</td></tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>"


def _safely(what: str, fn: Any, default: Any) -> Any:
    """A report with one section missing beats no report; the reason is logged."""
    try:
        return fn()
    except Exception:
        log.exception("report: %s failed", what)
        return default


def build_report_html(workspace: Any, dataset_id: str, *, metric: str | None = None) -> str:
    """The whole report as one HTML string."""
    info = workspace.dataset(dataset_id)
    metric = metric or workspace.default_metric(dataset_id)
    label = METRIC_LABELS.get(metric, metric)
    lower = metric in LOWER_IS_BETTER
    metrics = metrics_for(info.task_type)
    table = workspace.results(dataset_id, metric)
    board = table.board
    experiments = workspace.experiments(dataset_id)
    suggestions = _safely(
        "suggestions", lambda: workspace.suggest(dataset_id, metric=metric, top=10), []
    )
    recommender = _safely(
        "recommender", lambda: workspace.recommender_info(info.task_type, metric), {}
    )
    failed = [e for e in experiments if e.status in ("failed", "timeout")]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>metadesk report: {_e(info.name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(info.name)}</h1>",
        f"<p class='muted'>metadesk {_e(__version__)} report, "
        f"{datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}</p>",
        "<h2>The data</h2><dl>",
        f"<dt>Source file</dt><dd>{_e(info.source_path or '–')}</dd>",
        f"<dt>Rows</dt><dd>{info.n_rows:,}</dd><dt>Features</dt><dd>{info.n_features:,}</dd>",
        f"<dt>Target</dt><dd>{_e(info.target)}</dd>",
        f"<dt>Task</dt><dd>{_e(info.task_type)}</dd>",
        f"<dt>Metric</dt><dd>{_e(label)} ({'lower' if lower else 'higher'} is better)</dd>",
        f"<dt>Cleaning</dt><dd>{_cleaning_html(workspace, dataset_id)}</dd>",
        f"<dt>Model to use</dt><dd>{_best_model_text(board)}</dd>",
        f"<dt>Exported</dt><dd>{_exports_html(workspace, dataset_id)}</dd></dl>",
        "<h2>Leaderboard</h2>",
        f"<p class='muted'>Mean ± standard deviation over cross-validation folds; "
        f"{len(board)} configuration(s), best first. Each own run is compared with the best on "
        "the same folds (corrected resampled t-test of Nadeau and Bengio): a run <i>tied with "
        "the best</i> differs from it by no more than chance would explain. The baseline row "
        "ignores every feature: it is the score any useful model has to beat.</p>",
        _leaderboard_table(board, metric, metrics, table.baseline),
    ]
    parts += [f"<p class='note'>{_e(note)}</p>" for note in table.notes]
    if failed:
        parts.append(
            f"<p class='note'>{len(failed)} experiment(s) did not finish: "
            + "; ".join(_e(f"{e.configuration_label}: {e.error or e.status}") for e in failed[:5])
            + "</p>"
        )
    parts.append("<h2>Plots</h2>")
    if not board.empty and metric in board:
        parts.append(
            _img(
                report_plots.score_by_configuration(
                    list(board["label"].astype(str)),
                    list(board[metric]),
                    list(board.get(f"{metric}_std", pd.Series([math.nan] * len(board)))),
                    metric_label=label,
                    provenance=list(board["provenance"]),
                    lower_is_better=lower,
                    groups=list(board["group"]),
                    baseline=table.baseline.mean.get(metric) if table.baseline else None,
                ),
                f"{label} by configuration",
                f"{label} by configuration, with ±1 standard deviation over folds; runs worse "
                "than the best are faded, the dashed line is the baseline.",
            )
        )
    ordered = finished_scores(experiments, metric)
    if ordered:
        parts.append(
            _img(
                report_plots.best_so_far(
                    [s for _, s in ordered],
                    metric_label=label,
                    lower_is_better=lower,
                    baseline=table.baseline.mean.get(metric) if table.baseline else None,
                ),
                "best so far",
                "Each experiment's score in the order it finished, and the best found so far.",
            )
        )
    held_out = _safely(
        "held-out predictions", lambda: held_out_predictions(workspace, dataset_id, metric), {}
    )
    pairs = [
        (str(place), held_out[cid], score)  # points numbered as on the leaderboard above
        for place, cid, score in _own_scores(board, metric)
        if cid in held_out
    ]
    if pairs:
        parts.append(
            _img(
                report_plots.predicted_vs_measured(
                    [p[0] for p in pairs],
                    [p[1][0] for p in pairs],
                    [p[1][1] for p in pairs],
                    [p[1][2] for p in pairs],
                    [p[2] for p in pairs],
                    metric_label=label,
                ),
                "predicted against measured",
                "What the meta-model predicted without this dataset's results, against what was "
                "measured, each run numbered by its place on the leaderboard. Points on the "
                "dashed line were predicted exactly.",
            )
        )
    if len(parts) and parts[-1] == "<h2>Plots</h2>":
        parts.append('<p class="muted">No finished experiments to plot yet.</p>')
    parts += _safely("diagnostics", lambda: _diagnostics_section(workspace, board, info), [])
    parts.append("<h2>What to try next</h2>")
    if recommender.get("sentence"):
        parts.append(f"<p class='note'>{_e(recommender['sentence'])}</p>")
    parts.append(_suggestions_table(suggestions, label))
    parts.append("</body></html>")
    return "\n".join(parts)


def _diagnostics_section(workspace: Any, board: pd.DataFrame, info: Any) -> list[str]:
    """The best own run's out-of-fold diagnostics (when its predictions were kept)."""
    from metadesk.report import diagnostic_plots
    from metadesk.workspace.diagnostics import diagnostics

    best = board[board["group"] == "best"] if "group" in board else board.iloc[:0]
    if best.empty:
        return []
    row = best.iloc[0]
    oof = workspace.predictions(int(row["experiment_id"]))
    if oof is None:
        return []
    found = diagnostics(oof)
    label = str(row["label"])
    parts = [
        f"<h2>Diagnostics of the best run</h2><p class='muted'>{_e(label)}: each of the "
        f"{found.n_rows:,} rows predicted by the model that did not see it (out of fold).</p>"
    ]
    captions = {
        "confusion": "Rows: the actual class; columns: the predicted one.",
        "roc": "ROC curve: true against false positive rate; the area (AUC) is 0.5 for guessing.",
        "precision_recall": "Precision against recall, with the average precision (AP).",
        "calibration": "Predicted probability against how often it came true.",
        "predicted_actual": "Predicted against actual values.",
        "residuals": "Residuals (actual − predicted) against the prediction.",
    }
    for key, text in diagnostic_plots.views_for(info.task_type):
        figure = diagnostic_plots.BUILDERS[key](found)
        parts.append(_img(figure, text, captions[key]))
    return parts


def _own_scores(board: pd.DataFrame, metric: str) -> list[tuple[int, str, float]]:
    """(place on the leaderboard from 1, configuration id, score) of this dataset's own runs."""
    if board.empty or metric not in board:
        return []
    return [
        (place, str(r.configuration_id), float(getattr(r, metric)))
        for place, r in enumerate(board.itertuples(index=False), start=1)
        if r.provenance == "own" and pd.notna(getattr(r, metric))
    ]


def held_out_predictions(
    workspace: Any, dataset_id: str, metric: str
) -> dict[str, tuple[float, float, float]]:
    """configuration id -> (predicted, low, high) from a meta-model that never saw this dataset's
    results: the honest comparison with what was then measured."""
    from metadesk.metamodel import MetaModel

    info = workspace.dataset(dataset_id)
    md = workspace.meta_dataset()
    runs = md.runs[md.runs["dataset_id"] != dataset_id] if len(md.runs) else md.runs
    datasets = md.datasets.drop(index=dataset_id, errors="ignore")
    held_out = dataclasses.replace(md, datasets=datasets, runs=runs)
    # Reuse the workspace model's held-out evaluation: choosing a recommender again is costly.
    knowledge = getattr(workspace, "knowledge", None)
    evaluation = None
    if knowledge is not None:
        evaluation = getattr(knowledge.model(info.task_type, metric), "evaluation", None)
    model = MetaModel(info.task_type, metric).fit(held_out, evaluation=evaluation)
    if model.cold_start:
        return {}
    from metadesk.portfolio import default_portfolio

    ranked = model.rank(workspace.meta_features(dataset_id), default_portfolio(info.task_type))
    predictions: dict[str, tuple[float, float, float]] = {}
    for s in ranked:
        if math.isfinite(s.predicted) and math.isfinite(s.low) and math.isfinite(s.high):
            predicted, low, high = within_metric_range(metric, s.predicted, s.low, s.high)
            predictions[s.configuration.id] = (predicted, low, high)
    return predictions


def _source(name: str) -> str:
    source = source_of(name)
    return f" ({source})" if source else ""


def _cleaning_html(workspace: Any, dataset_id: str) -> str:
    """What was left out or changed before learning: the task's notes, excluded columns, rows."""
    task = _safely("task", lambda: workspace.load_task(dataset_id), None)
    if task is None:
        return "–"
    steps = [str(n) for n in getattr(task, "notes", ()) or ()]
    for column, reason in dict(getattr(task, "excluded", {}) or {}).items():
        steps.append(f"Column '{column}' not used: {reason}.")
    dropped = int(getattr(task, "dropped_rows", 0) or 0)
    if dropped:
        steps.append(f"{dropped:,} row(s) left out.")
    steps.append(
        "In every fold: median imputation of missing numbers (with missing-value flags), one-hot "
        "or target encoding of categories, scaling where the model needs it."
    )
    return "<ul>" + "".join(f"<li>{_e(step)}</li>" for step in steps) + "</ul>"


def _best_model_text(board: pd.DataFrame) -> str:
    """The configuration Predict and Export use unless the analyst picks another."""
    if board.empty:
        return "none yet: run an experiment first"
    own = board[board["provenance"] == "own"] if "provenance" in board else board
    row = (own if len(own) else board).iloc[0]
    name = str(row.get("label") or row.get("configuration_id"))
    return f"{_e(name)} — the best of your runs, which Predict and Export use by default"


def _exports_html(workspace: Any, dataset_id: str) -> str:
    """Which models and prediction files were written from this dataset, newest first."""
    store = workspace.store
    rows = _safely("exports", lambda: store.exports(dataset_id), [])
    if not rows:
        return "nothing yet"
    labels = {}
    for r in rows:
        config = _safely(
            "configuration", lambda r=r: store.configuration(r["configuration_id"]), {}
        )
        labels[r["configuration_id"]] = (config or {}).get("label") or r["configuration_id"]
    what = {"model": "model", "predictions": "predictions"}
    items = "".join(
        f"<li>{_e(what.get(r['kind'], r['kind']))} of <b>{_e(labels[r['configuration_id']])}</b> "
        f"to {_e(r['path'])} <span class='muted'>({_e(str(r['at'])[:16].replace('T', ' '))})</span></li>"
        for r in reversed(rows[-10:])
    )
    return f"<ul>{items}</ul>"

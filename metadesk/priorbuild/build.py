"""Build the shipped prior knowledge: every corpus dataset through the same path a user's data takes.

`build_prior` adds each manifest dataset to a build workspace (`make_task`, snapshot, meta-features),
queues the whole default portfolio under the standard protocol, runs it on the real executor and
exports what has finished, in the exchange format, to `resources/knowledge/` as it goes. It resumes:
finished experiments are reused by the workspace, and pairs already in the exported runs are skipped,
so a fresh clone continues from the committed partial prior.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from metadesk.errors import RareClasses, UserError
from metadesk.experiments.spec import Protocol
from metadesk.priorbuild.corpus import CorpusEntry, load_corpus_frame, read_manifest
from metadesk.priorbuild.export import (
    ExportedPrior,
    export_prior,
    read_exported,
    take_labels,
    write_report,
)
from metadesk.priorbuild.settings import DEFAULT_MAX_ROWS, DEFAULT_WORK_DIR, PRIOR_PROTOCOL

log = logging.getLogger(__name__)

SAMPLE_SEED = 0

Progress = Callable[[str], None]


@dataclass
class BuildSummary:
    """What one call of `build_prior` did; also written into the build report."""

    session: str = field(
        default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds")
    )
    datasets_total: int = 0
    datasets_added: int = 0
    datasets_complete_before: int = 0
    dataset_failures: dict[str, str] = field(default_factory=dict)
    queued: int = 0
    seconds: float = 0.0
    exported: ExportedPrior | None = None


def cap_rows(
    frame: pd.DataFrame, target: str, task_type: str, max_rows: int | None
) -> pd.DataFrame:
    """The documented row cap of the prior: at most `max_rows` rows, drawn with seed 0.

    Classification keeps every class in proportion (a stratified sample), with at least
    `min(class size, 10)` rows per class so rare classes survive 5-fold cross-validation;
    regression draws a plain random sample. Rows with a missing target are left out first.
    """
    frame = frame[frame[target].notna()]
    if not max_rows or len(frame) <= max_rows:
        return frame
    if task_type == "regression":
        return frame.sample(n=max_rows, random_state=SAMPLE_SEED).sort_index()
    counts = frame[target].value_counts()
    floor = counts.clip(upper=10)
    share = (counts / counts.sum() * max_rows).round().astype(int)
    quota = pd.concat([share, floor], axis=1).max(axis=1)
    # Take the excess of the quotas (the rare-class floors) from the largest classes.
    excess = int(quota.sum()) - max_rows
    for label in counts.index:
        if excess <= 0:
            break
        cut = min(excess, int(quota[label] - floor[label]))
        quota[label] -= cut
        excess -= cut
    parts = [
        frame[frame[target] == label].sample(n=int(quota[label]), random_state=SAMPLE_SEED)
        for label in counts.index
        if quota[label] > 0
    ]
    return pd.concat(parts).sort_index()


def build_order(entries: Sequence[CorpusEntry], max_rows: int | None) -> list[CorpusEntry]:
    """One dataset of every group first, small to large, then the second of every group, ...:
    an interrupted build still covers as many independent sources as possible."""

    def cost(e: CorpusEntry) -> int:
        return min(e.rows, max_rows or e.rows) * max(e.columns, 1)

    rank: dict[str, int] = {}
    keyed = []
    for e in sorted(entries, key=lambda e: (cost(e), e.name)):
        rank[e.group] = rank.get(e.group, -1) + 1
        keyed.append((rank[e.group], cost(e), e.name, e))
    return [k[-1] for k in sorted(keyed, key=lambda k: k[:3])]


def portfolio_ids(task_type: str, only: Sequence[str] | None = None) -> list[str]:
    from metadesk.portfolio import default_portfolio

    ids = [c.id for c in default_portfolio(task_type) if c.runnable]
    return [i for i in ids if i in set(only)] if only else ids


def build_prior(
    manifest: Path | str,
    out_dir: Path | str,
    *,
    cache_dir: Path | str,
    workers: int | None = None,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    progress: Progress | None = None,
    work_dir: Path | str | None = None,
    protocol: Protocol = PRIOR_PROTOCOL,
    names: Sequence[str] | None = None,
    limit: int | None = None,
    configurations: Sequence[str] | None = None,
    export_every_s: float = 600.0,
    evaluate: bool = True,
    evaluate_every_s: float = 1800.0,
) -> BuildSummary:
    """Run the portfolio on every manifest dataset and export the prior to `out_dir`.

    `work_dir` holds the build workspace (default `build/prior/`); `names`/`limit` pick a subset of
    the manifest; `configurations` restricts the portfolio (tests); the export is refreshed every
    `export_every_s` seconds and at the end; the held-out evaluation in the report is refreshed
    every `evaluate_every_s` seconds and at the end.
    """
    from metadesk.workspace.service import Workspace

    say = progress or (lambda msg: log.info("%s", msg))
    started = time.monotonic()
    out_dir, work_dir = Path(out_dir), Path(work_dir or DEFAULT_WORK_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    work_dir.mkdir(parents=True, exist_ok=True)
    entries = read_manifest(manifest)
    if names:
        wanted = set(names)
        entries = [e for e in entries if e.name in wanted]
    entries = build_order(entries, max_rows)[:limit] if limit else build_order(entries, max_rows)
    summary = BuildSummary(datasets_total=len(entries))
    seeded = read_exported(out_dir)
    # Both are built from the exported tables on each access: once here, not per lookup.
    done_pairs, seeded_ids = seeded.done_pairs, seeded.dataset_ids
    say(f"{len(entries)} datasets; {len(done_pairs)} experiments already in {out_dir}")

    pid_file = work_dir / "build.pid"
    pid_file.write_text(str(os.getpid()))
    ws = Workspace.open(work_dir / "workspace.sqlite", prior_dir=False)
    try:
        _check_settings(work_dir, max_rows)
        ws.start(workers=workers)
        in_workspace = {d.name: d.dataset_id for d in ws.datasets()}
        last_export = time.monotonic()
        for i, entry in enumerate(entries, start=1):
            if entry.duplicate:  # it would take over its twin's dataset id, and with it its name
                continue
            ids = portfolio_ids(entry.task_type, configurations)
            known = seeded_ids.get(entry.name)
            if known and all((known, c) in done_pairs for c in ids):
                summary.datasets_complete_before += 1
                continue
            try:
                dataset_id = in_workspace.get(entry.name) or _add(
                    ws, entry, cache_dir, max_rows, protocol.folds
                )
            except UserError as exc:
                summary.dataset_failures[entry.name] = exc.message
                say(f"[{i}/{len(entries)}] {entry.name}: skipped ({exc.message})")
                continue
            except Exception as exc:  # a corpus file the pipeline cannot take: report, go on
                log.exception("cannot add %s", entry.name)
                summary.dataset_failures[entry.name] = f"{type(exc).__name__}: {exc}"
                continue
            summary.datasets_added += 1
            todo = [c for c in ids if (dataset_id, c) not in done_pairs]
            if todo:
                summary.queued += len(
                    ws.queue(dataset_id, todo, protocol=protocol, retry_failed=True)
                )
            say(f"[{i}/{len(entries)}] {entry.name}: {len(todo)} experiments queued")
            if time.monotonic() - last_export > export_every_s:
                _export(ws, entries, seeded, out_dir, summary, started, evaluate=False)
                last_export = time.monotonic()
        # Meta-features stored by an older extractor are brought up to date while experiments run.
        _refresh_meta_features(ws, say)
        last_evaluation = time.monotonic()
        while not ws.wait(timeout=export_every_s):
            if not ws.running or ws.paused:
                break
            # The held-out evaluation costs more than an export: refresh it less often.
            again = evaluate and time.monotonic() - last_evaluation > evaluate_every_s
            exported = _export(ws, entries, seeded, out_dir, summary, started, evaluate=again)
            last_evaluation = time.monotonic() if again else last_evaluation
            say(f"exported {exported.describe()}")
        summary.exported = _export(ws, entries, seeded, out_dir, summary, started, evaluate)
        say(f"done: {summary.exported.describe()}")
    except KeyboardInterrupt:
        # Stopped by hand: keep what has finished (running experiments are queued again).
        ws.pause()
        exported = _export(ws, entries, seeded, out_dir, summary, started, evaluate=False)
        say(f"interrupted; exported {exported.describe()}")
        raise
    finally:
        ws.close()
        pid_file.unlink(missing_ok=True)
    summary.seconds = time.monotonic() - started
    return summary


def build_running(work_dir: Path | str | None = None) -> int | None:
    """The process id of a build still running on `work_dir`, else None."""
    pid_file = Path(work_dir or DEFAULT_WORK_DIR) / "build.pid"
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def export_only(
    manifest: Path | str,
    out_dir: Path | str,
    *,
    work_dir: Path | str | None = None,
    evaluate: bool = True,
    progress: Progress | None = None,
    take_labels_from: Path | str | None = None,
) -> ExportedPrior:
    """Refresh the exported prior and its report without running anything.

    `take_labels_from`: first replace the classification scores by those exported there (a
    finished rebuild of the labels; `export.take_labels`).

    While a build runs on `work_dir`, its workspace is left alone (opening it would mark its running
    experiments as interrupted): the report is rebuilt from the files it last exported.
    """
    from metadesk.workspace.service import Workspace

    say = progress or (lambda msg: log.info("%s", msg))
    out_dir, work_dir = Path(out_dir), Path(work_dir or DEFAULT_WORK_DIR)
    entries = read_manifest(manifest)
    if take_labels_from is not None:
        relabelled, runs = take_labels(out_dir, take_labels_from)
        say(f"took {runs} scores of {relabelled} classification datasets from {take_labels_from}")
    seeded = read_exported(out_dir)
    db = work_dir / "workspace.sqlite"
    if build_running(work_dir) is None and db.exists():
        ws = Workspace.open(db, prior_dir=False)
        try:
            _refresh_meta_features(ws, say)
            exported = _export(ws, entries, seeded, out_dir, BuildSummary(), None, evaluate)
        finally:
            ws.close()
    else:
        say("a build is running (or no build workspace): reporting from the exported files")
        exported = write_report(entries, seeded, out_dir, None, None, evaluate=evaluate)
    say(f"exported {exported.describe()}")
    return exported


def _refresh_meta_features(ws, say: Progress) -> None:
    """Re-extract meta-features computed by an older extractor version (or over budget)."""
    n = ws.refresh_meta_features(
        progress=lambda done, total, _id: say(f"meta-features refreshed {done}/{total}")
    )
    if n:
        say(f"{n} datasets got up-to-date meta-features")


def _check_settings(work_dir: Path, max_rows: int | None) -> None:
    """A build workspace holds datasets capped at one `max_rows`: refuse to mix two caps."""
    path = work_dir / "build_settings.json"
    settings = {"max_rows": max_rows or 0}
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        if old.get("max_rows") != settings["max_rows"]:
            raise UserError(
                f"The build workspace in {work_dir} was made with --max-rows {old.get('max_rows')}.",
                "Use the same --max-rows, or another --work folder for another row cap.",
            )
    else:
        path.write_text(json.dumps(settings), encoding="utf-8")


def _add(ws, entry: CorpusEntry, cache_dir, max_rows: int | None, folds: int) -> str:
    """Load, cap and add one corpus dataset; compute its meta-features. Returns the dataset id."""
    frame = cap_rows(load_corpus_frame(entry, cache_dir), entry.target, entry.task_type, max_rows)
    options = {"task_type": entry.task_type, "name": entry.name, "folds": folds}
    try:
        task = ws.make_task(frame, entry.target, **options)
    except RareClasses as exc:
        # Classes too rare for cross-validation are dropped, as the app offers a user to do.
        task = ws.make_task(frame, entry.target, drop_classes=exc.classes, **options)
    info = ws.add_dataset(task)
    ws.meta_features(info.dataset_id)
    return info.dataset_id


def _export(ws, entries, seeded, out_dir, summary, started, evaluate: bool) -> ExportedPrior:
    return export_prior(
        ws.meta_dataset(),
        ws.experiments(),
        entries,
        seeded,
        out_dir,
        summary=summary,
        seconds=None if started is None else time.monotonic() - started,
        evaluate=evaluate,
    )

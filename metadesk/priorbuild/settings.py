"""The prior's standard build settings, apart so the command line can show them as defaults
without importing the pipeline (which the frozen app does not carry)."""

from __future__ import annotations

from pathlib import Path

from metadesk.experiments.spec import Protocol

# The standard protocol of the prior: 5-fold cross-validation, seed 0, two minutes per experiment.
PRIOR_PROTOCOL = Protocol(folds=5, repeats=1, seed=0, time_limit_s=120.0, memory_limit_mb=4096)
DEFAULT_MAX_ROWS = 2000
DEFAULT_WORK_DIR = Path("build") / "prior"

"""The portfolio: the algorithm configurations metadesk ships, and how each becomes a pipeline."""

from __future__ import annotations

from metadesk.portfolio.algorithms import ALGORITHMS, Algorithm, get_algorithm, register_algorithm
from metadesk.portfolio.catalog import (
    configuration_descriptor,
    configuration_id,
    configuration_label,
    default_order,
    default_portfolio,
    get_configuration,
)
from metadesk.portfolio.configuration import Configuration
from metadesk.portfolio.preprocessing import TRUSTED_TYPES, build_pipeline, build_preprocessor

__all__ = [
    "ALGORITHMS",
    "TRUSTED_TYPES",
    "Algorithm",
    "Configuration",
    "build_pipeline",
    "build_preprocessor",
    "configuration_descriptor",
    "configuration_id",
    "configuration_label",
    "default_order",
    "default_portfolio",
    "get_algorithm",
    "get_configuration",
    "register_algorithm",
]

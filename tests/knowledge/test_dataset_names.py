"""Shipped datasets are shown by a plain name with their source apart, never as "keel-german"."""

from __future__ import annotations

import pytest

from metadesk.knowledge.dataset_names import plain_name, source_of


@pytest.mark.parametrize(
    ("name", "plain", "source"),
    [
        ("keel-german", "German", "KEEL repository"),
        ("sklearn-breast_cancer", "Breast cancer", "scikit-learn"),
        ("keel-glass-0-6_vs_5", "Glass 0-6 vs 5", "KEEL repository"),
        ("wooldridge-ceosal2", "Ceosal2", "Wooldridge, Introductory Econometrics"),
        ("penguins-body_mass", "Penguins body mass", "Palmer penguins"),
        ("my-survey", "my-survey", ""),  # the analyst's own names are left alone
        ("Keel-Report", "Keel-Report", ""),
    ],
)
def test_plain_names_and_sources(name, plain, source):
    assert plain_name(name) == plain
    assert source_of(name) == source

"""Synthetic meta-datasets shared by the meta-model tests (tiny, learnable, with near-twins)."""

from __future__ import annotations

import pytest

from metadesk.metamodel.synthetic import synthetic_meta_dataset


@pytest.fixture(scope="session")
def meta_dataset():
    return synthetic_meta_dataset(60, 12, 24, seed=1)


@pytest.fixture(scope="session")
def held_out(meta_dataset):
    from metadesk.metamodel import evaluate

    return evaluate(meta_dataset, "binary", "accuracy", random_seeds=3)


def meta_features_of(md, dataset_id):
    row = md.datasets.loc[dataset_id]
    skip = ("name", "task_type", "group", "provenance")
    return {k: float(v) for k, v in row.items() if k not in skip}


@pytest.fixture(scope="session")
def features_of():
    return meta_features_of

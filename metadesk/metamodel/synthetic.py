"""Synthetic meta-datasets with a known, learnable structure, for tests and benchmarks.

Scores depend on latent dataset properties that the meta-features reveal (with noise and gaps);
datasets of one group are variants of one source, and some configurations are near-twins.
Nothing here is ever shown to a user as knowledge: every dataset is named "synthetic-...".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metadesk.metamodel.values import MetaDataset
from metadesk.portfolio.configuration import Configuration

# (family, affinity to the 3 latent properties, base quality); random forest and extra trees are twins.
_FAMILIES = (
    ("hist_gb", (0.9, 0.2, -0.4), 0.5),
    ("random_forest", (0.5, 0.8, -0.2), 0.4),
    ("extra_trees", (0.5, 0.8, -0.2), 0.38),
    ("logistic", (-0.9, -0.2, 0.9), 0.2),
    ("knn", (-0.3, -0.9, 0.1), -0.1),
    ("svm", (-0.5, 0.3, 0.6), 0.1),
    ("naive_bayes", (-0.8, 0.1, -0.8), -0.5),
    ("mlp", (0.2, -0.6, 0.7), 0.0),
)


def synthetic_meta_dataset(
    n_datasets: int = 60,
    n_groups: int = 12,
    n_configs: int = 24,
    *,
    seed: int = 0,
    task_type: str = "binary",
    metric: str = "accuracy",
    noise: float = 0.25,
    missing: float = 0.05,
    extra_noise_features: int = 0,
) -> MetaDataset:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_groups, 3))
    group_of = np.sort(np.arange(n_datasets) % n_groups)
    latent = centres[group_of] + rng.normal(scale=0.2, size=(n_datasets, 3))

    configs: list[Configuration] = []
    affinity, base = [], []
    for i in range(n_configs):
        fam, aff, b = _FAMILIES[i % len(_FAMILIES)]
        level = i // len(_FAMILIES)
        params = {"level": level}
        cid = f"{fam}:level={level}"
        task_types = ("regression",) if task_type == "regression" else ("binary", "multiclass")
        configs.append(Configuration(cid, fam, params, f"{fam} {level}", task_types=task_types))
        affinity.append(np.array(aff) + rng.normal(scale=0.08, size=3))
        base.append(b - 0.15 * level)
    affinity_m, base_v = np.array(affinity), np.array(base)

    difficulty = rng.uniform(0.65, 0.92, size=n_datasets)
    spread = rng.uniform(0.02, 0.06, size=n_datasets)
    signal = base_v[None, :] + latent @ affinity_m.T
    scores = difficulty[:, None] + spread[:, None] * (
        signal + rng.normal(scale=noise, size=signal.shape)
    )
    if metric == "r2":
        scores = scores - 0.1
    elif metric in ("rmse", "mae", "log_loss"):
        scores = 1.5 - scores
    scores = np.clip(scores, 0.0, 1.0) if metric != "rmse" else scores

    feats = _meta_features(latent, rng, missing)
    for k in range(extra_noise_features):  # uninformative columns, as many real meta-features are
        feats[f"NoiseFeature{k:02d}"] = rng.lognormal(size=n_datasets)
    ids = [f"syn{seed}-{i:03d}" for i in range(n_datasets)]
    datasets = pd.DataFrame(
        {
            "name": [f"synthetic-{i:03d}" for i in range(n_datasets)],
            "task_type": task_type,
            "group": [f"source{g:02d}" for g in group_of],
            "provenance": "prior",
        },
        index=pd.Index(ids, name="dataset_id"),
    )
    datasets = pd.concat([datasets, feats.set_index(datasets.index)], axis=1)
    runs = pd.DataFrame(
        {
            "dataset_id": np.repeat(ids, n_configs),
            "configuration_id": [c.id for c in configs] * n_datasets,
            "algorithm": [c.algorithm for c in configs] * n_datasets,
            "metric": metric,
            "score": scores.ravel(),
            "std": 0.01,
            "folds": 5,
            "fit_seconds": 0.5,
            "provenance": "prior",
        }
    )
    return MetaDataset(datasets=datasets, runs=runs, configurations={c.id: c for c in configs})


def _meta_features(latent: np.ndarray, rng: np.random.Generator, missing: float) -> pd.DataFrame:
    n = latent.shape[0]
    u0, u1, u2 = latent.T
    feats = pd.DataFrame(
        {
            "NumberOfInstances": np.round(np.exp(7 + 1.2 * u0 + rng.normal(0, 0.2, n))),
            "NumberOfFeatures": np.round(np.exp(2.5 - 0.8 * u1 + rng.normal(0, 0.2, n))),
            "ClassEntropy": np.clip(0.8 + 0.15 * u2 + rng.normal(0, 0.05, n), 0.05, None),
            "MeanSkewnessOfNumericAtts": u2 * 1.5 + rng.normal(0, 0.3, n),
            "PercentageOfSymbolicFeatures": 100 / (1 + np.exp(-(u0 - u2))),
            "kNN1NErrRate": np.clip(0.3 + 0.05 * u1 + rng.normal(0, 0.02, n), 0, 1),
            "NoiseFeatureA": rng.normal(size=n),
            "NoiseFeatureB": rng.uniform(size=n),
        }
    )
    if missing > 0:
        mask = rng.uniform(size=feats.shape) < missing
        feats = feats.mask(mask)
    return feats

"""With no prior, a workspace's own first results do not make a meta-model: suggestions stay a
labelled default order, and the dummy baseline never comes before a real model."""

from __future__ import annotations

import pandas as pd

from metadesk.metamodel import MetaDataset, MetaModel
from metadesk.portfolio import default_order, default_portfolio


def _own_results(scores: dict[str, float], task_type: str = "binary", metric: str = "accuracy"):
    """One own dataset with these results, as the workspace's store gives them."""
    configs = {c.id: c for c in default_portfolio(task_type)}
    datasets = pd.DataFrame(
        {"name": ["mine"], "task_type": [task_type], "group": ["d1"], "provenance": ["own"]},
        index=pd.Index(["d1"], name="dataset_id"),
    )
    datasets["NumberOfInstances"] = 100.0
    runs = pd.DataFrame(
        [
            {
                "dataset_id": "d1",
                "configuration_id": cid,
                "algorithm": configs[cid].algorithm,
                "metric": metric,
                "score": s,
                "provenance": "own",
            }
            for cid, s in scores.items()
        ]
    )
    return MetaDataset(datasets, runs, configs)


def test_own_results_alone_give_a_labelled_default_order_without_the_dummy_first():
    order = default_order("binary")
    dummy = next(c for c in order if c.startswith("dummy:"))
    # On the user's one dataset the dummy happened to beat a badly suited model.
    md = _own_results({dummy: 0.70, "knn:n_neighbors=1": 0.62, order[0]: 0.80})
    model = MetaModel("binary", "accuracy").fit(md)
    assert model.cold_start
    candidates = default_portfolio("binary")
    ranked = model.rank({"NumberOfInstances": 200.0}, candidates)
    assert ranked and all(s.cold_start for s in ranked)
    ids = [s.configuration.id for s in ranked]
    real = [i for i in ids if not i.startswith("dummy:")]
    assert real == [c for c in order if not c.startswith("dummy:") and c in real]
    first_dummy = min(k for k, i in enumerate(ids) if i.startswith("dummy:"))
    assert first_dummy == len(real), "every real model comes before a dummy baseline"
    # On the dataset itself, what was run is not offered again.
    again = model.rank({}, candidates, observed={order[0]: 0.8, dummy: 0.7})
    assert order[0] not in {s.configuration.id for s in again}
    assert again[0].configuration.id == order[1]


def test_a_learned_ranking_never_puts_the_dummy_before_real_models(meta_dataset, features_of):
    from metadesk.portfolio.configuration import Configuration

    dummy = Configuration("dummy:strategy=prior", "dummy", {}, "Dummy")
    md = MetaDataset(
        meta_dataset.datasets,
        pd.concat(
            [
                meta_dataset.runs,
                pd.DataFrame(
                    {
                        "dataset_id": meta_dataset.datasets.index,
                        "configuration_id": dummy.id,
                        "algorithm": "dummy",
                        "metric": "accuracy",
                        "score": 0.99,  # implausibly good: still a baseline, not a model
                    }
                ),
            ],
            ignore_index=True,
        ),
        {**meta_dataset.configurations, dummy.id: dummy},
    )
    model = MetaModel("binary", "accuracy").fit(md, evaluation={})
    ranked = model.rank(features_of(md, md.datasets.index[0]))
    assert ranked[-1].configuration.id == dummy.id

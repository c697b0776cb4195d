"""Turns a configuration into a scikit-learn `Pipeline` whose preprocessing is fitted inside the folds.

Columns are cast by role, datetimes become parts, numbers are imputed (and scaled where the model
needs it), categoricals are one-hot encoded when they have few levels and target encoded otherwise.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler, TargetEncoder

from metadesk.errors import TaskProblem
from metadesk.portfolio.algorithms import get_algorithm, make_estimator
from metadesk.portfolio.configuration import Configuration

DATETIME_PARTS = ("year", "month", "day", "weekday", "hour", "days")
# A categorical with more levels than this (in the training fold) is target encoded, not one-hot.
MAX_ONEHOT_LEVELS = 12
_MISSING = "(missing)"
_EPOCH = pd.Timestamp("1970-01-01")

# Classes of ours inside a fitted pipeline: an exported model lists them as trusted for skops.
TRUSTED_TYPES = (
    "metadesk.portfolio.preprocessing.FrameCaster",
    "metadesk.portfolio.preprocessing.CategoryEncoder",
    "metadesk.portfolio.algorithms.NeighboursClassifier",
    "metadesk.portfolio.algorithms.NeighboursRegressor",
)


def _datetimes(col: pd.Series) -> pd.Series:
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        return col.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(col):
        return col
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(col, errors="coerce", utc=True)
    return parsed.dt.tz_localize(None)


class FrameCaster(TransformerMixin, BaseEstimator):
    """Casts each feature column to what its role says; stateless, so it cannot leak across folds.

    Numeric -> float, datetime -> year/month/day/weekday/hour/days-since-1970 floats,
    categorical and boolean -> strings with NaN for missing.
    """

    def __init__(self, roles: tuple[tuple[str, str], ...] = ()) -> None:
        self.roles = roles

    def fit(self, X: pd.DataFrame, y=None) -> FrameCaster:
        self.n_features_in_ = len(self.roles)
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """The columns `transform` makes: datetime columns become their parts."""
        names: list[str] = []
        for column, role in self.roles:
            if role == "datetime":
                names += [f"{column}__{part}" for part in DATETIME_PARTS]
            elif role in ("numeric", "categorical", "boolean"):
                names.append(column)
        return np.asarray(names, dtype=object)

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        out: dict[str, pd.Series] = {}
        for column, role in self.roles:
            col = X[column]
            if role == "numeric":
                if col.dtype == bool or str(col.dtype) == "boolean":
                    col = col.astype("float64")
                values = pd.to_numeric(col, errors="coerce").astype("float64")
                # Infinity (from "inf" in a CSV, or a division) is treated as missing.
                out[column] = values.where(np.isfinite(values))
            elif role == "datetime":
                when = _datetimes(col)
                out[f"{column}__year"] = when.dt.year.astype("float64")
                out[f"{column}__month"] = when.dt.month.astype("float64")
                out[f"{column}__day"] = when.dt.day.astype("float64")
                out[f"{column}__weekday"] = when.dt.day_of_week.astype("float64")
                out[f"{column}__hour"] = when.dt.hour.astype("float64")
                out[f"{column}__days"] = ((when - _EPOCH) / pd.Timedelta(days=1)).astype("float64")
            elif role in ("categorical", "boolean"):
                values = col.astype(object)
                missing = col.isna().to_numpy()
                text = np.array([str(v) for v in values], dtype=object)
                text[missing] = np.nan
                out[column] = pd.Series(text, index=X.index, dtype=object)
        return pd.DataFrame(out, index=X.index)


class CategoryEncoder(TransformerMixin, BaseEstimator):
    """One-hot for columns with at most `max_onehot` levels in the training data, target encoding
    (cross-fitted, so the training rows do not see their own target) for the others."""

    def __init__(self, max_onehot: int = MAX_ONEHOT_LEVELS) -> None:
        self.max_onehot = max_onehot

    def _split(self, X: pd.DataFrame) -> None:
        counts = {c: X[c].nunique(dropna=False) for c in X.columns}
        self.low_ = [c for c in X.columns if counts[c] <= self.max_onehot]
        self.high_ = [c for c in X.columns if counts[c] > self.max_onehot]

    @staticmethod
    def _fill(X: pd.DataFrame) -> pd.DataFrame:
        return X.astype(object).where(X.notna(), _MISSING)

    def fit(self, X: pd.DataFrame, y=None) -> CategoryEncoder:
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X: pd.DataFrame, y=None, **fit_params) -> np.ndarray:
        X = self._fill(pd.DataFrame(X))
        self._split(X)
        self.n_features_in_ = X.shape[1]
        parts = []
        self.onehot_ = None
        self.high_encoder_ = None
        if self.low_:
            self.onehot_ = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
            parts.append(self.onehot_.fit_transform(X[self.low_]))
        if self.high_:
            if y is None:
                self.high_encoder_ = OrdinalEncoder(
                    handle_unknown="use_encoded_value", unknown_value=-1
                )
                parts.append(self.high_encoder_.fit_transform(X[self.high_]))
            else:
                self.high_encoder_ = TargetEncoder()
                parts.append(self.high_encoder_.fit_transform(X[self.high_], y))
        return np.hstack(parts) if parts else np.zeros((len(X), 0))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """One name per output column: "colour_red" for one-hot levels, the column's own name
        for a target- or ordinal-encoded one (a multiclass target encoding adds the class)."""
        names: list[str] = []
        if self.onehot_ is not None:
            names += [str(n) for n in self.onehot_.get_feature_names_out(self.low_)]
        if self.high_encoder_ is not None:
            names += [str(n) for n in self.high_encoder_.get_feature_names_out(self.high_)]
        return np.asarray(names, dtype=object)

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        X = self._fill(pd.DataFrame(X))
        parts = []
        if self.onehot_ is not None:
            parts.append(self.onehot_.transform(X[self.low_]))
        if self.high_encoder_ is not None:
            parts.append(self.high_encoder_.transform(X[self.high_]))
        return np.hstack(parts) if parts else np.zeros((len(X), 0))


def build_preprocessor(roles: Sequence[tuple[str, str]], *, scale: bool) -> Pipeline:
    """The preprocessing part alone: cast by role, then impute/scale numbers and encode categories."""
    roles = tuple((str(c), str(r)) for c, r in roles)
    numeric = [c for c, r in roles if r == "numeric"]
    numeric += [f"{c}__{p}" for c, r in roles if r == "datetime" for p in DATETIME_PARTS]
    categorical = [c for c, r in roles if r in ("categorical", "boolean")]
    if not numeric and not categorical:
        raise TaskProblem(
            "There are no usable feature columns to learn from.",
            "Mark at least one column as numeric, categorical, boolean or datetime.",
        )
    steps: list[tuple[str, BaseEstimator, list[str]]] = []
    if numeric:
        # keep_empty_features: a column that is empty in one fold keeps the same width everywhere.
        number_steps: list[tuple[str, BaseEstimator]] = [
            (
                "impute",
                SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
            )
        ]
        if scale:
            number_steps.append(("scale", StandardScaler()))
        steps.append(("numbers", Pipeline(number_steps), numeric))
    if categorical:
        cat: BaseEstimator = CategoryEncoder()
        if scale:
            cat = Pipeline([("encode", cat), ("scale", StandardScaler())])
        steps.append(("categories", cat, categorical))
    used = tuple((c, r) for c, r in roles if r in ("numeric", "datetime", "categorical", "boolean"))
    return Pipeline(
        [
            ("cast", FrameCaster(used)),
            ("encode", ColumnTransformer(steps, remainder="drop", sparse_threshold=0.0)),
        ]
    )


def build_pipeline(
    configuration: Configuration,
    roles: Sequence[tuple[str, str]],
    task_type: str,
    *,
    seed: int = 0,
) -> Pipeline:
    """The full pipeline of a configuration for a task: preprocessing then the model.

    `roles` gives (column, role) for each feature column; columns with other roles (text,
    identifier, constant) are left out.
    """
    algo = get_algorithm(configuration.algorithm)
    model = make_estimator(configuration.algorithm, configuration.params, task_type, seed)
    prep = build_preprocessor(roles, scale=algo.scale)
    return Pipeline([("prepare", prep), ("model", model)])

"""The values meta-feature extraction returns: every feature with a status, never a silent NaN."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

STATUSES = ("computed", "not_applicable", "over_budget", "failed")


@dataclass(frozen=True)
class MetaFeatureValue:
    name: str
    value: float  # NaN unless status == "computed"
    status: str  # computed | not_applicable | over_budget | failed
    group: str  # general | statistical | info_theory | landmarking | regression
    reason: str = ""


class MetaFeatures(Mapping[str, MetaFeatureValue]):
    """An ordered mapping name -> MetaFeatureValue, with helpers for the meta-model and storage."""

    def __init__(self, values: list[MetaFeatureValue] | Mapping[str, MetaFeatureValue]) -> None:
        items = values.values() if isinstance(values, Mapping) else values
        self._values = {v.name: v for v in items}

    def __getitem__(self, name: str) -> MetaFeatureValue:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def as_floats(self) -> dict[str, float]:
        """name -> value for every feature; NaN where not computed (the meta-model imputes)."""
        return {
            n: (v.value if v.status == "computed" else math.nan) for n, v in self._values.items()
        }

    def computed(self) -> dict[str, float]:
        return {n: v.value for n, v in self._values.items() if v.status == "computed"}

    def to_records(self) -> list[dict]:
        return [
            {
                "name": v.name,
                "value": v.value,
                "status": v.status,
                "group": v.group,
                "reason": v.reason,
            }
            for v in self._values.values()
        ]

    @classmethod
    def from_records(cls, records: list[dict]) -> MetaFeatures:
        return cls(
            [
                MetaFeatureValue(
                    name=r["name"],
                    value=float("nan") if r.get("value") is None else float(r["value"]),
                    status=r["status"],
                    group=r.get("group", ""),
                    reason=r.get("reason", "") or "",
                )
                for r in records
            ]
        )


@dataclass(frozen=True)
class NotApplicable:
    """What a group computation returns for a feature that has no meaning on this table, and why."""

    reason: str


# What a group computation gives for one feature: its value, why it has none, or the full record.
Outcome = float | NotApplicable | MetaFeatureValue

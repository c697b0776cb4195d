"""Column roles: what each column of a table is for, inferred and overridable."""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    TEXT = "text"
    IDENTIFIER = "identifier"
    CONSTANT = "constant"

    def __str__(self) -> str:
        return self.value


# Roles a model can learn from; the others are excluded from the features with a reason.
USABLE_ROLES = frozenset({Role.NUMERIC, Role.CATEGORICAL, Role.BOOLEAN, Role.DATETIME})

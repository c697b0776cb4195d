"""Dataset names an analyst can read: "keel-german" is shown as "German" from "the KEEL repository".

The shipped knowledge names each dataset "<source>-<name>" so that names stay unique; what a person
needs is the plain name and, separately, where the data comes from.
"""

from __future__ import annotations

import re

# Prefix of a shipped dataset's name -> the collection it comes from, in words.
SOURCES = {
    "keel": "KEEL repository",
    "sklearn": "scikit-learn",
    "wooldridge": "Wooldridge, Introductory Econometrics",
    "statsmodels": "statsmodels",
    "islp": "An Introduction to Statistical Learning",
    "openml": "OpenML",
    "uci": "UCI repository",
    "pmlb": "PMLB",
    "penguins": "Palmer penguins",
}
_PART_OF_NAME = frozenset({"penguins"})  # "penguins-species" is about penguins: keep the word


def plain_name(name: str) -> str:
    """ "sklearn-breast_cancer" -> "Breast cancer"; "keel-glass-0-6_vs_5" -> "Glass 0-6 vs 5".
    A name without a known source prefix (the analyst's own) is left as it is."""
    source, rest = _split(name)
    if not source:
        return name
    text = f"{source} {rest}" if source in _PART_OF_NAME else rest
    text = text.replace("_", " ")
    text = re.sub(r"(?<=[A-Za-z])-(?=\d)", " ", text)  # "glass-0-6" -> "glass 0-6"
    text = re.sub(r"\s+", " ", text).strip()
    return (text[:1].upper() + text[1:]) if text else name


def source_of(name: str) -> str:
    """The collection a shipped dataset comes from ("KEEL repository"), or "" for the analyst's."""
    return SOURCES.get(_split(name)[0], "")


def _split(name: str) -> tuple[str, str]:
    head, sep, rest = str(name).partition("-")
    if sep and rest and head.lower() in SOURCES and head == head.lower():
        return head.lower(), rest
    return "", str(name)

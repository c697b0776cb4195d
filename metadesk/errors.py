"""Errors a user can cause, each with a plain-language message and a hint.

Everything that is not a `UserError` is a bug: the faces log it with its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix: a bad file, a column that cannot be a target, too few rows."""

    def __init__(self, message: str, hint: str = "", *, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class FileProblem(UserError):
    """The file cannot be read: missing, locked, empty, binary, undecodable, malformed."""


class UnsupportedFormat(FileProblem):
    """The file's extension or content is not a table format metadesk reads."""


class FileTooLarge(FileProblem):
    """The file is too large to load whole; a row limit or a sample is offered instead."""

    def __init__(self, message: str, hint: str = "", *, size_bytes: int = 0, **kw: str) -> None:
        super().__init__(message, hint, **kw)
        self.size_bytes = size_bytes


class TaskProblem(UserError):
    """The chosen target or the table cannot make a learning task."""


class RareClasses(TaskProblem):
    """Some classes have fewer rows than cross-validation folds; they can be dropped."""

    def __init__(
        self, message: str, hint: str = "", *, classes: list[object] | None = None, **kw: str
    ) -> None:
        super().__init__(message, hint, **kw)
        self.classes = list(classes or [])


class WorkspaceProblem(UserError):
    """The workspace file cannot be opened or written."""


class KnowledgeProblem(UserError):
    """An imported meta-dataset is invalid; nothing was imported."""

    def __init__(
        self, message: str, hint: str = "", *, problems: list[str] | None = None, **kw: str
    ) -> None:
        super().__init__(message, hint, **kw)
        self.problems = list(problems or [])


class ExecutionProblem(UserError):
    """Experiments cannot be run: an unreachable cluster, a missing optional package."""

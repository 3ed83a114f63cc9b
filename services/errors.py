"""One error family whose messages a buyer can read. The command line prints ``str(error)``
and exits 1 (rejected input) or 2 (usage); the window shows the same text in a dialog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class RackbookError(Exception):
    """Base of every error meant for the person using Rackbook."""

    exit_status = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(RackbookError):
    """The command was given wrongly (unknown kind, bad option value)."""

    exit_status = 2


@dataclass
class Problem:
    """One thing wrong with one value: where it is, what it is, and why it is refused."""

    field: str
    value: Any
    reason: str
    row: int | None = None
    column: str | None = None
    file: str | None = None
    sheet: str | None = None

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        parts.append(f"column {self.column!r}" if self.column else f"field {self.field!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        shown = "" if self.value in (None, "") else f" (value {str(self.value)!r})"
        return f"{self.where()}{shown}: {self.reason}"


class ValidationError(RackbookError):
    """A record, or rows of a file, that cannot be written as they are. Nothing was written."""

    def __init__(self, problems: list[Problem], subject: str = "the record") -> None:
        self.problems = list(problems)
        self.subject = subject
        if len(self.problems) == 1:
            message = f"{subject} was not saved: {self.problems[0]}"
        else:
            lines = [f"{subject} was not saved ({len(self.problems)} problems):"]
            lines += [f"  - {p}" for p in self.problems]
            message = "\n".join(lines)
        super().__init__(message)


class NotFoundError(RackbookError):
    pass


class ReferencedError(RackbookError):
    """A record still used by others (a vendor with orders) cannot be deleted."""


class ConflictError(RackbookError):
    """Someone else saved the record since it was read. Both versions travel with the error
    so the window can show them side by side."""

    def __init__(
        self,
        kind: str,
        key: str,
        mine: dict[str, Any] | None = None,
        theirs: dict[str, Any] | None = None,
        by: str | None = None,
        *,
        gone: bool = False,
    ) -> None:
        who = f" by {by}" if by else ""
        if gone:
            message = (
                f"{kind} {key} was deleted{who} since you opened it; your changes were not saved."
            )
        else:
            message = (
                f"{kind} {key} was changed{who} since you opened it; your changes were not "
                "saved. Reload it to see the other version, or save yours on top of it."
            )
        super().__init__(message)
        self.gone = gone
        self.kind = kind
        self.key = key
        self.mine = mine or {}
        self.theirs = theirs or {}


class DatabaseProblem(RackbookError):
    """The database itself refused or is unreachable (locked, read-only, disk full, down)."""

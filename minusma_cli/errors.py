"""The one exception family of minusma and the exit codes it maps to.

Plain module: no Typer, no Rich. ``cli.py`` catches :class:`MinusmaError` once
and turns it into a message on stderr and the exit code named here.
"""

from __future__ import annotations

import enum
from typing import NamedTuple


class ExitCode(enum.IntEnum):
    """Documented exit codes (see README and the design document)."""

    OK = 0
    NOT_FOUND = 1
    USAGE = 2
    BAD_FACTS = 3
    OUTPUT = 4
    INTERNAL = 70
    INTERRUPTED = 130


# NamedTuple, not a dataclass: dataclasses compile code at import, which every run pays.
class Problem(NamedTuple):
    """One thing wrong with a fact file: ``file:line: where: what``."""

    file: str
    line: int | None
    where: str
    what: str

    def __str__(self) -> str:
        """One line, whatever the file name or the data holds: controls shown as escapes (``\\n``)."""
        from minusma_cli.env import escape  # env needs this module first

        place = self.file if self.line is None else f"{self.file}:{self.line}"
        text = f"{place}: {self.where}: {self.what}" if self.where else f"{place}: {self.what}"
        return escape(text)


class MinusmaError(Exception):
    """Base of every error a user may see; carries its exit code."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(MinusmaError):
    """A bad option value: a date, a field name, a format."""

    exit_code = ExitCode.USAGE


class NotFoundError(MinusmaError):
    """The record asked for does not exist."""

    exit_code = ExitCode.NOT_FOUND


class OutputError(MinusmaError):
    """The output could not be written (disk full, closed device)."""

    exit_code = ExitCode.OUTPUT


class FactsError(MinusmaError):
    """One or more fact files cannot be used; holds every problem found."""

    exit_code = ExitCode.BAD_FACTS

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class PipeClosed(MinusmaError):
    """The reader of stdout went away (``| head``): not a failure, so stop quietly with 0."""

    exit_code = ExitCode.OK

    def __init__(self) -> None:
        super().__init__("")

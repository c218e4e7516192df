"""Exit codes and the project's exceptions (standard library only).

Every error the user can meet is a ``NormandieError``: it carries its own one-line message
and the exit code it maps to. The command-line edge turns it into one line on stderr
(``normandie: error: <message>`` for usage errors, with at most one hint line;
``normandie: <file>:<line>:<column>: <message>`` for a fact file); nothing else is caught there.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """The documented exit codes of ``normandie`` (README, "Exit codes")."""

    OK = 0
    #: The fact file is missing, unreadable, malformed or fails its schema.
    DATA_ERROR = 1
    #: Bad command-line usage: unknown option, field, format or id.
    USAGE = 2
    #: ``normandie validate`` found problems in a file that loaded.
    INVALID = 3
    #: ``normandie conflicts --strict`` found sources that disagree.
    CONFLICTS = 4
    #: Interrupted by Ctrl-C (128 + SIGINT).
    INTERRUPTED = 130
    #: The reader closed the pipe early (``| head``); nothing is printed (128 + SIGPIPE).
    BROKEN_PIPE = 141


class NormandieError(Exception):
    """Base of every error the user may see; ``str(err)`` is the one-line message."""

    exit_code: ExitCode = ExitCode.DATA_ERROR


class DataError(NormandieError):
    """A fact file that cannot be read or does not follow the format.

    ``place`` is ``"line L, column C"`` (1-based) when known.
    """

    exit_code = ExitCode.DATA_ERROR

    def __init__(self, path: str, message: str, line: int | None = None, column: int | None = None) -> None:
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        place = ""
        if self.line is not None:
            place = f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return f"{self.path}{place}: {self.message}"


class UsageError(NormandieError):
    """A command-line value the program cannot use (unknown field, id, expression).

    ``hint``, when given, is one more line telling what would work.
    """

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint



def first_problem(problems: list[DataError]) -> DataError:
    """The problem to stop on: the first in the file, saying how many more there are."""
    first = min(problems, key=lambda p: (p.line or 0, p.column or 0))
    more = f" (and {len(problems) - 1} more problems; run 'normandie validate')" if len(problems) > 1 else ""
    return DataError(first.path, first.message + more, first.line, first.column)

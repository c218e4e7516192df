"""Exit codes and the project's exceptions (standard library only).

Every error the user can meet is a ``NormandieError``: it carries its own one-line message
and the exit code it maps to. The command-line edge turns it into one line on stderr
(``normandie: error: <message>`` for usage errors, with at most one hint line;
``normandie: <file>:<line>:<column>: <message>`` for a fact file); nothing else is caught there.
A message quotes at most :data:`VALUE_LIMIT` characters of any value (:func:`shorten`, applied
when an error is formatted): a fact file or a command line may hold values of megabytes.
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
    #: ``normandie diff``: the two fact books differ (as ``diff`` and ``cmp`` say it). The same
    #: number as DATA_ERROR, which ``diff`` reports as TROUBLE instead, so that 1 means only this.
    DIFFERENT = 1
    #: ``normandie diff``: trouble (a fact file missing or unreadable, a bad option), as ``diff``
    #: says it: the same number as USAGE.
    TROUBLE = 2
    #: Ended by SIGHUP (the terminal went away; 128 + SIGHUP), cleaned up as for Ctrl-C.
    HANGUP = 129
    #: Interrupted by Ctrl-C (128 + SIGINT).
    INTERRUPTED = 130
    #: The reader closed the pipe early (``| head``); nothing is printed (128 + SIGPIPE).
    BROKEN_PIPE = 141
    #: Ended by SIGTERM (``kill``, ``timeout``; 128 + SIGTERM), cleaned up as for Ctrl-C.
    TERMINATED = 143


#: The most characters of one value a message quotes (then ``…``).
VALUE_LIMIT = 80
#: The most characters of a whole message, whatever it holds (a last resort).
MESSAGE_LIMIT = 1000
_QUOTE_STARTS = " \t([{,:=/"


def shorten(message: str, limit: int = VALUE_LIMIT) -> str:
    """``message`` with every long value in it cut to ``limit`` characters and ``…``: a quoted
    text (``'...'`` or ``"..."``, as ``repr`` writes one, its closing quote kept), then any other
    run of characters without a space; the whole at most :data:`MESSAGE_LIMIT` characters.
    Linear in the message's length (a value may be 60 MB)."""
    if len(message) <= limit:
        return message
    out: list[str] = []
    start = 0  # what is copied next
    at = 0
    while True:  # quoted values: a quote after a space or a bracket (not an apostrophe in a word)
        candidates = [i for i in (message.find("'", at), message.find('"', at)) if i >= 0]
        if not candidates:
            break
        opening = min(candidates)
        if opening and message[opening - 1] not in _QUOTE_STARTS:
            at = opening + 1
            continue
        closing = _closing_quote(message, opening)
        if closing < 0:
            break
        if closing - opening - 1 > limit:
            out.append(message[start:opening + 1 + limit] + "…")
            start = closing
        at = closing + 1
    out.append(message[start:])
    text = "".join(out)[: MESSAGE_LIMIT + 1]  # what is past the last resort's cut does not matter
    if len(text) > limit:  # a word longer than a cut quoted value (its quotes and "…")
        import re

        text = re.sub(rf"\S{{{limit + 4},}}", lambda long: long[0][:limit] + "…", text)
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + "…"


def _closing_quote(text: str, opening: int) -> int:
    """Where the quoted text opening at ``opening`` closes (a backslash escapes), or -1."""
    quote = text[opening]
    at = opening + 1
    while True:
        closing = text.find(quote, at)
        if closing < 0:
            return -1
        backslashes = 0
        while text[closing - 1 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return closing
        at = closing + 1


class NormandieError(Exception):
    """Base of every error the user may see; ``str(err)`` is the one-line message, its values
    cut to :data:`VALUE_LIMIT` characters."""

    exit_code: ExitCode = ExitCode.DATA_ERROR

    def __str__(self) -> str:
        return shorten(super().__str__())


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
        return f"{self.path}{place}: {shorten(self.message)}"


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

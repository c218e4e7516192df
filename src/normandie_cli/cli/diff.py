"""``normandie diff OLD NEW``: what changed between two fact books (the core: query/diff.py)."""

# No "from __future__ import annotations": the listing decorator reads these annotations as objects.

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import registry
from ..errors import DataError, ExitCode, UsageError
from . import _complete as complete
from ._app import app
from ._output import Output, listing_command
from ._state import State

if TYPE_CHECKING:
    from ..model import FactBook

#: How many arguments git gives an external diff driver: path old-file old-hex old-mode
#: new-file new-hex new-mode (git help diff, GIT_EXTERNAL_DIFF).
GIT_ARGUMENTS = 7
#: The file git gives for the side of a file that does not exist (added or deleted).
NO_FILE = "/dev/null"


@listing_command(app, registry.DIFF, "normandie diff old-facts.yaml facts.yaml --kind figure", needs_book=False)
def diff(
    state: State,
    paths: Annotated[list[Path], typer.Argument(
        metavar="OLD NEW", help="The two fact files (YAML, or a SQLite store: a published export or a cache). "
        "As git's external diff driver: the seven arguments git gives.", show_default=False)],
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", metavar="KIND[,KIND]", shell_complete=complete.kinds,
        help="Only records of these kinds (figure, milestone, project, ...); repeatable.")] = None,
) -> Output:
    """What changed between two fact books, record by record: added, removed, changed field by field.

    A record is the same record in both books when it has the same kind and id; a claim in a
    record's list (status, dates, seats, citations, ...) when it is from the same source with
    the same as-of date (docs/diff.md). Exit status as diff's: 0 when the books are equal, 1 when
    they differ, 2 on trouble. Given git's seven arguments (diff.<driver>.command), it compares
    the old and new files git names and exits 0 unless in trouble, as git expects.
    """
    from ..query.diff import diff_books, parse_kinds

    files = [str(path) for path in paths]

    if len(files) == GIT_ARGUMENTS:
        path, old, new, for_git = files[0], files[1], files[4], True
    elif len(files) == 2:
        path, old, new, for_git = None, files[0], files[1], False
    else:
        raise UsageError(f"diff takes two fact files, OLD and NEW (or git's seven arguments), not {len(files)}",
                         "Try 'normandie diff --help'.")
    kinds = parse_kinds(kind)
    rows = diff_books(_load(state, old, path and f"a/{path}"), _load(state, new, path and f"b/{path}"), kinds)
    if path is not None:
        typer.echo(f"normandie diff a/{path} b/{path}")
    differ = bool(rows) and not for_git
    return Output(rows, exit_code=ExitCode.DIFFERENT if differ else ExitCode.OK)


def _load(state: State, path: str, for_git: str | None) -> "FactBook":
    """One side's book; a fact file that cannot be read is trouble (exit 2), as diff says it.
    ``for_git``: the name git shows for this side (``a/facts.yaml``): its errors name it rather
    than git's temporary file, nothing is cached for a temporary file, and git's ``/dev/null``
    (the file added or deleted) is an empty book."""
    from ..loading.book import load_facts
    from ..loading.files import DEFAULT_MAX_SIZE
    from ..query.diff import empty_book

    if for_git and path == NO_FILE:
        return empty_book(path)
    try:
        return load_facts(path, use_cache=not (state.no_cache or for_git),
                          max_size=state.max_size or DEFAULT_MAX_SIZE)
    except DataError as err:
        err.exit_code = ExitCode.TROUBLE
        if for_git:
            err.path = for_git
        raise

"""``normandie validate``: every problem in one or more fact files, one line each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import ExitCode
from ._app import app
from ._state import State

if TYPE_CHECKING:
    from ..errors import DataError
    from ..model import FactBook


@app.command("validate")
def validate(
    ctx: typer.Context,
    files: Annotated[
        list[str] | None,
        typer.Argument(help="The fact files (default: --data, NORMANDIE_DATA, or the bundled file).",
                       show_default=False),
    ] = None,
) -> None:
    """Check fact files: types, ids, references, and quotes against their source text.

    Prints one line per problem (FILE:LINE:COLUMN: message) and exits 0 only when every file is
    clean, 3 when one has problems, 1 when one cannot be read at all (each file is checked).

    Example: normandie validate my-facts.yaml
    """
    from ..errors import DataError
    from ..loading.book import validate_file
    from ..loading.files import DEFAULT_MAX_SIZE

    state: State = ctx.obj
    max_size = state.max_size or DEFAULT_MAX_SIZE
    if not files or len(files) == 1:  # one file: a file that cannot be read is the run's error
        _report(*validate_file(files[0] if files else state.data, max_size=max_size))
        return
    worst = ExitCode.OK
    for file in files:
        try:
            book, problems = validate_file(file, max_size=max_size)
        except DataError as err:  # the others are still checked; this one is a line of the report
            typer.echo(str(err))
            worst = ExitCode.DATA_ERROR
            continue
        if not _report(book, problems, stop=False) and worst == ExitCode.OK:
            worst = ExitCode.INVALID
    if worst != ExitCode.OK:
        raise typer.Exit(worst)


def _report(book: FactBook, problems: list[DataError], stop: bool = True) -> bool:
    """Print a file's problems, then a summary on stderr; False (or exit 3) when it has any."""
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        typer.echo(f"normandie: {len(problems)} problem(s) in {book.path}", err=True)
        if stop:
            raise typer.Exit(ExitCode.INVALID)
        return False
    facts = sum(1 for _ in book.entities())
    typer.echo(f"normandie: {book.path}: ok ({facts} records)", err=True)
    return True

"""``normandie validate``: every problem in a fact file, one line each."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import ExitCode
from ._app import app
from ._state import State


@app.command("validate")
def validate(
    ctx: typer.Context,
    file: Annotated[
        str | None,
        typer.Argument(help="The fact file (default: --data, NORMANDIE_DATA, or the bundled file).",
                       show_default=False),
    ] = None,
) -> None:
    """Check a fact file: types, ids, references, and quotes against their source text.

    Prints one line per problem (FILE:LINE:COLUMN: message) and exits 0 only when the file is
    clean, 3 when it has problems, 1 when it cannot be read at all.

    Example: normandie validate my-facts.yaml
    """
    from ..loading.book import validate_file

    state: State = ctx.obj
    from ..loading.files import DEFAULT_MAX_SIZE

    book, problems = validate_file(file or state.data, max_size=state.max_size or DEFAULT_MAX_SIZE)
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        typer.echo(f"normandie: {len(problems)} problem(s) in {book.path}", err=True)
        raise typer.Exit(ExitCode.INVALID)
    facts = sum(1 for _ in book.entities())
    typer.echo(f"normandie: {book.path}: ok ({facts} records)", err=True)

"""``normandie fields [COMMAND]``: what ``--fields``, ``--sort`` and ``--where`` accept."""

from __future__ import annotations

from typing import Annotated

import typer

from . import _complete as complete
from ._app import app
from ._output import OutputFormat, emit
from ._state import State


@app.command("fields")
def fields(
    ctx: typer.Context,
    command: Annotated[str | None, typer.Argument(help="Only this command's fields.", show_default=False,
                                                  autocompletion=complete.commands)] = None,
    format: Annotated[OutputFormat | None, typer.Option(
        "--format", "-f", case_sensitive=False, show_default=False, autocompletion=complete.formats,
        help="Output format. Default: table on a terminal, tsv when piped.")] = None,
) -> None:
    """Each listing command's fields, with type and a one-line description.

    Example: normandie fields companies
    """
    from ..query import FIELDS, field_rows

    state: State = ctx.obj
    emit(state, FIELDS, field_rows(command), format=format)

"""``normandie fields [COMMAND]``: what ``--fields``, ``--sort`` and ``--where`` accept."""

# No "from __future__ import annotations": listing_command reads these annotations as objects.

from typing import Annotated

import typer

from .. import registry
from ..registry import Row
from . import _complete as complete
from ._app import app
from ._output import listing_command


@listing_command(app, registry.FIELDS, "normandie fields companies", needs_book=False)
def fields(
    command: Annotated[str | None, typer.Argument(help="Only this command's fields.", show_default=False,
                                                  shell_complete=complete.commands)] = None,
) -> list[Row]:
    """Each listing command's fields, with type and a one-line description."""
    from ..query.rows import field_rows

    return field_rows(command)

"""``normandie cache info`` and ``normandie cache clear``: the parse cache, seen and emptied."""

from __future__ import annotations

from typing import Annotated

import typer

from . import _complete
from ._app import app
from ._output import OutputFormat, emit
from ._state import State

cache_app = typer.Typer(
    name="cache",
    help="The parse cache: checked fact books stored as JSON, used while their file is unchanged.\n\n"
    "Example: normandie cache info",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(cache_app)


@cache_app.command("info")
def info(
    ctx: typer.Context,
    format: Annotated[OutputFormat | None, typer.Option(
        "--format", "-f", case_sensitive=False, show_default=False, autocompletion=_complete.formats,
        help="Output format. Default: table on a terminal, tsv when piped.")] = None,
) -> None:
    """Where the cache is, and each entry: the fact file it is for, whether it is still fresh, its size.

    Example: normandie cache info --format json
    """
    from ..cache import entry_rows
    from ..query import Field, Listing

    listing = Listing(
        "cache",
        "The parse cache's entries.",
        (
            Field("entry", "text", "the cache file"),
            Field("fact_file", "text", "the fact file it is for"),
            Field("status", "text", "fresh (used), stale (the file changed: rebuilt on next use), file gone, "
                  "other version (written by another normandie: never read), unreadable"),
            Field("size", "number", "bytes"),
            Field("directory", "text", "the cache directory"),
        ),
        ("fact_file", "status", "size", "entry"),
    )
    state: State = ctx.find_root().obj
    emit(state, listing, entry_rows(), format=format)


@cache_app.command("clear")
def clear() -> None:
    """Remove every cache entry (they are rebuilt on the next run of each file).

    Example: normandie cache clear
    """
    from ..cache import cache_dir
    from ..cache import clear as remove

    removed = remove()
    typer.echo(f"removed {removed} cache entr{'y' if removed == 1 else 'ies'} from {cache_dir()}")

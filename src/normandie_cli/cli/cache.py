"""``normandie cache info`` and ``normandie cache clear``: the parse cache, seen and emptied."""

from __future__ import annotations

import typer

from .. import registry
from ..registry import Row
from ._app import app
from ._output import listing_command

cache_app = typer.Typer(
    name="cache",
    help="The parse cache: checked fact books stored as SQLite databases, used while their file is unchanged.\n\n"
    "Example: normandie cache info",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(cache_app)


@listing_command(cache_app, registry.CACHE, "normandie cache info --format json", name="info", needs_book=False)
def info() -> list[Row]:
    """Where the cache is, and each entry: the fact file it is for, whether it is still fresh, its size."""
    from ..loading.cache import entry_rows

    return entry_rows()


@cache_app.command("clear")
def clear() -> None:
    """Remove every cache entry (they are rebuilt on the next run of each file).

    Example: normandie cache clear
    """
    from ..loading.cache import cache_dir
    from ..loading.cache import clear as remove

    removed = remove()
    typer.echo(f"removed {removed} cache entr{'y' if removed == 1 else 'ies'} from {cache_dir()}")

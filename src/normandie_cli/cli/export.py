"""``normandie export sqlite PATH``: the fact book as a SQLite database, for SQL and Datasette."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import app
from ._state import State

export_app = typer.Typer(
    name="export",
    help="Write the fact book in another form.\n\nExample: normandie export sqlite facts.db --metadata metadata.json",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(export_app)


@export_app.command("sqlite")
def sqlite(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The database to write (replaced if it is one already).",
                                         dir_okay=False)],
    metadata: Annotated[Path | None, typer.Option(
        "--metadata", dir_okay=False,
        help="Also write Datasette's metadata (title, licence, sources, descriptions) here.",
    )] = None,
) -> None:
    """Write the fact book as a SQLite database: one table per section, a companies view, a
    full-text index (schema: docs/storage.md). Browse it with: datasette PATH -m METADATA.

    Example: normandie export sqlite facts.db --metadata metadata.json
    """
    import json
    import sqlite3

    from .. import registry, store
    from ..errors import UsageError
    from ..loader import resolve_data_path

    state: State = ctx.find_root().obj
    for target in (path, metadata):
        if target is not None and target.exists() and target.resolve() == resolve_data_path(state.data).resolve():
            raise UsageError(f"{target}: that is the fact file being read")
    if path.exists() and not store.is_database(path):
        raise UsageError(f"{path}: exists and is not a SQLite database; not replacing it")
    source = state.store()  # the parse cache's store (built as the file streams), if there is one
    try:
        if source is not None:  # copied page by page: no book in memory, whatever its size
            store.copy_database(source, path, {"exported_from": str(resolve_data_path(state.data))})
        else:
            store.write_database(path, state.book(), {"exported_from": str(resolve_data_path(state.data))})
    except (OSError, sqlite3.Error) as err:
        raise UsageError(f"{path}: cannot write: {err}") from None
    typer.echo(f"wrote {path}", err=True)
    if metadata is not None:
        described = {table: {f.name: f.description for f in listing.fields}
                     for table, listing in (("companies", registry.COMPANIES), ("organisations", registry.COMPANIES),
                                            *((name, registry.LISTINGS[name]) for name in registry.LISTINGS
                                              if name in dict(store.TABLE_DESCRIPTIONS)))}
        conn = store.connect(path)
        try:
            data = store.datasette_metadata(conn, path.stem, described)
        finally:
            conn.close()
        try:
            metadata.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as err:
            raise UsageError(f"{metadata}: cannot write: {err}") from None
        typer.echo(f"wrote {metadata}", err=True)

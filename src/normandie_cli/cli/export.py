"""``normandie export sqlite PATH``: the fact book published as a SQLite database, for SQL and
Datasette (the layout: publish.py, docs/storage.md)."""

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
        help="Also write Datasette's metadata (title, licence, sources, descriptions, facets, queries) here.",
    )] = None,
) -> None:
    """Publish the fact book as a SQLite database for readers: a table per kind of record and per
    list, every reference a foreign key, every claim in one claims table, full-text indexes
    (schema: docs/storage.md). Browse it with: datasette PATH -m METADATA; read it back with
    normandie --data PATH.

    Example: normandie export sqlite facts.db --metadata metadata.json
    """
    import json
    import sqlite3

    from .. import publishing
    from ..errors import UsageError
    from ..loading.files import resolve_data_path
    from ..store import publish, publish_metadata
    from ..store import read as store

    state: State = ctx.find_root().obj
    for target in (path, metadata):
        if target is not None and target.exists() and target.resolve() == resolve_data_path(state.data).resolve():
            raise UsageError(f"{target}: that is the fact file being read")
    if path.exists() and not store.is_database(path):
        raise UsageError(f"{path}: exists and is not a SQLite database; not replacing it")
    conn = state.store()  # the parse cache's store: read a record at a time, no book in memory
    try:
        if conn is not None:
            publish.write_database(path, lambda name: store.read_records(conn, name))
        else:
            publish.write_database(path, state.book())
    except (OSError, sqlite3.Error, ValueError) as err:  # ValueError: a reference to nothing (an unchecked store)
        raise UsageError(f"{path}: cannot write: {err}") from None
    typer.echo(f"wrote {path}", err=True)
    if metadata is not None:
        written = store.connect(path)
        try:
            data = publish_metadata.datasette_metadata(written, path.stem, publishing.publishing())
        finally:
            written.close()
        try:
            metadata.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as err:
            raise UsageError(f"{metadata}: cannot write: {err}") from None
        typer.echo(f"wrote {metadata}", err=True)

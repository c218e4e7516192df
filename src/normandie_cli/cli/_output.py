"""The output options every listing command shares, and the one function that applies them.

``listing_command`` adds ``--format/-f``, ``--fields``, ``--sort``, ``--limit`` and
``--no-headers`` to a command function, so that each command declares only its own filters
and returns rows; the options are spelled, documented and applied in this one place.
"""

from __future__ import annotations

import enum
import inspect
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from ..errors import UsageError
from ..query import Listing, Row, shape_rows
from . import _complete
from ._state import State


class OutputFormat(str, enum.Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    yaml = "yaml"
    markdown = "markdown"


_COMMON: dict[str, Any] = {
    "format": (
        Annotated[
            OutputFormat | None,
            typer.Option(
                "--format", "-f", case_sensitive=False, show_default=False, autocompletion=_complete.formats,
                help="Output format. Default: table on a terminal, tsv when piped.",
            ),
        ],
        None,
    ),
    "fields": (
        Annotated[str | None, typer.Option("--fields", autocompletion=_complete.field_lists,
                                           help="Comma-separated fields to show, in this order.")],
        None,
    ),
    "sort": (
        Annotated[str | None, typer.Option("--sort", autocompletion=_complete.field_lists,
                                           help="Sort by these fields (comma-separated; -FIELD descending).")],
        None,
    ),
    "where": (
        Annotated[list[str] | None, typer.Option(
            "--where", autocompletion=_complete.where_fields, metavar="EXPR",
            help="Keep rows where EXPR holds: FIELD=V, !=, >, >=, <, <=, ~ (contains), !~. Repeatable: all must hold.",
        )],
        None,
    ),
    "query": (
        Annotated[str | None, typer.Option(
            "--query", metavar="JMESPATH",
            help="A JMESPath expression applied to the JSON output; the result prints as JSON.",
        )],
        None,
    ),
    "limit": (Annotated[int | None, typer.Option("--limit", min=0, help="Show at most N rows.")], None),
    "no_headers": (Annotated[bool, typer.Option("--no-headers", help="Leave out the header line (csv, tsv).")], False),
}

class Output:
    """What a command returns when it has more than rows: notes under a table, text to highlight."""

    def __init__(self, rows: list[Row], notes: Sequence[str] = (), highlight: str | None = None) -> None:
        self.rows = rows
        self.notes = notes
        self.highlight = highlight


Rows = list[Row] | Output


def listing_command(app: typer.Typer, listing: Listing, example: str) -> Callable[[Callable[..., Rows]], Callable[..., None]]:
    """Register ``func(book, **filters) -> rows`` (or an :class:`Output`) as a listing command."""

    def decorate(func: Callable[..., Rows]) -> Callable[..., None]:
        own = [p for p in inspect.signature(func, eval_str=True).parameters.values() if p.name != "book"]
        params = [inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)]
        params += own
        params += [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
            for name, (annotation, default) in _COMMON.items()
        ]

        def command(ctx: typer.Context, **kwargs: Any) -> None:
            options = {name: kwargs.pop(name) for name in _COMMON}
            state: State = ctx.obj
            result = func(state.book(), **kwargs)
            if isinstance(result, Output):
                emit(state, listing, result.rows, notes=result.notes, highlight=result.highlight, **options)
            else:
                emit(state, listing, result, **options)

        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        command.__name__ = func.__name__
        doc = (func.__doc__ or listing.summary).strip()
        app.command(listing.name, help=f"{doc}\n\nExample: {example}")(command)
        return command

    return decorate


def emit(
    state: State,
    listing: Listing,
    rows: list[Row],
    *,
    format: OutputFormat | None = None,
    fields: str | None = None,
    sort: str | None = None,
    limit: int | None = None,
    no_headers: bool = False,
    where: list[str] | None = None,
    query: str | None = None,
    notes: Sequence[str] = (),
    highlight: str | None = None,
) -> None:
    """Shape the rows by the shared options and render them in the chosen format."""
    from ..render import choose_format, render_query, render_rows, use_color

    out = sys.stdout
    if query is not None:
        if format is not None and format.value != "json":
            raise UsageError(f"--query prints JSON; it cannot be combined with --format {format.value}")
        shaped, columns = shape_rows(rows, listing, fields, sort, limit, table=False, where=where)
        render_query(shaped, columns, query)
        return
    fmt = choose_format(format.value if format else None, out)
    shaped, columns = shape_rows(rows, listing, fields, sort, limit, table=fmt == "table", where=where)
    render_rows(shaped, columns, listing, fmt, headers=not no_headers, color=use_color(state.no_color, out),
                notes=notes, highlight=highlight)

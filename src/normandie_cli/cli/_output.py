"""The options every listing command shares, and the one function that applies them.

``listing_command`` adds ``--format/-f``, ``--fields``, ``--sort``, ``--limit``,
``--no-headers``, ``--where``, ``--query``, ``--as-of`` and ``--cite`` to a command function, so
that each command declares only its own filters and returns rows; the options are spelled,
documented and applied in this one place.
"""

from __future__ import annotations

import enum
import inspect
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from .. import model as m
from ..errors import UsageError
from ..query.shape import shape_rows
from ..registry import Listing, Row, formats_for
from . import _complete
from ._state import State


def format_choices(listing: str) -> type[enum.Enum]:
    """The ``--format`` choices of a listing, as the enum Typer needs, from the registry."""
    return enum.Enum(  # type: ignore[return-value]
        f"{listing.title()}Format", {f.name.replace("-", "_"): f.name for f in formats_for(listing)}, type=str
    )


def _format_option(choices: type[enum.Enum]) -> Any:
    return Annotated[
        choices | None,  # type: ignore[valid-type]
        typer.Option(
            "--format", "-f", case_sensitive=False, show_default=False, autocompletion=_complete.formats,
            help="Output format. Default: table on a terminal, tsv when piped.",
        ),
    ]


_COMMON: dict[str, Any] = {
    "format": (None, None),  # the listing's own choices: see listing_command
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
    "limit": (Annotated[int | None, typer.Option("--limit", min=0, help="Show at most N rows.")], None),
    "no_headers": (Annotated[bool, typer.Option("--no-headers", help="Leave out the header line (csv, tsv).")], False),
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
    "as_of": (
        Annotated[str | None, typer.Option(
            "--as-of", metavar="DATE",
            help="Answer as the sources published up to DATE would (YYYY, YYYY-MM or YYYY-MM-DD).",
        )],
        None,
    ),
    "cite": (
        Annotated[bool, typer.Option("--cite", help="Add each row's source, its URL and the quote (footnotes in a table).")],
        False,
    ),
    "excel_safe": (
        Annotated[bool, typer.Option("--excel-safe",
                                     help="In csv and tsv, prefix ' to cells starting with = + - @ tab or CR.")],
        False,
    ),
}


class Output:
    """What a command returns when it has more than rows: notes under a table, text to highlight."""

    def __init__(
        self, rows: list[Row], notes: Sequence[str] = (), highlight: str | None = None, exit_code: int = 0
    ) -> None:
        self.rows = rows
        self.notes = notes
        self.highlight = highlight
        self.exit_code = exit_code


Rows = list[Row] | Output


def listing_command(
    app: typer.Typer, listing: Listing, example: str, *, name: str | None = None, needs_book: bool = True,
    from_store: Callable[..., list[Row]] | None = None,
) -> Callable[[Callable[..., Rows]], Callable[..., None]]:
    """Register ``func(book, **filters) -> rows`` (or an :class:`Output`) as a listing command,
    with every shared option. ``needs_book=False``: ``func(**filters)``, for listings that are
    not about the fact book (``fields``, ``cache info``). ``from_store(conn, limit=N, **filters)``:
    the same rows found in the SQLite store without building the book, used when no option
    needs the whole book (``--as-of``, ``--where``, ``--query``, ``--cite``)."""

    def decorate(func: Callable[..., Rows]) -> Callable[..., None]:
        own = [p for p in inspect.signature(func, eval_str=True).parameters.values() if p.name != "book"]
        params = [inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)]
        params += own
        for option, (annotation, default) in _COMMON.items():
            if option == "format":
                annotation = _format_option(format_choices(listing.name))
            params.append(inspect.Parameter(option, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation))

        def command(ctx: typer.Context, **kwargs: Any) -> None:
            options = {option: kwargs.pop(option) for option in _COMMON}
            state: State = ctx.find_root().obj
            if not needs_book:
                options.pop("as_of")
                emit(state, listing, func(**kwargs), **options)
                return
            if from_store is not None and not (options["as_of"] or options["where"] or options["query"]
                                               or options["cite"]):
                conn = state.store()
                if conn is not None:
                    options.pop("as_of")
                    limit = options["limit"] if options["sort"] is None else None  # sorted: limit after
                    emit(state, listing, from_store(conn, limit=limit, **kwargs), **options)
                    return
            book, warnings = book_as_of(state.book(), options.pop("as_of"))
            result = func(book, **kwargs)
            if isinstance(result, Output):
                emit(state, listing, result.rows, book=book, notes=result.notes, warnings=warnings,
                     highlight=result.highlight, **options)
                if result.exit_code:
                    raise typer.Exit(result.exit_code)
            else:
                emit(state, listing, result, book=book, warnings=warnings, **options)

        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        command.__name__ = func.__name__
        doc = (func.__doc__ or listing.summary).strip()
        app.command(name or listing.name, help=f"{doc}\n\nExample: {example}")(command)
        return command

    return decorate


def book_as_of(book: m.FactBook, as_of: str | None) -> tuple[m.FactBook, list[str]]:
    """``--as-of``: the book as of that date, and a note naming the undated sources left out."""
    if as_of is None:
        return book, []
    from ..dates import parse_date
    from ..snapshot import book_as_of as restrict

    try:
        when = parse_date(as_of)
    except ValueError as err:
        raise UsageError(f"--as-of: {err}") from None
    if not when.has_year:
        raise UsageError(f"--as-of: {as_of!r} needs a year")
    restricted, undated = restrict(book, when)
    notes = []
    if undated:
        notes.append(f"As of {when.text}: sources with an unknown publication date are left out "
                     f"({', '.join(undated)}); they count only without --as-of.")
    return restricted, notes


def emit(
    state: State,
    listing: Listing,
    rows: list[Row],
    *,
    book: m.FactBook | None = None,
    format: enum.Enum | None = None,
    fields: str | None = None,
    sort: str | None = None,
    limit: int | None = None,
    no_headers: bool = False,
    where: list[str] | None = None,
    query: str | None = None,
    cite: bool = False,
    excel_safe: bool = False,
    notes: Sequence[str] = (),
    warnings: Sequence[str] = (),
    highlight: str | None = None,
) -> None:
    """Shape the rows by the shared options and render them in the chosen format.

    ``notes`` are read under a table and left out of machine formats; ``warnings`` (what
    ``--as-of`` left out) go under a table, or to stderr beside a machine format.
    """
    from ..render import (
        choose_format,
        render_citations,
        render_query,
        render_rows,
        use_color,
    )

    out = sys.stdout
    requested = format.value if format is not None else None
    if query is not None and requested not in (None, "json"):
        raise UsageError(f"--query prints JSON; it cannot be combined with --format {requested}")
    fmt = "json" if query is not None else choose_format(requested, out)
    shaped, columns = shape_rows(rows, listing, fields, sort, limit, table=fmt == "table", where=where)
    if fmt in ("bibtex", "csl-json"):
        assert book is not None
        wanted = {row["id"] for row in shaped}
        render_citations([s for s in book.sources if s.id in wanted], fmt)
        return
    notes = [*notes, *warnings]
    if cite and book is not None:
        from ..citations import add_citations

        shaped, columns, cite_notes = add_citations(book, shaped, columns, table=fmt == "table")
        notes += cite_notes
    if query is not None:
        render_query(shaped, columns, query)
    else:
        render_rows(shaped, columns, listing, fmt, headers=not no_headers, color=use_color(state.no_color, out),
                    notes=notes, highlight=highlight, formula_safe=excel_safe)
    if fmt != "table":
        for warning in warnings:
            typer.echo(f"normandie: {warning}", err=True)

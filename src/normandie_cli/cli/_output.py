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
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import model as m
from ..errors import UsageError
from ..query.shape import parse_field_list, shape_rows, with_precisions
from ..record import Record
from ..registry import Listing, Row, formats_for
from . import _complete
from ._state import State

if TYPE_CHECKING:
    from ..query.request import Request
    from ..render.view import View

_CHOICES: dict[tuple[str, ...], type[enum.Enum]] = {}


def format_choices(listing: str) -> type[enum.Enum]:
    """The ``--format`` choices of a listing, as the enum Typer needs, from the registry; one
    enum per set of choices (making an enum costs start-up time)."""
    names = tuple(f.name for f in formats_for(listing))
    if names not in _CHOICES:
        made: type[enum.Enum] = enum.Enum(  # type: ignore[misc]  # the functional API makes a class
            "Format" if not _CHOICES else f"Format{len(_CHOICES)}",
            {name.replace("-", "_"): name for name in names}, type=str)
        _CHOICES[names] = made
    return _CHOICES[names]


def _format_option(choices: type[enum.Enum]) -> Any:
    return Annotated[
        choices | None,
        typer.Option(
            "--format", "-f", case_sensitive=False, show_default=False, shell_complete=_complete.formats,
            help="Output format. Default: table on a terminal, tsv when piped.",
        ),
    ]


_COMMON: dict[str, Any] = {
    "format": (None, None),  # the listing's own choices: see listing_command
    "fields": (
        Annotated[str | None, typer.Option("--fields", shell_complete=_complete.field_lists,
                                           help="Comma-separated fields to show, in this order.")],
        None,
    ),
    "sort": (
        Annotated[str | None, typer.Option("--sort", shell_complete=_complete.field_lists,
                                           help="Sort by these fields (comma-separated; -FIELD descending).")],
        None,
    ),
    "limit": (Annotated[int | None, typer.Option("--limit", min=0, help="Show at most N rows.")], None),
    "no_headers": (Annotated[bool, typer.Option("--no-headers", help="Leave out the header line (csv, tsv).")], False),
    "where": (
        Annotated[list[str] | None, typer.Option(
            "--where", shell_complete=_complete.where_fields, metavar="EXPR",
            help="Keep rows where EXPR holds: FIELD OP VALUE, OP one of = == != < <= > >= ~ (contains) !~. "
            "Repeatable: all must hold.",
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
            help="Answer as the sources surely published by the end of DATE would (2023, 2023-03, 2023-03-14, "
            "Mar 2023); sources whose date may be later are left out and named.",
        )],
        None,
    ),
    "cite": (
        Annotated[bool, typer.Option(
            "--cite", help="Add each row's source, its URL and the quote (footnotes in a table).")],
        False,
    ),
    "facet": (
        Annotated[str | None, typer.Option(
            "--facet", metavar="FIELD[,FIELD]", shell_complete=_complete.field_lists,
            help="Instead of the rows: how many rows hold each value of these fields, and their share "
            "(after every filter), most frequent first.",
        )],
        None,
    ),
    "wide": (
        Annotated[bool, typer.Option("--wide", help="In a table, every column at its natural width, nothing cut "
                                     "(kubectl -o wide); less scrolls sideways.")],
        False,
    ),
    "excel_safe": (
        Annotated[bool | None, typer.Option(
            "--excel-safe/--no-excel-safe", show_default=False,
            help="Prefix ' to cells starting with = + - @ tab or CR, which a spreadsheet would run as formulas. "
            "Default: on for csv and csv-excel, off for tsv; --no-excel-safe keeps csv exact.")],
        None,
    ),
}


#: The names of the options every listing shares (the command reference lists them once).
SHARED_OPTIONS = frozenset(_COMMON)
#: The shared options that are about the fact book (not offered by ``fields`` and ``cache info``).
_BOOK_OPTIONS = ("as_of", "cite")


#: Computed from the rows a listing kept (after --where and --limit): rows that ``--totals``
#: adds, and the notes a person reads under the table.
Footer = Callable[[list[Row]], tuple[list[Row], list[str]]]


class Output(Record):
    """What a command returns when it has more than rows: notes under a table, text to
    highlight, messages for stderr (why an answer is empty), a footer computed from the rows
    kept, and an exit code. ``presorted``: the rows of a ``from_store`` are already in ``--sort``'s
    order, and cut to ``--limit`` after it. ``chart``: at a terminal, a picture instead of the
    table (render.chart). ``dossier``: ``show`` at a terminal, its brief and sections
    (query.brief.Dossier). ``warnings``: what ``--as-of`` left out (under a table, or on stderr
    beside a machine format), added by the listing command."""

    rows: Iterable[Row]
    notes: Sequence[str] = ()
    highlight: str | None = None
    exit_code: int = 0
    messages: Sequence[str] = ()
    footer: Footer | None = None
    totals: bool = False
    chart: str | None = None
    presorted: bool = False
    dossier: Any = None
    warnings: Sequence[str] = ()


Rows = list[Row] | Output


def listing_command(
    app: typer.Typer, listing: Listing, example: str, *, name: str | None = None, needs_book: bool = True,
    from_store: Callable[..., Rows] | None = None,
) -> Callable[[Callable[..., Rows]], Callable[..., None]]:
    """Register ``func(book, **filters) -> rows`` (or an :class:`Output`) as a listing command,
    with every shared option. ``needs_book=False``: ``func(**filters)``, for listings that are
    not about the fact book (``fields``, ``cache info``). ``from_store(conn, limit=N, sort=KEYS,
    **filters)``: the same rows found in the SQLite store without building the book, used when
    no option needs the whole book (``--as-of``, ``--where``, ``--query``, ``--cite``); with
    ``sort`` (``--sort``'s fields, ``-name`` descending) it returns them in the order
    ``query.shape.sort_rows`` would give and cut to N after that, saying so with
    ``Output(presorted=True)``; one that cannot sort so ignores both, and Python sorts and cuts."""

    def decorate(func: Callable[..., Rows]) -> Callable[..., None]:
        def signature() -> inspect.Signature:
            own = [p for p in inspect.signature(func, eval_str=True).parameters.values()
                   if p.name not in ("book", "state")]
            params = [inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)]
            params += own
            for option, (annotation, default) in _COMMON.items():
                if not needs_book and option in _BOOK_OPTIONS:
                    continue
                if option == "format":
                    annotation = _format_option(format_choices(listing.name))
                params.append(
                    inspect.Parameter(option, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation))
            return inspect.Signature(params)

        def command(ctx: typer.Context, **kwargs: Any) -> None:
            from ..query.request import Request  # only for the command that runs (not at each Tab)

            request = Request.parse({option: kwargs.pop(option) for option in _COMMON if option in kwargs})
            state: State = ctx.find_root().obj
            if not needs_book:
                wants_state = "state" in inspect.signature(func).parameters  # diff reads two books itself
                plain = func(state=state, **kwargs) if wants_state else func(**kwargs)
                output = plain if isinstance(plain, Output) else Output(plain)
                emit(state, listing, request, output)
                if output.exit_code:
                    raise typer.Exit(output.exit_code)
                return
            if from_store is not None and not request.needs_book:
                conn = state.store()
                if conn is not None and _answer_from_store(state, conn, listing, from_store, request, kwargs):
                    return
            book, warnings = book_as_of(state.book(), request)
            result = func(book, **kwargs)
            if isinstance(result, Output):
                for message in result.messages:
                    typer.echo(f"normandie: {message}", err=True)
                emit(state, listing, request, result._replace(warnings=warnings), book=book)
                if result.exit_code:
                    raise typer.Exit(result.exit_code)
            else:
                emit(state, listing, request, Output(result, warnings=warnings), book=book)

        doc = inspect.cleandoc(func.__doc__ or listing.summary)
        if listing.order:
            doc += (f"\n\nRows come in date order ({', '.join(listing.order)}: the date each claim was made; "
                    "undated last), in every format; --sort overrides.")
        lazy = LazyCommand(command, signature, func.__name__, doc)
        app.command(name or listing.name, help=f"{doc}\n\nExample: {example}")(lazy)
        return lazy

    return decorate


def _answer_from_store(state: State, conn: Any, listing: Listing, from_store: Callable[..., Rows],
                       request: Request, filters: dict[str, Any]) -> bool:
    """Answer from the fact store (``conn``); whether it did. A query that fails on the way
    (SQLite's error: a damaged page) has written nothing (the output is held back until it is
    whole): a damaged ``--data`` store is then an error that says so, a damaged parse cache is
    built again and asked again; ``False`` when no store is left to ask (answer from the book)."""
    import sqlite3

    while True:
        try:
            _store_answer(state, conn, listing, from_store, request, filters)
            return True
        except sqlite3.Error as err:
            conn = state.reopen_store(err)  # a DataError when there is nothing left to try
            if conn is None:
                return False


def _store_answer(state: State, conn: Any, listing: Listing, from_store: Callable[..., Rows],
                  request: Request, filters: dict[str, Any]) -> None:
    # Faceted: every row is needed (the sort and the limit are the counts'). Sorted: the store
    # sorts, then cuts; a --sort that says no field is left to emit to refuse.
    shape, faceted = request.shape, request.filter.facet is not None
    keys = _sort_keys(listing, shape.sort) if not faceted else None
    pushed = not faceted and (shape.sort is None or keys is not None)
    found: Iterable[Row] | Output = from_store(conn, limit=shape.limit if pushed else None, sort=keys, **filters)
    if isinstance(found, Output):
        for message in found.messages:
            typer.echo(f"normandie: {message}", err=True)
        if found.presorted:
            request = request.with_shape(sort=None)  # not sorted again
        found = found.rows
    emit(state, listing, request, Output(found), whole=True)


def _sort_keys(listing: Listing, sort: str | None) -> list[str] | None:
    """``--sort``'s keys, or ``None`` without the option or when it is wrong (emit says why,
    after the command's own messages, as without the store)."""
    try:
        return parse_field_list(sort, listing, "--sort")
    except UsageError:
        return None


class LazyCommand:
    """A command function whose signature (every shared option, the format choices) is made
    only when Typer builds that command: a run builds one command, but every listing command
    is registered at import, and making all their signatures cost start-up on each run and
    each Tab press. Typer reads ``__signature__`` and ``__annotations__`` as a function's."""

    def __init__(self, run: Callable[..., None], signature: Callable[[], inspect.Signature], name: str,
                 doc: str) -> None:
        self.run = run
        self.make_signature = signature
        self.made: inspect.Signature | None = None
        self.__name__ = self.__qualname__ = name
        self.__doc__ = doc

    @property
    def __signature__(self) -> inspect.Signature:
        if self.made is None:
            self.made = self.make_signature()
        return self.made

    @property
    def __annotations__(self) -> dict[str, Any]:  # type: ignore[override]
        return {p.name: p.annotation for p in self.__signature__.parameters.values()}

    def __call__(self, ctx: typer.Context, **kwargs: Any) -> None:
        self.run(ctx, **kwargs)


def book_as_of(book: m.FactBook, request: Request) -> tuple[m.FactBook, list[str]]:
    """``--as-of``: the book as of the last day of that date, and notes naming what was left
    out that may have been said by then (sources and claims whose date is unknown or straddles it)."""
    when = request.select.when
    if when is None:
        return book, []
    from ..query.snapshot import book_as_of as restrict

    restricted, left_out = restrict(book, when)
    notes = []
    def dated(pairs: Sequence[tuple[str, str]]) -> str:
        return ", ".join(f"{name} dated {date}" for name, date in pairs)

    if left_out.straddling:
        notes.append(f"As of {when.text}: sources whose date may fall after it are left out "
                     f"({dated(left_out.straddling)}); a source counts from the last day its date can mean.")
    if left_out.unknown:
        notes.append(f"As of {when.text}: sources with an unknown publication date are left out "
                     f"({', '.join(left_out.unknown)}); they count only without --as-of.")
    if left_out.claims:
        notes.append(f"As of {when.text}: claims that may have been made after it are left out "
                     f"({dated(left_out.claims)}).")
    return restricted, notes


def emit(state: State, listing: Listing, request: Request, output: Output, *, book: m.FactBook | None = None,
         whole: bool = False) -> None:
    """Shape the output's rows by the request and render them in the format it asks for.

    ``output.notes`` are read under a table and left out of machine formats; its ``warnings``
    (what ``--as-of`` left out) go under a table, or to stderr beside a machine format. Its
    ``footer`` is computed from the rows kept; with ``totals`` its rows are added to the output.
    The request's ``--facet``: the rows' counts per value of these fields instead of the rows.
    ``whole``: the rows stream out of the fact store, and a query may fail on the way: a machine
    format is held back until it is whole (``_spool``), never half-written.
    """
    from ..render import View, is_terminal, use_color

    out = sys.stdout
    fmt = request.render.format_for(is_terminal(out))
    rows = with_precisions(output.rows, listing)
    footer, cite, notes = output.footer, request.select.cite, list(output.notes)
    if request.filter.facet is not None:
        from ..query.facets import facet_listing, facet_rows, parse_facet
        from ..query.where import filter_rows

        names = parse_facet(request.filter.facet, listing)
        rows = facet_rows(filter_rows(list(rows), request.filter.where, listing), names)
        listing, request = facet_listing(listing, names), request.with_filter(where=())
        if fmt in ("bibtex", "csl-json"):
            raise UsageError(f"--facet counts rows; it cannot be combined with --format {fmt}")
        footer, cite = None, False
    shaped, columns = shape_rows(rows, listing, request, table=fmt == "table")
    if footer is not None:
        shaped = list(shaped)
        extra, footer_notes = footer(shaped)
        notes += footer_notes
        if output.totals:
            shaped = [*shaped, *with_precisions(extra, listing)]
    if fmt in ("bibtex", "csl-json"):
        from ..render import render_citations

        assert book is not None
        wanted = {row["id"] for row in shaped}
        render_citations([s for s in book.sources if s.id in wanted], fmt)
        return
    notes += output.warnings
    if cite and book is not None:
        from ..query.citations import add_citations

        shaped, columns, cite_notes = add_citations(book, list(shaped), columns, table=fmt == "table")
        notes += cite_notes
    view = View(fmt, headers=request.render.headers, color=use_color(state.no_color, out), notes=notes,
                highlight=output.highlight, formula_safe=request.render.excel_safe, wide=request.render.wide,
                exact=request.shape.fields is not None, chart=output.chart, dossier=output.dossier)
    _write(state, listing, (shaped, columns), request, view, whole=whole)
    if fmt != "table":
        for warning in output.warnings:
            typer.echo(f"normandie: {warning}", err=True)


def _write(state: State, listing: Listing, table: tuple[Iterable[Row], list[str]], request: Request, view: View, *,
           whole: bool) -> None:
    """Write the shaped rows (``table``: the rows and their columns) through the pager, a machine
    format of the store's streamed rows held back until whole."""
    import contextlib

    from ..render import render_query, render_rows
    from ..render.pager import paged

    rows, columns = table
    held: Any = contextlib.nullcontext()
    if whole and view.fmt != "table":
        from ._spool import whole_output

        held = whole_output()
    with paged(state.no_pager, wide=view.wide and view.fmt == "table"), held:
        if request.render.query is not None:
            render_query(list(rows), columns, request.render.query, listing)
        else:
            render_rows(rows, columns, listing, view)

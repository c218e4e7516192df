"""The options every listing shares, parsed once into one typed value that goes from the
command to the queries to the renderer: what to select (``--as-of``, ``--cite``), how to filter
(``--where``, ``--facet``), how to shape (``--fields``, ``--sort``, ``--limit``) and how to
render (``--format``, ``--query``, ``--no-headers``, ``--wide``, ``--excel-safe``).

Standard library only (no Typer, no Rich); immutable :class:`..record.Record` values, which
cost nothing to define at start-up. The options that need a listing's fields to be
checked (``--fields``, ``--sort``, ``--where``, ``--facet``) are kept as typed and checked where
the rows are shaped, after the command's own messages, so that their errors stay as they were.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..record import Record

if TYPE_CHECKING:
    from ..dates import PartialDate


class Selection(Record):
    """What to select: the book as of a date (``--as-of``, as typed and as parsed), and whether
    each row brings its citation (``--cite``)."""

    as_of: str | None = None
    when: PartialDate | None = None
    cite: bool = False


class Filtering(Record):
    """Which rows to keep: every ``--where`` condition; ``--facet``: counts per value instead."""

    where: tuple[str, ...] = ()
    facet: str | None = None


class Shaping(Record):
    """Which fields, in which order, how many rows (``--fields``, ``--sort``, ``--limit``)."""

    fields: str | None = None
    sort: str | None = None
    limit: int | None = None


class Rendering(Record):
    """How to write the rows: the format asked for (``None``: the stream decides), a JMESPath
    ``--query`` (JSON), the header line, ``--wide`` and ``--excel-safe`` (``None``: the format's
    default)."""

    format: str | None = None
    query: str | None = None
    headers: bool = True
    wide: bool = False
    excel_safe: bool | None = None

    def format_for(self, terminal: bool) -> str:
        """The format to write: ``json`` for ``--query``, else the one asked for, else a table on
        a terminal and TSV anywhere else (gh's rule)."""
        if self.query is not None:
            return "json"
        if self.format is not None:
            return self.format
        return "table" if terminal else "tsv"


class Request(Record):
    """A listing's shared options, parsed."""

    select: Selection = Selection()
    filter: Filtering = Filtering()
    shape: Shaping = Shaping()
    render: Rendering = Rendering()

    @classmethod
    def parse(cls, options: Mapping[str, Any]) -> Request:
        """The request of the options as the command line gave them (the names of
        ``cli._output``'s shared options; a missing one is its default). Raise
        :class:`UsageError` with today's one-line messages: ``--as-of`` not a date, ``--query``
        with a format other than JSON."""
        fmt = options.get("format")
        fmt = getattr(fmt, "value", fmt)  # Typer gives an enum member
        query = options.get("query")
        if query is not None and fmt not in (None, "json"):
            raise UsageError(f"--query prints JSON; it cannot be combined with --format {fmt}")
        as_of = options.get("as_of")
        when = None
        if as_of is not None:
            from ..dates import parse_query_date

            try:
                when = parse_query_date(as_of)
            except ValueError as err:
                raise UsageError(f"--as-of: {err}") from None
        return cls(
            select=Selection(as_of=as_of, when=when, cite=bool(options.get("cite"))),
            filter=Filtering(where=tuple(options.get("where") or ()), facet=options.get("facet")),
            shape=Shaping(fields=options.get("fields"), sort=options.get("sort"), limit=options.get("limit")),
            render=Rendering(format=fmt, query=query, headers=not options.get("no_headers"),
                             wide=bool(options.get("wide")), excel_safe=options.get("excel_safe")),
        )

    @property
    def needs_book(self) -> bool:
        """Whether only the whole fact book can answer (not the store): ``--as-of``, ``--where``,
        ``--query`` and ``--cite`` work on the book's records."""
        return bool(self.select.as_of is not None or self.filter.where or self.render.query is not None
                    or self.select.cite)

    def with_shape(self, **changes: Any) -> Request:
        """The same request with these ``Shaping`` fields changed (the store sorted and cut)."""
        return self._replace(shape=self.shape._replace(**changes))

    def with_filter(self, **changes: Any) -> Request:
        """The same request with these ``Filtering`` fields changed (the facet applied)."""
        return self._replace(filter=self.filter._replace(**changes))

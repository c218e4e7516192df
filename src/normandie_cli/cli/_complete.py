"""Tab completion of values from the fact file in use (``--data``, ``NORMANDIE_DATA``, or the
bundled one).

Every callback returns ``(value, help)`` pairs whose value starts with what was typed, matched
case- and accent-insensitively ("herou" and "HÉROU" both complete to Hérouville-Saint-Clair's
id). An id is always offered as an id, never as a name, so that bash can insert the prefix the
candidates share (``show ea<Tab>`` inserts ``eastman``): the ids of entities first, else the ids
of entities whose name starts with the word, else (``show``) the ids of claims. A callback never
raises and prints nothing: on a file that cannot be read it completes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from ._tab import field_list_pairs, ids_query, offer

Candidates = list[tuple[str, str]]
T = TypeVar("T")


def _values(ctx: Any, query: Callable[[Any], T]) -> T:
    """``query`` (given a connection) run on the fact store of the data file in use: prefix
    queries on its indexed ``completion`` table (no YAML, no JSON, no book: every Tab press pays
    for this). The first press on a new or edited file parses it and leaves the store. Without
    a store (``--no-cache``), on the book's store in memory. ``--max-size`` and
    ``NORMANDIE_MAX_SIZE`` are honoured."""
    import os
    import sqlite3

    from ..loading.book import load_facts, open_store, reopen_store
    from ..loading.files import DEFAULT_MAX_SIZE, parse_size, resolve_data_path
    from ..store import write as store

    params = ctx.find_root().params or {}
    file = resolve_data_path(params.get("data") or None)
    use_cache = not params.get("no_cache", False)
    size = params.get("max_size") or os.environ.get("NORMANDIE_MAX_SIZE") or None
    max_size = parse_size(size) if isinstance(size, str) else DEFAULT_MAX_SIZE
    conn, book = open_store(file, use_cache=use_cache, max_size=max_size)
    if conn is not None:
        try:
            return query(conn)
        except sqlite3.Error as err:  # a damaged store: the cache's is built again (a --data one completes nothing)
            conn.close()
            conn, book = reopen_store(file, err, max_size=max_size)
            if conn is not None:
                return query(conn)
        finally:
            if conn is not None:
                conn.close()
    if book is None:
        book = load_facts(file, use_cache=False, max_size=max_size)
    conn = store.memory_store(book)  # no parse cache: the same completion table, in memory
    try:
        return query(conn)
    finally:
        conn.close()


_offer = offer  # the name tests/test_store.py knows it by


class Candidate:
    """One completion candidate, as the shell-completion classes read it (``value``, ``help``,
    ``type``): returned through the parameters' ``shell_complete`` hook, so that no prefix
    filter of Typer's drops a candidate spelled otherwise than what was typed."""

    type = "plain"

    def __init__(self, value: str, help: str | None) -> None:
        self.value = value
        self.help = help


def _safely(build: Callable[[Any, str], Iterable[tuple[str, str]]],
            matched: bool = False) -> Callable[[Any, Any, str], list[Any]]:
    """A ``shell_complete`` hook (ctx, param, incomplete) from a builder of (value, help) pairs;
    ``matched``: the builder keeps only what matches (else the values that start with what
    was typed are kept)."""

    def complete(ctx: Any, param: Any, incomplete: str) -> list[Any]:  # Candidate, read as Click's CompletionItem
        import os

        if os.environ.get("_NORMANDIE_COMPLETE_DESCENDING"):  # --sort -FIELD: see run.unhide_descending_sort
            incomplete = "-" + incomplete
        try:
            pairs = build(ctx, incomplete)
            kept = pairs if matched else offer(incomplete, pairs)
            return [Candidate(value, help_text) for value, help_text in kept]
        except Exception:  # a completion must never break the user's shell
            return []

    complete.__name__ = build.__name__
    return complete


def described(callback: Callable[[Any, Any, str], list[Any]], kind: list[Any]) -> Callable[[Any, Any, str], list[Any]]:
    """``callback`` with the kind of value it completes as the fast path's spec names it
    (``cli/_tabspec.py``): ``["data", KIND]``, ``["ids", KINDS, CLAIMS]``, ``["history_fields"]``,
    or a function of the click context giving it."""
    callback.tab_kind = kind  # type: ignore[attr-defined]
    return callback


def from_data(kind: str) -> Callable[[Any, Any, str], list[Any]]:
    """A callback offering the data file's values of one kind (see ``store.fill_completion``)."""

    def build(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
        from ..store.completion_query import complete

        return _values(ctx, lambda conn: complete(conn, kind, incomplete))

    build.__name__ = f"complete_{kind}"
    return described(_safely(build), ["data", kind])


def ids_of(*kinds: str, claims: tuple[str, ...] = ()) -> Callable[[Any, Any, str], list[Any]]:
    """A callback offering the ids of records of these kinds (``organisation``, ``project``,
    ...), in this order; the ids of ``claims`` kinds only when no id of ``kinds`` (nor name)
    starts with the word (see :func:`matching_ids`)."""

    def build(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
        return _values(ctx, lambda conn: ids_query(conn, incomplete, kinds, claims))

    build.__name__ = f"complete_{'_'.join(kinds)}"
    return described(_safely(build, matched=True), ["ids", list(kinds), list(claims)])


#: The kinds of records that are entities, in the order offered; claims are about them.
ENTITY_KINDS = ("organisation", "project", "event", "person", "place", "source")
CLAIM_KINDS = ("figure", "milestone", "statement", "discrepancy")

entity_ids = ids_of(*ENTITY_KINDS, claims=CLAIM_KINDS)  # show: an entity, else a claim
history_ids = ids_of(*ENTITY_KINDS)  # history: an entity's claims over time
timeline_ids = ids_of("project", "event", "organisation")  # what timeline takes
project_ids = ids_of("project", "organisation")  # jobs --project
towns = from_data("town")
departments = from_data("department")
roles = from_data("role")


@_safely
def history_fields(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    """``history ID <Tab>``: the fields of that entity's history."""
    entity = (ctx.params or {}).get("entity")
    if not entity:
        return ()
    from ..store.completion_query import complete

    return _values(ctx, lambda conn: complete(conn, f"field:{entity}", incomplete))


@_safely
def kinds(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    from ..model import KINDS

    for kind in KINDS:
        yield kind, "kind of record"


@_safely
def show_sections(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    """``show ID --section <Tab>``: the sections of show's rows."""
    from ..registry import SHOW_SECTIONS

    return SHOW_SECTIONS.items()


@_safely
def commands(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    from ..registry import LISTINGS

    for name, listing in LISTINGS.items():
        yield name, listing.summary


@_safely
def formats(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    from ..registry import formats_for

    for fmt in formats_for(_listing(ctx).name):
        yield fmt.name, fmt.help


def _listing(ctx: Any) -> Any:
    """The listing of the command being completed (``cache info`` is the ``cache`` listing)."""
    from ..registry import LISTINGS

    name = ctx.command.name
    parent = ctx.parent.command.name if ctx.parent is not None else ""
    return LISTINGS.get(name) or LISTINGS[parent]


@_safely
def field_lists(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    """``--fields`` and ``--sort``: the last name of a comma-separated list (``-`` kept)."""
    return field_list_pairs(field_help(ctx), incomplete)


def field_help(ctx: Any) -> list[tuple[str, str]]:
    """The fields of the listing being completed, each with its help."""
    return [(field.name, f"{field.type}: {field.description}") for field in _listing(ctx).fields]


@_safely
def where_fields(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    return field_help(ctx)


described(history_fields, ["history_fields"])
for _static in (kinds, show_sections, commands, formats, where_fields):
    described(_static, ["pairs"])  # every pair, from the callback itself (with nothing typed)
described(field_lists, ["fields"])

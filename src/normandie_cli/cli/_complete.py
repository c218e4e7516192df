"""Tab completion of values from the fact file in use (``--data``, ``NORMANDIE_DATA``, or the
bundled one).

Every callback returns ``(value, help)`` pairs whose value starts with what was typed, matched
case- and accent-insensitively ("herou" and "HÉROU" both complete to Hérouville-Saint-Clair's
id, keeping what was typed). A callback never raises and prints nothing: on a file that cannot
be read it completes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Candidates = list[tuple[str, str]]


def _values(ctx: Any, wanted: str, incomplete: str) -> Iterable[tuple[str, str]]:
    """The candidates of one kind for the data file in use, by a prefix query on the fact
    store's indexed ``completion`` table (no YAML, no JSON, no book: every Tab press pays for
    this). The first press on a new or edited file parses it and leaves the store. Without a
    store (``--no-cache``), from the book. ``--max-size`` and ``NORMANDIE_MAX_SIZE`` are honoured."""
    import os
    import sqlite3

    from .. import store
    from ..book import load_facts, open_store, reopen_store
    from ..loader import DEFAULT_MAX_SIZE, parse_size, resolve_data_path

    params = ctx.find_root().params or {}
    file = resolve_data_path(params.get("data") or None)
    use_cache = not params.get("no_cache", False)
    size = params.get("max_size") or os.environ.get("NORMANDIE_MAX_SIZE") or None
    max_size = parse_size(size) if isinstance(size, str) else DEFAULT_MAX_SIZE
    conn, book = open_store(file, use_cache=use_cache, max_size=max_size)
    if conn is not None:
        try:
            return store.complete(conn, wanted, incomplete)
        except sqlite3.Error as err:  # a damaged store: the cache's is built again (a --data one completes nothing)
            conn.close()
            conn, book = reopen_store(file, err, max_size=max_size)
            if conn is not None:
                return store.complete(conn, wanted, incomplete)
        finally:
            if conn is not None:
                conn.close()
    if book is None:
        book = load_facts(file, use_cache=False, max_size=max_size)
    conn = store.memory_store(book)  # no parse cache: the same completion table, in memory
    try:
        return store.complete(conn, wanted, incomplete)
    finally:
        conn.close()


def _prefixed(incomplete: str, value: str) -> str | None:
    """``value`` (the data's own spelling) when it starts with what was typed, matched loosely
    (case, accents, hyphens); else ``None``."""
    from ..text import fold

    if value.startswith(incomplete):
        return value
    target = fold(incomplete)
    for end in range(len(value) + 1):
        folded = fold(value[:end])
        if folded == target:
            return value
        if len(folded) > len(target) + 1:
            break
    return None


class Candidate:
    """One completion candidate, as the shell-completion classes read it (``value``, ``help``,
    ``type``): returned through the parameters' ``shell_complete`` hook, so that no prefix
    filter of Typer's drops a candidate spelled otherwise than what was typed."""

    type = "plain"

    def __init__(self, value: str, help: str | None) -> None:
        self.value = value
        self.help = help


def _offer(incomplete: str, pairs: Iterable[tuple[str, str]]) -> Candidates:
    out: Candidates = []
    seen: set[str] = set()
    for value, help_text in pairs:
        shown = _prefixed(incomplete, value)
        if shown is not None and shown not in seen:
            seen.add(shown)
            out.append((shown, help_text))
    return out


def _safely(build: Callable[[Any, str], Iterable[tuple[str, str]]]) -> Callable[[Any, Any, str], list[Any]]:
    """A ``shell_complete`` hook (ctx, param, incomplete) from a builder of (value, help) pairs."""

    def complete(ctx: Any, param: Any, incomplete: str) -> list[Any]:  # Candidate, read as Click's CompletionItem
        import os

        if os.environ.get("_NORMANDIE_COMPLETE_DESCENDING"):  # --sort -FIELD: see run.unhide_descending_sort
            incomplete = "-" + incomplete
        try:
            return [Candidate(value, help_text) for value, help_text in _offer(incomplete, build(ctx, incomplete))]
        except Exception:  # a completion must never break the user's shell
            return []

    complete.__name__ = build.__name__
    return complete


def from_data(kind: str) -> Callable[[Any, Any, str], list[Any]]:
    """A callback offering the data file's values of one kind (see ``store.fill_completion``)."""

    def build(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
        return _values(ctx, kind, incomplete)

    build.__name__ = f"complete_{kind}"
    return _safely(build)


entity_ids = from_data("id")  # every id in the book, and organisation names (show, history)
project_ids = from_data("project")  # projects and events (timeline, --project)
towns = from_data("town")
departments = from_data("department")
roles = from_data("role")
measures = from_data("measure")
topics = from_data("topic")
subjects = from_data("subject")


@_safely
def history_fields(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    """``history ID <Tab>``: the fields of that entity's history."""
    entity = (ctx.params or {}).get("entity")
    return _values(ctx, f"field:{entity}", incomplete) if entity else ()


@_safely
def kinds(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    from ..model import KINDS

    for kind in KINDS:
        yield kind, "kind of record"


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
    head, _, last = incomplete.rpartition(",")
    prefix = f"{head}," if head else ""
    sign = "-" if last.startswith("-") else ""
    for field in _listing(ctx).fields:
        yield f"{prefix}{sign}{field.name}", f"{field.type}: {field.description}"


@_safely
def where_fields(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    for field in _listing(ctx).fields:
        yield field.name, f"{field.type}: {field.description}"

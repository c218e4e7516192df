"""Tab completion of values from the fact file in use (``--data``, ``NORMANDIE_DATA``, or the
bundled one).

Every callback returns ``(value, help)`` pairs whose value starts with what was typed, matched
case- and accent-insensitively ("herou" and "HÉROU" both complete to Hérouville-Saint-Clair's
id, keeping what was typed). A callback never raises and prints nothing: on a file that cannot
be read it completes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

Candidates = list[tuple[str, str]]


def _book(ctx: Any) -> Any:
    from ..loader import DATA_ENV, load_facts

    root = ctx.find_root()
    data = (root.params or {}).get("data") or os.environ.get(DATA_ENV) or None
    return load_facts(data, use_cache=not (root.params or {}).get("no_cache", False))


def _prefixed(incomplete: str, value: str) -> str | None:
    """``value`` made to start with what was typed, when it matches it loosely; else ``None``."""
    from ..query import fold

    import unicodedata

    if value.startswith(incomplete):
        return value
    target = fold(incomplete)
    for end in range(len(value) + 1):
        folded = fold(value[:end])
        if folded == target:
            while end < len(value) and unicodedata.combining(value[end]):
                end += 1  # an accent written as a separate mark belongs to the letter before it
            return incomplete + value[end:]
        if len(folded) > len(target) + 1:
            break
    return None


def _offer(incomplete: str, pairs: Iterable[tuple[str, str]]) -> Candidates:
    out: Candidates = []
    seen: set[str] = set()
    for value, help_text in pairs:
        shown = _prefixed(incomplete, value)
        if shown is not None and shown not in seen:
            seen.add(shown)
            out.append((shown, help_text))
    return out


def _safely(build: Callable[[Any, str], Iterable[tuple[str, str]]]) -> Callable[[Any, str], Candidates]:
    def complete(ctx: Any, incomplete: str) -> Candidates:
        try:
            return _offer(incomplete, build(ctx, incomplete))
        except Exception:  # noqa: BLE001 - a completion must never break the user's shell
            return []

    complete.__name__ = build.__name__
    return complete


@_safely
def entity_ids(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    """Every id in the book, and organisation names (``show``)."""
    book = _book(ctx)
    for kind, item in book.entities():
        yield item.id, f"{kind}: {getattr(item, 'name', None) or getattr(item, 'title', None) or item.id}"
    for org in book.organisations:
        yield org.name, f"organisation: {org.id}"


@_safely
def project_ids(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    book = _book(ctx)
    for project in book.projects:
        yield project.id, project.name
    for event in book.events:
        yield event.id, event.name


@_safely
def towns(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    for place in _book(ctx).places:
        if place.kind == "town":
            where = ", ".join(x for x in (place.department, place.region, place.country) if x)
            yield place.id, f"{place.name} ({where})"


@_safely
def departments(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    for name in sorted({p.department for p in _book(ctx).places if p.department}):
        yield name, "département"


@_safely
def roles(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    for role in sorted({r for org in _book(ctx).organisations for r in org.roles}):
        yield role, "role"


@_safely
def measures(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    for measure in sorted({f.measure for f in _book(ctx).figures}):
        yield measure, "measure"


@_safely
def topics(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    for topic in sorted({s.topic for s in _book(ctx).statements}):
        yield topic, "topic"


@_safely
def subjects(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    book = _book(ctx)
    used = dict.fromkeys(c.subject for c in (*book.figures, *book.milestones, *book.statements))
    index = book.index()
    for subject in used:
        yield subject, getattr(index.get(subject), "name", None) or subject


@_safely
def kinds(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    from ..explore import KINDS

    for kind in KINDS:
        yield kind, "kind of record"


@_safely
def commands(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    from ..query import LISTINGS

    for name, listing in LISTINGS.items():
        yield name, listing.summary


FORMAT_HELP = {
    "table": "a table, for a person",
    "json": "a JSON list of objects",
    "jsonl": "one JSON object per line",
    "csv": "comma-separated values",
    "tsv": "tab-separated values",
    "yaml": "YAML",
    "markdown": "a Markdown table",
}


@_safely
def formats(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
    return FORMAT_HELP.items()


def _listing(ctx: Any) -> Any:
    from ..explore import SEARCH, SHOW
    from ..query import LISTINGS

    name = ctx.command.name
    return {"search": SEARCH, "show": SHOW}.get(name) or LISTINGS[name]


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

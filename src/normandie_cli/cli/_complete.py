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
#: The cache's side file of candidates; renamed whenever :func:`index_lines` changes what it holds.
SIDE_FILE = "completion-2"


def _data_file(ctx: Any) -> tuple[Any, bool]:
    from ..loader import resolve_data_path

    params = ctx.find_root().params or {}
    return resolve_data_path(params.get("data") or None), not params.get("no_cache", False)


def index_lines(book: Any) -> list[str]:
    """Every value a callback offers, as ``kind<TAB>value<TAB>help`` lines (one pass over the book)."""
    lines: list[tuple[str, str, str]] = []
    for kind, item in book.entities():
        named = getattr(item, "name", None) or getattr(item, "title", None) or item.id
        lines.append(("id", item.id, f"{kind}: {named}"))
    for org in book.organisations:
        lines.append(("id", org.name, f"organisation: {org.id}"))
    for project in book.projects:
        lines.append(("project", project.id, project.name))
    for event in book.events:
        lines.append(("project", event.id, event.name))
    for place in book.places:
        if place.kind == "town":
            where = ", ".join(x for x in (place.department, place.region, place.country) if x)
            lines.append(("town", place.id, f"{place.name} ({where})"))
    for name in sorted({p.department for p in book.places if p.department}):
        lines.append(("department", name, "département"))
    for role in sorted({r for org in book.organisations for r in org.roles}):
        lines.append(("role", role, "role"))
    for measure in sorted({f.measure for f in book.figures}):
        lines.append(("measure", measure, "measure"))
    for topic in sorted({s.topic for s in book.statements}):
        lines.append(("topic", topic, "topic"))
    from ..query.rows import OPENING

    history: dict[str, dict[str, None]] = {}  # each entity's history fields, in one pass
    for figure in book.figures:
        history.setdefault(figure.subject, {})[figure.measure] = None
    for stone in book.milestones:
        history.setdefault(stone.subject, {})["opening" if stone.what in OPENING else stone.what] = None
    for item in (*book.events, *book.projects):
        for name in ("dates", "status"):
            if getattr(item, name, ()):
                history.setdefault(item.id, {})[name] = None
    for subject, names in history.items():
        lines += [(f"field:{subject}", name, f"a field of {subject}'s history") for name in names]
    index = book.index()
    for subject in dict.fromkeys(c.subject for c in (*book.figures, *book.milestones, *book.statements)):
        lines.append(("subject", subject, getattr(index.get(subject), "name", None) or subject))
    def clean(text: object) -> str:  # one line per candidate
        return " ".join(str(text).split())

    return [f"{kind}\t{clean(value)}\t{clean(help_text)}" for kind, value, help_text in lines]


def _values(ctx: Any, wanted: str) -> Iterable[tuple[str, str]]:
    """The candidates of one kind for the data file in use: from the cache's small side file
    when it is fresh (no json, no book to build: every Tab press pays for this), else from the
    book, leaving the side file for the next press."""
    from .. import cache
    from ..book import load_facts

    file, use_cache = _data_file(ctx)
    lines = cache.read_side(file, SIDE_FILE) if use_cache and not cache.disabled_by_environment() else None
    if lines is None:
        lines = index_lines(load_facts(file, use_cache=use_cache))
        if use_cache:
            cache.write_side(file, SIDE_FILE, lines)
    for line in lines:
        kind, value, help_text = line.split("\t")
        if kind == wanted:
            yield value, help_text


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
        except Exception:  # noqa: BLE001 - a completion must never break the user's shell
            return []

    complete.__name__ = build.__name__
    return complete


def from_data(kind: str) -> Callable[[Any, Any, str], list[Any]]:
    """A callback offering the data file's values of one kind (see :func:`index_lines`)."""

    def build(ctx: Any, incomplete: str) -> Iterable[tuple[str, str]]:
        return _values(ctx, kind)

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
    return _values(ctx, f"field:{entity}") if entity else ()


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

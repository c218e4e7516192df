"""``--as-of``: the fact book as the sources published up to a date would give it.
Standard library only.

What was known when: DATE is a period (``2023``, ``2023-06``, ``2023-06-14``) and the answer is
the one at its **last** day. A source counts only when its publication date is certainly on or
before that day: every day its date can mean (the last day of ``2023``, of a range's end) is on
or before DATE's last day. A source whose date straddles it (``2023`` at ``--as-of 2023-06``;
``2023-05-11/2023-12`` at ``--as-of 2023-09``) may have been published later: it is left out and
named, as are sources with no known date. A claim's own ``as_of`` follows the same rule.

Derived from the records themselves (``model.SECTIONS`` and each record's fields), so a new
kind of fact is restricted like the others without a line here: a record's citations
(``cite``) and its nested claims (records with a ``source``) keep only what a kept source said
by then; a record whose citations are all gone, a claim made later or by a left-out source,
and a claim about a record that is gone, are left out; an optional reference to a record
that is gone becomes ``None``.
"""

from __future__ import annotations

from typing import Any

from .. import model as m
from ..dates import PartialDate
from ..record import Record


class LeftOut(Record):
    """What ``--as-of`` left out though it may have been said by then (named in a note): sources
    with no known date (ids), sources whose date straddles DATE, and claims of kept sources whose
    own ``as_of`` is unknown or straddles it (each ``(id, date)``; a nested claim, such as a
    status, as ``"project status by source"``)."""

    unknown: tuple[str, ...] = ()
    straddling: tuple[tuple[str, str], ...] = ()
    claims: tuple[tuple[str, str], ...] = ()


def said_by(date: PartialDate, when: PartialDate) -> bool | None:
    """``True`` when every day ``date`` can mean is on or before the last day of ``when``;
    ``False`` when none is; ``None`` when it straddles that day or is not known (no year)."""
    first, last, end = date.first_day(), date.last_day(), when.last_day()
    if first is None or last is None or end is None:
        return None
    if last <= end:
        return True
    return None if first <= end else False


def book_as_of(book: m.FactBook, when: PartialDate) -> tuple[m.FactBook, LeftOut]:
    """The book as the sources published up to the last day of ``when`` would give it, and what
    was left out that may have been said by then (:class:`LeftOut`). Reference sources are
    always kept."""
    sources = tuple(s for s in book.sources if s.reference or said_by(s.published, when))
    kept = {s.id for s in sources}
    unknown = tuple(s.id for s in book.sources if not s.reference and not s.published.has_year)
    straddling = tuple((s.id, s.published.text) for s in book.sources
                       if not s.reference and s.published.has_year and said_by(s.published, when) is None)
    doubtful: list[tuple[str, str]] = []

    def said_by_then(claim: Any, label: str) -> bool:
        if claim.source not in kept:
            return False
        as_of = getattr(claim, "as_of", None)
        if as_of is None:
            return True
        said = said_by(as_of, when)
        if said is None:
            doubtful.append((label, as_of.text))
        return bool(said)

    def restrict(item: Any) -> Any | None:
        changes: dict[str, Any] = {}
        for name in item._fields:
            value = getattr(item, name)
            if name == "cite":
                changes[name] = tuple(c for c in value if c.source in kept)
                if not changes[name]:
                    return None
            elif isinstance(value, tuple) and value and isinstance(value[0], Record) and hasattr(value[0], "source"):
                changes[name] = tuple(claim for claim in value
                                      if said_by_then(claim, f"{item.id} {name} by {claim.source}"))
        if hasattr(item, "source") and not said_by_then(item, item.id):
            return None
        if isinstance(item, m.Discrepancy) and len(changes["sides"]) < 2:
            return None  # one side left is no disagreement
        return item._replace(**changes) if changes else item

    sections: dict[str, tuple[Any, ...]] = {"sources": sources}
    present: set[str] = set()
    for section in m.SECTIONS[1:]:
        items = []
        for item in getattr(book, section.name):
            if getattr(item, "subject", None) is not None and item.subject not in present:
                continue
            restricted = restrict(item)
            if restricted is not None:
                items.append(restricted)
                present.add(restricted.id)
        sections[section.name] = tuple(items)
    for section in m.SECTIONS[1:]:
        sections[section.name] = tuple(_drop_missing_references(item, present) for item in sections[section.name])
    left_out = LeftOut(unknown, straddling, tuple(dict.fromkeys(doubtful)))
    return m.FactBook(path=book.path, **sections), left_out


def _drop_missing_references(item: Any, present: set[str]) -> Any:
    """Optional references (a field whose default is ``None``) to records that are gone: ``None``."""
    changes = {
        key: None
        for key, ref, _ in item.refers()
        if ref is not None and ref not in present and item._defaults.get(key, ...) is None
    }
    return item._replace(**changes) if changes else item

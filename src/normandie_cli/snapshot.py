"""``--as-of``: the fact book as the sources published up to a date would give it.
Standard library only.

Derived from the records themselves (``model.SECTIONS`` and each record's fields), so a new
kind of fact is restricted like the others without a line here: a record's citations
(``cite``) and its nested claims (records with a ``source``) keep only what a kept source said
by then; a record whose citations are all gone, a claim made later or by a left-out source,
and a claim about a record that is gone, are left out; an optional reference to a record
that is gone becomes ``None``.
"""

from __future__ import annotations

from typing import Any

from . import model as m
from .dates import PartialDate, compare_dates
from .record import Record


def _kept(date: PartialDate, when: PartialDate) -> bool:
    order = compare_dates(date, when)
    return order is not None and order <= 0


def book_as_of(book: m.FactBook, when: PartialDate) -> tuple[m.FactBook, list[str]]:
    """The book as the sources published up to ``when`` would give it, and the ids of the
    sources left out because their date is unknown. Reference sources are always kept."""
    sources = tuple(s for s in book.sources if s.reference or _kept(s.published, when))
    kept = {s.id for s in sources}
    unknown = [s.id for s in book.sources if not s.reference and not s.published.has_year]

    def said_by_then(claim: Any) -> bool:
        as_of = getattr(claim, "as_of", None)
        return claim.source in kept and (as_of is None or _kept(as_of, when))

    def restrict(item: Any) -> Any | None:
        changes: dict[str, Any] = {}
        for name in item._fields:
            value = getattr(item, name)
            if name == "cite":
                changes[name] = tuple(c for c in value if c.source in kept)
                if not changes[name]:
                    return None
            elif isinstance(value, tuple) and value and isinstance(value[0], Record) and hasattr(value[0], "source"):
                changes[name] = tuple(claim for claim in value if said_by_then(claim))
        if hasattr(item, "source") and not said_by_then(item):
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
    return m.FactBook(path=book.path, **sections), unknown


def _drop_missing_references(item: Any, present: set[str]) -> Any:
    """Optional references (a field whose default is ``None``) to records that are gone: ``None``."""
    changes = {
        key: None
        for key, ref, _ in item.refers()
        if ref is not None and ref not in present and item._defaults.get(key, ...) is None
    }
    return item._replace(**changes) if changes else item

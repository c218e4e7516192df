"""What changed between two fact books, record by record (``normandie diff OLD NEW``).

Standard library only. A record (source, place, organisation, person, event, project, figure,
milestone, statement, discrepancy) is the same record in both books when it has the same kind
and id; it is then compared field by field. The claims a record holds in a list (a project's
status claims, an event's dates, an organisation's seats, a citation, a title, a discrepancy's
sides) have no id of their own: a claim is the same claim when it sits in the same list of the
same record, from the same source, with the same ``as_of`` (where the claim has one), and, when
one source makes several such claims, the same place among them. That key is what a reader
means by "this claim": who said it and when. A claim whose source or date changed is another
claim, so it reads as one removed and one added; a change of a figure's source (a record with
an id) reads as a change of its ``source`` field. A list of plain values (roles, places,
participants) is compared as a set: each value added or removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .. import model as m
from ..dates import PartialDate
from ..errors import UsageError
from ..record import Record
from ..registry import Row

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"

#: Fields that say where a record sits in its file, not what it says: never compared.
_PLACE_ONLY = frozenset({"line"})
#: The field of a claim in a list that a person reads as its value, first found first.
_CLAIM_VALUE = ("value", "date", "place", "project", "name", "quote")
#: The field of a record that names it, first found first (a figure's is its number).
_RECORD_LABEL = ("name", "about", "publisher", "text")


def kind_names() -> tuple[str, ...]:
    """The kinds ``--kind`` accepts: each section's kind (figure, project, ...)."""
    return tuple(section.kind for section in m.SECTIONS)


def parse_kinds(kinds: Sequence[str] | None) -> tuple[str, ...] | None:
    """``--kind`` (repeatable, or comma-separated) as section kinds; a section's name
    (``figures``) is read as its kind. ``None``: every kind."""
    if not kinds:
        return None
    by_name = {section.name: section.kind for section in m.SECTIONS}
    known = kind_names()
    wanted: list[str] = []
    for word in (w.strip() for text in kinds for w in text.split(",")):
        if not word:
            continue
        kind = by_name.get(word, word)
        if kind not in known:
            raise UsageError(f"--kind: unknown kind {word!r}", f"Kinds: {', '.join(known)}.")
        if kind not in wanted:
            wanted.append(kind)
    return tuple(wanted) or None


def diff_books(old: m.FactBook, new: m.FactBook, kinds: Sequence[str] | None = None) -> list[Row]:
    """Every difference between ``old`` and ``new`` (of these kinds; ``None``: every kind), one
    row each, in the sections' order, then the old book's order of records (records only in the
    new book after them, in its order)."""
    rows: list[Row] = []
    for section in m.SECTIONS:
        if kinds is not None and section.kind not in kinds:
            continue
        before = {record.id: record for record in getattr(old, section.name)}
        after = {record.id: record for record in getattr(new, section.name)}
        for ident, record in before.items():
            if ident not in after:
                rows.append(_record_row(REMOVED, section.kind, record))
            else:
                rows.extend(_record_changes(section.kind, record, after[ident]))
        rows.extend(_record_row(ADDED, section.kind, record) for ident, record in after.items()
                    if ident not in before)
    return rows


def _plain(value: Any) -> Any:
    """A value as the output holds it: a date as its text (its precision shows: 2024, 2024-03),
    numbers and booleans as they are."""
    if isinstance(value, PartialDate):
        return value.text
    return value


def _subject(record: Any) -> str:
    return str(getattr(record, "subject", None) or record.id)


def _record_label(record: Any) -> Any:
    """What names a whole record added or removed: a figure's measure and number, a milestone's
    step and date, else its name (or what it is about)."""
    if isinstance(record, m.Figure):
        number = record.value_text or record.value
        return f"{record.measure}: {number} {record.unit} ({record.qualifier})"
    if isinstance(record, m.Milestone):
        return f"{record.what}: {record.date.text}"
    for name in _RECORD_LABEL:
        value = getattr(record, name, None)
        if value is not None:
            return value
    return record.id


def _row(change: str, kind: str, record: Any, field: str | None, values: tuple[Any, Any], claim: Any = None) -> Row:
    """One row of the diff: a change to ``record``'s ``field`` (None: the whole record), from
    the first of ``values`` to the second; the source and date are the ``claim``'s when it is
    one of a list's."""
    old, new = values
    source = as_of = None
    if claim is not None:
        source, as_of = getattr(claim, "source", None), getattr(claim, "as_of", None)
    return {
        "change": change,
        "kind": kind,
        "id": record.id,
        "subject": _subject(record),
        "field": field,
        "old": _plain(old),
        "new": _plain(new),
        "source": source if source is not None else getattr(record, "source", None),
        "as_of": _plain(as_of if as_of is not None else getattr(record, "as_of", None)),
    }


def _record_row(change: str, kind: str, record: Any) -> Row:
    label = _record_label(record)
    return _row(change, kind, record, None, (label if change == REMOVED else None, label if change == ADDED else None))


def _record_changes(kind: str, old: Any, new: Any) -> Iterator[Row]:
    """The differences between two versions of one record, field by field, in its fields' order."""
    if old == new:
        return
    for name in type(new)._fields:
        if name in _PLACE_ONLY:
            continue
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        if isinstance(before, tuple) or isinstance(after, tuple):
            if any(isinstance(item, Record) for item in (*before, *after)):
                yield from _claim_changes(kind, new, name, before, after)
            else:
                yield from _value_changes(kind, new, name, before, after)
        else:
            yield _row(CHANGED, kind, new, name, (before, after))


def _value_changes(kind: str, record: Any, name: str, before: Iterable[Any], after: Iterable[Any]) -> Iterator[Row]:
    """A list of plain values (roles, places, participants) as a set: each one removed, then added."""
    old, new = list(before), list(after)
    for value in old:
        if value not in new:
            yield _row(REMOVED, kind, record, name, (value, None))
    for value in new:
        if value not in old:
            yield _row(ADDED, kind, record, name, (None, value))


def _claim_key(claim: Any) -> tuple[str | None, str | None]:
    """Who made a claim and when: the claim's identity in its list (see the module's doc)."""
    as_of = getattr(claim, "as_of", None)
    return getattr(claim, "source", None), as_of.text if isinstance(as_of, PartialDate) else None


def _keyed(claims: Iterable[Any]) -> dict[tuple[str | None, str | None, int], Any]:
    """The claims by key, the n-th claim of one source and date told apart by n."""
    seen: dict[tuple[str | None, str | None], int] = {}
    keyed = {}
    for claim in claims:
        key = _claim_key(claim)
        n = seen.get(key, 0)
        seen[key] = n + 1
        keyed[(*key, n)] = claim
    return keyed


def _claim_value(claim: Any) -> Any:
    for name in _CLAIM_VALUE:
        value = getattr(claim, name, None)
        if value is not None:
            return value
    return getattr(claim, "source", None)


def _claim_changes(kind: str, record: Any, name: str, before: Iterable[Any], after: Iterable[Any]) -> Iterator[Row]:
    """A list of claims: each claim removed, changed field by field (``status.value``), or added."""
    old, new = _keyed(before), _keyed(after)
    for key, claim in old.items():
        source, _, _ = key
        if key not in new:
            yield _row(REMOVED, kind, record, name, (_claim_value(claim), None), claim)
            continue
        other = new[key]
        for part in type(claim)._fields:
            if part in ("source", "as_of") or part in _PLACE_ONLY:
                continue
            was, now = getattr(claim, part), getattr(other, part)
            if was != now:
                yield _row(CHANGED, kind, record, f"{name}.{part}", (was, now), claim)
    for key, claim in new.items():
        if key not in old:
            yield _row(ADDED, kind, record, name, (None, _claim_value(claim)), claim)


def empty_book(path: str) -> m.FactBook:
    """The book of a file that does not exist on one side (git's ``/dev/null``): no records."""
    return m.FactBook(path)

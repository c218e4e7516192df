"""search and show: every text of the book matched loosely, and everything about one entity.
Standard library only."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .. import humanize
from .. import model as m
from ..dates import UNKNOWN_DATE
from ..errors import UsageError
from ..registry import SHOW, SHOW_SECTIONS, Row
from ..text import fold, suggest
from .lookup import resolve_any
from .rows import cited_sources, source_kinds


def _searchable(item: Any, places: dict[str, str]) -> Iterable[tuple[str, str, list[str]]]:
    """(field, text, sources) for every piece of text a record holds."""
    own: list[str]
    if isinstance(item, m.Source):
        own = [item.id]
    elif hasattr(item, "cite"):
        own = cited_sources(item.cite)
    else:
        own = [item.source] if hasattr(item, "source") else []
    if isinstance(item, m.Discrepancy):
        own = list(dict.fromkeys(side.source for side in item.sides))
    for name in ("id", "name", "title", "description", "publisher", "url", "published_note", "role", "about",
                 "text", "topic", "what", "measure", "scope", "unit", "kind", "note", "quote", "department",
                 "region", "country", "subject", "owner", "organisation", "outcome"):
        value = getattr(item, name, None)
        if isinstance(value, str) and value:
            yield name, value, own
    if isinstance(item, m.Figure):
        yield "value", item.value_text or humanize.number(item.value), own
        if item.value_text is None and isinstance(item.value, int):
            yield "value", str(item.value), own
    if isinstance(item, m.Organisation):
        if item.town:
            yield "town", places.get(item.town, item.town), own
        for role in item.roles:
            yield "roles", role, own
        for site in item.sites:
            yield "sites", places.get(site.place, site.place), [site.source]
        for seat in item.seats:
            yield "seats", places.get(seat.place, seat.place), [seat.source]
    for alias in getattr(item, "also_known_as", ()):
        yield "also_known_as", alias.name, [alias.source]
    for cite in getattr(item, "cite", ()):
        for name in ("quote", "note"):
            value = getattr(cite, name)
            if value:
                yield f"cite.{name}", value, [cite.source]
    for group in ("dates", "status", "locations", "sites", "seats", "sides", "titles", "follows"):
        for claim in getattr(item, group, ()):
            for name in ("quote", "note", "value"):
                value = getattr(claim, name, None)
                if isinstance(value, str) and value:
                    yield f"{group}.{name}", value, [claim.source]


def search_rows(book: m.FactBook, text: str, kind: str | None = None) -> list[Row]:
    """Every text in the book containing ``text`` (case-, accent- and hyphen-insensitive)."""
    needle = fold(text)
    if not needle:
        raise UsageError("search: give some text to look for")
    if kind is not None and kind not in m.KINDS:
        raise UsageError(f"--kind: {kind!r} is not one of {', '.join(m.KINDS)}{suggest(kind, m.KINDS)}")
    places = {p.id: p.name for p in book.places}
    kinds = source_kinds(book)
    rows = []
    for record_kind in m.KINDS:
        if kind is not None and record_kind != kind:
            continue
        for entity_kind, item in book.entities():
            if entity_kind != record_kind:
                continue
            seen: set[tuple[str, str]] = set()
            for field_name, value, sources in _searchable(item, places):
                if needle in fold(value) and (field_name, value) not in seen:
                    seen.add((field_name, value))
                    rows.append({"kind": entity_kind, "id": item.id, "field": field_name, "text": value,
                                 "source": sources, "source_kind": [kinds.get(s, m.NOT_STATED) for s in sources]})
    return rows


def _find(book: m.FactBook, entity_id: str) -> tuple[str, Any] | None:
    for section in m.SECTIONS:
        for item in getattr(book, section.name):
            if item.id == entity_id:
                return section.kind, item
    return None


def locate(book: m.FactBook, wanted: str) -> tuple[str, Any]:
    """The kind and the record of an id, or of what :func:`lookup.resolve_any` matches loosely
    (a name, another case; else its error): found by one pass over the records, without indexing
    them all (on a large book, an index of every record costs more than the rest of ``show``)."""
    found = _find(book, wanted) or _find(book, resolve_any(book, wanted))
    assert found is not None  # resolve_any returns the id of a record of the book
    return found


def names_of(book: m.FactBook, ids: Iterable[str | None]) -> dict[str, str]:
    """The names (or titles) of these ids, by one pass over the records."""
    wanted = {i for i in ids if i}
    out: dict[str, str] = {}
    for section in m.SECTIONS:
        for item in getattr(book, section.name):
            if item.id in wanted and item.id not in out:
                name = getattr(item, "name", None) or getattr(item, "title", None)
                if name:
                    out[item.id] = name
    return out


def pick_sections(names: Iterable[str]) -> list[str]:
    """``show --section``'s names as sections, in show's order: each a section's name or the
    start of only one (case-insensitive); anything else is a usage error naming them."""
    picked: set[str] = set()
    for name in names:
        key = name.strip().lower()
        found = [s for s in SHOW_SECTIONS if s == key] or [s for s in SHOW_SECTIONS if key and s.startswith(key)]
        if len(found) != 1:
            what = f"is the start of {', '.join(found)}" if found else "is not a section"
            raise UsageError(f"--section: {name!r} {what}; sections: {', '.join(SHOW_SECTIONS)}"
                             + ("" if found else suggest(name, SHOW_SECTIONS)))
        picked.add(found[0])
    return [s for s in SHOW_SECTIONS if s in picked]


def _row(section: str, field: str, value: Any, **extra: Any) -> Row:
    row: Row = {name: None for name in SHOW.field_names()}
    row.update(section=section, field=field, value=value)
    row.update({k: v for k, v in extra.items() if k in row})
    if isinstance(row["source"], str):
        row["source"] = [row["source"]]
    return row


def _figure_row(section: str, figure: m.Figure) -> Row:
    return _row(section, figure.measure, figure.value, qualifier=figure.qualifier, unit=figure.unit,
                status="planned" if figure.planned else "actual", scope=figure.scope,
                as_of=figure.as_of.text, source=figure.source, quote=figure.quote, note=figure.note)


def _milestone_row(section: str, stone: m.Milestone) -> Row:
    note = "; ".join(x for x in (f"outcome: {stone.outcome}" if stone.outcome else None, stone.note) if x)
    return _row(section, stone.what, stone.date.text, qualifier=stone.date_qualifier,
                status="planned" if stone.planned else "happened", scope=stone.scope,
                as_of=stone.as_of.text, source=stone.source, quote=stone.quote, note=note or None)


def _statement_row(section: str, statement: m.Statement) -> Row:
    return _row(section, statement.topic, statement.text, as_of=statement.as_of.text,
                source=statement.source, quote=statement.quote, note=statement.note)


def _discrepancy_row(section: str, discrepancy: m.Discrepancy) -> Row:
    return _row(section, discrepancy.kind, discrepancy.about, source=[s.source for s in discrepancy.sides],
                note="; ".join(f"{s.value} [{s.source}]" for s in discrepancy.sides))


def _record_row(section: str, record: Any) -> Row:
    """A record about the entity, of a kind with no row of its own: its id, what it says (its
    first text field), when, and its sources with their words."""
    text = next((v for v in (getattr(record, f) for f in record._fields if f not in ("id", "subject"))
                 if isinstance(v, str) and v), None)
    as_of = getattr(record, "as_of", None)
    cited = list(record.cited())
    return _row(section, record.id, text, as_of=as_of.text if as_of is not None else None,
                source=list(dict.fromkeys(source for source, _, _ in cited)) or None,
                quote="; ".join(quote for _, quote, _ in cited if quote) or None, note=getattr(record, "note", None))


#: How ``show`` draws a record about the entity, by kind (any other kind: :func:`_record_row`).
_ABOUT_ROW: dict[str, Callable[[str, Any], Row]] = {
    "figure": _figure_row, "milestone": _milestone_row, "statement": _statement_row, "discrepancy": _discrepancy_row,
}


def _about_rows(section: m.Section, records: list[Any]) -> list[Row]:
    """The rows of the records of one kind about the entity: claims in the order they were made
    (their as-of dates; undated last), others in the file's order."""
    if records and hasattr(records[0], "as_of"):
        records = sorted(records, key=lambda r: r.as_of.sort_key())
    build = _ABOUT_ROW.get(section.kind, _record_row)
    return [build(section.name, record) for record in records]


def show_rows(book: m.FactBook, wanted: str) -> list[Row]:
    """Everything about one entity, as rows: its fields, its claims, what relates to it.

    Claims come in the order they were made (their as-of dates; undated last), and so do
    locations, sites, sides and citations, by their source's date, which is their ``as_of``.
    """
    kind, item = locate(book, wanted)
    entity_id = item.id
    related = list(relations(book, item, entity_id))
    names = names_of(book, (target for _, target in related))
    published = {s.id: s.published for s in book.sources}

    def made(records: Iterable[Any]) -> list[Any]:
        """Records in the order their claims were made (stable)."""
        return sorted(records, key=lambda r: r.as_of.sort_key())

    def by_source_date(records: Iterable[Any]) -> list[Any]:
        return sorted(records, key=lambda r: published.get(r.source, UNKNOWN_DATE).sort_key())

    def source_date(source: str) -> str:
        return published.get(source, UNKNOWN_DATE).text

    rows: list[Row] = [_row("fields", "record", kind)]
    skip = {"cite", "dates", "status", "locations", "sites", "seats", "sides", "also_known_as", "titles", "follows",
            "line", "quote", "source", "note"}
    for name in item._fields:
        value = getattr(item, name)
        if name in skip or value in (None, (), ""):
            continue
        if hasattr(value, "text") and hasattr(value, "precision"):
            value = value.text
        elif isinstance(value, tuple):
            value = list(value)
        extra: dict[str, Any] = {}  # an entity's sources are its citations, listed last
        if isinstance(item, (m.Figure, m.Milestone, m.Statement)):
            extra = {"source": item.source}
        rows.append(_row("fields", name, value, **extra))
    if isinstance(item, (m.Figure, m.Milestone, m.Statement)):
        rows[-1].update(quote=item.quote, note=item.note)
    if isinstance(item, m.Organisation) and item.town is None:
        rows.append(_row("fields", "town", "not stated"))
    for alias in getattr(item, "also_known_as", ()):
        rows.append(_row("fields", "also_known_as", alias.name, source=alias.source))
    for claim in made(getattr(item, "dates", ())):
        rows.append(_row("dates", "date", claim.date.text, as_of=claim.as_of.text, source=claim.source,
                         quote=claim.quote, note=claim.note))
    for claim in made(getattr(item, "status", ())):
        rows.append(_row("status", "status", claim.value, as_of=claim.as_of.text, source=claim.source,
                         quote=claim.quote, note=claim.note))
    for title in made(getattr(item, "titles", ())):
        rows.append(_row("titles", "title", title.value, as_of=title.as_of.text, source=title.source,
                         quote=title.quote, note=title.note))
    for link in by_source_date(getattr(item, "follows", ())):
        rows.append(_row("follows", "project", link.project, as_of=source_date(link.source), source=link.source,
                         quote=link.quote, note=link.note))
    for loc in by_source_date(getattr(item, "locations", ())):
        rows.append(_row("locations", "place", loc.place, as_of=source_date(loc.source), source=loc.source,
                         quote=loc.quote, note=loc.note))
    for site in by_source_date(getattr(item, "sites", ())):
        rows.append(_row("sites", "place", site.place, as_of=source_date(site.source), source=site.source,
                         quote=site.quote, note=site.note))
    for seat in by_source_date(getattr(item, "seats", ())):
        rows.append(_row("seats", "place", seat.place, as_of=source_date(seat.source), source=seat.source,
                         quote=seat.quote, note=seat.note))
    for side in by_source_date(getattr(item, "sides", ())):
        rows.append(_row("sides", "value", side.value, as_of=source_date(side.source), source=side.source,
                         quote=side.quote, note=side.note))
    about = {s.name: [r for r in getattr(book, s.name) if getattr(r, "subject", None) == entity_id]
             for s in m.SECTIONS if s.about}
    for section in m.SECTIONS:
        if section.about and not section.after_related:
            rows += _about_rows(section, about[section.name])
    for relation, target in related:
        rows.append(_row("related", relation, target, note=names.get(target)))
    for section in m.SECTIONS:
        if section.about and section.after_related:
            rows += _about_rows(section, about[section.name])
    for cite in by_source_date(getattr(item, "cite", ())):
        rows.append(_row("citations", "source", cite.source, as_of=source_date(cite.source), source=cite.source,
                         quote=cite.quote, note=cite.note))
    kinds = source_kinds(book)
    for row in rows:
        if row["source"]:
            row["source_kind"] = [kinds.get(source, m.NOT_STATED) for source in row["source"]]
    return rows


#: What a reference from a record of a kind to the entity says in ``show``'s related section,
#: by (kind, reference): the kinds in this order, then any other kind, each in the file's order.
#: ``None``: not a relation shown (the record shows it otherwise). A record about the entity
#: (its ``subject``) has a section of its own; any other reference reads as ``kind (reference)``.
POINTED_FROM: dict[tuple[str, str], str | None] = {
    ("organisation", "town"): "organisation here", ("organisation", "parent"): "subsidiary",
    ("organisation", "site"): "site of", ("organisation", "seat"): "seat of",
    ("person", "organisation"): "person", ("person", "title organisation"): None,
    ("project", "owner"): "project", ("project", "location"): "project here", ("project", "follows"): "followed by",
    ("event", "participants"): "took part in", ("event", "places"): "event here", ("event", "part_of"): "part",
    ("figure", "revises"): None, ("milestone", "revises"): None,
}
#: A relation left out where another of the same record says it (a seat that is the town).
_UNLESS = {"seat of": "organisation here"}
#: What the entity points at that its own rows show (fields, follows), not its related section.
_SHOWN_OTHERWISE = {"revises", "follows"}


def relations(book: m.FactBook, item: Any, entity_id: str) -> Iterable[tuple[str, str]]:
    """(relation, other id) for what the entity points at and what points at it, from each
    record's references (``refers()``)."""
    for name, target, _ in item.refers():
        if target and name in item._fields and name not in _SHOWN_OTHERWISE:
            yield name, target
    first = list(dict.fromkeys(kind for kind, _ in POINTED_FROM))
    order = sorted(m.SECTIONS, key=lambda s: first.index(s.kind) if s.kind in first else len(first))
    for section in order:
        for record in getattr(book, section.name):
            said: list[str] = []
            for name, target, _ in record.refers():
                if target != entity_id or (name == "subject" and section.about):
                    continue
                relation = POINTED_FROM.get((section.kind, name), f"{section.kind} ({name})")
                if relation is not None and relation not in said and _UNLESS.get(relation) not in said:
                    said.append(relation)
                    yield relation, record.id

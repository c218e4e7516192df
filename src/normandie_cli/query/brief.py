"""What ``show ID`` says first, before its sections: what the entity is; its status now, since
when and who says so; each figure's latest claim and the range of all its claims, like with
like; each claimed date in the order the claims were made; how many disagreements; its
sources. Words only: render/show.py draws them. Standard library only.

Every sentence is a claim as its source states it (with the source and the date), or says
what it computed ("range of 11 claims", "3 claims in a row say planned"). A change between
claims ("slipped 5 years") is history's own word (:func:`history.history_rows`), never
computed here; ranges never mix units, scopes, plans with facts, or periods (:func:`history.like`).

The lines themselves are built in query/brief_lines.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from .. import humanize
from .. import model as m
from ..record import Record
from .brief_lines import (
    Item,
    change_text,
    date_lines,
    date_story,
    date_text,
    disagreements_line,
    figure_line,
    figure_lines,
    keep,
    name_of,
    plural,
    related_line,
    source_kind_of,
    sources_line,
    status_line,
    what_lines,
    with_name,
)
from .explore import locate, names_of, relations
from .history import claims_of, conflict_rows, history_rows
from .rows import voices


class Brief(Record):
    """The head of a dossier: the entity's kind, id and name, and its items in reading order."""

    kind: str
    id: str
    name: str | None
    items: tuple[Item, ...]

    def item(self, label: str) -> Item | None:
        return next((i for i in self.items if i.label == label), None)


class Dossier:
    """What ``show`` draws at a terminal around its rows: whose dossier it is; its brief, made
    only when drawn (``None`` when only some sections are asked for: they are drawn alone); and
    whether every section follows the brief (``--full``) or an index of them."""

    def __init__(self, kind: str, entity_id: str, name: str | None, brief: Callable[[], Brief] | None,
                 full: bool = False) -> None:
        self.kind = kind
        self.id = entity_id
        self.name = name
        self.brief = brief
        self.full = full


def dossier_of(book: m.FactBook, wanted: str, *, full: bool = False, brief: bool = True) -> Dossier:
    """The dossier of one entity (an id or an organisation's name); its brief is made when drawn."""
    kind, item = locate(book, wanted)
    name = name_of(item) or getattr(item, "about", None)
    return Dossier(kind, item.id, name, (lambda: brief_of(book, item.id)) if brief else None, full)


def part_about(book: m.FactBook, item: Any, claims: dict[str, list[Any]] | None = None) -> m.FactBook:
    """The part of the book about one subject: the sources, the subject in its own section, and
    the figures, milestones and discrepancies about it (``claims``: these, by subject, when known).
    ``history_rows``, ``claims_of`` and ``conflict_rows`` answer on it as on the whole book for
    that subject (each works subject by subject), without a pass over every record each time."""
    own = {section.name: (item,) for section in m.SECTIONS
           if isinstance(item, section.record) and section.name != "sources"}
    about = claims.get(item.id, []) if claims is not None else [
        r for group in (book.figures, book.milestones, book.discrepancies) for r in group if r.subject == item.id]
    return m.FactBook(
        path=book.path, sources=book.sources, **own,  # type: ignore[arg-type]  # the subject in its own section
        figures=tuple(r for r in about if isinstance(r, m.Figure)),
        milestones=tuple(r for r in about if isinstance(r, m.Milestone)),
        discrepancies=tuple(r for r in about if isinstance(r, m.Discrepancy)),
    )


def _conflicts(part: m.FactBook, subject: str) -> list[dict[str, Any]]:
    """The rows ``conflicts`` lists about one subject, from the part of the book about it."""
    return [r for r in conflict_rows(part) if r["subject"] == subject]


def sources_of(book: m.FactBook, item: Any) -> list[str]:
    """Every source behind an entity: its own citations, claims and sides, and the claims and
    discrepancies about it, in that order."""
    out = [source for source, _, _ in item.cited()]
    for group in (book.figures, book.milestones, book.statements, book.discrepancies):
        for record in group:
            if record.subject == item.id:
                out += [source for source, _, _ in record.cited()]
    return list(dict.fromkeys(out))


# the brief ------------------------------------------------------------------------------

def brief_of(book: m.FactBook, wanted: str) -> Brief:
    """The brief of one entity, claim, discrepancy or source (an id or an organisation's name)."""
    kind, item = locate(book, wanted)
    entity_id = item.id
    sources = {s.id: s for s in book.sources}
    linked = [getattr(item, key, None) for key in ("owner", "town", "parent", "organisation", "subject")]
    names = names_of(book, linked)
    if isinstance(item, (m.Figure, m.Milestone, m.Statement)):
        return Brief(kind, entity_id, name_of(item), tuple(_claim(book, item, sources, names)))
    if isinstance(item, m.Discrepancy):
        return Brief(kind, entity_id, item.about, tuple(_discrepancy(book, item, sources, names)))
    items = what_lines(names, kind, item)
    status = status_line(item, sources, voices(book))
    if status is not None:
        items.append(status)
    part = part_about(book, item)
    claims = claims_of(part, entity_id)
    history = history_rows(part, entity_id) if claims else []
    items += figure_lines(claims, f"whole {kind}")
    items += date_lines(claims, history)
    said = {"owner", "town", "parent", "organisation", "places", "part_of", "participants"}
    related = related_line(relations(book, item, entity_id), said)
    if related is not None:
        items.append(related)
    if isinstance(item, m.Source):
        items += _source_backs(book, item)
        items.append(disagreements_line(_source_conflicts(book, item.id), " with a side from this source"))
    else:
        if kind in m.SUBJECT_KINDS:
            items.append(disagreements_line(_conflicts(part, entity_id)))
        items.append(sources_line(sources_of(book, item), sources))
    return Brief(kind, entity_id, name_of(item), tuple(items))


def _source_conflicts(book: m.FactBook, source: str) -> list[dict[str, Any]]:
    """The rows ``conflicts`` lists with a side from this source: those of every subject the
    source makes a claim about."""
    subjects: set[str] = set()
    claims: dict[str, list[Any]] = {}
    for group in (book.figures, book.milestones, book.discrepancies):
        for record in group:
            claims.setdefault(record.subject, []).append(record)
            if any(cited == source for cited, _, _ in record.cited()):
                subjects.add(record.subject)
    rows = []
    for section in m.SECTIONS:
        if section.kind in m.SUBJECT_KINDS:
            for item in getattr(book, section.name):
                if item.id in subjects or any(claim.source == source for claim in (
                        *getattr(item, "status", ()), *getattr(item, "dates", ()))):
                    rows += [r for r in _conflicts(part_about(book, item, claims), item.id)
                             if any(side.get("source") == source for side in r["sides"])]
    return rows


def _source_backs(book: m.FactBook, source: m.Source) -> list[Item]:
    """What a source backs: how many records of each kind, and about which subjects."""
    kinds: Counter[str] = Counter()
    subjects: Counter[str] = Counter()
    for kind, item in book.entities():
        if any(cited == source.id for cited, _, _ in item.cited()):
            kinds[kind] += 1
            subjects[getattr(item, "subject", None) or item.id] += 1
    if not kinds:
        return [Item("backs", "nothing in the fact file cites it")]
    text = ", ".join(plural(count, kind) for kind, count in kinds.most_common())
    about = ", ".join(f"{subject} ({count})" for subject, count in subjects.most_common(4))
    more = len(subjects) - 4
    return [Item("backs", f"{plural(sum(kinds.values()), 'record')}: {text}"),
            Item("subjects", f"{plural(len(subjects), 'id')}: {about}"
                 + (f", {humanize.number(more)} more" if more > 0 else ""))]


def _claim(book: m.FactBook, item: m.Figure | m.Milestone | m.Statement, sources: dict[str, m.Source],
           names: dict[str, str]) -> list[Item]:
    """A figure, milestone or statement: the claim itself, who made it and when, the source's
    words, then where it stands among the claims of its field (history's word, the range)."""
    subject = with_name(names, item.subject)
    src = sources.get(item.source)
    said = f"{keep(item.source)} ({source_kind_of(src)}), {date_text(item.as_of.text)}"
    items: list[Item] = []
    if isinstance(item, m.Statement):
        items += [Item("what", f"{item.topic} of {subject}"), Item("says", item.text)]
    elif isinstance(item, m.Figure):
        value = keep(humanize.quantity(item.value, item.qualifier, item.unit, item.value_text))
        extra = [x for x in (item.scope, "planned" if item.planned else "actual",
                             f"for {humanize.date(item.period.text)}" if item.period else None) if x]
        items += [Item("what", f"{item.measure} of {subject}"), Item("value", f"{value} ({', '.join(extra)})")]
    else:
        value = keep(humanize.qualified_date(item.date_qualifier, item.date.text))
        extra = [x for x in (item.scope, "planned" if item.planned else "happened") if x]
        items += [Item("what", f"{item.what} of {subject}"), Item("value", f"{value} ({', '.join(extra)})")]
    items.append(Item("source", said))
    if item.quote:
        items.append(Item("quote", f"“{item.quote}”"))
    if item.note:
        items.append(Item("note", item.note, optional=True, section="fields"))
    if not isinstance(item, m.Statement):
        if item.revises:
            items.append(Item("revises", f"{item.revises} (the source says it changes that claim)"))
        field = item.measure if isinstance(item, m.Figure) else item.history_field()
        kind, subject_item = locate(book, item.subject)
        part = part_about(book, subject_item)
        claims = [c for c in claims_of(part, item.subject) if c.field == field]
        mine = next(c for c in claims if c.id == item.id)
        history = history_rows(part, item.subject, field)
        change = change_text(history, mine)
        if change:
            items.append(Item("history", change[len("history: "):]))
        if isinstance(item, m.Figure):
            items.append(figure_line("all claims", claims, f"whole {kind}", optional=False)._replace(section=None))
        else:
            items.append(date_story("all claims", claims, history, optional=False)._replace(section=None))
        stated: Any = item.value if isinstance(item, m.Figure) else item.date.text
        mine_rows = [r for r in _conflicts(part, item.subject) if any(
            s.get("source") == item.source and s.get("as_of") == item.as_of.text and s.get("value") == stated
            for s in r["sides"])]
        items.append(disagreements_line(mine_rows, " with this claim as a side"))
    return items


def _discrepancy(book: m.FactBook, item: m.Discrepancy, sources: dict[str, m.Source],
                 names: dict[str, str]) -> list[Item]:
    """A recorded discrepancy: what and whom it is about, each side with its source, and how
    ``conflicts`` lists it."""
    items = [Item("what", f"{item.kind} · about {with_name(names, item.subject)}")]
    for side in item.sides:
        src = sources.get(side.source)
        date = humanize.date(src.published.text) if src is not None and src.published.known else "date unknown"
        items.append(Item("side", f"{side.value} [{keep(side.source)}, published {keep(date)}]"
                          + (f" · {side.note}" if side.note else "")))
    if item.note:
        items.append(Item("note", item.note))
    listed = next((r for r in _conflicts(part_about(book, locate(book, item.subject)[1]), item.subject)
                   if r.get("recorded") == item.id), None)
    if listed is not None:
        merged = " (merged with the conflict computed from the claims)" if listed["origin"] != "recorded" else ""
        items.append(Item("conflicts", f"listed as {keep(str(listed['field']))}: {listed['kind']}{merged}"))
    items.append(sources_line([side.source for side in item.sides], sources))
    return items

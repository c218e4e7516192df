"""Facts over time: each entity's claims in as-of order, disagreements between sources, the
book as it stood at a date, and citations. Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from . import humanize
from . import model as m
from .dates import PartialDate, compare_dates
from .query import OPENING, Field, Listing, Row, _as_of, resolve_any
from .record import Record



class Claim(Record):
    """One dated statement of one source about one field of an entity."""

    field: str
    value: Any
    source: str
    as_of: PartialDate
    qualifier: str | None = None
    unit: str | None = None
    scope: str | None = None
    what: str | None = None
    id: str | None = None
    quote: str | None = None
    planned: bool = False
    period: str | None = None


def claims_of(book: m.FactBook, entity_id: str) -> list[Claim]:
    """Every figure, milestone, status and date claim about the entity, in file order."""
    out: list[Claim] = []
    item = book.index().get(entity_id)
    for claim in getattr(item, "dates", ()):
        out.append(Claim("dates", claim.date, claim.source, claim.as_of, quote=claim.quote, what="dates"))
    for claim in getattr(item, "status", ()):
        out.append(Claim("status", claim.value, claim.source, claim.as_of, quote=claim.quote, what="status"))
    for f in book.figures:
        if f.subject == entity_id:
            out.append(Claim(f.measure, f.value, f.source, f.as_of, f.qualifier, f.unit, f.scope, f.measure, f.id,
                             f.quote, f.planned, f.period.text if f.period else None))
    for s in book.milestones:
        if s.subject == entity_id:
            field = "opening" if s.what in OPENING else s.what
            out.append(Claim(field, s.date, s.source, s.as_of, s.date_qualifier, None, s.scope, s.what, s.id, s.quote,
                             s.planned))
    return out


def _ordered(claims: Iterable[Claim]) -> tuple[list[Claim], list[Claim]]:
    """Dated claims in as-of order (stable), then those whose as-of date is not known."""
    claims = list(claims)
    dated = sorted((c for c in claims if c.as_of.has_year), key=lambda c: c.as_of.sort_key())
    return dated, [c for c in claims if not c.as_of.has_year]


def _same_value(a: Claim, b: Claim) -> bool:
    if isinstance(a.value, PartialDate) and isinstance(b.value, PartialDate):
        if a.value.has_year and b.value.has_year:
            return a.value.text == b.value.text
        # A date without a year agrees with one that has it when month and day agree.
        strip = lambda d: d.text.replace("--", "").split("/")  # noqa: E731
        return [p[-5:] for p in strip(a.value)] == [p[-5:] for p in strip(b.value)]
    return a.value == b.value


def _shown(claim: Claim) -> str:
    if isinstance(claim.value, PartialDate):
        qualifier = claim.qualifier if claim.qualifier not in (None, "exact") else ""
        return " ".join(x for x in (qualifier.replace("-", " "), claim.value.human()) if x)
    if isinstance(claim.value, (int, float)) and not isinstance(claim.value, bool):
        return humanize.quantity(claim.value, claim.qualifier, claim.unit)
    return str(claim.value)


def _change(previous: Claim | None, claim: Claim) -> str | None:
    """How the claim differs from the previous one of the same field (and unit)."""
    if previous is None:
        return None
    a, b = previous.value, claim.value
    if isinstance(a, PartialDate) and isinstance(b, PartialDate):
        if not (a.has_year and b.has_year):
            return None
        years = b.start.year - a.start.year  # type: ignore[union-attr,operator]
        if years == 0:
            return "same year"
        word = "slipped" if years > 0 else "brought forward"
        return f"{word} {abs(years)} year{'s' if abs(years) != 1 else ''}"
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        delta = b - a
        if delta == 0:
            return "no change" if previous.qualifier == claim.qualifier else (
                f"same value, {previous.qualifier} → {claim.qualifier}")
        sign = "+" if delta > 0 else "−"
        return f"{sign}{humanize.compact(abs(delta))} {claim.unit or ''}".rstrip()
    if a != b:
        return f"{a} → {b}"
    return "no change"


HISTORY = Listing(
    "history",
    "How each figure and date of an entity changed across sources and time.",
    (
        Field("field", "text", "investment, jobs-direct, opening, status, dates, ..."),
        Field("value", "text", "the claim as stated (numbers stay numbers; dates are ISO text)",
              lambda r: r["shown"]),
        Field("qualifier", "text", "exact, about, more-than, at-least, up-to; for dates: by, before, early, ..."),
        Field("unit", "text", "the unit of a figure"),
        Field("scope", "text", "what part it covers"),
        Field("what", "text", "the milestone or measure as the source names it"),
        _as_of(),
        Field("dated", "bool", "false when the claim's date is not known (listed last)"),
        Field("change", "text", "the change from the previous dated claim of the field (and unit)"),
        Field("source", "id", "the source"),
        Field("id", "id", "the figure's or milestone's id"),
        Field("quote", "text", "the source's exact words, for the primary article"),
        Field("shown", "text", "the value as a person reads it"),
    ),
    ("field", "value", "scope", "as_of", "change", "source"),
)


def history_rows(book: m.FactBook, wanted: str, field: str | None = None) -> list[Row]:
    entity_id = resolve_any(book, wanted)
    claims = claims_of(book, entity_id)
    fields = list(dict.fromkeys(c.field for c in claims))
    if field is not None:
        if field not in fields:
            from .errors import UsageError

            raise UsageError(f"history: {entity_id} has no field {field!r}; its fields: {', '.join(fields) or 'none'}")
        fields = [field]
    rows: list[Row] = []
    for name in fields:
        dated, undated = _ordered(c for c in claims if c.field == name)
        last_by_unit: dict[Any, Claim] = {}
        for claim in dated + undated:
            key = claim.unit
            change = _change(last_by_unit.get(key), claim) if claim.as_of.has_year else None
            if claim.as_of.has_year:
                last_by_unit[key] = claim
            value = claim.value.text if isinstance(claim.value, PartialDate) else claim.value
            rows.append({
                "field": name, "value": value, "qualifier": claim.qualifier, "unit": claim.unit,
                "scope": claim.scope, "what": claim.what, "as_of": claim.as_of.text,
                "dated": claim.as_of.has_year, "change": change, "source": claim.source, "id": claim.id,
                "quote": claim.quote, "shown": _shown(claim),
            })
    return rows


def strips(rows: Sequence[Row], width: int = 40) -> list[tuple[str, str, str, str]]:
    """Per field (and unit): (label, first date, a line of block characters on a time axis, last
    date). A block's position is when the claim was made, its height the value (numbers or
    years) against the field's range."""
    from .dates import parse_date

    blocks = "▁▂▃▄▅▆▇█"
    out = []
    groups: dict[tuple[str, Any], list[Row]] = {}
    for row in rows:
        if row["dated"]:
            groups.setdefault((row["field"], row["unit"]), []).append(row)
    for (field, unit), items in groups.items():
        points = []
        for row in items:
            when = parse_date(row["as_of"]).start
            month = when.year * 12 + (when.month or 1) - 1  # type: ignore[union-attr,operator]
            value = row["value"]
            if isinstance(value, str):
                if row["field"] == "status":
                    continue
                date = parse_date(value)
                if not date.has_year:
                    continue
                value = date.start.year  # type: ignore[union-attr]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                points.append((month, float(value)))
        if len(points) < 2 or len({p[0] for p in points}) < 2:
            continue  # one date: nothing to draw over time
        first, last = min(p[0] for p in points), max(p[0] for p in points)
        low, high = min(p[1] for p in points), max(p[1] for p in points)
        cells = [" "] * width
        for month, value in points:
            at = 0 if last == first else round((month - first) * (width - 1) / (last - first))
            level = 0 if high == low else round((value - low) * (len(blocks) - 1) / (high - low))
            if cells[at] == " " or blocks.index(cells[at]) < level:
                cells[at] = blocks[level]
        label = f"{field} ({unit})" if unit else field
        start_text = f"{first // 12}-{first % 12 + 1:02d}"
        end_text = f"{last // 12}-{last % 12 + 1:02d}"
        out.append((label, start_text, "".join(cells), end_text))
    return out


# conflicts ------------------------------------------------------------------------------

CONFLICTS = Listing(
    "conflicts",
    "Every place where sources disagree about the same thing.",
    (
        Field("subject", "id", "what it is about"),
        Field("field", "text", "the figure (measure, unit, scope), milestone, or dates in dispute"),
        Field("kind", "text", "disagreement (sources of the same date differ), revision (changed over time), "
              "disagreement+revision, or a recorded kind: internal, between-sources"),
        Field("sides", "list", "each claim: value [source, as-of]"),
        Field("undated", "list", "sources whose claim has no known date (so neither kind can be told)"),
        Field("origin", "text", "computed from the claims, or recorded in the fact file"),
        Field("note", "text", "a remark"),
    ),
    ("subject", "field", "kind", "sides"),
)


def _groups(book: m.FactBook) -> Iterable[tuple[str, str, list[Claim]]]:
    subjects = [item.id for kind, item in book.entities() if kind in ("event", "project", "organisation", "person",
                                                                    "place")]
    for subject in subjects:
        # Status changes are a project's progress, not a disagreement; a date nobody knows
        # disagrees with nothing.
        claims = [c for c in claims_of(book, subject) if c.field != "status"
                  and not (isinstance(c.value, PartialDate) and not c.value.known)]
        keyed: dict[tuple[Any, ...], list[Claim]] = {}
        for claim in claims:
            # The same thing: same field, unit and scope, both plans (or both facts), same period.
            keyed.setdefault((claim.field, claim.unit, claim.scope, claim.planned, claim.period), []).append(claim)
        for (field, unit, scope, _, period), group in keyed.items():
            label = field + (f" ({unit})" if unit else "") + (f", {scope}" if scope else "") + (
                f", {period}" if period else "")
            yield subject, label, group


def conflict_rows(book: m.FactBook) -> list[Row]:
    rows: list[Row] = []
    for subject, label, group in _groups(book):
        dated, undated = _ordered(group)
        differing = [(a, b) for i, a in enumerate(dated) for b in dated[i + 1:] if not _same_value(a, b)]
        odd_undated = [c for c in undated if any(not _same_value(c, d) for d in group if d is not c)]
        if not differing and not odd_undated:
            continue
        kinds = set()
        for a, b in differing:
            kinds.add("disagreement" if compare_dates(a.as_of, b.as_of) == 0 and a.as_of.text == b.as_of.text
                      else "revision")
        kind = "+".join(k for k in ("disagreement", "revision") if k in kinds) or "undated"
        rows.append({
            "subject": subject, "field": label, "kind": kind,
            "sides": [f"{_shown(c)} [{c.source}, {c.as_of.text}]" for c in dated + undated],
            "undated": [c.source for c in undated], "origin": "computed", "note": None,
        })
    for record in book.discrepancies:
        # A recorded discrepancy that the claims already show (same subject, same sources) is not
        # listed twice.
        covered = any(
            row["subject"] == record.subject
            and {s.source for s in record.sides} == {side.rsplit("[", 1)[1].split(",")[0] for side in row["sides"]}
            for row in rows if row["origin"] == "computed"
        )
        if not covered:
            rows.append({
                "subject": record.subject, "field": record.about, "kind": record.kind,
                "sides": [f"{s.value} [{s.source}]" for s in record.sides], "undated": [],
                "origin": "recorded", "note": record.note,
            })
    return rows


# --as-of ---------------------------------------------------------------------------------

def _kept(date: PartialDate, when: PartialDate) -> bool:
    order = compare_dates(date, when)
    return order is not None and order <= 0


def book_as_of(book: m.FactBook, when: PartialDate) -> tuple[m.FactBook, list[str]]:
    """The book as the sources published up to ``when`` would give it, and the ids of the
    sources left out because their date is unknown. Reference sources are always kept."""
    sources = [s for s in book.sources if s.reference or _kept(s.published, when)]
    kept = {s.id for s in sources}
    unknown = [s.id for s in book.sources if not s.reference and not s.published.has_year]

    def claim_ok(source: str, as_of: PartialDate) -> bool:
        return source in kept and _kept(as_of, when)

    def cites(item: Any) -> tuple[m.Citation, ...]:
        return tuple(c for c in item.cite if c.source in kept)

    places = tuple(p._replace(cite=cites(p)) for p in book.places if cites(p))
    organisations = tuple(o._replace(cite=cites(o), sites=tuple(s for s in o.sites if s.source in kept))
                          for o in book.organisations if cites(o))
    people = tuple(
        p._replace(cite=cites(p), also_known_as=tuple(a for a in p.also_known_as if a.source in kept))
        for p in book.people if cites(p)
    )
    events = tuple(
        e._replace(cite=cites(e), dates=tuple(d for d in e.dates if claim_ok(d.source, d.as_of)),
                   status=tuple(s for s in e.status if claim_ok(s.source, s.as_of)))
        for e in book.events if cites(e)
    )
    projects = tuple(
        p._replace(cite=cites(p), locations=tuple(loc for loc in p.locations if loc.source in kept),
                   status=tuple(s for s in p.status if claim_ok(s.source, s.as_of)))
        for p in book.projects if cites(p)
    )
    present = {x.id for x in (*places, *organisations, *people, *events, *projects)}
    figures = tuple(f for f in book.figures if claim_ok(f.source, f.as_of) and f.subject in present)
    milestones = tuple(s for s in book.milestones if claim_ok(s.source, s.as_of) and s.subject in present)
    statements = tuple(s for s in book.statements if claim_ok(s.source, s.as_of) and s.subject in present)
    discrepancies = []
    for d in book.discrepancies:
        sides = tuple(s for s in d.sides if s.source in kept)
        if len(sides) >= 2 and d.subject in present:
            discrepancies.append(d._replace(sides=sides))
    organisations = tuple(o._replace(town=o.town if o.town in present or o.town is None else None,
                                     parent=o.parent if o.parent in present else None) for o in organisations)
    people = tuple(p._replace(organisation=p.organisation if p.organisation in present else None) for p in people)
    return m.FactBook(book.path, tuple(sources), places, organisations, people, events, projects, figures,
                      milestones, statements, tuple(discrepancies)), unknown


# --cite ------------------------------------------------------------------------------------

def cite_rows(book: m.FactBook, rows: Sequence[Row]) -> list[Row]:
    """Each row with ``source`` (ids), ``source_url`` and ``quote`` (the primary source's words)."""
    sources = {s.id: s for s in book.sources}
    index = book.index()
    out = []
    for row in rows:
        ids = row.get("source")
        ids = [ids] if isinstance(ids, str) else list(ids or [])
        quote = row.get("quote")
        if quote is None and isinstance(row.get("id"), str):
            entity = index.get(row["id"])
            quote = next((c.quote for c in getattr(entity, "cite", ()) if c.quote and sources.get(c.source)
                          and sources[c.source].primary), None)
        out.append({**row, "source": ids, "source_url": [sources[i].url for i in ids if i in sources and sources[i].url],
                    "quote": quote})
    return out


def footnote(book: m.FactBook, source_id: str, quote: str | None) -> str:
    """A citation as a person writes it under a table."""
    source = next((s for s in book.sources if s.id == source_id), None)
    if source is None:
        return source_id
    title = f"“{source.title}”" if source.title else f"[{source.description or source.id}]"
    date = source.published.human() + (" (inferred)" if source.published_inferred else "")
    parts = [f"{source.publisher}, {title}", date if source.published.known else "date unknown"]
    if source.url:
        parts.append(source.url)
    text = ", ".join(parts) + "."
    if quote:
        text += f" « {quote} »"
    return f"{source_id}: {text}"


__all__ = ["CONFLICTS", "HISTORY", "book_as_of", "cite_rows", "claims_of", "conflict_rows", "footnote",
           "history_rows", "strips"]

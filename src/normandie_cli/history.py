"""Facts over time: each entity's claims in as-of order, and where sources disagree.
Standard library only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import humanize
from . import model as m
from .dates import PartialDate, compare_dates
from .errors import UsageError
from .lookup import resolve_any
from .query.rows import OPENING
from .record import Record
from .registry import Row


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
        def month_days(date: PartialDate) -> list[str]:
            return [part[-5:] for part in date.text.replace("--", "").split("/")]

        return month_days(a.value) == month_days(b.value)
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


def history_rows(book: m.FactBook, wanted: str, field: str | None = None) -> list[Row]:
    entity_id = resolve_any(book, wanted)
    claims = claims_of(book, entity_id)
    fields = list(dict.fromkeys(c.field for c in claims))
    if field is not None:
        if field not in fields:
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


# conflicts ------------------------------------------------------------------------------

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

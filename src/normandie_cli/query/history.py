"""Facts over time: each entity's claims in as-of order, and where sources disagree.
Standard library only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .. import humanize
from .. import model as m
from ..dates import PartialDate
from ..errors import UsageError
from ..record import Record
from ..registry import SIDE_KEYS, Row, side_text
from ..text import fold
from .lookup import resolve_any


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
    #: The id of an earlier claim that this one says it replaces (a figure's or milestone's ``revises``).
    revises: str | None = None


def claims_of(book: m.FactBook, entity_id: str) -> list[Claim]:
    """Every figure, milestone, status, title and date claim about the entity, in file order."""
    out: list[Claim] = []
    item = book.index().get(entity_id)
    for claim in getattr(item, "dates", ()):
        out.append(Claim("dates", claim.date, claim.source, claim.as_of, quote=claim.quote, what="dates"))
    for claim in getattr(item, "status", ()):
        out.append(Claim("status", claim.value, claim.source, claim.as_of, quote=claim.quote, what="status"))
    for title in getattr(item, "titles", ()):
        out.append(Claim("title", title.value, title.source, title.as_of, quote=title.quote, what="title"))
    for f in book.figures:
        if f.subject == entity_id:
            out.append(Claim(f.measure, f.value, f.source, f.as_of, f.qualifier, f.unit, f.scope, f.measure, f.id,
                             f.quote, f.planned, f.period.text if f.period else None, f.revises))
    for s in book.milestones:
        if s.subject == entity_id:
            out.append(Claim(s.history_field(), s.date, s.source, s.as_of, s.date_qualifier, None, s.scope, s.what,
                             s.id, s.quote, s.planned, revises=s.revises))
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
    return bool(a.value == b.value)


def _shown(claim: Claim) -> str:
    if isinstance(claim.value, PartialDate):
        return humanize.qualified_date(claim.qualifier, claim.value.text)
    if isinstance(claim.value, (int, float)) and not isinstance(claim.value, bool):
        return humanize.quantity(claim.value, claim.qualifier, claim.unit)
    return str(claim.value)


def like(claim: Claim) -> tuple[Any, ...]:
    """What a claim is about: two claims measure the same thing when these agree (field, unit,
    scope, plan or fact, period)."""
    return claim.field, claim.unit, claim.scope, claim.planned, claim.period


def _is_share(claim: Claim) -> bool:
    """A share changes in percentage points: unit ``%`` or ``share`` (a fraction), or a ``*share*`` measure."""
    return claim.unit in ("%", "share") or "share" in claim.field


def _points(delta: float, claim: Claim) -> str:
    points = delta * 100 if claim.unit == "share" else delta
    size = f"{abs(points):.10g}"
    return f"{'+' if points > 0 else '−'}{size} point{'' if size == '1' else 's'}"


def _date_change(previous: Claim, claim: Claim, a: PartialDate, b: PartialDate) -> str:
    """``slipped 4 years``, ``brought forward 1 day``, ``same year``: at the precision both dates have."""
    if not (a.known and b.known):
        return "not compared: no date stated"
    if not (a.has_year and b.has_year):
        # Without a year, only the day and month can be told apart.
        return ("same date" if _same_value(previous, claim) else "other date") + " (year not stated)"
    assert a.start is not None and b.start is not None
    depth = "date"
    for unit, x, y in (("year", a.start.year, b.start.year), ("month", a.start.month, b.start.month),
                       ("day", a.start.day, b.start.day)):
        if x is None or y is None:
            depth = {"month": "year", "day": "month"}[unit]
            break
        if x != y:
            word = "slipped" if y > x else "brought forward"
            return f"{word} {abs(y - x)} {unit}{'s' if abs(y - x) != 1 else ''}"
    if depth == "date" and a.text != b.text:
        return f"same start, {a.human()} → {b.human()}"  # ranges that end apart
    return f"same {depth}"


def _change(previous: Claim, claim: Claim) -> str:
    """How the claim differs from an earlier one about the same thing (see :func:`like`)."""
    a, b = previous.value, claim.value
    if isinstance(a, PartialDate) and isinstance(b, PartialDate):
        return _date_change(previous, claim, a, b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        delta = b - a
        if delta == 0:
            return "no change" if previous.qualifier == claim.qualifier else (
                f"same value, {previous.qualifier} → {claim.qualifier}")
        if _is_share(claim):
            change = _points(delta, claim)
        else:
            sign = "+" if delta > 0 else "−"
            change = f"{sign}{humanize.compact(abs(delta))} {claim.unit or ''}".rstrip()
        if previous.qualifier != claim.qualifier:
            # "> 900 M" after "1 bn" is a bound, not a cut of 100 M: the difference is said with its qualifiers.
            change += f" ({previous.qualifier} → {claim.qualifier})"
        return change
    if a != b:
        return f"{a} → {b}"
    return "no change"


def _why_not(claim: Claim, previous: Claim, whole: str) -> str:
    """Why the claim is not diffed against an earlier claim of its field: every way they differ."""
    reasons = []
    if claim.unit != previous.unit:
        reasons.append(f"{claim.unit or 'no unit'} vs {previous.unit or 'no unit'} (unit)")
    if claim.scope != previous.scope:
        reasons.append(f"{claim.scope or whole} vs {previous.scope or whole} (scope)")
    if claim.planned != previous.planned:
        reasons.append("a plan or target, not a fact" if claim.planned else "a fact, not a plan or target")
    if claim.period != previous.period:
        def period(text: str | None) -> str:
            return humanize.date(text) if text else "no period"

        reasons.append(f"{period(claim.period)} vs {period(previous.period)} (period)")
    return "not compared: " + "; ".join(reasons)


def _reference(claim: Claim) -> str:
    """A claim's id; for a status or dates claim (which have none), ``source as_of``."""
    return claim.id or f"{claim.source} {claim.as_of.text}"


#: How a claim that differs from one of another voice reads (as ``conflicts`` shows a side).
DIFFERS = "differs from"
AGREES = "agrees with"


def _agrees(change: str) -> bool:
    """Whether a change computed between two claims says they agree (``no change``, ``same
    year``, ``same value, about → exact``; not ``same start, ...`` of ranges that end apart)."""
    return change == "no change" or (change.startswith("same ") and not change.startswith("same start"))


class _Reader:
    """Reads each claim of one entity against the earlier ones (see :func:`history_rows`)."""

    def __init__(self, book: m.FactBook, claims: list[Claim], whole: str) -> None:
        from .rows import source_kinds, voices

        self.kinds = source_kinds(book)
        self.voice_of = voices(book)
        self.by_id = {c.id: c for c in claims if c.id}
        self.whole = whole

    def voice(self, claim: Claim) -> str:
        return self.voice_of.get(claim.source, claim.source)

    def side(self, claim: Claim) -> str:
        """The earlier claim as ``conflicts`` shows a side: ``357 [l4m · press, 18 Jun 2024]``."""
        return side_text(_side(claim, self.kinds))

    def revised(self, claim: Claim) -> tuple[str, str | None]:
        """A claim that says it revises an earlier one: the change from that one, which it names."""
        assert claim.revises is not None
        earlier = self.by_id.get(claim.revises)
        said = f"(revises {claim.revises}, as the source states)"
        if earlier is None:
            return f"revises {claim.revises}", claim.revises
        comparable = earlier.unit == claim.unit or isinstance(claim.value, PartialDate)
        change = _change(earlier, claim) if comparable else f"{_shown(earlier)} → {_shown(claim)}"
        return f"{change} {said}", _reference(earlier)

    def against(self, claim: Claim, earlier: list[Claim]) -> tuple[str, str | None]:
        """A dated claim against the earlier dated claims of its field: a change over time only
        from the same voice (same source or outlet, surely earlier); else how it stands with the
        latest claim about the same thing; ``not compared`` when there is none."""
        from .rows import surely_before

        same = [c for c in earlier if like(c) == like(claim)]
        if not same:
            same_unit = [c for c in earlier if c.unit == claim.unit]
            return _why_not(claim, (same_unit or earlier)[-1], self.whole), None
        own = [c for c in same if self.voice(c) == self.voice(claim) and surely_before(c.as_of, claim.as_of)]
        if own:
            change = _change(own[-1], claim)
            return change, None if change.startswith("not compared") else _reference(own[-1])
        previous = same[-1]
        change = _change(previous, claim)
        if change.startswith("not compared"):
            return change, None
        if _agrees(change):
            return self.agreement(previous, claim, change), _reference(previous)
        return f"{DIFFERS} {self.side(previous)}", _reference(previous)

    def agreement(self, previous: Claim, claim: Claim, change: str = "no change") -> str:
        """``agrees with cci-normandie`` when the two read the same; else what they share, with the
        earlier claim in full: ``same value as ≤ EUR 850 M [afp-moongy, 30 Mar 2022]``, ``same year
        as by 2026 [journal-entreprises, 2023]``."""
        if _shown(previous) == _shown(claim) or change == "no change":
            return f"{AGREES} {previous.source}"
        shared = "same value" if change.startswith("same value") else change.replace(" (year not stated)", "")
        return f"{shared} as {self.side(previous)}"

    def statuses(self, claims: list[Claim]) -> dict[int, tuple[str | None, str | None]]:
        """Each dated status claim's change (by position in ``claims``), read as
        ``query.rows.status_course`` reads the course of a status."""
        from .rows import status_course

        steps, _, _ = status_course(claims, self.voice_of)
        out: dict[int, tuple[str | None, str | None]] = {}
        position = {id(c): i for i, c in enumerate(claims)}
        for step in steps:
            before = step.against
            words: str | None = None
            if before is not None:
                words = {
                    "same": "no change",
                    "agrees": self.agreement(before, step.claim),
                    "moved": f"{before.value} → {step.claim.value}",
                    "differs": f"{DIFFERS} {self.side(before)}",
                }[step.step]
            out[position[id(step.claim)]] = (words, _reference(before) if before is not None else None)
        return out


def history_rows(book: m.FactBook, wanted: str, field: str | None = None) -> list[Row]:
    """Each claim of the entity, grouped by field, in as-of order (undated last).

    A difference is called a change (``slipped 5 years``, ``+7 jobs``, ``on-hold → planned``)
    only where the sources support a change over time:

    - a claim that says it revises an earlier one (``revises``) is measured from that claim,
      whatever else differs, and says so: ``+27 jobs (revises ID, as the source states)``;
    - otherwise, like is compared with like (:func:`like`: same field, unit, scope,
      plan-or-fact and period). The change is measured from the latest earlier claim of the
      **same voice** (the same source, or a source of the same ``outlet``) made surely before;
    - with none, the claim is set against the latest earlier claim about the same thing from
      another voice (or of a date that may be as early): ``agrees with VALUE [source, as-of]``
      or ``disagreement: differs from VALUE [source, as-of]``, as ``conflicts`` shows a side;
    - a status changes as ``query.rows.status_course`` says: ``planned → on-hold``, or
      ``disagreement: differs from on-hold [...]`` for a project said to be planned again by
      another voice than the one that said it was paused.

    ``compared_with`` names the claim read against. A claim with no like earlier claim is not
    diffed: ``not compared: ...`` with how it differs from the latest earlier claim of its field
    (of the same unit when there is one). Undated claims are never diffed (their order is not
    known) unless they say what they revise; the first claim of a field has no change.
    """
    entity_id = resolve_any(book, wanted)
    kind = next((k for k, item in book.entities() if item.id == entity_id), "entity")
    claims = claims_of(book, entity_id)
    reader = _Reader(book, claims, f"whole {kind}")
    fields = list(dict.fromkeys(c.field for c in claims))
    if field is not None:
        if field not in fields:
            raise UsageError(f"history: {entity_id} has no field {field!r}; its fields: {', '.join(fields) or 'none'}")
        fields = [field]
    rows: list[Row] = []
    for name in fields:
        dated, undated = _ordered(c for c in claims if c.field == name)
        ordered = dated + undated
        statuses = reader.statuses(dated) if name == "status" else {}
        earlier: list[Claim] = []
        for i, claim in enumerate(ordered):
            change: str | None = None
            compared_with: str | None = None
            if claim.revises is not None:
                change, compared_with = reader.revised(claim)
            elif not claim.as_of.has_year:
                if len(ordered) > 1:
                    change = "not compared: undated"
            elif name == "status":
                change, compared_with = statuses.get(i, (None, None))
            elif earlier:
                change, compared_with = reader.against(claim, earlier)
            if claim.as_of.has_year:
                earlier.append(claim)
            value = claim.value.text if isinstance(claim.value, PartialDate) else claim.value
            rows.append({
                "field": name, "value": value, "qualifier": claim.qualifier, "unit": claim.unit,
                "scope": claim.scope, "what": claim.what, "planned": claim.planned, "period": claim.period,
                "as_of": claim.as_of.text, "dated": claim.as_of.has_year, "change": change,
                "compared_with": compared_with, "source": claim.source,
                "source_kind": reader.kinds.get(claim.source), "id": claim.id,
                "quote": claim.quote, "shown": _shown(claim),
            })
    return rows


# conflicts ------------------------------------------------------------------------------

def _groups(book: m.FactBook) -> Iterable[tuple[str, str, list[Claim]]]:
    subjects = [item.id for kind, item in book.entities() if kind in ("event", "project", "organisation", "person",
                                                                    "place")]
    for subject in subjects:
        # Status changes are a project's progress and a person's titles a career, not a
        # disagreement; a date nobody knows disagrees with nothing.
        claims = [c for c in claims_of(book, subject) if c.field not in ("status", "title")
                  and not (isinstance(c.value, PartialDate) and not c.value.known)]
        keyed: dict[tuple[Any, ...], list[Claim]] = {}
        for claim in claims:
            # The same thing as history compares (see like()): same field, unit and scope, both
            # plans (or both facts), same period.
            keyed.setdefault(like(claim), []).append(claim)
        for (field, unit, scope, _, period), group in keyed.items():
            label = field + (f" ({unit})" if unit else "") + (f", {scope}" if scope else "") + (
                f", {period}" if period else "")
            yield subject, label, group


def _side(claim: Claim, kinds: dict[str, str]) -> Row:
    """A computed side: the claim's value (numbers stay numbers, dates ISO text) and where it is
    from (its source and the source's kind)."""
    value = claim.value.text if isinstance(claim.value, PartialDate) else claim.value
    return {"value": value, "qualifier": claim.qualifier, "unit": claim.unit, "scope": claim.scope,
            "as_of": claim.as_of.text, "source": claim.source, "source_kind": kinds.get(claim.source),
            "quote": claim.quote, "note": None}


def _recorded_side(side: m.Side, kinds: dict[str, str]) -> Row:
    """A recorded side has a value (text), a source (and its kind), perhaps a quote and a note;
    the rest is null."""
    return {key: kinds.get(side.source) if key == "source_kind" else getattr(side, key, None) for key in SIDE_KEYS}


def _stems(text: str) -> set[str]:
    return {word[:5] for word in fold(text).split() if len(word) >= 5}


def _names_the_field(record: m.Discrepancy, group: list[Claim]) -> bool:
    """Whether the record's ``about`` names the group's field or one of its milestones
    (``investment``; ``operating`` for the ``opening`` group's operational milestones): words
    compared by their first five letters, case and accents aside."""
    terms = {group[0].field, *(claim.what for claim in group if claim.what)}
    return bool(_stems(record.about) & _stems(" ".join(terms)))


def _same_disagreement(record: m.Discrepancy, subject: str, group: list[Claim]) -> bool:
    """Whether a recorded discrepancy is about what a computed group shows: same subject, and
    either the same sources, or the sources of one include the other's and the record's
    ``about`` names the field (:func:`_names_the_field`)."""
    if record.subject != subject:
        return False
    recorded = {side.source for side in record.sides}
    computed = {claim.source for claim in group}
    if recorded == computed:
        return True
    return (recorded <= computed or computed <= recorded) and _names_the_field(record, group)


def _merge(row: Row, record: m.Discrepancy, kinds: dict[str, str]) -> None:
    """Fold a recorded discrepancy into the computed row about the same thing: its note, kind,
    ``about`` and id; each recorded side's note (and quote) on the computed sides of its
    source; the recorded sides of sources the claims do not cover, after the others."""
    sides: list[Row] = row["sides"]
    covered = {side["source"] for side in sides}
    for recorded in record.sides:
        if recorded.source not in covered:
            sides.append(_recorded_side(recorded, kinds))
            continue
        for side in sides:
            if side["source"] == recorded.source:
                if recorded.note:
                    side["note"] = "; ".join(x for x in (side["note"], recorded.note) if x)
                if side["quote"] is None:
                    side["quote"] = recorded.quote
    if record.kind not in row["kind"].split("+"):
        row["kind"] += f"+{record.kind}"
    row.update(origin="computed+recorded", note=record.note, about=record.about, recorded=record.id)


def conflict_rows(book: m.FactBook) -> list[Row]:
    """Every disagreement once: computed from the claims (same thing, different values), or
    recorded in the fact file, or both merged into one row (see :func:`_same_disagreement`)."""
    from .rows import source_kinds, surely_before, voices

    kind_of = source_kinds(book)
    voice_of = voices(book)

    def pair_kind(a: Claim, b: Claim) -> str:
        """``revision`` where a change over time is what the sources say (as ``history`` reads
        it): a claim that names the one it revises, or one voice (a source or its outlet)
        saying something else later; else ``disagreement``: two voices differ, at the same
        date or not (the later may know what the earlier did not: the sides' dates say when)."""
        if a.id is not None and b.revises == a.id or b.id is not None and a.revises == b.id:
            return "revision"
        if voice_of.get(a.source, a.source) == voice_of.get(b.source, b.source) and (
                surely_before(a.as_of, b.as_of) or surely_before(b.as_of, a.as_of)):
            return "revision"
        return "disagreement"

    rows: list[Row] = []
    groups: list[tuple[Row, str, list[Claim]]] = []
    for subject, label, group in _groups(book):
        dated, undated = _ordered(group)
        differing = [(a, b) for i, a in enumerate(dated) for b in dated[i + 1:] if not _same_value(a, b)]
        odd_undated = [c for c in undated if any(not _same_value(c, d) for d in group if d is not c)]
        if not differing and not odd_undated:
            continue
        kinds = {pair_kind(a, b) for a, b in differing}
        kind = "+".join(k for k in ("disagreement", "revision") if k in kinds) or "undated"
        row: Row = {
            "subject": subject, "field": label, "kind": kind, "sides": [_side(c, kind_of) for c in dated + undated],
            "undated": [c.source for c in undated], "origin": "computed", "note": None, "about": None,
            "recorded": None,
        }
        rows.append(row)
        groups.append((row, subject, group))
    for record in book.discrepancies:
        candidates = [(row, group) for row, subject, group in groups
                      if row["origin"] == "computed" and _same_disagreement(record, subject, group)]
        if candidates:
            # Of several, the one whose field the record names, then the one sharing the largest
            # part of the sources, then the first.
            recorded = {side.source for side in record.sides}
            ranks = [(_names_the_field(record, group),
                      len({c.source for c in group} & recorded) / len({c.source for c in group} | recorded))
                     for _, group in candidates]
            _merge(candidates[ranks.index(max(ranks))][0], record, kind_of)
            continue
        rows.append({
            "subject": record.subject, "field": record.about, "kind": record.kind,
            "sides": [_recorded_side(s, kind_of) for s in record.sides], "undated": [],
            "origin": "recorded", "note": record.note, "about": record.about, "recorded": record.id,
        })
    return rows

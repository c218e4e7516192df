"""Row builders: one function per listing, from the fact book to rows of JSON-ready values
(text, numbers, booleans, lists, ``None``; dates are ISO strings of their own precision).
Standard library only."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .. import model as m
from ..dates import PartialDate
from ..errors import UsageError
from ..record import Record
from ..registry import LISTINGS, Row
from ..text import suggest

# The companies listing's builder and filters live with their SQL twin (query/companies.py).
from .companies import Vocabularies as Vocabularies
from .companies import company_rows as company_rows
from .companies import filter_vocabularies as filter_vocabularies
from .companies import unknown_filter_values as unknown_filter_values


def cited_sources(cite: Iterable[m.Citation]) -> list[str]:
    """The distinct source ids of citations, in order."""
    out: list[str] = []
    for c in cite:
        if c.source not in out:
            out.append(c.source)
    return out


def source_kinds(book: m.FactBook) -> dict[str, str]:
    """Each source's kind (``model.SOURCE_KINDS``: who is speaking), by id."""
    return {s.id: s.kind for s in book.sources}


def latest(claims: Sequence[Any], rank: Callable[[Any], int] | None = None) -> Any | None:
    """The claim with the latest ``as_of`` date; among claims of the same date, the highest
    ``rank`` (when given), then the first in file order.

    Claims with an unknown or year-less ``as_of`` are used only when no claim is dated.
    """
    dated = [c for c in claims if c.as_of.has_year]
    pool = dated or list(claims)
    if not pool:
        return None

    def key(claim: Any) -> tuple[Any, ...]:
        return (claim.as_of.sort_key()[:4], rank(claim) if rank else 0)

    best = pool[0]
    for claim in pool[1:]:
        if key(claim) > key(best):
            best = claim
    return best


def status_rank(claim: m.StatusClaim) -> int:
    """Of two status claims made on the same date, the further one on the way wins."""
    return m.STATUSES.index(claim.value)


def voices(book: m.FactBook) -> dict[str, str]:
    """Whose words each source carries, by source id: sources of one ``outlet`` are one voice
    over time; a source without one is a voice of its own."""
    return {s.id: f"outlet {s.outlet}" if s.outlet else f"source {s.id}" for s in book.sources}


def surely_before(earlier: PartialDate, later: PartialDate) -> bool:
    """Whether every day ``earlier`` can mean is before every day ``later`` can mean."""
    last, first = earlier.last_day(), later.first_day()
    return last is not None and first is not None and last < first


class StatusStep(Record):
    """One status claim read against the status the claims before it had set.

    ``step``: ``first``; ``same`` (the voice that stated the status says it again); ``agrees``
    (another voice states the same status); ``moved`` (the status changed: the claim is surely
    later and either further along ``model.STATUSES`` — an on-hold claim says the project was
    paused — or from a voice that had stated the status it leaves); ``differs`` (another voice,
    or a date that may be as early, states another status: a disagreement, not a change; of two
    claims whose dates overlap, the further along still sets the status, as ``latest`` ranks
    them). ``against``: the latest claim stating the status it is compared with.
    """

    claim: Any
    step: str
    against: Any | None = None


def status_course(claims: Sequence[Any], voice_of: dict[str, str]) -> tuple[list[StatusStep], Any | None, Any | None]:
    """Status claims (``value``, ``source``, ``as_of``) in as-of order, each as a :class:`StatusStep`;
    and the current status as the claim that began it and the latest claim stating it.

    A status changes only where the sources support a change (see :class:`StatusStep`): a
    project back to ``planned`` from ``on-hold`` needs the voice that said it was paused. Claims
    with no known date take no step; when none is dated, the current status is :func:`latest`'s.
    """
    dated = sorted((c for c in claims if c.as_of.has_year), key=lambda c: c.as_of.sort_key())
    if not dated:
        best = latest(claims, status_rank)
        return [], best, best
    steps: list[StatusStep] = [StatusStep(dated[0], "first")]
    began = last = dated[0]
    speakers = {voice_of.get(began.source, began.source)}
    for claim in dated[1:]:
        voice = voice_of.get(claim.source, claim.source)
        if claim.value == last.value:
            steps.append(StatusStep(claim, "same" if voice in speakers else "agrees", last))
            last = claim
            speakers.add(voice)
            continue
        forward = m.STATUSES.index(claim.value) > m.STATUSES.index(last.value)
        if not surely_before(last.as_of, claim.as_of):
            steps.append(StatusStep(claim, "differs", last))
            if forward:  # overlapping dates: the further along sets the status (docs: projects)
                began = last = claim
                speakers = {voice}
        elif forward or voice in speakers:
            steps.append(StatusStep(claim, "moved", last))
            began = last = claim
            speakers = {voice}
        else:
            steps.append(StatusStep(claim, "differs", last))
    return steps, began, last


def linked_projects(book: m.FactBook, project: str) -> list[str]:
    """The project and every project linked to it by ``follows``, either way and step by step
    (a plant that moved twice is one story), in file order."""
    links: dict[str, set[str]] = {}
    for item in book.projects:
        for link in item.follows:
            links.setdefault(item.id, set()).add(link.project)
            links.setdefault(link.project, set()).add(item.id)
    found = {project}
    todo = [project]
    while todo:
        for other in links.get(todo.pop(), ()):
            if other not in found:
                found.add(other)
                todo.append(other)
    return [p.id for p in book.projects if p.id in found] or [project]


def unknown_ids(book: m.FactBook, filters: dict[str, str | None]) -> list[str]:
    """For a ``--subject``, ``--measure`` or ``--topic`` that no claim holds (they match
    exactly): why the answer is empty, with the closest known values."""
    known = {
        "subject": list(dict.fromkeys([*(f.subject for f in book.figures), *(s.subject for s in book.milestones),
                                       *(s.subject for s in book.statements)])),
        "measure": sorted({f.measure for f in book.figures}),
        "topic": sorted({s.topic for s in book.statements}),
    }
    return _unmatched({f"--{name}": (value, set(known[name]), known[name])
                       for name, value in filters.items() if name in known})


def _unmatched(vocabularies: dict[str, tuple[str | None, set[str], list[str]]]) -> list[str]:
    out = []
    for option, (wanted, known, shown) in vocabularies.items():
        if wanted is not None and wanted not in known:
            out.append(f"{option} {wanted!r} matches nothing{suggest(wanted, shown) or ''}")
    return out


_JOB_KINDS = {"jobs-direct": "direct", "jobs-indirect": "indirect", "jobs-construction": "construction"}


def job_rows(book: m.FactBook, project: str | None = None) -> list[Row]:
    """Every job figure; with ``project``, those about it, and for an organisation those about
    it and about the projects it carries (``owner``)."""
    subjects = None if project is None else {project, *(p.id for p in book.projects if p.owner == project)}
    kinds = source_kinds(book)
    return [
        {
            "id": f.id,
            "project": f.subject,
            "kind": _JOB_KINDS[f.measure],
            "value": f.value,
            "qualifier": f.qualifier,
            "planned": f.planned,
            "scope": f.scope,
            "as_of": f.as_of.text,
            "source": f.source,
            "source_kind": kinds.get(f.source),
            "quote": f.quote,
            "parts": None,
            "computed": None,
        }
        for f in book.figures
        if f.measure in _JOB_KINDS and (subjects is None or f.subject in subjects)
    ]


class Total(Record):
    """A sum of the latest claims, with the qualifier the sum honestly carries."""

    subject: str
    value: int | float
    qualifier: str | None  # None: the parts' bounds point both ways; the sum has no honest qualifier
    parts: tuple[m.Figure, ...]
    ties: tuple[m.Figure, ...]  # other claims made on the same latest date, with another value


def combine_qualifiers(qualifiers: Iterable[str]) -> str | None:
    """The qualifier of a sum: any ``about`` makes it about; lower bounds and upper bounds do
    not mix (``None``); ``more-than`` wins over ``at-least``; all exact stays exact."""
    found = set(qualifiers)
    if "about" in found:
        return "about"
    lower = found & {"more-than", "at-least"}
    if lower and "up-to" in found:
        return None
    if "more-than" in found:
        return "more-than"
    if "at-least" in found:
        return "at-least"
    if "up-to" in found:
        return "up-to"
    return "exact"


def job_totals(figures: Sequence[m.Figure]) -> list[Total]:
    """Per subject, direct plus indirect jobs from the latest claim of each kind, among the
    given figures (the rows a listing kept: totals follow the filters).

    Construction jobs are not added: the sources do not say whether they are part of these.
    """
    totals = []
    subjects = list(dict.fromkeys(f.subject for f in figures if f.measure in ("jobs-direct", "jobs-indirect")))
    for subject in subjects:
        parts: list[m.Figure] = []
        ties: list[m.Figure] = []
        for measure in ("jobs-direct", "jobs-indirect"):
            claims = [f for f in figures if f.subject == subject and f.measure == measure and f.scope is None]
            claims = claims or [f for f in figures if f.subject == subject and f.measure == measure]
            best = latest(claims)
            if best is None:
                continue
            parts.append(best)
            ties.extend(
                c for c in claims
                if c is not best and c.as_of.text == best.as_of.text
                and (c.value, c.qualifier) != (best.value, best.qualifier)
            )
        if parts:
            totals.append(Total(subject, sum(p.value for p in parts), combine_qualifiers(p.qualifier for p in parts),
                                tuple(parts), tuple(ties)))
    return totals


def total_rows(totals: Sequence[Total]) -> list[Row]:
    """``jobs --totals``: each total as a row of the jobs listing (kind ``total``, ``parts``
    naming the claims it adds, ``computed`` saying how; ``qualifier`` null when the parts'
    bounds point both ways). No source states a total: its ``source`` is null."""
    return [
        {
            "id": None, "project": t.subject, "kind": "total", "value": t.value, "qualifier": t.qualifier,
            "planned": any(p.planned for p in t.parts), "scope": None,
            "as_of": max((p.as_of for p in t.parts), key=lambda d: d.sort_key()).text,
            "source": None, "source_kind": None, "quote": None, "parts": [p.id for p in t.parts],
            "computed": "computed by normandie, not stated by any source: "
                        + " + ".join(f"{_JOB_KINDS[p.measure]} {p.id}" for p in t.parts)
                        + ", the latest claim of each kind among the rows shown",
        }
        for t in totals
    ]


def _event_status(event: m.Event, voice_of: dict[str, str]) -> str:
    """``happened`` when the current status (:func:`status_course`) is done, else ``planned``."""
    status = status_course(event.status, voice_of)[2]
    return "happened" if status is not None and status.value == "done" else "planned"


def timeline_rows(book: m.FactBook, subject: str | None = None) -> list[Row]:
    """Event date claims and milestones, sorted by date (docs/facts-format.md, "Ordering"): a
    qualified date where it means (``end-of 2022`` after September 2022).

    A date with no year sorts just after the latest-starting dated claim of the same event.
    An event no source dates is still listed: within the dates of the event it is part of
    (``date_qualifier`` ``during``, ``derived_from`` naming that event) when that one is dated,
    else as ``unknown``. With ``subject``: a project's or event's own dates (an event's parts
    included; a project's with those of the projects it is linked to by ``follows``, so that a
    plant that moved reads as one story), or an organisation's, its projects' and the events it
    took part in.
    """
    owned = {p.id for p in book.projects if p.owner == subject}
    if subject is not None and any(p.id == subject for p in book.projects):
        owned.update(linked_projects(book, subject))
    events = {e.id: e for e in book.events}
    kinds = source_kinds(book)
    voice_of = voices(book)

    def about(event: m.Event) -> bool:
        return subject is None or subject in (event.id, event.part_of) or subject in event.participants

    keyed: list[tuple[tuple[Any, ...], Row]] = []
    for event in book.events:
        if not about(event):
            continue
        anchor = max((c.date.sort_key() for c in event.dates if c.date.has_year), default=None)
        for claim in event.dates:
            key = claim.date.sort_key() if claim.date.has_year or anchor is None else (*anchor[:4], 9.0)
            keyed.append((key, {
                "date": claim.date.text, "date_precision": claim.date.precision, "date_qualifier": None,
                "status": _event_status(event, voice_of), "subject": event.id, "what": event.name, "scope": None,
                "as_of": claim.as_of.text, "source": claim.source, "source_kind": kinds.get(claim.source),
                "id": event.id, "quote": claim.quote, "derived_from": None, "outcome": None,
            }))
        if not event.dates:
            keyed.append(_undated_event(book, event, events.get(event.part_of or "")))
    for stone in book.milestones:
        if subject is not None and stone.subject != subject and stone.subject not in owned:
            continue
        keyed.append((stone.date.sort_key(stone.date_qualifier), {
            "date": stone.date.text, "date_precision": stone.date.precision, "date_qualifier": stone.date_qualifier,
            "status": "planned" if stone.planned else "happened", "subject": stone.subject, "what": stone.what,
            "scope": stone.scope, "as_of": stone.as_of.text, "source": stone.source,
            "source_kind": kinds.get(stone.source), "id": stone.id, "quote": stone.quote, "derived_from": None,
            "outcome": stone.outcome,
        }))
    keyed.sort(key=lambda pair: pair[0])
    return [row for _, row in keyed]


def _undated_event(book: m.FactBook, event: m.Event, parent: m.Event | None) -> tuple[tuple[Any, ...], Row]:
    """The row of an event that no source dates: within its parent's dates, or unknown."""
    from ..dates import UNKNOWN_DATE

    backing = next(iter(event.status), None) or next(iter(event.cite), None)
    source = backing.source if backing is not None else None
    published = {s.id: s.published for s in book.sources}
    as_of = getattr(backing, "as_of", None) or published.get(source or "", UNKNOWN_DATE)
    quote = getattr(backing, "quote", None)
    span = latest([c for c in parent.dates if c.date.has_year]) if parent is not None else None
    date = span.date if span is not None else UNKNOWN_DATE
    return date.sort_key(), {
        "date": date.text, "date_precision": date.precision, "date_qualifier": "during" if span else None,
        "status": _event_status(event, voices(book)), "subject": event.id, "what": event.name, "scope": None,
        "as_of": as_of.text, "source": source, "source_kind": source_kinds(book).get(source or ""),
        "id": event.id, "quote": quote, "derived_from": parent.id if span is not None and parent is not None else None,
        "outcome": None,
    }


def project_rows(book: m.FactBook) -> list[Row]:
    places = {p.id: p.name for p in book.places}
    kinds = source_kinds(book)
    voice_of = voices(book)
    rows = []
    for project in book.projects:
        figures = [f for f in book.figures if f.subject == project.id]
        steps, since, status = status_course(project.status, voice_of)
        # The claims that state the current status, from the one that began it on.
        run = [step.claim for step in steps if since is not None and step.claim.value == since.value
               and step.claim.as_of.sort_key() >= since.as_of.sort_key()] or ([since] if since else [])
        row: Row = {
            "id": project.id,
            "name": project.name,
            "owner": project.owner,
            "place": list(dict.fromkeys(places.get(loc.place, loc.place) for loc in project.locations)),
            "status": status.value if status else None,
            "status_as_of": status.as_of.text if status else None,
            "status_since": since.as_of.text if since else None,
            "status_source": status.source if status else None,
            "status_source_kind": kinds.get(status.source) if status else None,
            "status_sources": list(dict.fromkeys(c.source for c in run)),
        }
        money = latest([f for f in figures if f.measure == "investment" and f.unit == "EUR"]) or latest(
            [f for f in figures if f.measure == "investment"]
        )
        row.update({
            "investment": money.value if money else None,
            "investment_unit": money.unit if money else None,
            "investment_qualifier": money.qualifier if money else None,
            "investment_scope": money.scope if money else None,
            "investment_as_of": money.as_of.text if money else None,
            "investment_source": money.source if money else None,
            "investment_source_kind": kinds.get(money.source) if money else None,
        })
        for measure, prefix in (("jobs-direct", "jobs_direct"), ("jobs-indirect", "jobs_indirect")):
            claim = latest([f for f in figures if f.measure == measure])
            row[prefix] = claim.value if claim else None
            row[f"{prefix}_qualifier"] = claim.qualifier if claim else None
            row[f"{prefix}_as_of"] = claim.as_of.text if claim else None
        # A claim about one part (phase I) or one moment (as planned in 2022) answers only when
        # no claim is about the whole.
        openings = [s for s in book.milestones if s.subject == project.id and s.history_field() == "opening"]
        opening = latest([s for s in openings if s.scope is None]) or latest(openings)
        row.update({
            "opening": opening.date.text if opening else None,
            "opening_qualifier": opening.date_qualifier if opening else None,
            "opening_as_of": opening.as_of.text if opening else None,
            "opening_source": opening.source if opening else None,
            "opening_source_kind": kinds.get(opening.source) if opening else None,
        })
        row["claims"] = len(figures) + sum(1 for s in book.milestones if s.subject == project.id)
        rows.append(row)
    return rows


def facts_per_source(book: m.FactBook) -> dict[str, int]:
    """How many citations and claims name each source id."""
    counts: dict[str, int] = {source.id: 0 for source in book.sources}
    for _, item in book.entities():
        for source, _, _ in item.cited():
            counts[source] = counts.get(source, 0) + 1
    return counts


def source_rows(book: m.FactBook) -> list[Row]:
    counts = facts_per_source(book)
    return [
        {
            "id": s.id, "publisher": s.publisher, "title": s.title, "description": s.description,
            "published": s.published.text,
            "published_inferred": s.published_inferred, "published_note": s.published_note,
            "language": s.language, "url": s.url, "kind": s.kind, "outlet": s.outlet, "via": s.via,
            "facts": counts.get(s.id, 0),
        }
        for s in book.sources
    ]


def figure_rows(book: m.FactBook, subject: str | None = None, measure: str | None = None) -> list[Row]:
    kinds = source_kinds(book)
    return [
        {
            "id": f.id, "subject": f.subject, "measure": f.measure, "value": f.value, "value_text": f.value_text,
            "unit": f.unit, "qualifier": f.qualifier, "planned": f.planned,
            "period": f.period.text if f.period else None, "scope": f.scope, "as_of": f.as_of.text,
            "source": f.source, "source_kind": kinds.get(f.source), "quote": f.quote, "note": f.note,
        }
        for f in book.figures
        if (subject is None or f.subject == subject) and (measure is None or f.measure == measure)
    ]


def statement_rows(book: m.FactBook, subject: str | None = None, topic: str | None = None) -> list[Row]:
    kinds = source_kinds(book)
    return [
        {"id": s.id, "subject": s.subject, "topic": s.topic, "text": s.text, "as_of": s.as_of.text,
         "source": s.source, "source_kind": kinds.get(s.source), "quote": s.quote}
        for s in book.statements
        if (subject is None or s.subject == subject) and (topic is None or s.topic == topic)
    ]


def people_rows(book: m.FactBook) -> list[Row]:
    return [
        {"id": p.id, "name": p.name, "role": p.role, "organisation": p.organisation,
         "also_known_as": [a.name for a in p.also_known_as], "source": cited_sources(p.cite)}
        for p in book.people
    ]


def place_rows(book: m.FactBook) -> list[Row]:
    return [
        {"id": p.id, "name": p.name, "kind": p.kind, "department": p.department, "region": p.region,
         "country": p.country, "source": cited_sources(p.cite)}
        for p in book.places
    ]


def discrepancy_rows(book: m.FactBook) -> list[Row]:
    """One row per recorded discrepancy; each side an object with the keys of a conflict's sides
    (value, source, quote and note as recorded, the rest null)."""
    from ..registry import SIDE_KEYS

    kinds = source_kinds(book)
    return [
        {"id": d.id, "subject": d.subject, "kind": d.kind, "about": d.about,
         "sides": [{key: kinds.get(s.source) if key == "source_kind" else getattr(s, key, None) for key in SIDE_KEYS}
                   for s in d.sides], "note": d.note}
        for d in book.discrepancies
    ]


def field_rows(command: str | None = None) -> list[Row]:
    names = [command] if command else list(LISTINGS)
    for name in names:
        if name not in LISTINGS:
            raise UsageError(f"fields: unknown command {name!r}{suggest(name, LISTINGS)}",
                             f"hint: commands: {', '.join(LISTINGS)}")
    return [
        {"command": name, "field": f.name, "type": f.type, "description": f.description}
        for name in names
        for f in LISTINGS[name].fields
    ]

"""Questions asked of a fact book: rows as plain dicts, filtering, sorting, field selection.

Every listing command is a :class:`Listing`: its fields (name, type, description) and a
function from the book to rows. Rows hold only JSON-ready values (text, numbers, booleans,
lists, ``None``); dates are ISO strings of their own precision. Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import humanize
from . import model as m
from .dates import parse_date
from .errors import UsageError
from .record import Record
from .validate import facts_per_source

Row = dict[str, Any]

_SEPARATORS = r"[\s\-_'’.]+"  # compiled on first use


def fold(text: str) -> str:
    """Case-, accent- and hyphen-insensitive form: ``Hérouville-Saint-Clair`` → ``herouville saint clair``."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(_SEPARATORS, " ", bare.casefold()).strip()


class Field(Record):
    """One column of a listing."""

    name: str
    type: str  # id, text, number, date, bool, list
    description: str
    #: How the value reads at a terminal, from the whole row; ``None``: the value as text.
    human: Callable[[Row], str] | None = None


class Listing(Record):
    name: str
    summary: str
    fields: tuple[Field, ...]
    #: Columns a terminal table shows when ``--fields`` is not given (machine formats: all).
    table_fields: tuple[str, ...] = ()

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def _quantity(value: str, qualifier: str, unit: str | None = None, text: str | None = None) -> Callable[[Row], str]:
    def show(row: Row) -> str:
        return humanize.quantity(
            row.get(value), row.get(qualifier), row.get(unit) if unit else None, row.get(text) if text else None
        )

    return show


def _latest_claim(prefix: str, unit: str | None = None) -> Callable[[Row], str]:
    """``> EUR 1 bn (phase I; 17 May 2025)``: a latest claim with what it covers and its date."""

    def show(row: Row) -> str:
        if row.get(prefix) is None:
            return ""
        value = humanize.quantity(row[prefix], row.get(f"{prefix}_qualifier"), row.get(unit) if unit else None)
        extra = [x for x in (row.get(f"{prefix}_scope"), humanize.date(row.get(f"{prefix}_as_of"))) if x]
        return f"{value} ({'; '.join(extra)})" if extra else value

    return show


def _date(name: str) -> Callable[[Row], str]:
    return lambda row: humanize.date(row.get(name))


def _src(name: str = "source") -> Field:
    return Field(name, "id", "the source id (see `normandie sources`)")


def _as_of() -> Field:
    return Field("as_of", "date", "when the claim was made (the source's date unless stated)", _date("as_of"))


# Listings ------------------------------------------------------------------------------

COMPANIES = Listing(
    "companies",
    "Companies in the fact book, with their town and roles.",
    (
        Field("id", "id", "the organisation's id"),
        Field("name", "text", "the name as the source writes it"),
        Field("town", "text", "the town's name; null when no source states it",
              lambda r: r["town"] if r["town"] is not None else "not stated"),
        Field("town_id", "id", "the town's place id; null when not stated"),
        Field("department", "text", "the town's French département"),
        Field("country", "text", "the town's country"),
        Field("sites", "list", "places where a source says it is present (not its seat)"),
        Field("roles", "list", "roles: delegation (March 2023 trade mission), investor, ..."),
        Field("description", "text", "what a source says the company does"),
        Field("source", "list", "the ids of the sources that state it"),
    ),
    ("id", "name", "town", "department", "country", "sites", "roles", "source"),
)

JOBS = Listing(
    "jobs",
    "Job figures per project: every claim, with its qualifier, date and source.",
    (
        Field("id", "id", "the figure's id"),
        Field("project", "id", "what the figure is about (a project or organisation id)"),
        Field("kind", "text", "direct, indirect or construction"),
        Field("value", "number", "the number of jobs as stated", _quantity("value", "qualifier")),
        Field("qualifier", "text", "exact, about, more-than, at-least or up-to"),
        Field("planned", "bool", "true for a forecast or plan, false for jobs that exist"),
        Field("scope", "text", "what part it covers (e.g. first phase)"),
        _as_of(),
        _src(),
        Field("quote", "text", "the source's exact words, for the primary article"),
    ),
    ("project", "kind", "value", "planned", "scope", "as_of", "source"),
)

TIMELINE = Listing(
    "timeline",
    "Events and milestones in date order, planned or happened, each with its source.",
    (
        Field("date", "date", "the date at its own precision (YYYY, YYYY-MM, YYYY-MM-DD, A/B, --MM-DD)",
              lambda r: " ".join(x for x in ((r["date_qualifier"] or "").replace("-", " "), humanize.date(r["date"])) if x)),
        Field("date_precision", "text", "year, month, day, range, day-no-year or unknown"),
        Field("date_qualifier", "text", "exact, about, by, before, early, end-of or after"),
        Field("status", "text", "happened or planned"),
        Field("subject", "id", "the event, project or organisation"),
        Field("what", "text", "the event's name or the milestone (commissioning, founded, ...)",
              lambda r: f"{r['what']} ({r['scope']})" if r["scope"] else r["what"]),
        Field("scope", "text", "what part it covers"),
        _as_of(),
        _src(),
        Field("id", "id", "the milestone's or event's id"),
        Field("quote", "text", "the source's exact words, for the primary article"),
    ),
    ("date", "status", "subject", "what", "as_of", "source"),
)

PROJECTS = Listing(
    "projects",
    "One row per project: owner, place, status, and its latest investment and job claims.",
    (
        Field("id", "id", "the project's id"),
        Field("name", "text", "the project's name"),
        Field("owner", "id", "the organisation that carries it"),
        Field("place", "list", "where, as the sources name it"),
        Field("status", "text", "latest status claim: prospective, planned, under-way, done, abandoned",
              lambda r: f"{r['status']} ({humanize.date(r['status_as_of'])})" if r["status"] else ""),
        Field("status_as_of", "date", "when that status was stated"),
        Field("investment", "number", "latest investment claim (by as-of date)",
              _latest_claim("investment", "investment_unit")),
        Field("investment_unit", "text", "its currency"),
        Field("investment_qualifier", "text", "its qualifier"),
        Field("investment_scope", "text", "what part it covers"),
        Field("investment_as_of", "date", "when it was stated"),
        Field("investment_source", "id", "who stated it"),
        Field("jobs_direct", "number", "latest direct-jobs claim", _latest_claim("jobs_direct")),
        Field("jobs_direct_qualifier", "text", "its qualifier"),
        Field("jobs_direct_as_of", "date", "when it was stated"),
        Field("jobs_indirect", "number", "latest indirect-jobs claim", _latest_claim("jobs_indirect")),
        Field("jobs_indirect_qualifier", "text", "its qualifier"),
        Field("jobs_indirect_as_of", "date", "when it was stated"),
        Field("opening", "date", "latest claim of when it opens (commissioning, operational, delivery, phase I)",
              lambda r: " ".join(x for x in ((r["opening_qualifier"] or "").replace("-", " "), humanize.date(r["opening"]))
                                 if x) + (f" ({humanize.date(r['opening_as_of'])})" if r["opening"] else "")),
        Field("opening_qualifier", "text", "exact, about, by, before, early, ..."),
        Field("opening_as_of", "date", "when it was stated"),
        Field("opening_source", "id", "who stated it"),
        Field("claims", "number", "how many figures and milestones the book holds about it"),
    ),
    ("id", "owner", "place", "status", "investment", "jobs_direct", "jobs_indirect", "opening"),
)

SOURCES = Listing(
    "sources",
    "The sources, and how many facts each backs.",
    (
        Field("id", "id", "the source's id"),
        Field("publisher", "text", "who published it"),
        Field("title", "text", "its own title, when known"),
        Field("description", "text", "what it is, in our words"),
        Field("published", "date", "publication date at its precision, or unknown",
              lambda r: humanize.date(r["published"]) + (" (inferred)" if r["published_inferred"] else "")),
        Field("published_inferred", "bool", "true when the date is deduced, not printed on the page"),
        Field("published_note", "text", "why, when inferred or unknown"),
        Field("language", "text", "fr, en"),
        Field("url", "text", "where it is"),
        Field("facts", "number", "how many citations and claims name it"),
    ),
    ("id", "publisher", "published", "facts", "url"),
)

FIGURES = Listing(
    "figures",
    "Every number in the book, one claim per row.",
    (
        Field("id", "id", "the figure's id"),
        Field("subject", "id", "what it is about"),
        Field("measure", "text", "investment, jobs-direct, capacity, ..."),
        Field("value", "number", "the number as stated", _quantity("value", "qualifier", "unit", "value_text")),
        Field("value_text", "text", "the value as written when it is a fraction (1/3)"),
        Field("unit", "text", "EUR, USD, jobs, t/year, ..."),
        Field("qualifier", "text", "exact, about, more-than, at-least or up-to"),
        Field("planned", "bool", "true for a plan, target or forecast"),
        Field("period", "date", "the time the number refers to", _date("period")),
        Field("scope", "text", "what part it covers"),
        _as_of(),
        _src(),
        Field("quote", "text", "the source's exact words, for the primary article"),
        Field("note", "text", "a remark"),
    ),
    ("subject", "measure", "value", "planned", "period", "scope", "as_of", "source"),
)

STATEMENTS = Listing(
    "statements",
    "Facts that are not numbers or dates, in our words, with their source.",
    (
        Field("id", "id", "the statement's id"),
        Field("subject", "id", "what it is about"),
        Field("topic", "text", "support, asset, superlative, ..."),
        Field("text", "text", "the fact, in our words"),
        _as_of(),
        _src(),
        Field("quote", "text", "the source's exact words, for the primary article"),
    ),
    ("subject", "topic", "text", "as_of", "source"),
)

PEOPLE = Listing(
    "people",
    "The people the sources name.",
    (
        Field("id", "id", "the person's id"),
        Field("name", "text", "the name"),
        Field("role", "text", "their role, as stated"),
        Field("organisation", "id", "their organisation"),
        Field("also_known_as", "list", "other names a source uses"),
        Field("source", "list", "the sources that name them"),
    ),
    ("id", "name", "role", "organisation", "source"),
)

PLACES = Listing(
    "places",
    "Towns and areas, with their department, region and country.",
    (
        Field("id", "id", "the place's id"),
        Field("name", "text", "the name"),
        Field("kind", "text", "town or area"),
        Field("department", "text", "French département"),
        Field("region", "text", "French région or US state"),
        Field("country", "text", "country"),
        Field("source", "list", "the sources that state it"),
    ),
)

DISCREPANCIES = Listing(
    "discrepancies",
    "Recorded disagreements: between sources, revisions over time, or a source with itself.",
    (
        Field("id", "id", "the discrepancy's id"),
        Field("subject", "id", "what it is about"),
        Field("kind", "text", "internal, between-sources or revision"),
        Field("about", "text", "what is disputed"),
        Field("sides", "list", "each side's value and source"),
        Field("note", "text", "a remark"),
    ),
)

LISTINGS: dict[str, Listing] = {
    listing.name: listing
    for listing in (COMPANIES, JOBS, TIMELINE, PROJECTS, SOURCES, FIGURES, STATEMENTS, PEOPLE, PLACES, DISCREPANCIES)
}


# Helpers -------------------------------------------------------------------------------

def _sources(cite: Iterable[m.Citation]) -> list[str]:
    out: list[str] = []
    for c in cite:
        if c.source not in out:
            out.append(c.source)
    return out


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


def _status_rank(claim: m.StatusClaim) -> int:
    """Of two status claims made on the same date, the further one on the way wins."""
    return m.STATUSES.index(claim.value)


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the closest choice, or an empty string."""
    import difflib

    choices = list(choices)
    folded = fold(word)
    close = [c for c in choices if folded and folded in fold(c)][:3]
    close = close or difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


# Row builders --------------------------------------------------------------------------

def company_rows(
    book: m.FactBook,
    town: str | None = None,
    department: str | None = None,
    role: str | None = None,
    search: str | None = None,
) -> list[Row]:
    """Companies, filtered case- and accent-insensitively. What a filter compares against is
    folded once per place or role, not once per company: a register has few towns and many
    companies."""
    places = {p.id: p for p in book.places}
    towns = None if town is None else {
        p.id for p in book.places if fold(town) in (fold(p.id), fold(p.name))
    }
    departments = None if department is None else {
        p.id for p in book.places if p.department and fold(p.department) == fold(department)
    }
    wanted_role = None if role is None else fold(role)
    folded_roles: dict[str, str] = {}
    needle = None if search is None else fold(search)
    rows = []
    for org in book.organisations:
        if org.kind != "company":
            continue
        if towns is not None and org.town not in towns and not any(s.place in towns for s in org.sites):
            continue
        if departments is not None and org.town not in departments and not any(
            s.place in departments for s in org.sites
        ):
            continue
        if wanted_role is not None and not any(
            folded_roles.setdefault(r, fold(r)) == wanted_role for r in org.roles
        ):
            continue
        place = places.get(org.town) if org.town else None
        sites = list(dict.fromkeys(places[s.place].name if s.place in places else s.place for s in org.sites))
        if needle is not None:
            haystack = fold(" ".join(v for v in (org.id, org.name, place.name if place else None, org.description,
                                                 *sites) if v))
            if needle not in haystack:
                continue
        rows.append({
            "id": org.id,
            "name": org.name,
            "town": place.name if place else None,
            "town_id": org.town,
            "department": place.department if place else None,
            "country": place.country if place else None,
            "sites": sites,
            "roles": list(org.roles),
            "description": org.description,
            "source": _sources(org.cite),
        })
    return rows


#: Milestones that all say when a plant starts working: their history is one story, "opening".
OPENING = ("commissioning", "operational", "delivery", "phase-1-complete")

_JOB_KINDS = {"jobs-direct": "direct", "jobs-indirect": "indirect", "jobs-construction": "construction"}


def job_rows(book: m.FactBook, project: str | None = None) -> list[Row]:
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
            "quote": f.quote,
        }
        for f in book.figures
        if f.measure in _JOB_KINDS and (project is None or f.subject == project)
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


def job_totals(book: m.FactBook) -> list[Total]:
    """Per subject, direct plus indirect jobs from the latest claim of each kind.

    Construction jobs are not added: the sources give them as part of the others ("of which").
    """
    totals = []
    subjects = list(dict.fromkeys(f.subject for f in book.figures if f.measure in ("jobs-direct", "jobs-indirect")))
    for subject in subjects:
        parts, ties = [], []
        for measure in ("jobs-direct", "jobs-indirect"):
            claims = [f for f in book.figures if f.subject == subject and f.measure == measure and f.scope is None]
            claims = claims or [f for f in book.figures if f.subject == subject and f.measure == measure]
            best = latest(claims)
            if best is None:
                continue
            parts.append(best)
            ties.extend(
                c for c in claims
                if c is not best and c.as_of.text == best.as_of.text and (c.value, c.qualifier) != (best.value, best.qualifier)
            )
        if parts:
            totals.append(Total(subject, sum(p.value for p in parts), combine_qualifiers(p.qualifier for p in parts),
                                tuple(parts), tuple(ties)))
    return totals


def _event_status(event: m.Event) -> str:
    """``happened`` when the latest status claim says done, else ``planned``."""
    status = latest(event.status, _status_rank)
    return "happened" if status is not None and status.value == "done" else "planned"


def timeline_rows(book: m.FactBook, subject: str | None = None) -> list[Row]:
    """Event date claims and milestones, sorted by date (docs/facts-format.md, "Ordering").

    A date with no year sorts just after the latest-starting dated claim of the same event.
    """
    keyed: list[tuple[tuple[Any, ...], Row]] = []
    for event in book.events:
        if subject is not None and subject not in (event.id, event.part_of):
            continue
        anchor = max((c.date.sort_key() for c in event.dates if c.date.has_year), default=None)
        for claim in event.dates:
            key = claim.date.sort_key() if claim.date.has_year or anchor is None else (*anchor[:4], 9.0)
            keyed.append((key, {
                "date": claim.date.text, "date_precision": claim.date.precision, "date_qualifier": None,
                "status": _event_status(event), "subject": event.id, "what": event.name, "scope": None,
                "as_of": claim.as_of.text, "source": claim.source, "id": event.id, "quote": claim.quote,
            }))
    for stone in book.milestones:
        if subject is not None and stone.subject != subject:
            continue
        keyed.append((stone.date.sort_key(), {
            "date": stone.date.text, "date_precision": stone.date.precision, "date_qualifier": stone.date_qualifier,
            "status": "planned" if stone.planned else "happened", "subject": stone.subject, "what": stone.what,
            "scope": stone.scope, "as_of": stone.as_of.text, "source": stone.source, "id": stone.id,
            "quote": stone.quote,
        }))
    keyed.sort(key=lambda pair: pair[0])
    return [row for _, row in keyed]


def project_rows(book: m.FactBook) -> list[Row]:
    places = {p.id: p.name for p in book.places}
    rows = []
    for project in book.projects:
        figures = [f for f in book.figures if f.subject == project.id]
        status = latest(project.status, _status_rank)
        row: Row = {
            "id": project.id,
            "name": project.name,
            "owner": project.owner,
            "place": list(dict.fromkeys(places.get(loc.place, loc.place) for loc in project.locations)),
            "status": status.value if status else None,
            "status_as_of": status.as_of.text if status else None,
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
        })
        for measure, prefix in (("jobs-direct", "jobs_direct"), ("jobs-indirect", "jobs_indirect")):
            claim = latest([f for f in figures if f.measure == measure])
            row[prefix] = claim.value if claim else None
            row[f"{prefix}_qualifier"] = claim.qualifier if claim else None
            row[f"{prefix}_as_of"] = claim.as_of.text if claim else None
        opening = latest([s for s in book.milestones if s.subject == project.id and s.what in OPENING])
        row.update({
            "opening": opening.date.text if opening else None,
            "opening_qualifier": opening.date_qualifier if opening else None,
            "opening_as_of": opening.as_of.text if opening else None,
            "opening_source": opening.source if opening else None,
        })
        row["claims"] = len(figures) + sum(1 for s in book.milestones if s.subject == project.id)
        rows.append(row)
    return rows


def source_rows(book: m.FactBook) -> list[Row]:
    counts = facts_per_source(book)
    return [
        {
            "id": s.id, "publisher": s.publisher, "title": s.title, "description": s.description,
            "published": s.published.text,
            "published_inferred": s.published_inferred, "published_note": s.published_note,
            "language": s.language, "url": s.url, "facts": counts.get(s.id, 0),
        }
        for s in book.sources
    ]


def figure_rows(book: m.FactBook, subject: str | None = None, measure: str | None = None) -> list[Row]:
    return [
        {
            "id": f.id, "subject": f.subject, "measure": f.measure, "value": f.value, "value_text": f.value_text,
            "unit": f.unit, "qualifier": f.qualifier, "planned": f.planned,
            "period": f.period.text if f.period else None, "scope": f.scope, "as_of": f.as_of.text,
            "source": f.source, "quote": f.quote, "note": f.note,
        }
        for f in book.figures
        if (subject is None or f.subject == subject) and (measure is None or f.measure == measure)
    ]


def statement_rows(book: m.FactBook, subject: str | None = None, topic: str | None = None) -> list[Row]:
    return [
        {"id": s.id, "subject": s.subject, "topic": s.topic, "text": s.text, "as_of": s.as_of.text,
         "source": s.source, "quote": s.quote}
        for s in book.statements
        if (subject is None or s.subject == subject) and (topic is None or s.topic == topic)
    ]


def people_rows(book: m.FactBook) -> list[Row]:
    return [
        {"id": p.id, "name": p.name, "role": p.role, "organisation": p.organisation,
         "also_known_as": [a.name for a in p.also_known_as], "source": _sources(p.cite)}
        for p in book.people
    ]


def place_rows(book: m.FactBook) -> list[Row]:
    return [
        {"id": p.id, "name": p.name, "kind": p.kind, "department": p.department, "region": p.region,
         "country": p.country, "source": _sources(p.cite)}
        for p in book.places
    ]


def discrepancy_rows(book: m.FactBook) -> list[Row]:
    return [
        {"id": d.id, "subject": d.subject, "kind": d.kind, "about": d.about,
         "sides": [f"{s.value} [{s.source}]" for s in d.sides], "note": d.note}
        for d in book.discrepancies
    ]


# Selecting, sorting, limiting ----------------------------------------------------------

def parse_field_list(text: str | None, listing: Listing, option: str = "--fields") -> list[str] | None:
    """``"a,b"`` → ``["a", "b"]``, each checked against the listing's fields."""
    if text is None:
        return None
    names = [part.strip() for part in text.split(",") if part.strip()]
    valid = listing.field_names()
    for name in names:
        bare = name[1:] if option == "--sort" and name.startswith("-") else name
        if bare not in valid:
            raise UsageError(
                f"{option}: unknown field {bare!r} for {listing.name}{suggest(bare, valid)}; valid fields: {', '.join(valid)}"
            )
    if not names:
        raise UsageError(f"{option}: give at least one field; valid fields: {', '.join(valid)}")
    return names


def _sort_value(value: Any, kind: str) -> tuple[int, Any]:
    if value is None:
        return (2, 0)
    if kind == "date":
        return (0, parse_date(value).sort_key())
    if kind == "number" or kind == "bool":
        return (0, value)
    if kind == "list":
        return (1, fold("; ".join(map(str, value))))
    return (1, fold(str(value)))


def _sortable(value: Any, kind: str) -> bool:
    if value is None:
        return False
    return kind != "date" or parse_date(value).has_year


def sort_rows(rows: list[Row], keys: Sequence[str], listing: Listing) -> list[Row]:
    """Stable sort on several keys; ``-key`` descending. Nulls, unknown dates and dates
    without a year sort last either way."""
    out = list(rows)
    for key in reversed(keys):
        descending = key.startswith("-")
        name = key.lstrip("-")
        kind = listing.field(name).type
        present = [r for r in out if _sortable(r.get(name), kind)]
        absent = [r for r in out if not _sortable(r.get(name), kind)]
        present.sort(key=lambda r: _sort_value(r[name], kind), reverse=descending)
        out = present + absent
    return out


def shape_rows(
    rows: list[Row],
    listing: Listing,
    fields: str | None,
    sort: str | None,
    limit: int | None,
    table: bool,
    where: Sequence[str] | None = None,
) -> tuple[list[Row], list[str]]:
    """Apply ``--where``, ``--sort``, ``--limit`` and ``--fields``; return the rows and the column names."""
    rows = filter_rows(rows, where, listing)
    columns = parse_field_list(fields, listing)
    if columns is None:
        columns = list(listing.table_fields) if table and listing.table_fields else listing.field_names()
    keys = parse_field_list(sort, listing, "--sort")
    if keys:
        rows = sort_rows(rows, keys, listing)
    if limit is not None:
        if limit < 0:
            raise UsageError("--limit: must be 0 or more")
        rows = rows[:limit]
    return rows, columns


def resolve_id(book: m.FactBook, wanted: str, kinds: Iterable[type]) -> str:
    """An id of one of the given kinds, matched case- and accent-insensitively; else a UsageError."""
    candidates = [item.id for _, item in book.entities() if isinstance(item, tuple(kinds))]
    for cid in candidates:
        if fold(cid) == fold(wanted):
            return cid
    raise UsageError(f"unknown id {wanted!r}{suggest(wanted, candidates)}; known: {', '.join(candidates)}")




# --where -------------------------------------------------------------------------------

_OPERATORS = ("!=", ">=", "<=", "!~", "=", ">", "<", "~")


class Condition(Record):
    """One ``--where`` test: ``field op value``."""

    field: str
    op: str
    value: str
    kind: str


def parse_where(expr: str, listing: Listing) -> Condition:
    """``town=Rouen``, ``value>=350``, ``as_of>=2023``, ``name~plasma`` (contains), ``!=``, ``!~``."""
    valid = listing.field_names()
    index = 0
    while index < len(expr) and (expr[index].isalnum() or expr[index] == "_"):
        index += 1
    name = expr[:index].strip()
    op = next((o for o in _OPERATORS if expr.startswith(o, index)), None)
    if not name or op is None:
        raise UsageError(
            f"--where: {expr!r} is not FIELD OP VALUE (OP one of {' '.join(_OPERATORS)}); "
            f"fields of {listing.name}: {', '.join(valid)}"
        )
    if name not in valid:
        raise UsageError(f"--where: unknown field {name!r} for {listing.name}{suggest(name, valid)}; "
                         f"valid fields: {', '.join(valid)}")
    value = expr[index + len(op):].strip()
    kind = listing.field(name).type
    if kind in ("number", "date") and op not in ("~", "!~") and value:
        _typed(value, kind, name)  # an error now, not a silent non-match later
    if kind in ("list", "bool") and op in (">", "<", ">=", "<="):
        raise UsageError(f"--where: {name} is a {kind}; use =, !=, ~ or !~")
    return Condition(name, op, value, kind)


def _typed(value: str, kind: str, name: str) -> Any:
    if kind == "number":
        try:
            return float(value)
        except ValueError:
            raise UsageError(f"--where: {name} is a number; {value!r} is not") from None
    try:
        return parse_date(value)
    except ValueError as err:
        raise UsageError(f"--where: {name} is a date; {err}") from None


def _compare(actual: Any, condition: Condition) -> int | None:
    """-1, 0 or 1 comparing the row's value with the condition's; ``None`` when not comparable."""
    if condition.kind == "number":
        wanted = _typed(condition.value, "number", condition.field)
        return (actual > wanted) - (actual < wanted)
    if condition.kind == "date":
        from .dates import compare_dates

        return compare_dates(parse_date(actual), _typed(condition.value, "date", condition.field))
    if condition.kind == "bool":
        wanted_bool = fold(condition.value) in ("true", "yes", "1")
        return 0 if actual == wanted_bool else 1
    left, right = fold(str(actual)), fold(condition.value)
    return (left > right) - (left < right)


def matches(row: Row, condition: Condition) -> bool:
    """Whether the row passes the condition. Text compares case- and accent-insensitively;
    dates at the coarser precision; a list passes ``=``/``~`` when any element does; a null
    passes only ``!=``/``!~`` (and ``=`` with nothing after it)."""
    actual = row.get(condition.field)
    op = condition.op
    if actual is None or actual == [] or actual == "":
        return op in ("!=", "!~") and condition.value != "" or op == "=" and condition.value == ""
    if op in ("~", "!~"):
        items = actual if isinstance(actual, list) else [actual]
        found = any(fold(condition.value) in fold(flat_value(item)) for item in items)
        return found if op == "~" else not found
    if isinstance(actual, list):
        equal = any(fold(flat_value(item)) == fold(condition.value) for item in actual)
        return equal if op == "=" else not equal
    order = _compare(actual, condition)
    if order is None:
        return False
    return {"=": order == 0, "!=": order != 0, ">": order > 0, "<": order < 0, ">=": order >= 0, "<=": order <= 0}[op]


def flat_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def filter_rows(rows: list[Row], where: Sequence[str] | None, listing: Listing) -> list[Row]:
    """Rows passing every ``--where`` condition."""
    if not where:
        return rows
    conditions = [parse_where(expr, listing) for expr in where]
    return [row for row in rows if all(matches(row, c) for c in conditions)]


# fields, search, show ------------------------------------------------------------------

FIELDS = Listing(
    "fields",
    "Each listing command's fields: what --fields, --sort and --where accept.",
    (
        Field("command", "text", "the command"),
        Field("field", "text", "the field's name, as in JSON"),
        Field("type", "text", "id, text, number, date, bool or list"),
        Field("description", "text", "what it holds"),
    ),
)


def field_rows(command: str | None = None) -> list[Row]:
    names = [command] if command else list(LISTINGS)
    for name in names:
        if name not in LISTINGS:
            raise UsageError(f"fields: unknown command {name!r}{suggest(name, LISTINGS)}; commands: {', '.join(LISTINGS)}")
    return [
        {"command": name, "field": f.name, "type": f.type, "description": f.description}
        for name in names
        for f in LISTINGS[name].fields
    ]


def resolve_any(book: m.FactBook, wanted: str) -> str:
    """An entity's id from its id or its name (case- and accent-insensitive)."""
    index = book.index()
    if wanted in index:
        return wanted
    for _, item in book.entities():
        if fold(item.id) == fold(wanted) or fold(getattr(item, "name", "") or "") == fold(wanted):
            return item.id
    raise UsageError(f"unknown id {wanted!r}{suggest(wanted, index)}")

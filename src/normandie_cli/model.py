"""The fact book: an immutable, typed record for every kind of fact (standard library only).

Records are :class:`Record` subclasses: frozen, typed and compared by value like frozen
dataclasses, but built without generating code when the module is imported. Start-up is the
product (every Tab press starts the program): here, 20 frozen dataclasses cost about 25 ms to
define and 20 ``typing.NamedTuple`` classes about 5 ms; a ``Record`` subclass costs next to
nothing. The YAML format these come from is documented in docs/facts-format.md. ``line``
gives the 1-based line in the fact file where the record starts, for messages.
"""

from __future__ import annotations

from collections.abc import Iterator

from .dates import PartialDate
from .record import Record

#: What a record cites: (source id, the quote or ``None``, what kind of backing it is).
Cited = tuple[str, str | None, str]
#: What a record refers to: (its key, the id, the kinds of record that id may name).
Reference = tuple[str, str | None, tuple[str, ...]]

QUALIFIERS = ("exact", "about", "more-than", "at-least", "up-to")
DATE_QUALIFIERS = ("exact", "about", "by", "before", "early", "end-of", "after")
#: In order along the way (ties between status claims of the same date go to the later one):
#: ``on-hold`` is a decided project paused pending a final decision, after ``planned``.
STATUSES = ("prospective", "planned", "on-hold", "under-way", "done", "abandoned")
ORGANISATION_KINDS = ("company", "public-body", "association", "diplomatic-mission", "not-stated")
DISCREPANCY_KINDS = ("internal", "between-sources", "revision")
#: Who a source is (docs/facts-format.md#sources): the words of a project's owner or of a company
#: (``company``), a consultation site run by a project's owner, government (national or local), a
#: public body (a port authority, a chamber of commerce), a court, a party to a lawsuit, the press,
#: the trade press, a law firm's commentary, a support body (an incubator), a blog, general
#: reference data; ``not-stated`` when the file does not say.
SOURCE_KINDS = ("company", "consultation", "government", "public-body", "court", "party", "press", "trade-press",
                "law-firm", "support-body", "blog", "reference", "not-stated")
NOT_STATED = "not-stated"
#: Milestones that all say when a plant starts working: their history is one story, "opening".
OPENING = ("commissioning", "operational", "delivery", "phase-1-complete")


class Citation(Record):
    """One source backing an entity, with the exact words when the source is quotable."""

    source: str
    quote: str | None = None
    note: str | None = None


class Source(Record):
    id: str
    publisher: str
    published: PartialDate
    language: str
    #: The page's own title, when known; ``description`` says in our words what it is.
    title: str | None = None
    description: str | None = None
    url: str | None = None
    published_inferred: bool = False
    published_note: str | None = None
    primary: bool = False
    #: General reference (geography), not a dated claim: kept whatever ``--as-of`` asks.
    reference: bool = False
    text: str | None = None
    #: Who the source is (one of :data:`SOURCE_KINDS`).
    kind: str = "not-stated"
    #: Whose words these are: the outlet or organisation that wrote the text (for a relay, the
    #: original author). Two sources of the same outlet are one voice over time; ``None``: the
    #: source alone.
    outlet: str | None = None
    #: For a relay (a copy of another's text on another site): the site it was read on.
    via: str | None = None
    line: int = 0

    def cited(self) -> Iterator[Cited]:
        return iter(())

    def refers(self) -> Iterator[Reference]:
        return iter(())


class Place(Record):
    id: str
    name: str
    kind: str
    country: str
    cite: tuple[Citation, ...]
    department: str | None = None
    region: str | None = None
    line: int = 0

    def cited(self) -> Iterator[Cited]:
        return _citations(self.cite)

    def refers(self) -> Iterator[Reference]:
        return iter(())


class Organisation(Record):
    id: str
    name: str
    kind: str
    #: A place id, or ``None`` when no source states the town (``not-stated`` in the file).
    town: str | None
    cite: tuple[Citation, ...]
    roles: tuple[str, ...] = ()
    parent: str | None = None
    description: str | None = None
    #: Places where a source says it is present (a site is not its seat, ``town``).
    sites: tuple[Location, ...] = ()
    #: Where each source says it is based, one claim per source: sources may differ, and
    #: ``town`` is only the seat the book files it under.
    seats: tuple[Location, ...] = ()
    line: int = 0

    def cited(self) -> Iterator[Cited]:
        yield from _citations(self.cite)
        for site in self.sites:
            yield site.source, site.quote, "site"
        for seat in self.seats:
            yield seat.source, seat.quote, "seat"

    def refers(self) -> Iterator[Reference]:
        yield "town", self.town, ("place",)
        yield "parent", self.parent, ("organisation",)
        for site in self.sites:
            yield "site", site.place, ("place",)
        for seat in self.seats:
            yield "seat", seat.place, ("place",)


class AlsoKnownAs(Record):
    name: str
    source: str


class TitleClaim(Record):
    """One source's title for a person at a date (a title that changes is a list of these)."""

    value: str
    source: str
    as_of: PartialDate
    #: The organisation the title is held at, when the source says.
    organisation: str | None = None
    quote: str | None = None
    note: str | None = None


class Person(Record):
    id: str
    name: str
    cite: tuple[Citation, ...]
    #: In our words, what the person is (a summary; ``titles`` holds the dated claims).
    role: str | None = None
    organisation: str | None = None
    also_known_as: tuple[AlsoKnownAs, ...] = ()
    #: The person's title as each source gives it, at that source's date.
    titles: tuple[TitleClaim, ...] = ()
    line: int = 0

    def cited(self) -> Iterator[Cited]:
        yield from _citations(self.cite)
        for alias in self.also_known_as:
            yield alias.source, None, "also_known_as"
        for title in self.titles:
            yield title.source, title.quote, "title claim"

    def refers(self) -> Iterator[Reference]:
        yield "organisation", self.organisation, ("organisation",)
        for title in self.titles:
            yield "title organisation", title.organisation, ("organisation",)


class DateClaim(Record):
    """One source's date for an event."""

    date: PartialDate
    source: str
    as_of: PartialDate
    quote: str | None = None
    note: str | None = None


class StatusClaim(Record):
    value: str
    source: str
    as_of: PartialDate
    quote: str | None = None
    note: str | None = None


class Event(Record):
    id: str
    name: str
    kind: str
    cite: tuple[Citation, ...]
    dates: tuple[DateClaim, ...] = ()
    status: tuple[StatusClaim, ...] = ()
    part_of: str | None = None
    places: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    line: int = 0

    def cited(self) -> Iterator[Cited]:
        yield from _citations(self.cite)
        for claim in self.dates:
            yield claim.source, claim.quote, "date claim"
        for status in self.status:
            yield status.source, status.quote, "status claim"

    def refers(self) -> Iterator[Reference]:
        yield "part_of", self.part_of, ("event",)
        for place in self.places:
            yield "places", place, ("place",)
        for participant in self.participants:
            yield "participants", participant, ("organisation", "person")


class Location(Record):
    place: str
    source: str
    quote: str | None = None
    note: str | None = None


class Follows(Record):
    """A source saying that a project takes up an earlier one: the plant moved, or was
    abandoned and planned again elsewhere."""

    project: str
    source: str
    quote: str | None = None
    note: str | None = None


class Project(Record):
    id: str
    name: str
    owner: str
    cite: tuple[Citation, ...]
    kind: str | None = None
    locations: tuple[Location, ...] = ()
    status: tuple[StatusClaim, ...] = ()
    #: The earlier projects this one takes up, each as a source says (one story across sites).
    follows: tuple[Follows, ...] = ()
    line: int = 0

    def cited(self) -> Iterator[Cited]:
        yield from _citations(self.cite)
        for loc in self.locations:
            yield loc.source, loc.quote, "location"
        for status in self.status:
            yield status.source, status.quote, "status claim"
        for link in self.follows:
            yield link.source, link.quote, "follows"

    def refers(self) -> Iterator[Reference]:
        yield "owner", self.owner, ("organisation",)
        for loc in self.locations:
            yield "location", loc.place, ("place",)
        for link in self.follows:
            yield "follows", link.project, ("project",)


class Figure(Record):
    """One number as one source states it."""

    id: str
    subject: str
    measure: str
    value: int | float
    unit: str
    qualifier: str
    source: str
    as_of: PartialDate
    #: The value as written in the file when it is a fraction (``"1/3"``).
    value_text: str | None = None
    planned: bool = False
    period: PartialDate | None = None
    date_qualifier: str | None = None
    scope: str | None = None
    quote: str | None = None
    note: str | None = None
    #: The id of an earlier figure that this claim itself says it replaces ("357 instead of the
    #: 330 first planned"): the source states a change, not only a value.
    revises: str | None = None
    line: int = 0

    def cited(self) -> Iterator[Cited]:
        yield self.source, self.quote, "claim"

    def refers(self) -> Iterator[Reference]:
        yield "subject", self.subject, SUBJECT_KINDS
        yield "revises", self.revises, ("figure",)


def history_field_of(what: str) -> str:
    """The history field of a milestone that says ``what`` (see :meth:`Milestone.history_field`)."""
    return "opening" if what in OPENING else what


class Milestone(Record):
    """A dated step, planned or done."""

    id: str
    subject: str
    what: str
    date: PartialDate
    source: str
    as_of: PartialDate
    planned: bool = False
    date_qualifier: str | None = None
    scope: str | None = None
    quote: str | None = None
    note: str | None = None
    #: The id of an earlier milestone that this claim itself says it moves ("opening now aimed
    #: at 2030"): the source states a change, not only a date.
    revises: str | None = None
    #: What the step decided or gave, as its source says (a court's ruling, a label granted),
    #: in our words; ``None`` when the source does not say (a case whose outcome is not known).
    outcome: str | None = None
    line: int = 0

    def history_field(self) -> str:
        """The field its history is told under: the opening milestones are one story, "opening"."""
        return history_field_of(self.what)

    def cited(self) -> Iterator[Cited]:
        yield self.source, self.quote, "claim"

    def refers(self) -> Iterator[Reference]:
        yield "subject", self.subject, SUBJECT_KINDS
        yield "revises", self.revises, ("milestone",)


class Statement(Record):
    """A fact that is not a number or a date, in our words."""

    id: str
    subject: str
    topic: str
    text: str
    source: str
    as_of: PartialDate
    quote: str | None = None
    note: str | None = None
    line: int = 0

    def cited(self) -> Iterator[Cited]:
        yield self.source, self.quote, "claim"

    def refers(self) -> Iterator[Reference]:
        yield "subject", self.subject, SUBJECT_KINDS


class Side(Record):
    value: str
    source: str
    quote: str | None = None
    note: str | None = None


class Discrepancy(Record):
    id: str
    subject: str
    about: str
    kind: str
    sides: tuple[Side, ...]
    note: str | None = None
    line: int = 0

    def cited(self) -> Iterator[Cited]:
        for side in self.sides:
            yield side.source, side.quote, "side"

    def refers(self) -> Iterator[Reference]:
        yield "subject", self.subject, SUBJECT_KINDS


Entity = Source | Place | Organisation | Person | Event | Project | Figure | Milestone | Statement | Discrepancy


class Section(Record):
    """One top-level list of a fact file: its key, the kind name of its records, their class."""

    name: str
    kind: str
    record: type
    #: For records about a subject (figures, ...): what ``show SUBJECT``'s section of them holds.
    #: They are shown there, in this table's order, before what relates to the subject ...
    about: str = ""
    #: ... or after it.
    after_related: bool = False


#: The one table of fact kinds, in file order (sources first: claims take their as-of date
#: from them). The reader, the cache, validation and the ``--as-of`` snapshot derive from it.
SECTIONS: tuple[Section, ...] = (
    Section("sources", "source", Source),
    Section("places", "place", Place),
    Section("organisations", "organisation", Organisation),
    Section("people", "person", Person),
    Section("events", "event", Event),
    Section("projects", "project", Project),
    Section("figures", "figure", Figure,
            about="the figures about it (investment, jobs, capacity, ...)"),
    Section("milestones", "milestone", Milestone,
            about="the milestones about it (opening, permits, ...)"),
    Section("statements", "statement", Statement,
            about="the statements about it, in our words"),
    Section("discrepancies", "discrepancy", Discrepancy,
            about="the recorded discrepancies about it", after_related=True),
)

#: What a claim (figure, milestone, statement, discrepancy) may be about.
SUBJECT_KINDS = ("place", "organisation", "person", "event", "project")


def _citations(cite: tuple[Citation, ...]) -> Iterator[Cited]:
    for c in cite:
        yield c.source, c.quote, "citation"


class FactBook(Record):
    """Everything one fact file holds."""

    path: str
    sources: tuple[Source, ...] = ()
    places: tuple[Place, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    people: tuple[Person, ...] = ()
    events: tuple[Event, ...] = ()
    projects: tuple[Project, ...] = ()
    figures: tuple[Figure, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    statements: tuple[Statement, ...] = ()
    discrepancies: tuple[Discrepancy, ...] = ()

    def entities(self) -> list[tuple[str, Entity]]:
        """Every record with its kind name, in file section order."""
        out: list[tuple[str, Entity]] = []
        for section in SECTIONS:
            out.extend((section.kind, item) for item in getattr(self, section.name))
        return out

    def index(self) -> dict[str, Entity]:
        """Records by id (the first one, should an id be duplicated)."""
        out: dict[str, Entity] = {}
        for _, item in self.entities():
            out.setdefault(item.id, item)
        return out


#: The kind names of records, in file section order (``search --kind``).
KINDS: tuple[str, ...] = tuple(section.kind for section in SECTIONS)

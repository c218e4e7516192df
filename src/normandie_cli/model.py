"""The fact book: an immutable, typed record for every kind of fact (standard library only).

Records are :class:`Record` subclasses: frozen, typed and compared by value like frozen
dataclasses, but built without generating code when the module is imported. Start-up is the
product (every Tab press starts the program): here, 20 frozen dataclasses cost about 25 ms to
define and 20 ``typing.NamedTuple`` classes about 5 ms; a ``Record`` subclass costs next to
nothing. The YAML format these come from is documented in docs/facts-format.md. ``line``
gives the 1-based line in the fact file where the record starts, for messages.
"""

from __future__ import annotations

from typing import Union

from .dates import PartialDate
from .record import Record

QUALIFIERS = ("exact", "about", "more-than", "at-least", "up-to")
DATE_QUALIFIERS = ("exact", "about", "by", "before", "early", "end-of", "after")
#: In order along the way (ties between status claims of the same date go to the later one):
#: ``on-hold`` is a decided project paused pending a final decision, after ``planned``.
STATUSES = ("prospective", "planned", "on-hold", "under-way", "done", "abandoned")
ORGANISATION_KINDS = ("company", "public-body", "association", "diplomatic-mission", "not-stated")
DISCREPANCY_KINDS = ("internal", "between-sources", "revision")
NOT_STATED = "not-stated"


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
    line: int = 0


class Place(Record):
    id: str
    name: str
    kind: str
    country: str
    cite: tuple[Citation, ...]
    department: str | None = None
    region: str | None = None
    line: int = 0


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
    line: int = 0


class AlsoKnownAs(Record):
    name: str
    source: str


class Person(Record):
    id: str
    name: str
    cite: tuple[Citation, ...]
    role: str | None = None
    organisation: str | None = None
    also_known_as: tuple[AlsoKnownAs, ...] = ()
    line: int = 0


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


class Location(Record):
    place: str
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
    line: int = 0


class Figure(Record):
    """One number as one source states it."""

    id: str
    subject: str
    measure: str
    value: Union[int, float]
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
    line: int = 0


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
    line: int = 0


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


Entity = Union[Source, Place, Organisation, Person, Event, Project, Figure, Milestone, Statement, Discrepancy]

#: The top-level lists of a fact file, in file order, and the kind name of their records.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("sources", "source"),
    ("places", "place"),
    ("organisations", "organisation"),
    ("people", "person"),
    ("events", "event"),
    ("projects", "project"),
    ("figures", "figure"),
    ("milestones", "milestone"),
    ("statements", "statement"),
    ("discrepancies", "discrepancy"),
)


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
        for section, kind in SECTIONS:
            out.extend((kind, item) for item in getattr(self, section))
        return out

    def index(self) -> dict[str, Entity]:
        """Records by id (the first one, should an id be duplicated)."""
        out: dict[str, Entity] = {}
        for _, item in self.entities():
            out.setdefault(item.id, item)
        return out

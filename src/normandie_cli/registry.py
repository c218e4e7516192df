"""Every declaration the rest derives from: the listings (their fields and how each reads at a
terminal), the output formats, and what the shared options accept. Standard library only.

The command-line options, completion, ``normandie fields``, the command reference in
docs/commands.md and the tests' parameter lists are all derived from these tables: adding a
listing or a format is one entry here (plus its row builder or renderer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import humanize
from .record import Record

Row = dict[str, Any]


class Field(Record):
    """One column of a listing."""

    name: str
    type: str  # id, text, number, date, bool, list
    description: str
    #: How the value reads at a terminal, from the whole row; ``None``: the value as text.
    human: Callable[[Row], str] | None = None
    #: Free text (a name, a description, a quote): at a terminal it may fold at word boundaries,
    #: and be cut with "…" when nothing else fits. Every other cell (ids, dates, numbers, enums,
    #: source ids, towns) stays whole on one line; a list wraps only between its items.
    prose: bool = False
    #: At a terminal, align to the right (``None``: numbers are, the rest is not).
    right: bool | None = None


class Filter(Record):
    """One option of a listing's own: ``--name VALUE``, passed to the row builder as ``name``."""

    name: str
    help: str
    #: What completes its value: a kind of value from the fact file (see cli/_complete.py).
    complete: str | None = None


class Listing(Record):
    name: str
    summary: str
    fields: tuple[Field, ...]
    #: Columns a terminal table shows when ``--fields`` is not given (machine formats: all).
    table_fields: tuple[str, ...] = ()
    #: For a plain listing, its row builder in ``query/rows.py``, called ``builder(book, **filters)``;
    #: the command is then made from this declaration alone. ``None``: a command of its own in cli/.
    builder: str | None = None
    filters: tuple[Filter, ...] = ()
    #: More help than the summary, and an example command line (the command's --help).
    help: str = ""
    example: str = ""
    #: A terminal table's columns, most important first: of ``table_fields``, those that fit the
    #: width are shown, in this order of priority; the others here appear with ``--wide``.
    #: Empty: ``table_fields`` (or every field) in order.
    priority: tuple[str, ...] = ()
    #: The rows' order when ``--sort`` is not given, in every format, as ``--sort`` keys (the
    #: claims: by the date they were made, undated last). Empty: the row builder's order.
    order: tuple[str, ...] = ()
    #: A terminal table writes this column as a heading line above each run of rows that share
    #: its value, instead of as a column (unless ``--fields`` asks for it).
    group: str | None = None
    #: A field holding a list of objects (a conflict's sides) that a terminal table draws one
    #: per line under its row, laid out by the listing :data:`SIDES`, instead of as a column.
    subrows: str | None = None
    #: Free text folds at spaces at a terminal (``show``), instead of being cut with "…" to
    #: keep one line per row.
    fold: bool = False

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def quantity_of(value: str, qualifier: str, unit: str | None = None, text: str | None = None) -> Callable[[Row], str]:
    def show(row: Row) -> str:
        return humanize.quantity(
            row.get(value), row.get(qualifier), row.get(unit) if unit else None, row.get(text) if text else None
        )

    return show


def latest_claim_of(prefix: str, unit: str | None = None) -> Callable[[Row], str]:
    """``> EUR 1 bn (phase I; 17 May 2025)``: a latest claim with what it covers and its date."""

    def show(row: Row) -> str:
        if row.get(prefix) is None:
            return ""
        value = humanize.quantity(row[prefix], row.get(f"{prefix}_qualifier"), row.get(unit) if unit else None)
        extra = [x for x in (row.get(f"{prefix}_scope"), humanize.date(row.get(f"{prefix}_as_of"))) if x]
        return f"{value} ({'; '.join(extra)})" if extra else value

    return show


def date_of(name: str) -> Callable[[Row], str]:
    return lambda row: humanize.date(row.get(name))


def source_field(name: str = "source") -> Field:
    return Field(name, "id", "the source id (see `normandie sources`)")


#: What a ``source_kind`` field holds (docs/facts-format.md#sources).
KIND_HELP = ("who the source is: company, consultation, government, public-body, court, party, press, trade-press, "
             "law-firm, support-body, blog, reference; not-stated when the file does not say")


def source_kind_field(name: str = "source_kind", of: str = "the source") -> Field:
    return Field(name, "text", f"{of}'s kind, {KIND_HELP}")


def as_of_field() -> Field:
    return Field("as_of", "date", "when the claim was made (the source's date unless stated)", date_of("as_of"))


#: The name of a date field's precision companion (``as_of`` → ``as_of_precision``).
PRECISION = "_precision"


def precision_field(date: str) -> Field:
    """The companion of a date field that can be unknown: its precision, so that the date can be
    null in JSON, YAML, CSV and TSV when unknown (``query.rows.with_precisions`` fills it)."""
    return Field(f"{date}{PRECISION}", "text", f"{date}'s precision: year, month, day, range, day-no-year, or "
                 f"unknown ({date} then null in JSON, YAML, CSV, TSV); null with no {date}")


# Listings ------------------------------------------------------------------------------

COMPANIES = Listing(
    "companies",
    "Companies in the fact book, with their town and roles.",
    (
        Field("id", "id", "the organisation's id"),
        Field("name", "text", "the name as the source writes it", prose=True),
        Field("town", "text", "the town's name; null when no source states it",
              lambda r: r["town"] if r["town"] is not None else "not stated"),
        Field("town_id", "id", "the town's place id; null when not stated"),
        Field("department", "text", "the town's French département"),
        Field("country", "text", "the town's country"),
        Field("sites", "list", "places where a source says it is present (not its seat)"),
        Field("roles", "list", "roles: delegation (March 2023 trade mission), investor, ..."),
        Field("description", "text", "what a source says the company does", prose=True),
        Field("source", "list", "the ids of the sources that state it"),
    ),
    ("id", "name", "town", "department", "country", "sites", "roles", "source"),
    priority=("id", "town", "source", "department", "roles", "name", "country", "sites", "description", "town_id"),
)

JOBS = Listing(
    "jobs",
    "Job figures per project: every claim, with its qualifier, date and source.",
    (
        Field("id", "id", "the figure's id"),
        Field("project", "id", "what the figure is about (a project or organisation id)"),
        Field("kind", "text", "direct, indirect or construction; total for a computed total row (--totals)"),
        Field("value", "number", "the number of jobs as stated", quantity_of("value", "qualifier")),
        Field("qualifier", "text", "exact, about, more-than, at-least or up-to"),
        Field("planned", "bool", "true for a forecast or plan, false for jobs that exist"),
        Field("scope", "text", "what part it covers (e.g. first phase)", prose=True),
        as_of_field(),
        precision_field("as_of"),
        source_field(),
        source_kind_field(),
        Field("quote", "text", "the source's exact words, for the primary article", prose=True),
        Field("parts", "list", "for a total row (--totals): the ids of the claims it adds; null for a claim"),
        Field("computed", "text", "for a total row (--totals): how normandie computed it, which no source states "
              "('computed by normandie, not stated by any source: direct ID + indirect ID, ...'); null for a claim",
              prose=True),
    ),
    ("project", "kind", "value", "planned", "scope", "as_of", "source"),
    priority=("project", "kind", "value", "source", "as_of", "planned", "scope", "id", "quote"),
    order=("as_of",),
)

TIMELINE = Listing(
    "timeline",
    "Events and milestones in date order, planned or happened, each with its source.",
    (
        Field("date", "date", "the date at its own precision (YYYY, YYYY-MM, YYYY-MM-DD, A/B, --MM-DD)",
              lambda r: humanize.qualified_date(r["date_qualifier"], r["date"])),
        Field("date_precision", "text", "year, month, day, range, day-no-year, or unknown (date is then null in "
              "JSON, YAML, CSV and TSV)"),
        Field("date_qualifier", "text", "exact, about, by, before, early, end-of or after; during for a date "
              "derived from the event it is part of"),
        Field("status", "text", "happened or planned"),
        Field("subject", "id", "the event, project or organisation"),
        Field("what", "text", "the event's name or the milestone (commissioning, founded, ...), with its "
              "scope and outcome", lambda r: (f"{r['what']} ({r['scope']})" if r["scope"] else r["what"])
              + (f": {r['outcome']}" if r.get("outcome") else ""), prose=True),
        Field("scope", "text", "what part it covers", prose=True),
        as_of_field(),
        precision_field("as_of"),
        source_field(),
        source_kind_field(),
        Field("id", "id", "the milestone's or event's id"),
        Field("quote", "text", "the source's exact words, for the primary article", prose=True),
        Field("derived_from", "id", "for an event no source dates: the event it is part of, whose dates contain it "
              "(date_qualifier during); null otherwise"),
        Field("outcome", "text", "what a step decided or gave, as its source says (a court's ruling, a label "
              "granted); null when not stated", prose=True),
    ),
    ("date", "status", "subject", "what", "as_of", "source"),
    priority=("date", "subject", "status", "what", "source", "as_of", "id", "quote"),
)

PROJECTS = Listing(
    "projects",
    "One row per project: owner, place, status, and its latest investment and job claims.",
    (
        Field("id", "id", "the project's id"),
        Field("name", "text", "the project's name", prose=True),
        Field("owner", "id", "the organisation that carries it"),
        Field("place", "list", "where, as the sources name it"),
        Field("status", "text", "current status: prospective, planned, on-hold, under-way, done, abandoned; a "
              "later claim changes it only where the sources support a change (see `history`'s change)",
              lambda r: f"{r['status']} (since {humanize.date(r['status_since'])})" if r["status"] else ""),
        Field("status_as_of", "date", "when that status was last stated"),
        precision_field("status_as_of"),
        Field("status_since", "date", "when the sources first stated it (the claim that changed it)"),
        precision_field("status_since"),
        Field("status_source", "id", "who stated it"),
        source_kind_field("status_source_kind", "that source"),
        Field("status_sources", "list", "the sources of the claims that state the current status, from the one "
              "that began it on, oldest first"),
        Field("investment", "number", "latest investment claim (by as-of date)",
              latest_claim_of("investment", "investment_unit")),
        Field("investment_unit", "text", "its currency"),
        Field("investment_qualifier", "text", "its qualifier"),
        Field("investment_scope", "text", "what part it covers", prose=True),
        Field("investment_as_of", "date", "when it was stated"),
        precision_field("investment_as_of"),
        Field("investment_source", "id", "who stated it"),
        source_kind_field("investment_source_kind", "that source"),
        Field("jobs_direct", "number", "latest direct-jobs claim", latest_claim_of("jobs_direct")),
        Field("jobs_direct_qualifier", "text", "its qualifier"),
        Field("jobs_direct_as_of", "date", "when it was stated"),
        precision_field("jobs_direct_as_of"),
        Field("jobs_indirect", "number", "latest indirect-jobs claim", latest_claim_of("jobs_indirect")),
        Field("jobs_indirect_qualifier", "text", "its qualifier"),
        Field("jobs_indirect_as_of", "date", "when it was stated"),
        precision_field("jobs_indirect_as_of"),
        Field("opening", "date", "latest claim of when it opens (commissioning, operational, delivery, phase I); "
              "a claim with a scope only when none is about the whole",
              lambda r: humanize.qualified_date(r["opening_qualifier"], r["opening"])
              + (f" ({humanize.date(r['opening_as_of'])})" if r["opening"] else "")),
        precision_field("opening"),
        Field("opening_qualifier", "text", "exact, about, by, before, early, ..."),
        Field("opening_as_of", "date", "when it was stated"),
        precision_field("opening_as_of"),
        Field("opening_source", "id", "who stated it"),
        source_kind_field("opening_source_kind", "that source"),
        Field("claims", "number", "how many figures and milestones the book holds about it"),
    ),
    ("id", "owner", "place", "status", "investment", "jobs_direct", "jobs_indirect", "opening"),
    builder="project_rows",
    help='"Latest" is by the date the claim was made; the status changes only where the sources support a '
    'change (`normandie history ID status`); `normandie figures --subject ID` lists them all.',
    example="normandie projects --format json",
    priority=("id", "status", "opening", "investment", "jobs_direct", "jobs_indirect", "owner", "place", "name",
              "claims"),
)

SOURCES = Listing(
    "sources",
    "The sources: publisher, date (inferred dates marked), URL, and how many facts each backs.",
    (
        Field("id", "id", "the source's id"),
        Field("publisher", "text", "who published it", prose=True),
        Field("title", "text", "its own title, when known", prose=True),
        Field("description", "text", "what it is, in our words", prose=True),
        Field("published", "date", "publication date at its precision (unknown: see published_precision)",
              lambda r: humanize.date(r["published"]) + (" (inferred)" if r["published_inferred"] else "")),
        precision_field("published"),
        Field("published_inferred", "bool", "true when the date is deduced, not printed on the page"),
        Field("published_note", "text", "why, when inferred or unknown", prose=True),
        Field("language", "text", "fr, en"),
        Field("url", "text", "where it is", prose=True),
        Field("kind", "text", KIND_HELP),
        Field("outlet", "text", "whose words these are (for a relay, the original author); sources of one outlet "
              "are one voice over time; null: the source alone"),
        Field("via", "text", "for a relay of another's text: the site it was read on"),
        Field("facts", "number", "how many citations and claims name it"),
    ),
    ("id", "publisher", "published", "facts", "url"),
    builder="source_rows",
    help="--format bibtex or csl-json writes them as citations for a bibliography.",
    example="normandie sources --format bibtex",
    priority=("id", "published", "facts", "publisher", "url", "title", "language", "description", "published_note"),
)

FIGURES = Listing(
    "figures",
    "Every number in the fact book, one claim per row, with qualifier, as-of date and source.",
    (
        Field("id", "id", "the figure's id"),
        Field("subject", "id", "what it is about"),
        Field("measure", "text", "investment, jobs-direct, capacity, ..."),
        Field("value", "number", "the number as stated", quantity_of("value", "qualifier", "unit", "value_text")),
        Field("value_text", "text", "the value as written when it is a fraction (1/3)"),
        Field("unit", "text", "EUR, USD, jobs, t/year, ..."),
        Field("qualifier", "text", "exact, about, more-than, at-least or up-to"),
        Field("planned", "bool", "true for a plan, target or forecast"),
        Field("period", "date", "the time the number refers to", date_of("period")),
        precision_field("period"),
        Field("scope", "text", "what part it covers", prose=True),
        as_of_field(),
        precision_field("as_of"),
        source_field(),
        source_kind_field(),
        Field("quote", "text", "the source's exact words, for the primary article", prose=True),
        Field("note", "text", "a remark", prose=True),
    ),
    ("subject", "measure", "value", "planned", "period", "scope", "as_of", "source"),
    builder="figure_rows",
    filters=(Filter("subject", "Only figures about this id.", "subject"),
             Filter("measure", "Only this measure (investment, jobs-direct, capacity, ...).", "measure")),
    example="normandie figures --subject eastman-port-jerome --measure investment",
    priority=("subject", "measure", "value", "source", "as_of", "planned", "period", "scope", "id", "quote", "note"),
    order=("as_of",),
)

STATEMENTS = Listing(
    "statements",
    "Facts that are not numbers or dates (support offered, assets claimed, ...), in our words, with their source.",
    (
        Field("id", "id", "the statement's id"),
        Field("subject", "id", "what it is about"),
        Field("topic", "text", "support, asset, superlative, ..."),
        Field("text", "text", "the fact, in our words", prose=True),
        as_of_field(),
        precision_field("as_of"),
        source_field(),
        source_kind_field(),
        Field("quote", "text", "the source's exact words, for the primary article", prose=True),
    ),
    ("subject", "topic", "text", "as_of", "source"),
    builder="statement_rows",
    filters=(Filter("subject", "Only statements about this id.", "subject"),
             Filter("topic", "Only this topic (support, asset, ...).", "topic")),
    example="normandie statements --topic asset",
    priority=("subject", "topic", "text", "source", "as_of", "id", "quote"),
    order=("as_of",),
)

PEOPLE = Listing(
    "people",
    "The people the sources name, with their role and organisation.",
    (
        Field("id", "id", "the person's id"),
        Field("name", "text", "the name"),
        Field("role", "text", "their role, as stated", prose=True),
        Field("organisation", "id", "their organisation"),
        Field("also_known_as", "list", "other names a source uses"),
        Field("source", "list", "the sources that name them"),
    ),
    ("id", "name", "role", "organisation", "source"),
    builder="people_rows",
    example="normandie people",
    priority=("id", "name", "source", "organisation", "role", "also_known_as"),
)

PLACES = Listing(
    "places",
    "Towns and areas, with their département, region and country.",
    (
        Field("id", "id", "the place's id"),
        Field("name", "text", "the name"),
        Field("kind", "text", "town or area"),
        Field("department", "text", "French département"),
        Field("region", "text", "French région or US state"),
        Field("country", "text", "country"),
        Field("source", "list", "the sources that state it"),
    ),
    builder="place_rows",
    example="normandie places --format csv",
    priority=("id", "name", "source", "kind", "department", "region", "country"),
)

#: The keys of each side of a conflict or discrepancy, in JSON and YAML (null when not known:
#: a recorded side has a value, a source, perhaps a quote and a note).
SIDE_KEYS: tuple[str, ...] = ("value", "qualifier", "unit", "scope", "as_of", "as_of_precision", "source",
                               "source_kind", "quote",
                               "note")

SIDES_FLAT = ("in CSV and TSV, each side as 'qualifier value unit (scope) [source, as_of]', "
              "joined by '; '")
SIDES_TERMINAL = "at a terminal 'value [source · source_kind, as-of]' (the kind when the file states one)"


def side_value(side: Row) -> str:
    """``≈ EUR 850 M``, ``by 2026``: a side's value with its qualifier and unit, as a person reads it."""
    value, qualifier = side.get("value"), side.get("qualifier")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return humanize.quantity(value, qualifier, side.get("unit"))
    if isinstance(value, str) and side.get("as_of") is not None:
        # A computed side's text value is a date (a recorded side has no as_of).
        return humanize.qualified_date(qualifier, value)
    return "" if value is None else str(value)


def side_text(side: dict[str, Any]) -> str:
    """``≈ EUR 850 M [cci-normandie · press, 30 Mar 2022]``: a side as a person reads it, with its
    source's kind when the file states one."""
    shown = side_value(side)
    source, kind = side.get("source"), side.get("source_kind")
    if source and kind and kind != "not-stated":
        source = f"{source} · {kind}"
    where = [x for x in (source, humanize.date(side.get("as_of"))) if x]
    return f"{shown} [{', '.join(where)}]" if where else shown


def sides_text(row: Row) -> str:
    return "; ".join(side_text(side) for side in row.get("sides") or ())


#: One side of a disagreement, as a terminal table draws it on a line of its own under its
#: conflict or discrepancy (``Listing.subrows``): the value with its qualifier (and scope), who
#: said it, of what kind, and when.
SIDES = Listing(
    "sides",
    "Each side of a disagreement.",
    (
        Field("value", "text", "the value with its qualifier and unit (and scope)",
              lambda s: side_value(s) + (f" ({s['scope']})" if s.get("scope") else ""), prose=True),
        Field("source", "id", "who says so"),
        Field("source_kind", "text", "the kind of source (press, government, company, ...); blank when the file "
              "does not state it", lambda s: "" if s.get("source_kind") in (None, "not-stated") else s["source_kind"]),
        as_of_field(),
        Field("note", "text", "a remark", prose=True),
    ),
    ("value", "source", "source_kind", "as_of", "note"),
    priority=("value", "source", "as_of", "source_kind", "note"),
)


DISCREPANCIES = Listing(
    "discrepancies",
    "Recorded disagreements: a source with itself, sources with each other, figures revised over time.",
    (
        Field("id", "id", "the discrepancy's id"),
        Field("subject", "id", "what it is about"),
        Field("kind", "text", "internal, between-sources or revision"),
        Field("about", "text", "what is disputed", prose=True),
        Field("sides", "list", "each side as an object {" + ", ".join(SIDE_KEYS) + "}: value, source, quote "
              "and note as recorded, source_kind its source's kind, the rest null; " + SIDES_FLAT + "; "
              + SIDES_TERMINAL, sides_text),
        Field("note", "text", "a remark", prose=True),
    ),
    builder="discrepancy_rows",
    example="normandie discrepancies",
    priority=("id", "subject", "about", "kind", "sides", "note"),
    subrows="sides",
)

FIELDS = Listing(
    "fields",
    "Each listing command's fields: what --fields, --sort and --where accept.",
    (
        Field("command", "text", "the command"),
        Field("field", "text", "the field's name, as in JSON"),
        Field("type", "text", "id, text, number, date, bool or list"),
        Field("description", "text", "what it holds", prose=True),
    ),
)


SEARCH = Listing(
    "search",
    "Every fact whose text matches, grouped by kind, with the matched field and its source.",
    (
        Field("kind", "text", "source, place, organisation, person, event, project, figure, milestone, statement, "
              "discrepancy"),
        Field("id", "id", "the record's id (see `normandie show ID`)"),
        Field("field", "text", "the field that matched (name, quote, text, note, ...)"),
        Field("text", "text", "the matched field's whole text", prose=True),
        Field("source", "list", "the source(s) behind that text"),
        Field("source_kind", "list", "each of those sources' kind, in the same order (" + KIND_HELP + ")"),
    ),
    priority=("id", "text", "source", "kind", "field"),
)

#: The sections of ``show``'s rows, in the order they come, and what each holds (``show --section``).
SHOW_SECTIONS: dict[str, str] = {
    "fields": "the record's own fields (name, kind, owner, ...)",
    "dates": "an event's dates, as each source claims them",
    "status": "status claims (prospective, planned, done, ...)",
    "titles": "a person's titles, as each source gives them over time",
    "follows": "the earlier project a project takes up (a plant that moved), as each source says",
    "locations": "a project's places, as each source names them",
    "sites": "an organisation's sites, as each source names them",
    "seats": "where an organisation is based, as each source says (when sources differ)",
    "sides": "a recorded discrepancy's sides",
    "figures": "the figures about it (investment, jobs, capacity, ...)",
    "milestones": "the milestones about it (opening, permits, ...)",
    "statements": "the statements about it, in our words",
    "related": "what it points at, and what points at it",
    "discrepancies": "the recorded discrepancies about it",
    "citations": "the sources that back it, with their words",
}

SHOW = Listing(
    "show",
    "Everything known about one entity: fields, claims, related entities and quotes.",
    (
        Field("section", "text", ", ".join(SHOW_SECTIONS) + " (show --section NAME)"),
        Field("field", "text", "the field, measure, milestone or relation"),
        Field("value", "text", "the value as stated (numbers stay numbers in JSON)",
              lambda r: humanize.quantity(r["value"], r["qualifier"], r["unit"]) if isinstance(r["value"], (int, float))
              and not isinstance(r["value"], bool) else humanize_value(r), prose=True),
        Field("qualifier", "text", "exact, about, more-than, at-least, up-to; for dates: by, before, early, ..."),
        Field("unit", "text", "the unit of a figure"),
        Field("status", "text", "planned or happened/actual, for claims"),
        Field("scope", "text", "what part a claim covers", prose=True),
        as_of_field(),
        precision_field("as_of"),
        Field("source", "list", "the source(s)"),
        Field("source_kind", "list", "each of those sources' kind, in the same order (" + KIND_HELP + ")"),
        Field("quote", "text", "the source's exact words, for the primary article", prose=True),
        Field("note", "text", "a remark", prose=True),
    ),
    ("section", "field", "value", "status", "as_of", "source", "quote"),
    fold=True,
)


def humanize_value(row: Row) -> str:
    value = row.get("value")
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if row.get("field") in ("date", "published") or row.get("section") in ("dates", "milestones"):
        return humanize.qualified_date(row.get("qualifier"), str(value))
    return str(value)


HISTORY = Listing(
    "history",
    "How each figure and date of an entity changed across sources and time.",
    (
        Field("field", "text", "investment, jobs-direct, opening, status, dates, ..."),
        Field("value", "text", "the claim as stated (numbers stay numbers; dates are ISO text)",
              lambda r: r["shown"]),
        Field("qualifier", "text", "exact, about, more-than, at-least, up-to; for dates: by, before, early, ..."),
        Field("unit", "text", "the unit of a figure"),
        Field("scope", "text", "what part it covers", prose=True),
        Field("what", "text", "the milestone or measure as the source names it", prose=True),
        Field("planned", "bool", "true for a plan, target or forecast; false for what is or was"),
        Field("period", "date", "the time a figure refers to (capacity by 2028), when stated", date_of("period")),
        precision_field("period"),
        as_of_field(),
        precision_field("as_of"),
        Field("dated", "bool", "false when the claim's date is not known (listed last)"),
        Field("change", "text", "a change only where the sources support one: from the latest earlier claim of "
              "the same voice (the same source, or the same outlet) about the same measure, unit, scope, "
              "planned-ness and period ('slipped 5 years', '+7 jobs', '+10 points'); from the claim a claim says "
              "it revises ('+27 jobs (revises ID, as the source states)'). Otherwise against the latest earlier "
              "claim about the same thing: 'agrees with SOURCE' when it reads the same; 'same value as' or 'same "
              "year as VALUE [source, as-of]' when only a qualifier or the precision differs; 'differs from VALUE "
              "[source, as-of]' (a disagreement between sources, each shown as conflicts shows a side). A "
              "status moves ('planned → on-hold') when the claim is further along, or from the voice that "
              "stated the status it leaves; else it differs. 'not compared: ' and how it differs from "
              "the latest earlier claim of the field when none is about the same thing (phase I vs whole project "
              "(scope); a plan or target, not a fact; ...); 'not compared: undated' for an undated claim; none for "
              "the first claim of a field", prose=True),
        Field("compared_with", "text", "the claim it is read against: its id, or 'source as_of' for a "
              "status or dates claim; null when not compared"),
        Field("source", "id", "the source"),
        source_kind_field(),
        Field("id", "id", "the figure's or milestone's id"),
        Field("quote", "text", "the source's exact words, for the primary article", prose=True),
        Field("shown", "text", "the value as a person reads it"),
    ),
    ("field", "value", "scope", "as_of", "change", "source"),
    # Each field's claims under its name; who said it before what changed.
    priority=("field", "value", "source", "as_of", "change", "scope", "what", "id", "quote"),
    group="field",
)


CONFLICTS = Listing(
    "conflicts",
    "Every place where sources disagree about the same thing, each once.",
    (
        Field("subject", "id", "what it is about"),
        Field("field", "text", "the figure (measure, unit, scope), milestone, or dates in dispute; for a "
              "recorded-only row, what the fact file says is disputed", prose=True),
        Field("kind", "text", "disagreement (two voices differ, at the same date or not), revision (a voice "
              "changed its claim over time, or a claim says what it revises: as history reads it), "
              "disagreement+revision, or a recorded kind: internal, between-sources; a merged row "
              "joins both with + (disagreement+between-sources)"),
        Field("sides", "list", "each claim as an object {" + ", ".join(SIDE_KEYS) + "} (null when not known); "
              + SIDES_FLAT + "; " + SIDES_TERMINAL, sides_text),
        Field("undated", "list", "sources whose claim has no known date (so neither kind can be told)"),
        Field("origin", "text", "computed from the claims, recorded in the fact file, or computed+recorded: a "
              "recorded discrepancy about what a computed one shows (same subject; the same sources, or one's "
              "sources include the other's and its 'about' names the field) is merged into it, never listed twice"),
        Field("note", "text", "a remark (the recorded discrepancy's)", prose=True),
        Field("about", "text", "the recorded discrepancy's words for what is disputed; null when computed only",
              prose=True),
        Field("recorded", "id", "the recorded discrepancy's id (see `normandie discrepancies`); "
              "null when computed only"),
    ),
    ("subject", "field", "kind", "origin", "sides"),
    priority=("subject", "field", "kind", "sides", "origin", "undated", "note"),
    subrows="sides",
)


CACHE = Listing(
    "cache",
    "The parse cache's entries (normandie cache info).",
    (
        Field("entry", "text", "the cache file", prose=True),
        Field("fact_file", "text", "the fact file it is for", prose=True),
        Field("status", "text", "fresh (used), stale (the file changed: rebuilt on next use), file gone, "
              "other version (written by another normandie: never read), damaged (truncated, or SQLite "
              "cannot read it: rebuilt on next use), unreadable"),
        Field("size", "number", "bytes"),
        Field("directory", "text", "the cache directory", prose=True),
    ),
    ("fact_file", "status", "size", "entry"),
    priority=("fact_file", "status", "size", "entry", "directory"),
)


#: Every command that prints rows, by name: what ``--fields``, ``--sort``, ``--where``,
#: ``fields`` and completion know.
LISTINGS: dict[str, Listing] = {
    listing.name: listing
    for listing in (COMPANIES, JOBS, TIMELINE, PROJECTS, SOURCES, FIGURES, STATEMENTS, PEOPLE, PLACES, DISCREPANCIES,
                    HISTORY, CONFLICTS, SEARCH, SHOW, FIELDS, CACHE)
}


#: The listings of the fact book that take no argument (``normandie NAME`` lists every row).
FACT_LISTINGS: tuple[str, ...] = (
    "companies", "jobs", "timeline", "projects", "sources", "figures", "statements", "people", "places",
    "discrepancies",
)


class Format(Record):
    """One output format: its name (``--format NAME``), what it is, and the listings that offer
    it only (empty: every listing)."""

    name: str
    help: str
    only_for: tuple[str, ...] = ()


FORMATS: tuple[Format, ...] = (
    Format("table", "a table, for a person (the default at a terminal)"),
    Format("json", "a JSON list of objects"),
    Format("jsonl", "one JSON object per line"),
    Format("csv", "comma-separated values (RFC 4180)"),
    Format("csv-excel", "csv that Excel opens with accents intact: UTF-8 with a byte-order mark"),
    Format("tsv", "tab-separated values (the default when piped)"),
    Format("yaml", "YAML"),
    Format("markdown", "a Markdown table"),
    Format("bibtex", "biblatex @online entries, for a bibliography", only_for=("sources",)),
    Format("csl-json", "CSL-JSON, for a reference manager", only_for=("sources",)),
)


def formats_for(listing: str) -> tuple[Format, ...]:
    """The formats a listing offers."""
    return tuple(f for f in FORMATS if not f.only_for or listing in f.only_for)


# Publishing ---------------------------------------------------------------------------------

class Publishing(Record):
    """The words of the published database (``normandie export sqlite``) for its readers, in
    Datasette's metadata: the schema itself is derived from the model (``publish.py``)."""

    title: str
    description: str
    licence: str
    licence_url: str
    #: (title, description) of each table, by name; a table of a list by ``*_`` and its field's
    #: name (``*_cite``, ``*_status``), where ``{kind}`` is the kind of record it belongs to and
    #: ``{section}`` that kind's table.
    tables: dict[str, tuple[str, str]]
    #: Each column's description by its name (every table), or by ``table.column`` (a list's
    #: table by ``*_field.column``) where it differs; ``(parent)``, ``(position)`` and
    #: ``(precision)`` describe the columns every list or date has (``{date}``: the date's column).
    columns: dict[str, str]
    #: The columns Datasette shows facets of: by name, or ``table.column`` / ``*_field.column``.
    facets: tuple[str, ...]
    #: Free text no one sorts by (every other column is in ``sortable_columns``).
    unsorted: tuple[str, ...]
    #: Canned queries: name -> (title, description, SQL with ``:named`` parameters).
    queries: dict[str, tuple[str, str, str]]


def publishing() -> Publishing:
    """The published database's words (built when asked: nothing of it is on the start-up path).
    Field descriptions are the listings' where they say the same thing."""
    from . import model as m

    def one_of(values: tuple[str, ...]) -> str:
        return ", ".join(values[:-1]) + " or " + values[-1]

    source = "the source that states it (links to its row in sources)"
    date = TIMELINE.field("date").description + "; unknown when the source does not say"
    claim_order = ("ORDER BY c.as_of_precision IN ('unknown', 'day-no-year'), c.as_of, c.rowid")
    return Publishing(
        title="Normandy's economy: the normandie fact book",
        description="Every fact with its source: companies, projects, figures, milestones and statements about "
                    "Normandy's economy, as published by the sources listed below. Every reference is a link; "
                    "claims lists every figure, milestone, statement, status claim and date claim in one table.",
        licence="MIT",
        licence_url="https://opensource.org/licenses/MIT",
        tables={
            "entities": ("Everything with an id", "Every record of the fact book (source, place, organisation, "
                         "person, event, project, figure, milestone, statement, discrepancy) with its kind and "
                         "name: a row lists every claim, citation and link about that record."),
            "sources": ("Sources", "The sources every fact cites: who published them, when, where, in which "
                        "language, and who they are (kind)."),
            "places": ("Places", "Towns and areas, with their département, région and country."),
            "organisations": ("Organisations", "Companies, public bodies, associations and missions, each with "
                              "its seat (town) and parent."),
            "people": ("People", "People named by the sources, with their role and organisation."),
            "events": ("Events", "Trade missions, receptions, visits, consultations, announcements; their "
                       "dates, status, places and participants are tables of their own."),
            "projects": ("Projects", "Plants and other projects; their locations and status claims are tables "
                         "of their own."),
            "figures": ("Figures", "One number as one source states it, with its qualifier, unit, as-of date "
                        "and source."),
            "milestones": ("Milestones", "Dated steps of projects, events and organisations, planned or done, "
                           "as one source states them."),
            "statements": ("Statements", "Facts that are not a number or a date, in our words, with their "
                           "source."),
            "discrepancies": ("Recorded discrepancies", "Where sources (or one source) disagree, recorded by "
                              "hand; each side is a row of discrepancies_sides."),
            "claims": ("Claims", "Every claim in one table: figures, milestones, statements, status claims and "
                       "date claims, each with its subject, field, value, dates, source and the source's kind. "
                       "The table to facet."),
            "*_cite": ("Citations of {section}", "The sources that back each {kind}, one row per citation, with "
                     "the source's exact words where it is quotable."),
            "*_sites": ("Sites of {section}", "Places where a source says each {kind} is present (a site is not its "
                      "seat)."),
            "*_roles": ("Roles of {section}", "The roles of each {kind}, one row each."),
            "*_also_known_as": ("Other names of {section}", "Other names a source uses for the {kind}."),
            "*_dates": ("Date claims of {section}", "One source's date for the {kind}, one row per claim."),
            "*_status": ("Status claims of {section}", "One source's status for the {kind} at a date, one row per "
                       "claim: the latest is the current status."),
            "*_places": ("Places of {section}", "The places of each {kind}, one row each."),
            "*_participants": ("Participants of {section}", "The organisations and people taking part in each "
                             "{kind}, one row each."),
            "*_locations": ("Locations of {section}", "Where a source says the {kind} is, one row per claim."),
            "*_seats": ("Seats of {section}", "Where a source says each {kind} has its seat, one row per claim "
                      "(a seat that moved is several)."),
            "*_titles": ("Titles of {section}", "One source's title for the {kind} at a date, one row per claim "
                       "(a title that changes is several)."),
            "*_follows": ("Projects {section} take up", "An earlier project that a source says the {kind} takes "
                        "up: the plant moved, or was abandoned and planned again elsewhere."),
            "*_sides": ("Sides of {section}", "Each side of a recorded discrepancy: its value as recorded and its "
                      "source."),
        },
        columns={
            "id": "the record's id, unique across the whole fact book (links to entities: everything about it)",
            "name": "the name as the sources write it",
            "source": source,
            "quote": FIGURES.field("quote").description,
            "note": FIGURES.field("note").description,
            "as_of": as_of_field().description,
            "planned": "1 for a plan, target or forecast; 0 for what is or was",
            "scope": FIGURES.field("scope").description,
            "date_qualifier": "qualifies the date: " + one_of(m.DATE_QUALIFIERS),
            "qualifier": FIGURES.field("qualifier").description,
            "subject": "what it is about (links to entities)",
            "revises": "an earlier claim that this claim itself says it replaces (the source states a change)",
            "(parent)": "the {kind} whose list this row is in (links to {section})",
            "(position)": "its place in the {kind}'s list, from 0 (the fact file's order)",
            "(precision)": "the precision of {date}: " + TIMELINE.field("date_precision").description,
            "entities.kind": "the kind of record: " + one_of(m.KINDS) + " (the table it is in)",
            "entities.name": "its name (a source: its publisher); null for a claim",
            "sources.id": SOURCES.field("id").description + ", unique across the whole fact book",
            "sources.publisher": SOURCES.field("publisher").description,
            "sources.published": SOURCES.field("published").description,
            "sources.language": "BCP 47 code: fr, en",
            "sources.title": SOURCES.field("title").description,
            "sources.description": SOURCES.field("description").description,
            "sources.url": SOURCES.field("url").description,
            "sources.published_inferred": SOURCES.field("published_inferred").description + " (0 or 1)",
            "sources.published_note": SOURCES.field("published_note").description,
            "sources.primary": "1 for the primary source (its claims quote it), else 0",
            "sources.reference": "1 for general reference data (a gazetteer), not dated claims, else 0",
            "sources.text": "the file of the source's full text, relative to the fact file, when there is one",
            "sources.kind": "who the source is: " + one_of(m.SOURCE_KINDS),
            "sources.outlet": "whose words these are (for a relay, the original author); sources of one outlet "
                              "are one voice over time",
            "sources.via": "for a relay, the site it was read on",
            "places.kind": PLACES.field("kind").description,
            "places.country": PLACES.field("country").description,
            "places.department": PLACES.field("department").description,
            "places.region": PLACES.field("region").description,
            "organisations.kind": one_of(m.ORGANISATION_KINDS),
            "organisations.town": "its seat (links to places); null when no source states it",
            "organisations.parent": "its parent organisation (links to organisations)",
            "organisations.description": COMPANIES.field("description").description,
            "*_roles.value": COMPANIES.field("roles").description,
            "*_sites.place": "a place where a source says it is present (links to places)",
            "people.role": PEOPLE.field("role").description,
            "people.organisation": "their organisation (links to organisations)",
            "*_also_known_as.name": "another name a source uses",
            "events.kind": "trade-mission, reception, visit, consultation, announcement, public-meeting or "
                           "public-inquiry",
            "events.part_of": "the event it is part of (links to events)",
            "*_dates.date": date,
            "*_status.value": "the status: " + one_of(m.STATUSES),
            "*_places.value": "a place of the event (links to places)",
            "*_participants.value": "an organisation or person taking part (links to entities)",
            "projects.owner": PROJECTS.field("owner").description + " (links to organisations)",
            "projects.kind": "what kind of project, as a source says",
            "*_locations.place": "where a source says it is (links to places)",
            "*_seats.place": "where a source says its seat is (links to places)",
            "*_titles.value": "the title as the source gives it",
            "*_titles.organisation": "the organisation the title is held at, when the source says (links to "
                                     "organisations)",
            "*_follows.follows_project": "the earlier project it takes up (links to projects)",
            "milestones.outcome": "what a step ended in (a court's decision), in our words; null when the "
                                  "source does not say",
            "figures.measure": FIGURES.field("measure").description,
            "figures.value": "the number as stated, in the row's unit (a fraction's value, with value_text)",
            "figures.unit": FIGURES.field("unit").description,
            "figures.value_text": FIGURES.field("value_text").description,
            "figures.period": FIGURES.field("period").description + ", at its own precision",
            "figures.date_qualifier": "qualifies the period: " + one_of(m.DATE_QUALIFIERS),
            "milestones.what": "the step: commissioning, operational, founded, announcement, permits, works, ...",
            "milestones.date": date,
            "statements.topic": STATEMENTS.field("topic").description,
            "statements.text": STATEMENTS.field("text").description,
            "discrepancies.about": DISCREPANCIES.field("about").description,
            "discrepancies.kind": DISCREPANCIES.field("kind").description,
            "*_sides.value": "this side's value, as recorded",
            "claims.kind": "figure, milestone, statement, status claim, date claim or title claim",
            "claims.id": "the figure's, milestone's or statement's id (links to entities); null for a status or "
                         "date claim, which is part of its subject's record",
            "claims.subject_kind": "the subject's kind: " + one_of(m.SUBJECT_KINDS),
            "claims.field": "what it says something about: a figure's measure, a milestone's step, a statement's "
                            "topic; status or dates",
            "claims.value": "a figure's number (in unit), a status, or a statement's text in our words; null for "
                            "a dated claim (see date)",
            "claims.value_text": FIGURES.field("value_text").description,
            "claims.unit": FIGURES.field("unit").description,
            "claims.date": "a milestone's or date claim's date, at its own precision",
            "claims.period": FIGURES.field("period").description + ", at its own precision",
            "claims.planned": "1 for a plan, target or forecast; 0 for what is or was; null for a status claim, "
                              "a date claim or a statement",
            "claims.source_kind": "who the source is: " + one_of(m.SOURCE_KINDS),
        },
        facets=("kind", "source_kind", "subject_kind", "field", "measure", "what", "topic", "qualifier", "planned",
                "department", "language", "*_roles.value", "*_status.value"),
        unsorted=("quote", "note", "description", "text", "url", "published_note", "about"),
        queries={
            "claims_about": (
                "Every claim about one subject, in the order they were made",
                "Figures, milestones, statements, status and date claims about one id (eastman-port-jerome, "
                "eldim, ...), by the date each was made (unknown dates last), each with its source.",
                "SELECT c.as_of, c.kind, c.field, c.value, c.value_text, c.unit, c.qualifier, c.date,"
                " c.date_qualifier, c.period, c.planned, c.scope, c.source, c.source_kind, c.quote"
                f" FROM claims c WHERE c.subject = :subject {claim_order}",
            ),
            "sources_disagree": (
                "Where sources disagree",
                "Pairs of claims by two different sources about the same subject and field, with the same unit, "
                "scope, period and plan-or-fact, whose values or dates differ (a date and a finer one inside it, "
                "2023 and 2023-03, do not; an unknown date is not compared; statements are not compared): "
                "computed here by that rule alone. same_as_of is 1 when both were stated at the same date; "
                "otherwise the later may revise the earlier (normandie conflicts tells revisions from "
                "disagreements). Disagreements recorded by hand are in discrepancies.",
                "SELECT a.subject, a.kind, a.field, a.unit, a.scope, a.period, a.planned,"
                " coalesce(a.value, a.date) AS value, a.qualifier, a.source, a.as_of,"
                " coalesce(b.value, b.date) AS other_value, b.qualifier AS other_qualifier,"
                " b.source AS other_source, b.as_of AS other_as_of, a.as_of = b.as_of AS same_as_of"
                " FROM claims a JOIN claims b ON a.subject = b.subject AND a.kind = b.kind AND a.field = b.field"
                " AND a.unit IS b.unit AND a.scope IS b.scope AND a.period IS b.period AND a.planned IS b.planned"
                " AND a.source < b.source"
                " WHERE a.kind != 'statement' AND coalesce(a.value, a.date) IS NOT coalesce(b.value, b.date)"
                " AND 'unknown' NOT IN (coalesce(a.date_precision, ''), coalesce(b.date_precision, ''))"
                " AND NOT (a.value IS NULL AND (b.date LIKE a.date || '%' OR a.date LIKE b.date || '%'))"
                " ORDER BY a.subject, a.field, a.as_of, b.as_of, a.rowid, b.rowid",
            ),
            "source_states": (
                "What one source states",
                "Every claim one source makes (its id: gazette, ...), in the fact file's order, with its words "
                "where it is quotable. The entities it backs are in the citation tables (cite).",
                "SELECT c.kind, c.subject, c.field, c.value, c.value_text, c.unit, c.qualifier, c.date, c.period,"
                " c.planned, c.scope, c.as_of, c.quote FROM claims c WHERE c.source = :source ORDER BY c.rowid",
            ),
        },
    )


# Diff ---------------------------------------------------------------------------------------

DIFF = Listing(
    "diff",
    "What changed between two fact books, record by record: added, removed, changed field by field.",
    (
        Field("change", "text", "added, removed or changed"),
        Field("kind", "text", "the kind of record: source, place, organisation, person, event, project, figure, "
              "milestone, statement or discrepancy"),
        Field("id", "id", "the record's id"),
        Field("subject", "id", "what it is about: a claim's subject, else the record's id"),
        Field("field", "text", "the field that changed (value, qualifier, as_of, source, ...); a claim in a list "
              "as the list's name (status, dates, seats, cite, ...), one of its fields as status.value; null "
              "for a whole record added or removed (a table shows its kind)", lambda r: r["field"] or r["kind"]),
        Field("old", "text", "the value in OLD (numbers stay numbers, dates are their text at their own "
              "precision); for a whole record or claim removed, what names it; null when added", prose=True),
        Field("new", "text", "the value in NEW, as old; null when removed", prose=True),
        Field("source", "id", "the source of the claim (a record's source as NEW states it); null for a record "
              "without one"),
        Field("as_of", "date", "when the claim was made, as NEW states it (OLD for a removed one)"),
    ),
    ("subject", "field", "old", "new", "source", "change"),
    # At 80 columns: the subject as a heading over its rows, then what changed, from what to what,
    # and who said it; whether it was added or removed reads from an empty old or new.
    priority=("subject", "field", "old", "new", "source", "change", "id", "kind", "as_of"),
    group="subject",
)
LISTINGS[DIFF.name] = DIFF

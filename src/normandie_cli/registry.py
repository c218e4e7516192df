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


def as_of_field() -> Field:
    return Field("as_of", "date", "when the claim was made (the source's date unless stated)", date_of("as_of"))


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
    priority=("id", "town", "department", "name", "roles", "source", "country", "description", "town_id"),
)

JOBS = Listing(
    "jobs",
    "Job figures per project: every claim, with its qualifier, date and source.",
    (
        Field("id", "id", "the figure's id"),
        Field("project", "id", "what the figure is about (a project or organisation id)"),
        Field("kind", "text", "direct, indirect or construction; total for a total row (--totals)"),
        Field("value", "number", "the number of jobs as stated", quantity_of("value", "qualifier")),
        Field("qualifier", "text", "exact, about, more-than, at-least or up-to"),
        Field("planned", "bool", "true for a forecast or plan, false for jobs that exist"),
        Field("scope", "text", "what part it covers (e.g. first phase)", prose=True),
        as_of_field(),
        source_field(),
        Field("quote", "text", "the source's exact words, for the primary article", prose=True),
        Field("parts", "list", "for a total row (--totals): the ids of the claims it adds; null for a claim"),
    ),
    ("project", "kind", "value", "planned", "scope", "as_of", "source"),
    priority=("project", "kind", "value", "as_of", "source", "planned", "scope", "id", "quote"),
)

TIMELINE = Listing(
    "timeline",
    "Events and milestones in date order, planned or happened, each with its source.",
    (
        Field("date", "date", "the date at its own precision (YYYY, YYYY-MM, YYYY-MM-DD, A/B, --MM-DD)",
              lambda r: humanize.qualified_date(r["date_qualifier"], r["date"])),
        Field("date_precision", "text", "year, month, day, range, day-no-year or unknown"),
        Field("date_qualifier", "text", "exact, about, by, before, early, end-of or after; during for a date "
              "derived from the event it is part of"),
        Field("status", "text", "happened or planned"),
        Field("subject", "id", "the event, project or organisation"),
        Field("what", "text", "the event's name or the milestone (commissioning, founded, ...)",
              lambda r: f"{r['what']} ({r['scope']})" if r["scope"] else r["what"], prose=True),
        Field("scope", "text", "what part it covers", prose=True),
        as_of_field(),
        source_field(),
        Field("id", "id", "the milestone's or event's id"),
        Field("quote", "text", "the source's exact words, for the primary article", prose=True),
        Field("derived_from", "id", "for an event no source dates: the event it is part of, whose dates contain it "
              "(date_qualifier during); null otherwise"),
    ),
    ("date", "status", "subject", "what", "as_of", "source"),
    priority=("date", "subject", "status", "what", "as_of", "source", "id", "quote"),
)

PROJECTS = Listing(
    "projects",
    "One row per project: owner, place, status, and its latest investment and job claims.",
    (
        Field("id", "id", "the project's id"),
        Field("name", "text", "the project's name", prose=True),
        Field("owner", "id", "the organisation that carries it"),
        Field("place", "list", "where, as the sources name it"),
        Field("status", "text", "latest status claim: prospective, planned, under-way, done, abandoned",
              lambda r: f"{r['status']} ({humanize.date(r['status_as_of'])})" if r["status"] else ""),
        Field("status_as_of", "date", "when that status was stated"),
        Field("investment", "number", "latest investment claim (by as-of date)",
              latest_claim_of("investment", "investment_unit")),
        Field("investment_unit", "text", "its currency"),
        Field("investment_qualifier", "text", "its qualifier"),
        Field("investment_scope", "text", "what part it covers", prose=True),
        Field("investment_as_of", "date", "when it was stated"),
        Field("investment_source", "id", "who stated it"),
        Field("jobs_direct", "number", "latest direct-jobs claim", latest_claim_of("jobs_direct")),
        Field("jobs_direct_qualifier", "text", "its qualifier"),
        Field("jobs_direct_as_of", "date", "when it was stated"),
        Field("jobs_indirect", "number", "latest indirect-jobs claim", latest_claim_of("jobs_indirect")),
        Field("jobs_indirect_qualifier", "text", "its qualifier"),
        Field("jobs_indirect_as_of", "date", "when it was stated"),
        Field("opening", "date", "latest claim of when it opens (commissioning, operational, delivery, phase I)",
              lambda r: humanize.qualified_date(r["opening_qualifier"], r["opening"])
              + (f" ({humanize.date(r['opening_as_of'])})" if r["opening"] else "")),
        Field("opening_qualifier", "text", "exact, about, by, before, early, ..."),
        Field("opening_as_of", "date", "when it was stated"),
        Field("opening_source", "id", "who stated it"),
        Field("claims", "number", "how many figures and milestones the book holds about it"),
    ),
    ("id", "owner", "place", "status", "investment", "jobs_direct", "jobs_indirect", "opening"),
    builder="project_rows",
    help='"Latest" is by the date the claim was made; `normandie figures --subject ID` lists them all.',
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
        Field("published", "date", "publication date at its precision, or unknown",
              lambda r: humanize.date(r["published"]) + (" (inferred)" if r["published_inferred"] else "")),
        Field("published_inferred", "bool", "true when the date is deduced, not printed on the page"),
        Field("published_note", "text", "why, when inferred or unknown", prose=True),
        Field("language", "text", "fr, en"),
        Field("url", "text", "where it is", prose=True),
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
        Field("scope", "text", "what part it covers", prose=True),
        as_of_field(),
        source_field(),
        Field("quote", "text", "the source's exact words, for the primary article", prose=True),
        Field("note", "text", "a remark", prose=True),
    ),
    ("subject", "measure", "value", "planned", "period", "scope", "as_of", "source"),
    builder="figure_rows",
    filters=(Filter("subject", "Only figures about this id.", "subject"),
             Filter("measure", "Only this measure (investment, jobs-direct, capacity, ...).", "measure")),
    example="normandie figures --subject eastman-port-jerome --measure investment",
    priority=("subject", "measure", "value", "as_of", "source", "planned", "period", "scope", "id", "quote", "note"),
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
        source_field(),
        Field("quote", "text", "the source's exact words, for the primary article", prose=True),
    ),
    ("subject", "topic", "text", "as_of", "source"),
    builder="statement_rows",
    filters=(Filter("subject", "Only statements about this id.", "subject"),
             Filter("topic", "Only this topic (support, asset, ...).", "topic")),
    example="normandie statements --topic asset",
    priority=("subject", "topic", "text", "source", "as_of", "id", "quote"),
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
    priority=("id", "name", "organisation", "role", "source", "also_known_as"),
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
    priority=("id", "name", "kind", "department", "region", "country", "source"),
)

#: The keys of each side of a conflict or discrepancy, in JSON and YAML (null when not known:
#: a recorded side has a value, a source, perhaps a quote and a note).
SIDE_KEYS: tuple[str, ...] = ("value", "qualifier", "unit", "scope", "as_of", "source", "quote", "note")

SIDES_FLAT = ("in CSV and TSV, each side as 'qualifier value unit (scope) [source, as_of]', "
              "joined by '; '")


def side_text(side: dict[str, Any]) -> str:
    """``≈ EUR 850 M [cci-normandie, 30 Mar 2022]``: a side as a person reads it."""
    value, qualifier = side.get("value"), side.get("qualifier")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = humanize.quantity(value, qualifier, side.get("unit"))
    elif isinstance(value, str) and side.get("as_of") is not None:
        # A computed side's text value is a date (a recorded side has no as_of).
        shown = humanize.qualified_date(qualifier, value)
    else:
        shown = "" if value is None else str(value)
    where = [x for x in (side.get("source"), humanize.date(side.get("as_of"))) if x]
    return f"{shown} [{', '.join(where)}]" if where else shown


def sides_text(row: Row) -> str:
    return "; ".join(side_text(side) for side in row.get("sides") or ())


DISCREPANCIES = Listing(
    "discrepancies",
    "Recorded disagreements: a source with itself, sources with each other, figures revised over time.",
    (
        Field("id", "id", "the discrepancy's id"),
        Field("subject", "id", "what it is about"),
        Field("kind", "text", "internal, between-sources or revision"),
        Field("about", "text", "what is disputed", prose=True),
        Field("sides", "list", "each side as an object {" + ", ".join(SIDE_KEYS) + "}: value, source, quote "
              "and note as recorded, the rest null; " + SIDES_FLAT, sides_text),
        Field("note", "text", "a remark", prose=True),
    ),
    builder="discrepancy_rows",
    example="normandie discrepancies",
    priority=("id", "subject", "about", "kind", "sides", "note"),
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
    ),
    priority=("id", "text", "kind", "field", "source"),
)

SHOW = Listing(
    "show",
    "Everything known about one entity: fields, claims, related entities and quotes.",
    (
        Field("section", "text", "fields, claims (figures, dates, status, statements), related, citations, "
              "discrepancies"),
        Field("field", "text", "the field, measure, milestone or relation"),
        Field("value", "text", "the value as stated (numbers stay numbers in JSON)",
              lambda r: humanize.quantity(r["value"], r["qualifier"], r["unit"]) if isinstance(r["value"], (int, float))
              and not isinstance(r["value"], bool) else humanize_value(r), prose=True),
        Field("qualifier", "text", "exact, about, more-than, at-least, up-to; for dates: by, before, early, ..."),
        Field("unit", "text", "the unit of a figure"),
        Field("status", "text", "planned or happened/actual, for claims"),
        Field("scope", "text", "what part a claim covers", prose=True),
        as_of_field(),
        Field("source", "list", "the source(s)"),
        Field("quote", "text", "the source's exact words, for the primary article", prose=True),
        Field("note", "text", "a remark", prose=True),
    ),
    ("section", "field", "value", "status", "as_of", "source", "quote"),
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
        as_of_field(),
        Field("dated", "bool", "false when the claim's date is not known (listed last)"),
        Field("change", "text", "the change from the latest earlier claim of the same measure, unit, scope, "
              "planned-ness and period (shares in points: +10 points); a claim with none reads "
              "'not compared: ' and how it differs from the latest earlier claim of the field, of its unit if "
              "any (phase I vs whole project (scope); a plan or target, not a fact; ...); an undated claim "
              "reads 'not compared: undated'; the first claim of a field has none", prose=True),
        Field("compared_with", "text", "the claim the change is measured from: its id, or 'source as_of' for a "
              "status or dates claim; null when not compared"),
        Field("source", "id", "the source"),
        Field("id", "id", "the figure's or milestone's id"),
        Field("quote", "text", "the source's exact words, for the primary article", prose=True),
        Field("shown", "text", "the value as a person reads it"),
    ),
    ("field", "value", "scope", "as_of", "change", "source"),
    # The change is what a history is read for: before the source, and it may fold.
    priority=("field", "value", "as_of", "change", "source", "scope", "what", "id", "quote"),
)


CONFLICTS = Listing(
    "conflicts",
    "Every place where sources disagree about the same thing, each once.",
    (
        Field("subject", "id", "what it is about"),
        Field("field", "text", "the figure (measure, unit, scope), milestone, or dates in dispute; for a "
              "recorded-only row, what the fact file says is disputed", prose=True),
        Field("kind", "text", "disagreement (sources of the same date differ), revision (changed over time), "
              "disagreement+revision, or a recorded kind: internal, between-sources; a merged row "
              "joins both with + (disagreement+between-sources)"),
        Field("sides", "list", "each claim as an object {" + ", ".join(SIDE_KEYS) + "} (null when not known); "
              + SIDES_FLAT + "; at a terminal 'value [source, as-of]'", sides_text),
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
    Format("tsv", "tab-separated values (the default when piped)"),
    Format("yaml", "YAML"),
    Format("markdown", "a Markdown table"),
    Format("bibtex", "biblatex @online entries, for a bibliography", only_for=("sources",)),
    Format("csl-json", "CSL-JSON, for a reference manager", only_for=("sources",)),
)


def formats_for(listing: str) -> tuple[Format, ...]:
    """The formats a listing offers."""
    return tuple(f for f in FORMATS if not f.only_for or listing in f.only_for)

"""Every declaration the rest derives from: the listings (their fields and how each reads at a
terminal), the output formats, and what the shared options accept. Standard library only.

The command-line options, completion, ``normandie fields``, the command reference in
docs/commands.md and the tests' parameter lists are all derived from these tables: adding a
listing or a format is one entry here (plus its row builder or renderer). The parts a listing
is made of are in ``columns.py``, the formats in ``formats.py``, the listings about the program
and between two books (fields, cache info, diff) in ``tool_listings.py`` (all re-exported here),
the published database's words in ``publishing.py``.
"""

from __future__ import annotations

from . import humanize
from . import model as m
from .columns import (
    KIND_HELP,
    PRECISION,
    SIDE_KEYS,
    SIDES,
    SIDES_FLAT,
    SIDES_TERMINAL,
    Field,
    Filter,
    Listing,
    Row,
    as_of_field,
    date_of,
    humanize_value,
    latest_claim_of,
    precision_field,
    quantity_of,
    side_text,
    side_value,
    sides_text,
    source_field,
    source_kind_field,
)
from .formats import FORMATS, Format, formats_for
from .tool_listings import CACHE, DIFF, FIELDS

#: Declared in columns.py, formats.py and tool_listings.py, imported from here by the rest.
__all__ = ["CACHE", "DIFF", "FIELDS", "FORMATS", "KIND_HELP", "PRECISION", "SIDE_KEYS", "SIDES", "Field", "Filter",
           "Format", "Listing", "Row", "as_of_field", "formats_for", "side_text", "side_value"]

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

#: The sections of ``show``'s rows, in the order they come, and what each holds (``show --section``):
#: the record's own fields and claims, then the records about it (the model's table of kinds
#: declares which, and what each holds), what relates to it, and the sources that back it.
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
    **{s.name: s.about for s in m.SECTIONS if s.about and not s.after_related},
    "related": "what it points at, and what points at it",
    **{s.name: s.about for s in m.SECTIONS if s.about and s.after_related},
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


#: Every command that prints rows, by name: what ``--fields``, ``--sort``, ``--where``,
#: ``fields`` and completion know.
LISTINGS: dict[str, Listing] = {
    listing.name: listing
    for listing in (COMPANIES, JOBS, TIMELINE, PROJECTS, SOURCES, FIGURES, STATEMENTS, PEOPLE, PLACES, DISCREPANCIES,
                    HISTORY, CONFLICTS, SEARCH, SHOW, FIELDS, CACHE, DIFF)
}


#: The listings of the fact book that take no argument (``normandie NAME`` lists every row).
FACT_LISTINGS: tuple[str, ...] = (
    "companies", "jobs", "timeline", "projects", "sources", "figures", "statements", "people", "places",
    "discrepancies",
)

"""The words of the published database (``normandie export sqlite``) for its readers: titles,
descriptions, facets and canned queries (standard library only). Field descriptions are the
listings' (``registry``) where they say the same thing; nothing here is on the start-up path.
"""

from __future__ import annotations

from .columns import as_of_field
from .record import Record
from .registry import COMPANIES, DISCREPANCIES, FIGURES, PEOPLE, PLACES, PROJECTS, SOURCES, STATEMENTS, TIMELINE


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

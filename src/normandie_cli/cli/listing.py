"""The listing commands: each declares its filters and returns rows from the core."""

# No "from __future__ import annotations" here: the listing decorator reads these annotations
# as objects, without evaluating strings at every start-up.

from typing import Annotated

import typer

from .. import explore, history, humanize, registry
from .. import model as m
from ..errors import ExitCode
from ..lookup import resolve_id
from ..query import rows as query
from ..registry import Row
from . import _complete as complete
from ._app import app
from ._output import Output, listing_command


def _store_companies(conn: object, **filters: object) -> list[Row]:
    from ..store import company_rows

    return company_rows(conn, **filters)  # type: ignore[arg-type]


@listing_command(app, registry.COMPANIES, "normandie companies --town herouville-saint-clair",
                 from_store=_store_companies)
def companies(
    book: m.FactBook,
    town: Annotated[str | None, typer.Option(help="Only companies in this town (name or id).", autocompletion=complete.towns)] = None,
    department: Annotated[str | None, typer.Option(help="Only companies in this département.", autocompletion=complete.departments)] = None,
    role: Annotated[str | None, typer.Option(help="Only companies with this role (delegation, investor, ...).", autocompletion=complete.roles)] = None,
    search: Annotated[str | None, typer.Option(help="Only companies whose id, name, town or description contain TEXT.")] = None,
) -> list[Row]:
    """Companies in the fact book, with town, département, country, roles and sources.

    Matching is case- and accent-insensitive.
    """
    return query.company_rows(book, town=town, department=department, role=role, search=search)


def _total_notes(book: m.FactBook, project: str | None) -> list[str]:
    notes = []
    for total in query.job_totals(book):
        if project is not None and total.subject != project:
            continue
        shown = (
            humanize.quantity(total.value, total.qualifier)
            if total.qualifier
            else f"{humanize.number(total.value)} (bounds of the parts point both ways: no honest qualifier)"
        )
        used = ", ".join(f"{p.measure.removeprefix('jobs-')} {humanize.quantity(p.value, p.qualifier)} "
                         f"({p.source}, {p.as_of.text})" for p in total.parts)
        notes.append(f"Total for {total.subject}: {shown} jobs = latest claim of each kind: {used}. "
                     "Construction jobs are not added (the sources count them within these).")
        for tie in total.ties:
            notes.append(f"  Note: {tie.source} ({tie.as_of.text}) claims {humanize.quantity(tie.value, tie.qualifier)} "
                         f"{tie.measure} on the same date.")
    return notes


@listing_command(app, registry.JOBS, "normandie jobs --project eastman-port-jerome --format json")
def jobs(
    book: m.FactBook,
    project: Annotated[str | None, typer.Option(help="Only the figures about this project (or organisation) id.", autocompletion=complete.project_ids)] = None,
) -> Output:
    """Job figures per project: every claim, with qualifier, as-of date and source.

    Under a table, a total per project adds the latest direct and indirect claims and keeps
    their qualifiers honest (a sum with an "about" figure is "about").
    """
    if project is not None:
        project = resolve_id(book, project, (m.Project, m.Organisation))
    return Output(query.job_rows(book, project), notes=_total_notes(book, project))


@listing_command(app, registry.TIMELINE, "normandie timeline eastman-port-jerome")
def timeline(
    book: m.FactBook,
    project: Annotated[str | None, typer.Argument(help="Only this project's (or event's) dates.", show_default=False, autocompletion=complete.project_ids)] = None,
) -> list[Row]:
    """Events and milestones in date order, planned or happened, each with its source.

    A year sorts before the months and days inside it, a month before its days; a range
    after the day it starts on. Dates with no year sort with their event.
    """
    if project is not None:
        project = resolve_id(book, project, (m.Project, m.Event))
    return query.timeline_rows(book, project)


@listing_command(app, registry.PROJECTS, "normandie projects --format json")
def projects(book: m.FactBook) -> list[Row]:
    """One row per project: owner, place, status, and its latest investment and job claims.

    "Latest" is by the date the claim was made; `normandie figures --subject ID` lists them all.
    """
    return query.project_rows(book)


@listing_command(app, registry.SOURCES, "normandie sources --format bibtex")
def sources(book: m.FactBook) -> list[Row]:
    """The sources: publisher, date (inferred dates marked), URL, and how many facts each backs.

    --format bibtex or csl-json writes them as citations for a bibliography.
    """
    return query.source_rows(book)


@listing_command(app, registry.FIGURES, "normandie figures --subject eastman-port-jerome --measure investment")
def figures(
    book: m.FactBook,
    subject: Annotated[str | None, typer.Option(help="Only figures about this id.", autocompletion=complete.subjects)] = None,
    measure: Annotated[str | None, typer.Option(help="Only this measure (investment, jobs-direct, capacity, ...).", autocompletion=complete.measures)] = None,
) -> list[Row]:
    """Every number in the fact book, one claim per row, with qualifier, as-of date and source."""
    return query.figure_rows(book, subject, measure)


@listing_command(app, registry.STATEMENTS, "normandie statements --topic asset")
def statements(
    book: m.FactBook,
    subject: Annotated[str | None, typer.Option(help="Only statements about this id.", autocompletion=complete.subjects)] = None,
    topic: Annotated[str | None, typer.Option(help="Only this topic (support, asset, ...).", autocompletion=complete.topics)] = None,
) -> list[Row]:
    """Facts that are not numbers or dates (support offered, assets claimed, ...), with their source."""
    return query.statement_rows(book, subject, topic)


@listing_command(app, registry.PEOPLE, "normandie people")
def people(book: m.FactBook) -> list[Row]:
    """The people the sources name, with their role and organisation."""
    return query.people_rows(book)


@listing_command(app, registry.PLACES, "normandie places --format csv")
def places(book: m.FactBook) -> list[Row]:
    """Towns and areas, with département, region and country."""
    return query.place_rows(book)


@listing_command(app, registry.DISCREPANCIES, "normandie discrepancies")
def discrepancies(book: m.FactBook) -> list[Row]:
    """Recorded disagreements: a source with itself, sources with each other, figures revised over time."""
    return query.discrepancy_rows(book)


@listing_command(app, registry.SEARCH, 'normandie search "pres de 1500"')
def search(
    book: m.FactBook,
    text: Annotated[str, typer.Argument(help="What to look for (case-, accent- and hyphen-insensitive).")],
    kind: Annotated[str | None, typer.Option(help="Only records of this kind (organisation, figure, ...).",
                                             autocompletion=complete.kinds)] = None,
) -> Output:
    """Look for TEXT across every fact: names, places, figures, quotes, notes and sources.

    Results are grouped by kind, with the record's id, the field that matched and its
    source; on a colour terminal the match is highlighted.
    """
    return Output(explore.search_rows(book, text, kind), highlight=text)


@listing_command(app, registry.SHOW, "normandie show eastman-port-jerome")
def show(
    book: m.FactBook,
    entity: Annotated[str, typer.Argument(metavar="ID", help="An id (or an organisation's name).",
                                          autocompletion=complete.entity_ids)],
) -> list[Row]:
    """Everything known about one entity: its fields, every claim (value, qualifier, as-of,
    source), related entities, discrepancies and quotes.

    An unknown id is an error that suggests the closest ones.
    """
    return explore.show_rows(book, entity)


@listing_command(app, registry.HISTORY, "normandie history eastman-port-jerome investment")
def history_(
    book: m.FactBook,
    entity: Annotated[str, typer.Argument(metavar="ID", help="An id (or an organisation's name).",
                                          autocompletion=complete.entity_ids)],
    field: Annotated[str | None, typer.Argument(help="Only this field (investment, opening, status, ...).",
                                                show_default=False)] = None,
) -> Output:
    """How each figure and date of an entity changed across sources and time.

    One row per claim, grouped by field, in the order the claims were made, with the change
    from the previous one ("+150 M EUR", "slipped 1 year"); claims whose date is unknown come
    last. At a terminal, a strip per field places each claim on a time axis (height: the value).
    """
    rows = history.history_rows(book, entity, field)
    notes = []
    from ..render.strips import strips

    for label, first, line, last in strips(rows):
        notes.append(f"{label:<26} {first} {line} {last}")
    undated = sorted({r["source"] for r in rows if not r["dated"]})
    if undated:
        notes.append(f"Undated claims (listed last, not on the strips): {', '.join(undated)}.")
    return Output(rows, notes=notes)


@listing_command(app, registry.CONFLICTS, "normandie conflicts --strict")
def conflicts(
    book: m.FactBook,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 4 when there is any conflict (for CI).")] = False,
) -> Output:
    """Every place where sources disagree about the same thing, each side with its source and date.

    kind says which: a disagreement between sources of the same date, a figure revised over
    time, or (recorded in the fact file) a source contradicting itself. Exit 0; with --strict,
    exit 4 when any conflict exists.
    """
    rows = history.conflict_rows(book)
    if strict and rows:
        return Output(rows, notes=[f"{len(rows)} conflict(s) between sources (--strict)"], exit_code=ExitCode.CONFLICTS)
    return Output(rows)

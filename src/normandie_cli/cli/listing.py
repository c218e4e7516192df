"""The listing commands: each declares its filters and returns rows from the core."""

# No "from __future__ import annotations" here: the listing decorator reads these annotations
# as objects, without evaluating strings at every start-up.

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import model as m
from .. import registry
from ..errors import ExitCode
from ..registry import Row
from . import _complete as complete
from ._app import app
from ._output import Output, listing_command

if TYPE_CHECKING:  # the core's modules are imported by the commands that use them, not at start-up
    from ..query import rows as query


def _store_companies(conn: Any, sort: list[str] | None = None, limit: int | None = None, **filters: Any) -> Output:
    """``companies`` answered from the fact store, without building the book; sorted and cut
    there too when the store can sort by every key (else every row, for Python to sort)."""
    from ..query.companies import COMPANY_SORTS
    from ..query.companies import store_company_rows as company_rows
    from ..query.companies import store_filter_vocabularies as filter_vocabularies

    if sort and any(key.removeprefix("-") not in COMPANY_SORTS for key in sort):
        sort = limit = None
    rows = company_rows(conn, sort=sort, limit=limit, **filters)
    first = next(rows, None)
    if first is not None:  # the rows stream out to the output as SQLite gives them
        from itertools import chain

        return Output(chain((first,), rows), presorted=bool(sort))
    from ..query.rows import unknown_filter_values  # only to say why the answer is empty

    wanted = {k: filters.get(k) for k in ("town", "department", "role")}
    return Output([], messages=unknown_filter_values(filter_vocabularies(conn), **wanted), presorted=bool(sort))


@listing_command(app, registry.COMPANIES, "normandie companies --town herouville-saint-clair",
                 from_store=_store_companies)
def companies(
    book: m.FactBook,
    town: Annotated[str | None, typer.Option(
        help="Only companies in this town, seat or site (name or id).", shell_complete=complete.towns)] = None,
    department: Annotated[str | None, typer.Option(
        help="Only companies in this département (seat or site).", shell_complete=complete.departments)] = None,
    role: Annotated[str | None, typer.Option(
        help="Only companies with this role (delegation, investor, ...).", shell_complete=complete.roles)] = None,
    search: Annotated[str | None, typer.Option(
        help="Only companies whose id, name, town, sites or description contain TEXT.")] = None,
) -> Output:
    """Companies in the fact book, with town, département, country, sites, roles and sources.

    --town, --department and --role ignore case, accents and hyphens, and take a value's id or
    name whole, else the beginning of one value only (Herouville), else the beginning of a word
    of one value only (saint-clair). A value that names none, or several, is said on stderr with
    the closest known values, or those it could mean; the answer is then empty (exit 0).
    """
    from ..query import rows as query

    rows = query.company_rows(book, town=town, department=department, role=role, search=search)
    if rows:
        return Output(rows)
    return Output(rows, messages=query.unknown_filter_values(query.filter_vocabularies(book), town, department, role))


def _job_footer(book: m.FactBook) -> Callable[[list[Row]], tuple[list[Row], list[str]]]:
    """The jobs totals, from the claims the listing kept: computed, and said to be."""
    from ..query import rows as query

    figures = {f.id: f for f in book.figures}

    def footer(rows: list[Row]) -> tuple[list[Row], list[str]]:
        kept = [figures[row["id"]] for row in rows if row.get("id") in figures]
        totals = query.job_totals(kept)
        lines = []
        for total in totals:
            construction = [f for f in kept if f.subject == total.subject and f.measure == "jobs-construction"]
            lines.extend(_total_lines(total, construction))
        return query.total_rows(totals), lines

    return footer


def _total_lines(total: "query.Total", construction: "list[m.Figure]") -> list[str]:
    """What a person reads under the jobs table: the total as a computation, never as a fact."""
    from .. import humanize

    shown = (
        humanize.quantity(total.value, total.qualifier)
        if total.qualifier
        else f"{humanize.number(total.value)} (bounds of the parts point both ways: no honest qualifier)"
    )
    used = " + ".join(f"{p.measure.removeprefix('jobs-')} {humanize.quantity(p.value, p.qualifier)} "
                      f"({p.source}, {p.as_of.text})" for p in total.parts)
    lines = [f"Computed by normandie, not stated by any source: {total.subject} {shown} jobs = {used}, "
             "the latest claim of each kind among the rows shown."]
    if construction:
        claims = "; ".join(f"{humanize.quantity(f.value, f.qualifier)} [{f.source}, {f.as_of.text}]"
                           for f in construction)
        lines.append(f"  Construction jobs, {claims}, are not added: the sources do not say whether they are part "
                     "of these.")
    for tie in total.ties:
        lines.append(f"  Note: {tie.source} ({tie.as_of.text}) claims {humanize.quantity(tie.value, tie.qualifier)} "
                     f"{tie.measure} on the same date.")
    return lines


@listing_command(app, registry.JOBS, "normandie jobs --project eastman-port-jerome --totals --format json")
def jobs(
    book: m.FactBook,
    project: Annotated[str | None, typer.Option(
        help="Only the figures about this project, or about this organisation and its projects (id or name, "
        "matched as --town is).", shell_complete=complete.project_ids)] = None,
    totals: Annotated[bool, typer.Option(
        "--totals", help="Add each project's computed total as a row (kind total; parts: the claims it adds; "
        "computed: how), in every format."
    )] = False,
) -> Output:
    """Job figures per project: every claim, with qualifier, as-of date and source.

    Under a table, a total per project, computed by normandie (no source states it), adds the
    latest direct and indirect claims among the rows shown (after --where and --limit) and
    keeps their qualifiers honest (a sum with an "about" figure is "about"); construction jobs
    are not added. --totals adds the totals as rows, for scripts.
    """
    from ..query import rows as query
    from ..query.lookup import resolve_id

    if project is not None:
        project = resolve_id(book, project, ("project", "organisation"), "jobs --project", loose=True)
    return Output(query.job_rows(book, project), footer=_job_footer(book), totals=totals)


@listing_command(app, registry.TIMELINE, "normandie timeline eastman-port-jerome")
def timeline(
    book: m.FactBook,
    project: Annotated[str | None, typer.Argument(
        metavar="[ID]", help="Only the dates of this project, event or organisation.", show_default=False,
        shell_complete=complete.timeline_ids)] = None,
    chart: Annotated[bool, typer.Option("--chart", help="At a terminal: one line per subject on a time axis, "
                                        "● happened, ○ planned, today marked (NORMANDIE_TODAY=YYYY-MM-DD sets "
                                        "another day); the dates claimed for one milestone as one sliding mark, "
                                        "○──○ (other formats: the same rows).")] = False,
) -> Output:
    """Events and milestones in date order, planned or happened, each with its source.

    A year sorts before the months and days inside it, a month before its days; a range
    after the day it starts on; a qualified date where it means ("end of 2022" after September
    2022, "by 2026" after the dates inside 2026). Dates with no year sort with their event. An event no source
    dates is listed within the dates of the event it is part of ("during"), or as unknown.
    """
    from ..query import rows as query
    from ..query.lookup import resolve_id

    drawn = "timeline" if chart else None
    if project is None:
        return Output(query.timeline_rows(book), chart=drawn)
    subject = resolve_id(book, project, ("project", "event", "organisation"), "timeline")
    rows = query.timeline_rows(book, subject)
    return Output(rows, messages=[] if rows else [f"{subject} has no dated claims: no event or milestone dates it"],
                  chart=drawn)


def _plain_command(listing: registry.Listing) -> Callable[..., Output]:
    """The command of a plain listing, made from its declaration: its filters become options,
    its builder in query/rows.py makes the rows; a filter value that nothing holds is said."""
    import inspect

    def command(book: m.FactBook, **filters: Any) -> Output:
        from ..query import rows

        found: list[Row] = getattr(rows, str(listing.builder))(book, **filters)
        return Output(found, messages=[] if found else rows.unknown_ids(book, filters))

    command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("book", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=m.FactBook)]
        + [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
            str | None,
            typer.Option(help=f.help, shell_complete=complete.from_data(f.complete) if f.complete else None)])
           for f in listing.filters])
    command.__name__ = listing.name
    command.__doc__ = "\n\n".join(x for x in (listing.summary, listing.help) if x)
    return command


for _listing in registry.LISTINGS.values():
    if _listing.builder is not None:
        listing_command(app, _listing, _listing.example)(_plain_command(_listing))


@listing_command(app, registry.SEARCH, 'normandie search "pres de 1500"')
def search(
    book: m.FactBook,
    text: Annotated[str, typer.Argument(help="What to look for (case-, accent- and hyphen-insensitive).")],
    kind: Annotated[str | None, typer.Option(help="Only records of this kind (organisation, figure, ...).",
                                             shell_complete=complete.kinds)] = None,
) -> Output:
    """Look for TEXT across every fact: names, places, figures, quotes, notes and sources.

    Results are grouped by kind, with the record's id, the field that matched and its
    source; on a colour terminal the match is highlighted.
    """
    from ..query import explore

    return Output(explore.search_rows(book, text, kind), highlight=text)


@listing_command(app, registry.SHOW, "normandie show eastman-port-jerome --section figures")
def show(
    book: m.FactBook,
    entity: Annotated[str, typer.Argument(metavar="ID", help="An id (or an organisation's name).",
                                          shell_complete=complete.entity_ids)],
    full: Annotated[bool, typer.Option(
        "--full", help="At a terminal: every section after the brief, not only their index.")] = False,
    section: Annotated[list[str] | None, typer.Option(
        "--section", metavar="NAME", shell_complete=complete.show_sections,
        help="Only this section (fields, status, figures, milestones, statements, related, citations, ...; "
        "a prefix will do). Repeatable. In every format.")] = None,
) -> Output:
    """Everything known about one entity: first a brief, then every claim (value, qualifier,
    as-of, source), related entities, discrepancies and quotes.

    At a terminal the brief fits one screen: what it is; its status, who says so and since when;
    each figure's latest claim and the range of all its claims (like with like); each date as
    it was claimed over time; how many disagreements; its sources. Then an index of the
    sections: --full shows them all, --section NAME one. Machine formats (--format json, tsv,
    ...) give the rows of every section (or of --section's). An unknown id is an error that
    suggests the closest ones.
    """
    from ..query import explore
    from ..query.brief import dossier_of

    rows = explore.show_rows(book, entity)
    if not section:
        return Output(rows, dossier=dossier_of(book, entity, full=full))
    wanted = explore.pick_sections(section)
    kept = [row for row in rows if row["section"] in wanted]
    dossier = dossier_of(book, entity, brief=False)
    messages = [] if kept else [f"{dossier.id} has no {' or '.join(wanted)}; its sections: "
                                + ", ".join(dict.fromkeys(row["section"] for row in rows))]
    return Output(kept, messages=messages, dossier=dossier)


@listing_command(app, registry.HISTORY, "normandie history eastman-port-jerome investment")
def history_(
    book: m.FactBook,
    entity: Annotated[str, typer.Argument(metavar="ID", help="An id (or an organisation's name).",
                                          shell_complete=complete.history_ids)],
    field: Annotated[str | None, typer.Argument(help="Only this field (investment, opening, status, ...).",
                                                show_default=False, shell_complete=complete.history_fields)] = None,
    chart: Annotated[bool, typer.Option("--chart", help="At a terminal instead of the table: per field, a line "
                                        "per value claimed, written at its left, each claim a mark at the date it "
                                        "was made (other formats: the same rows).")] = False,
) -> Output:
    """How each figure and date of an entity changed across sources and time.

    One row per claim, grouped by field, in the order the claims were made. A claim is compared
    only with an earlier claim of the same thing (same unit, scope, plan or fact, and period),
    and a difference is a change ("+150 M EUR", "slipped 1 year", "+10 points") only from the
    same source or outlet, or from the claim it says it revises; from another source it "agrees
    with" or "differs from" it. Otherwise the row says why it is not compared.
    Claims whose date is unknown come last. At a terminal, a line per field places each claim on
    a time axis (○ planned, or still ahead when claimed; ● a fact, or come), with the lowest and
    highest value claimed; --chart writes each value claimed with its claims on its line.
    """
    from ..query import history

    where = "not drawn" if chart else "listed last, not on the strips"

    def undated(kept: list[Row]) -> tuple[list[Row], list[str]]:  # from the rows shown, after --where
        sources = sorted({r["source"] for r in kept if not r.get("dated", True)})
        return [], [f"Undated claims ({where}): {', '.join(sources)}."] if sources else []

    rows = history.history_rows(book, entity, field)
    return Output(rows, footer=undated, chart="history" if chart else None)


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
    from ..query import history

    rows = history.conflict_rows(book)
    if strict and rows:
        return Output(rows, notes=[f"{len(rows)} conflict(s) between sources (--strict)"], exit_code=ExitCode.CONFLICTS)
    return Output(rows)

"""``normandie`` with no command: counts, headline figures, and the commands to try."""

from __future__ import annotations

import typer

from .. import humanize
from ..query import rows as query
from ._state import State


def summary_lines(state: State) -> list[str]:
    book = state.book()
    delegation = query.company_rows(book, role="delegation")
    lines = [
        f"normandie: {len(book.sources)} sources, {len(book.organisations)} organisations "
        f"({len(query.company_rows(book))} companies, {len(delegation)} in the March 2023 delegation), "
        f"{len(book.people)} people, {len(book.events)} events, {len(book.projects)} projects, "
        f"{len(book.figures)} figures, {len(book.milestones)} milestones, {len(book.statements)} statements, "
        f"{len(book.discrepancies)} recorded discrepancies.",
        f"Fact file: {book.path}",
    ]
    projects = query.project_rows(book)
    if projects:
        lines.append("")
        lines.append("Projects (latest claims):")
        for row in projects:
            parts = [f"  {row['id']}: {row['status'] or 'status not stated'}"]
            if row["investment"] is not None:
                parts.append(
                    f"investment {humanize.quantity(row['investment'], row['investment_qualifier'], row['investment_unit'])}"
                    + (f" ({row['investment_scope']})" if row["investment_scope"] else "")
                    + f" as of {row['investment_as_of']}"
                )
            if row["jobs_direct"] is not None:
                parts.append(f"{humanize.quantity(row['jobs_direct'], row['jobs_direct_qualifier'])} direct jobs")
            if row["jobs_indirect"] is not None:
                parts.append(f"{humanize.quantity(row['jobs_indirect'], row['jobs_indirect_qualifier'])} indirect jobs")
            if row["opening"] is not None:
                qualifier = (row["opening_qualifier"] or "").replace("-", " ")
                parts.append(f"opening {qualifier + ' ' if qualifier else ''}{row['opening']} as of {row['opening_as_of']}")
            lines.append(", ".join(parts))
    lines += [
        "",
        "Try:",
        "  normandie companies --role delegation   the eleven companies of the March 2023 trade mission",
        "  normandie projects                       projects, their status and latest figures",
        "  normandie jobs                           every job figure, with its qualifier and source",
        "  normandie timeline eastman-port-jerome   a project's dates, planned and happened",
        "  normandie history eastman-port-jerome    how its money and dates changed, source by source",
        "  normandie conflicts                      where the sources disagree",
        '  normandie search "pres de 1500"          any fact, case- and accent-insensitive',
        "  normandie show eastman-port-jerome       everything about one entity",
        "  normandie figures / statements / people / places / discrepancies / sources",
        "  normandie COMMAND --help                 options; add --format json|csv|tsv|yaml|markdown",
    ]
    return lines


def print_summary(state: State) -> None:
    for line in summary_lines(state):
        typer.echo(line)

"""``normandie`` with no command: counts, headline figures, and the commands to try."""

from __future__ import annotations

import shutil
import textwrap

import typer

from .. import humanize
from .. import model as m
from ..query import rows as query
from ..registry import FORMATS
from ._state import State


def summary_lines(state: State, width: int = 80) -> list[str]:
    """The summary, wrapped to ``width``: ids and figures are never broken, the fact file's path
    folds only after a slash."""
    from ..render.layout import fold_path  # only when the summary is printed

    book = state.book()
    delegation = query.company_rows(book, role="delegation")
    counts = []
    for section in m.SECTIONS:
        if section.name in _NOT_COUNTED:
            continue
        count = f"{len(getattr(book, section.name))} {_COUNTED_AS.get(section.name, section.name)}"
        if section.name == "organisations":
            count += (f" ({len(query.company_rows(book))} companies, {len(delegation)} in the March 2023 "
                      "delegation)")
        counts.append(count)
    head = [f"The normandie fact book: {', '.join(counts)}."]
    lines = _wrap(head[0], width)
    lines += fold_path(f"Fact file: {book.path}", width)
    projects = query.project_rows(book)
    if projects:
        lines.append("")
        lines.append("Projects (latest claims):")
        for row in projects:
            parts = [f"  {row['id']}: {row['status'] or 'status not stated'}"]
            if row["investment"] is not None:
                amount = humanize.quantity(row["investment"], row["investment_qualifier"], row["investment_unit"])
                parts.append(
                    f"investment {amount}"
                    + (f" ({row['investment_scope']})" if row["investment_scope"] else "")
                    + f" as of {humanize.date(row['investment_as_of'])}"
                )
            if row["jobs_direct"] is not None:
                parts.append(f"{humanize.quantity(row['jobs_direct'], row['jobs_direct_qualifier'])} direct jobs")
            if row["jobs_indirect"] is not None:
                parts.append(f"{humanize.quantity(row['jobs_indirect'], row['jobs_indirect_qualifier'])} indirect jobs")
            if row["opening"] is not None:
                when = humanize.qualified_date(row["opening_qualifier"], row["opening"])
                parts.append(f"opening {when} as of {humanize.date(row['opening_as_of'])}")
            lines += _wrap(", ".join(parts), width, "      ")
    lines += ["", "Try:"]
    for command, what in _TRY:
        if not what:
            lines += _wrap(f"  {command}", width, "      ")
        elif width >= _TWO_COLUMNS:
            lines += textwrap.wrap(what, width, initial_indent=f"  {command:<40}", subsequent_indent=" " * 42,
                                   break_long_words=False, break_on_hyphens=False)
        else:
            lines.append(f"  {command}")
            lines += _wrap(what, width, "      ", "      ")
    return lines


def _wrap(text: str, width: int, indent: str = "  ", first: str = "") -> list[str]:
    return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False) or [""]


#: The commands to try, and what each shows.
_TRY = [
    ("normandie companies --role delegation", "the eleven companies of the March 2023 trade mission"),
    ("normandie projects", "projects, their status and latest figures"),
    ("normandie jobs", "every job figure, with its qualifier and source"),
    ("normandie timeline eastman-port-jerome", "a project's dates, planned and happened"),
    ("normandie timeline --chart", "every subject's dates on one time axis"),
    ("normandie history eastman-port-jerome", "how its money and dates changed, source by source"),
    ("normandie conflicts", "where the sources disagree"),
    ('normandie search "pres de 1500"', "any fact, case- and accent-insensitive"),
    ("normandie show eastman-port-jerome", "everything about one entity"),
    ("normandie figures / statements / people / places / discrepancies / sources", ""),
    ("normandie COMMAND --help", "options; --format " + ", ".join(
        f.name for f in FORMATS if f.name != "table" and not f.only_for and not f.variant_of) + "; --wide"),
]
#: The kinds of record the summary counts: every one but these (places: where the rest happens) ...
_NOT_COUNTED = ("places",)
#: ... each by its section's name or these words.
_COUNTED_AS = {"discrepancies": "recorded discrepancies"}
#: The width from which each command and what it shows share a line.
_TWO_COLUMNS = 60



def print_summary(state: State) -> None:
    width = max(shutil.get_terminal_size((80, 24)).columns, 20)
    for line in summary_lines(state, width):
        typer.echo(line)

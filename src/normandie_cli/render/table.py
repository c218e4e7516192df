"""The terminal table: Rich, imported only when a table is drawn."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from ..registry import Listing, Row
from ..text import match_spans
from . import flat, neutralise


def human_cell(row: Row, name: str, listing: Listing) -> str:
    """A cell as a person reads it: the field's own display, or the flat value."""
    try:
        field = listing.field(name)
    except KeyError:
        return flat(row.get(name))
    if field.human is not None:
        return field.human(row)
    if isinstance(row.get(name), bool):
        return "yes" if row[name] else "no"
    return flat(row.get(name))


def make_console(out: TextIO, color: bool) -> Any:
    from rich.console import Console

    return Console(
        file=out, no_color=not color, force_terminal=color or None, highlight=False, markup=False, emoji=False
    )


def print_table(
    rows: Sequence[Row],
    columns: Sequence[str],
    listing: Listing,
    out: TextIO,
    *,
    color: bool,
    notes: Sequence[str],
    highlight: str | None = None,
) -> None:
    from rich.table import Table
    from rich.text import Text

    console = make_console(out, color)
    table = Table(
        title=f"{listing.name} ({len(rows)})", title_justify="left", header_style="bold" if color else "",
        title_style="bold" if color else "",
    )
    for name in columns:
        # "fold" wraps a long value over several lines: nothing is ever cut off.
        table.add_column(name, overflow="fold")
    for row in rows:
        cells = [Text(neutralise(human_cell(row, name, listing))) for name in columns]
        if highlight and color:
            for cell in cells:
                for start, end in match_spans(cell.plain, highlight):
                    cell.stylize("bold reverse", start, end)
        table.add_row(*cells)
    console.print(table)
    for note in notes:
        console.print(Text(neutralise(note)))

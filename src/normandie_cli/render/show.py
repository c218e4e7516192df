"""``show ID`` at a terminal: one titled table per section (the entity's fields, its claims by
measure, milestones, statements, related entities, citations...), each with only the columns
that section uses. Machine formats keep the flat rows of :func:`explore.show_rows`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from ..registry import SHOW, Listing, Row
from .table import print_notes, print_table, terminal_size

#: Each section's title and what its ``field`` and ``value`` columns hold, in the order shown.
SECTIONS: dict[str, tuple[str, str, str]] = {
    "fields": ("Fields", "field", "value"),
    "dates": ("Dates claimed", "field", "date"),
    "status": ("Status claimed", "field", "status"),
    "titles": ("Titles claimed", "field", "title"),
    "follows": ("Follows (takes up an earlier project)", "field", "project"),
    "locations": ("Locations", "field", "place"),
    "seats": ("Seats claimed (where it is based)", "field", "place"),
    "sides": ("Sides", "field", "value"),
    "figures": ("Figures, by measure", "measure", "value"),
    "milestones": ("Milestones, by kind", "milestone", "date"),
    "statements": ("Statements", "topic", "text"),
    "related": ("Related", "relation", "id"),
    "discrepancies": ("Discrepancies", "kind", "about"),
    "citations": ("Citations", "field", "source"),
}
#: The columns a section may show, most important first (``section`` is its title; ``qualifier``
#: and ``unit`` are part of the value as shown).
PRIORITY = ("field", "value", "status", "scope", "as_of", "source", "note", "quote")
#: Sections whose values are ids or dates, never broken.
WHOLE_VALUES = {"dates", "status", "follows", "locations", "seats", "figures", "milestones", "related", "citations"}


def section_listing(section: str, columns: Sequence[str]) -> Listing:
    """The show listing with the section's columns as its priorities (and whole values where
    they are ids or dates)."""
    fields = tuple(f._replace(prose=False) if f.name == "value" and section in WHOLE_VALUES else f
                   for f in SHOW.fields)
    return SHOW._replace(fields=fields, priority=tuple(columns))


def used_columns(rows: Sequence[Row], section: str) -> list[str]:
    """The columns with a value in some row of the section (``field`` only when it says more
    than the section's name)."""
    names = [n for n in PRIORITY if any(row.get(n) not in (None, "", []) for row in rows)]
    if (section in GROUPED or section in ("citations", "dates", "status", "titles", "follows", "locations", "seats",
                                          "sides")) and "field" in names:
        names.remove("field")
    if section == "citations" and "source" in names:
        names.remove("source")  # the value is the source
    return names


#: Sections whose rows are grouped under a heading line per ``field`` (the measure, the milestone).
GROUPED = {"figures", "milestones"}


def grouped(rows: Sequence[Row], section: str) -> list[Row]:
    """Figures grouped by measure and milestones by what they are (in first-seen order, the
    claims of each in their own order), so that a figure's revisions read one under another."""
    if section not in GROUPED:
        return list(rows)
    order: dict[str, list[Row]] = {}
    for row in rows:
        order.setdefault(row["field"], []).append(row)
    return [row for items in order.values() for row in items]


def print_show(
    rows: Sequence[Row], out: TextIO, *, color: bool, notes: Sequence[str], wide: bool = False
) -> None:
    width = terminal_size()[0]
    sections: dict[str, list[Row]] = {}
    for row in rows:
        sections.setdefault(row["section"], []).append(row)
    kind = next((r["value"] for r in rows if r["section"] == "fields" and r["field"] == "record"), None)
    entity = next((r["value"] for r in rows if r["section"] == "fields" and r["field"] == "id"), None)
    heading = " ".join(str(x) for x in (kind, entity) if x)
    out.write(f"{heading or 'show'} ({len(rows)} rows)\n")
    for section, items in sections.items():
        if section == "fields":
            items = [r for r in items if r["field"] not in ("record", "id")]
            if not items:
                continue
        title, field_header, value_header = SECTIONS.get(section, (section.title(), "field", "value"))
        out.write("\n")
        columns = used_columns(items, section)
        print_table(grouped(items, section), columns, section_listing(section, columns), out,
                    color=color, notes=(), exact=wide, title=f"{title} ({len(items)})",
                    headers={"field": field_header, "value": value_header,
                             **({"note": "name"} if section == "related" else {})}, width=width,
                    group="field" if section in GROUPED else None)
    print_notes(out, notes, color, width)

"""``show ID`` at a terminal: a brief that fits one 80x24 screen (query/brief.py says what it
holds), then an index of the sections, or (``--full``, ``--section NAME``) the sections
themselves: the claims of each in the order they were made, each section with only the columns
it uses, a heading line over each group of like claims (a figure's measure, scope, unit and
plan-or-fact; a milestone; a statement's topic), and free text (a statement, a note, a quote)
on lines of its own under its row, folded at spaces. Machine formats keep the flat rows of
:func:`explore.show_rows`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TextIO

from ..query.brief import NBSP, Brief, Dossier, Item
from ..registry import SHOW, SHOW_SECTIONS, Listing, Row
from .cells import neutralise
from .layout import Layout, layout
from .table import STYLES, TableWriter, human_cell, paint, print_notes, rule_char, terminal_size

#: The lines the brief may take with its title (one 80x24 screen: the prompt, and one line of
#: what follows, stay in sight).
BRIEF_HEIGHT = 22
#: The widest a brief's label column gets (``disagreements`` is the longest label).
LABEL_WIDTH = 14
#: Free text under a row is indented by this much.
INDENT = 4
#: Each section's title and the headers of its ``field`` and ``value`` columns.
TITLES: dict[str, tuple[str, str, str]] = {
    "fields": ("Fields", "field", "value"),
    "dates": ("Dates claimed", "field", "date"),
    "status": ("Status claimed", "field", "status"),
    "titles": ("Titles claimed", "field", "title"),
    "follows": ("Follows (takes up an earlier project)", "field", "project"),
    "locations": ("Locations", "field", "place"),
    "sites": ("Sites", "field", "place"),
    "seats": ("Seats claimed (where it is based)", "field", "place"),
    "sides": ("Sides", "field", "value"),
    "figures": ("Figures", "measure", "value"),
    "milestones": ("Milestones", "milestone", "date"),
    "statements": ("Statements", "topic", "text"),
    "related": ("Related", "relation", "id"),
    "discrepancies": ("Discrepancies", "kind", "about"),
    "citations": ("Citations", "field", "source"),
}
#: The columns of each section's rows (those no row uses are left out), then the fields written
#: as lines of their own under each row.
COLUMNS: dict[str, tuple[str, ...]] = {
    "status": ("value", "as_of", "source"),
    "dates": ("value", "as_of", "source"),
    "locations": ("value", "as_of", "source"),
    "sites": ("value", "as_of", "source"),
    "seats": ("value", "as_of", "source"),
    "titles": ("value", "as_of", "source"),
    "follows": ("value", "as_of", "source"),
    "sides": ("source", "as_of"),
    "figures": ("value", "status", "as_of", "source"),
    "milestones": ("value", "status", "as_of", "source"),
    "statements": ("as_of", "source"),
    "related": ("field", "value", "note"),
    "discrepancies": ("field", "source"),
    "citations": ("value", "as_of"),
}
UNDER: dict[str, tuple[str, ...]] = {
    "sides": ("value", "quote", "note"),
    "statements": ("value", "quote", "note"),
    "discrepancies": ("value", "note"),
    "related": (),
}
UNDER_DEFAULT = ("quote", "note")
#: What a section's ``note`` holds, when it is not a remark.
NOTE_HEADERS = {"related": {"note": "name"}, "discrepancies": {"note": "sides"}}
#: Sections whose rows are grouped under a heading line: by these fields, written in the heading.
GROUPS: dict[str, tuple[str, ...]] = {
    "figures": ("field", "scope", "unit", "status"),
    "milestones": ("field", "scope", "status"),
    "statements": ("field",),
}


# folding ---------------------------------------------------------------------------------

def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def fold(text: str, width: int) -> list[str]:
    """Text folded at spaces to ``width`` cells. A no-break space (the brief's glue) is never a
    place to fold, unless a glued piece is wider than the line; a single word wider than the
    line (a URL) is cut with ``…``."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if _cells(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        if _cells(current) > width:
            pieces = fold(current.replace(NBSP, " "), width) if NBSP in current else [_cut(current, width)]
            lines.extend(pieces[:-1])
            current = pieces[-1]
    lines.append(current)
    return [line.replace(NBSP, " ") for line in lines]


def _cut(word: str, width: int) -> str:
    from rich.cells import chop_cells

    return chop_cells(word, max(width - 1, 1))[0] + "…"


# the brief -------------------------------------------------------------------------------

def title_of(kind: str, entity_id: str, name: str | None) -> str:
    return f"{kind} {entity_id}" + (f" · {name}" if name and name != entity_id else "")


def _item_lines(item: Item, width: int, label_width: int) -> list[tuple[str, str]]:
    """(label, text) screen lines of one item: the label on the first, the text folded beside it
    (under it, when the label is wider than the label column)."""
    room = max(width - label_width, 20)
    lines = [line for paragraph in item.text.split("\n") for line in fold(neutralise(paragraph), room)]
    if len(item.label) > label_width - 2:
        return [(item.label, ""), *(("", line) for line in lines)]
    return [(item.label if i == 0 else "", line) for i, line in enumerate(lines)]


def label_width(items: Sequence[Item]) -> int:
    """The label column: the longest label and two spaces (a longer label has a line of its own)."""
    return max((len(item.label) for item in items if len(item.label) <= LABEL_WIDTH), default=0) + 2


def _more(left_out: Sequence[Item]) -> Item:
    """The line naming what the brief left out, and where to see it."""
    sections = list(dict.fromkeys(i.section for i in left_out if i.section))
    nouns = {"figures": "figures", "milestones": "dates", "dates": "dates"}
    counts: dict[str, int] = {}
    for item in left_out:
        noun = nouns.get(item.section or "", "")
        counts[noun] = counts.get(noun, 0) + 1
    what = ", ".join(f"{count} {noun if count > 1 else noun[:-1]}" if noun else ", ".join(
        i.label for i in left_out if (i.section or "") not in nouns) for noun, count in counts.items())
    where = "--full" + (f", --section {'|'.join(sections)}" if sections else "")
    return Item("more", f"{what} ({where})")


def brief_lines(brief: Brief, width: int, height: int = BRIEF_HEIGHT
                ) -> tuple[list[str], list[Item], list[tuple[str, str]]]:
    """The brief's title lines, its items shown, and their (label, text) lines, that together fit
    ``height``: optional items are left out, the last first, while they do not fit, and counted
    on a last line."""
    items = list(brief.items)
    left_out: list[Item] = []
    title = fold(neutralise(title_of(brief.kind, brief.id, brief.name)), width)

    def drawn() -> tuple[list[Item], list[tuple[str, str]]]:
        shown = items + ([_more(left_out)] if left_out else [])
        column = label_width(shown)
        return shown, [line for item in shown for line in _item_lines(item, width, column)]

    shown, lines = drawn()
    while len(title) + len(lines) > height:
        optional = [i for i in items if i.optional]
        if not optional:
            break
        items.remove(optional[-1])
        left_out.insert(0, optional[-1])
        shown, lines = drawn()
    return title, shown, lines


def print_brief(brief: Brief, out: TextIO, width: int, color: bool) -> None:
    """The title in bold, then each item: its label (bold), its text folded beside it."""
    title, shown, lines = brief_lines(brief, width)
    writer = TableWriter(out, color, width, None)
    for line in title:
        writer.text(line, STYLES["header"])
    column = label_width(shown)
    for label, text in lines:
        pad = " " * (column - len(label)) if text else ""
        label = neutralise(label)
        writer.text((paint(label, STYLES["header"]) if color else label) + pad + text)
    writer.flush()


# sections --------------------------------------------------------------------------------

def _listing(section: str) -> Listing:
    """The show listing as a section's table reads it: every cell on a row's line is whole (free
    text is written under the row, folded at spaces; a cell that does not fit goes there too)."""
    return SHOW._replace(fields=tuple(f._replace(prose=False) for f in SHOW.fields))


def _used(rows: Sequence[Row], names: Sequence[str]) -> list[str]:
    return [n for n in names if any(row.get(n) not in (None, "", []) for row in rows)]


def _groups(rows: Sequence[Row], section: str) -> list[tuple[str | None, list[Row]]]:
    """The rows under their headings, or all under none: a heading per group of like rows, the
    groups of one measure (or milestone, or topic) together, in the order each first comes."""
    keys = GROUPS.get(section)
    if keys is None:
        return [(None, list(rows))]
    out: dict[tuple[Any, ...], list[Row]] = {}
    for row in rows:
        out.setdefault(tuple(row.get(k) for k in keys), []).append(row)
    fields = list(dict.fromkeys(key[0] for key in out))  # a measure's groups one after another
    out = dict(sorted(out.items(), key=lambda pair: fields.index(pair[0][0])))
    units: dict[Any, set[Any]] = {}
    for key in out:
        units.setdefault(key[0], set()).add(key[2] if len(key) > 3 else None)
    headed: list[tuple[str | None, list[Row]]] = []
    for key, items in out.items():
        parts = [str(key[0])]
        if len(key) > 1 and key[1]:
            parts.append(str(key[1]))
        if len(key) > 3 and key[2] and len(units[key[0]]) > 1:
            parts.append(str(key[2]))
        if len(key) > 2 and key[-1]:
            parts.append(str(key[-1]))
        headed.append((" · ".join(parts) + f" ({len(items)})", items))
    return headed


def _fields_section(rows: Sequence[Row], writer: TableWriter, width: int) -> None:
    """The record's own fields, one ``field  value`` line each, the value folded beside it (and a
    claim's quote and note)."""
    items = []
    for row in rows:
        if row["field"] not in ("record", "id"):
            items.append(Item(neutralise(str(row["field"])), human_cell(row, "value", SHOW)))
        if row.get("quote"):  # a claim's own words and remark, with its last field
            items.append(Item("quote", f"“{row['quote']}”"))
        if row.get("note"):
            items.append(Item("note", str(row["note"])))
    if not items:
        return
    column = min(max(len(i.label) for i in items), 18) + 2
    for item in items:
        for label, text in _item_lines(item, width, column):
            writer.text(f"{label:<{column}}{text}".rstrip())


def print_section(section: str, rows: Sequence[Row], out: TextIO, *, width: int, color: bool,
                  wide: bool = False) -> None:
    """One section: its title, its columns' header, each group's heading, each row on one line
    (a date range or a list may take two) and its free text on lines of its own under it."""
    writer = TableWriter(out, color, width, None)
    title = TITLES.get(section, (section.title(), "field", "value"))
    writer.text(f"{title[0]} ({len(rows)})", STYLES["header"])
    if section == "fields":
        _fields_section(rows, writer, width)
        writer.flush()
        return
    grouped = GROUPS.get(section, ())
    columns = [c for c in _used(rows, COLUMNS.get(section, ("field", "value", "as_of", "source")))
               if c not in grouped]
    under = [c for c in _used(rows, UNDER.get(section, UNDER_DEFAULT)) if c not in columns]
    listing = _listing(section)

    def cell(row: Row, name: str) -> str:
        return neutralise(human_cell(row, name, listing))

    headers = {"field": title[1], "value": title[2], **NOTE_HEADERS.get(section, {})}
    if wide:  # every field on the row's line, at its natural width (a pager scrolls sideways)
        columns, under = columns + under, []
    moved: list[str] = []
    lay = _fit(rows, columns, listing, cell, width if not wide else 10**6, headers, moved)
    writer.line(lay, [c.header for c in lay.shown], [STYLES["header"]] * len(lay.shown))
    writer.line(lay, [rule_char(out) * c.width for c in lay.shown], [STYLES["rule"]] * len(lay.shown))
    for heading, items in _groups(rows, section):
        if heading is not None:
            for line in fold(neutralise(heading), width):
                writer.text(line, STYLES["header"])
        for row in items:
            for texts in lay.row_lines([cell(row, c.name) for c in lay.shown]):
                writer.line(lay, texts)
            for name in [*moved, *under]:
                text = cell(row, name)
                if not text:
                    continue
                if name == "quote":
                    text = f"“{text}”"
                elif name == "note" or name in moved:
                    text = f"{headers.get(name, name)}: {text}"
                for line in fold(text, max(width - INDENT, 20)):
                    writer.text(" " * INDENT + line, STYLES["note"] if name == "note" else None)
        writer.flush()
    writer.flush()


def _fit(rows: Sequence[Row], columns: list[str], listing: Listing, cell: Callable[[Row, str], str], width: int,
         headers: dict[str, str], moved: list[str]) -> Layout:
    """The section's columns laid out whole; while they are wider than the terminal, the last
    goes to a line of its own under each row (named in ``moved``)."""
    while True:
        lay = layout(listing, rows, columns, cell, width, exact=True, headers=headers)
        if lay.width <= width or len(columns) <= 1:
            return lay
        moved.insert(0, columns.pop())


# the whole -------------------------------------------------------------------------------

def print_show(
    rows: Sequence[Row], out: TextIO, *, color: bool, notes: Sequence[str], wide: bool = False,
    dossier: Dossier | None = None,
) -> None:
    """The brief then an index of the sections (or every section, ``--full``); with only some
    sections asked for, a title line and those sections."""
    width = terminal_size()[0]
    sections: dict[str, list[Row]] = {}
    for row in rows:
        sections.setdefault(row["section"], []).append(row)
    brief = dossier.brief() if dossier is not None and dossier.brief is not None else None
    if brief is not None:
        print_brief(brief, out, width, color)
    else:
        fields = {r["field"]: r["value"] for r in sections.get("fields", ())}
        kind = dossier.kind if dossier is not None else fields.get("record")
        entity = dossier.id if dossier is not None else fields.get("id")
        name = dossier.name if dossier is not None else fields.get("name")
        heading = title_of(str(kind), str(entity), name) if kind else "show"
        for line in fold(neutralise(heading), width):
            out.write(line + "\n")
    if brief is not None and not (dossier is not None and dossier.full):
        print_index(sections, out, width, color, dossier.id if dossier is not None else "ID")
    else:
        for section, items in sections.items():
            if section == "fields" and all(r["field"] in ("record", "id") for r in items):
                continue
            out.write("\n")
            print_section(section, items, out, width=width, color=color, wide=wide)
    print_notes(out, notes, color, width)


def print_index(sections: dict[str, list[Row]], out: TextIO, width: int, color: bool, entity: str) -> None:
    """Under the brief: each section with its number of rows, and how to see them."""
    writer = TableWriter(out, color, width, None)
    count = sum(len(items) for items in sections.values())
    names = ", ".join(f"{name}{NBSP}{len(items)}" for name, items in sections.items() if name in SHOW_SECTIONS)
    writer.text("")
    for line in fold(f"Sections ({count} rows): {names}" if count else "Sections: no row is left", width):
        writer.text(line, STYLES["note"])
    for line in fold(f"All: normandie show {entity} --full; one: --section NAME", width):
        writer.text(line, STYLES["note"])
    writer.flush()

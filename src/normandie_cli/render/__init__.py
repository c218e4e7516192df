"""Every output format in one place. Machine formats use the standard library and write to
``sys.stdout`` (looked up at call time); only the terminal table (:mod:`.table`) imports Rich,
and only when it draws one. ``yaml`` is imported only for ``--format yaml``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

from ..registry import Listing, Row
from .cells import excel_safe, flat, neutralise, to_json, tsv_cell
from .view import View

__all__ = ["View", "excel_safe", "flat", "neutralise", "to_json", "tsv_cell"]


def stdout() -> TextIO:
    return sys.stdout


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def use_color(no_color_flag: bool, stream: TextIO) -> bool:
    """``--no-color``, then NO_COLOR, then FORCE_COLOR, then TERM=dumb, then whether it is a terminal."""
    if no_color_flag or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return is_terminal(stream)


def render_rows(rows: Iterable[Row], columns: Sequence[str], listing: Listing, view: View) -> None:
    """Write ``rows`` restricted to ``columns`` in ``view.fmt`` to standard output.

    A table shows the columns that fit the terminal, in the listing's priority order; ``wide``
    (``--wide``) shows every column, ``exact`` (``--fields``) exactly ``columns``. Machine
    formats ignore both. ``chart`` (``timeline`` or ``history``): a picture instead of the
    table (machine formats: the same rows as without it). ``dossier``: what ``show`` draws at a
    terminal around its rows, its brief and sections (:class:`..query.brief.Dossier`).

    ``notes`` are lines a person should read under a table (what a total means); machine
    formats leave them out. ``highlight``: text whose matches a coloured table emphasises.
    ``formula_safe``: prefix ``'`` to cells a spreadsheet would run as formulas; ``None``: the
    format's default (on for csv, the spreadsheet format; off for tsv, the scripts' format).
    """
    fmt, headers, formula_safe = view.fmt, view.headers, view.formula_safe
    out = stdout()
    shown: list[Row] = list(rows) if fmt == "table" else []  # a table reads them all, to fit them
    # A table reads the rows themselves: on 100,000 rows this copy costs a fifth of a second.
    # Machine formats write each row as it comes (a fact store's rows stream out of SQLite).
    picked = ({name: row.get(name) for name in columns} for row in rows) if fmt != "table" else iter(())
    if fmt in NULL_UNKNOWN:
        picked = unknown_dates_as_null(picked, listing, columns, nested=fmt not in ("csv", "csv-excel", "tsv"))
    if formula_safe is None:
        formula_safe = fmt in ("csv", "csv-excel")
    safe = excel_safe if formula_safe else str  # on the whole cell, once lists and sides are flattened
    if fmt == "json":
        # One object per line inside the list: as readable as an indented list, and written by
        # json's C encoder (``indent`` would switch to its pure-Python one, 5x slower on 26,000 rows).
        first = next(picked, None)
        if first is None:
            out.write("[]\n")
        else:
            out.write("[\n" + to_json(first))
            for chunk in _chunks(picked):
                out.write("".join(",\n" + to_json(item) for item in chunk))
            out.write("\n]\n")
    elif fmt == "jsonl":
        for chunk in _chunks(picked):
            out.write("".join(to_json(item) + "\n" for item in chunk))
    elif fmt in ("csv", "csv-excel"):
        import csv

        if fmt == "csv-excel":
            # Excel reads a CSV file as the system's code page (Windows-1252 in France) unless it
            # starts with UTF-8's byte-order mark: then "Hérouville" stays Hérouville.
            out.write(UTF8_BOM)
        writer = csv.writer(out)  # RFC 4180: CRLF line ends, so a lone CR or LF in a value is quoted
        if headers:
            writer.writerow(columns)
        for item in picked:
            writer.writerow([safe(flat(item[name])) for name in columns])
    elif fmt == "tsv":
        if headers:
            out.write("\t".join(columns) + "\n")
        for item in picked:
            out.write("\t".join(tsv_cell(safe(flat(item[name]))) for name in columns) + "\n")
    elif fmt == "yaml":
        out.write(_yaml(list(picked)))
    elif fmt == "markdown":
        out.write(_markdown(list(picked), columns))
    elif view.chart is not None:
        from .chart import print_chart

        print_chart(view.chart, shown, out, color=view.color, notes=view.notes)
    elif listing.name == "history":
        from .chart import history_strips
        from .table import print_notes, print_table, terminal_size

        width = terminal_size()[0]
        print_table(shown, columns, listing, out, view._replace(notes=(), highlight=None), width=width)
        history_strips(shown, width).write(out, view.color, width)
        print_notes(out, view.notes, view.color, width)
    elif listing.name == "show" and not view.exact:
        from .show import print_show

        print_show(shown, out, color=view.color, notes=view.notes, wide=view.wide, dossier=view.dossier)
    else:
        from .table import print_table

        print_table(shown, columns, listing, out, view)


#: The formats in which an unknown date is null (CSV and TSV: an empty cell), its precision field
#: saying ``unknown``: a script comparing dates (``jq 'select(.as_of >= "2024")'``) never takes
#: ``"unknown"`` for a date. A table and Markdown, read by people, write ``unknown``.
NULL_UNKNOWN = ("json", "jsonl", "yaml", "csv", "csv-excel", "tsv")
#: What ``--format csv-excel`` starts with: U+FEFF, written in UTF-8 as EF BB BF.
UTF8_BOM = "\ufeff"


def unknown_dates_as_null(rows: Iterable[Row], listing: Listing, columns: Sequence[str],
                          nested: bool = True) -> Iterator[Row]:
    """Each date column's ``unknown`` as ``None``; ``nested``: also the ``as_of`` of each side of a
    disagreement (CSV and TSV write a side as text for a person: ``[source, unknown]`` stays)."""
    types = {f.name: f.type for f in listing.fields}
    dated = [name for name in columns if types.get(name) == "date"]
    sided = nested and "sides" in columns
    if not dated and not sided:
        return iter(rows)

    def side(value: Any) -> Any:
        if isinstance(value, dict) and value.get("as_of") == "unknown":
            return {**value, "as_of": None}
        return value

    def convert(row: Row) -> Row:
        for name in dated:
            if row[name] == "unknown":
                row[name] = None
        if sided and isinstance(row["sides"], list):
            row["sides"] = [side(item) for item in row["sides"]]
        return row

    return map(convert, rows)


def _chunks(items: Iterator[Any], size: int = 1000) -> Iterator[list[Any]]:
    """``items`` a thousand at a time (one write per thousand rows, memory for a thousand)."""
    from itertools import islice

    while chunk := list(islice(items, size)):
        yield chunk


def render_citations(sources: Sequence[Any], fmt: str) -> None:
    """Sources as BibTeX (biblatex ``@online``) or CSL-JSON, for a writer's bibliography.

    A source without a title of its own gets its description in square brackets, as a
    supplied title is written; an inferred date is marked (CSL ``circa``; a BibTeX note).
    """
    out = stdout()
    if fmt == "csl-json":
        items = []
        for s in sources:
            item: dict[str, Any] = {"id": s.id, "type": "webpage", "title": s.title or f"[{s.description or s.id}]",
                                    "publisher": s.publisher, "language": s.language}
            if s.url:
                item["URL"] = s.url
            if s.published.has_year:
                parts = [x for x in (s.published.start.year, s.published.start.month, s.published.start.day) if x]
                issued: dict[str, Any] = {"date-parts": [parts]}
                if s.published.end is not None:
                    end = s.published.end
                    issued["date-parts"].append([x for x in (end.year, end.month, end.day) if x])
                if s.published_inferred:
                    issued["circa"] = True
                item["issued"] = issued
            if s.published_note:
                item["note"] = s.published_note
            items.append(item)
        out.write(to_json(items, indent=2) + "\n")
        return
    for s in sources:
        fields = [("title", s.title or f"[{s.description or s.id}]"), ("organization", s.publisher)]
        if s.published.has_year:
            fields.append(("date", s.published.text))
        if s.url:
            fields.append(("url", s.url))
        fields.append(("langid", {"fr": "french", "en": "english"}.get(s.language, s.language)))
        note = "; ".join(x for x in (
            "date inferred" if s.published_inferred else None,
            "date unknown" if not s.published.known else None,
            s.published_note,
        ) if x)
        if note:
            fields.append(("note", note))
        body = ",\n".join(f"  {name} = {{{_bibtex_escape(value)}}}" for name, value in fields)
        out.write(f"@online{{{s.id},\n{body}\n}}\n\n")


_BIBTEX_ESCAPES = str.maketrans({
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
})


def _bibtex_escape(text: str) -> str:
    """Escape, in one pass, what BibTeX would read as markup; keep UTF-8 (biber reads it)."""
    return text.translate(_BIBTEX_ESCAPES)


def render_query(rows: Sequence[Row], columns: Sequence[str], expression: str, listing: Listing) -> None:
    """``--query``: a JMESPath expression over the JSON form (an unknown date null); the result as JSON."""
    import jmespath
    from jmespath.exceptions import JMESPathError

    from ..errors import UsageError

    picked = list(unknown_dates_as_null(({name: row.get(name) for name in columns} for row in rows), listing,
                                        columns))
    try:
        result = jmespath.search(expression, picked)
    except JMESPathError as err:
        raise UsageError(f"--query: {' '.join(str(err).split())}") from None
    stdout().write(to_json(result, indent=2) + "\n")


def _yaml(rows: Sequence[Row]) -> str:
    """YAML that reads back to exactly the same values.

    Text with a character that is not printable (line breaks, NEL, controls) is written
    double-quoted, with escapes: PyYAML's other styles fold some of them (a NEL comes back as
    a space).
    """
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = None if value.isprintable() else '"'
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    if not rows:
        return "[]\n"
    return yaml.dump(list(rows), Dumper=Dumper, allow_unicode=True, sort_keys=False, width=float("inf"))


def _markdown(rows: Sequence[Row], columns: Sequence[str]) -> str:
    def cell(value: Any) -> str:
        text = flat(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")
        return neutralise(text)

    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join(" --- " for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(row[name]) for name in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


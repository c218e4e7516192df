"""Datasette's metadata for a published fact book (``normandie export sqlite --metadata``):
each derived table's and column's words, the column that labels a linked row, the columns to
sort by, the facets to show, the full-text index, and the canned queries (standard library only).

The words come from ``registry.Publishing`` (passed in: the registry sits above this module);
the tables and columns they describe are :func:`publish.tables`.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Protocol

from .publish import LABEL_FIELDS, Column, Table, tables


class Text(Protocol):
    """The words of the published database (``registry.Publishing``): passed in, since the
    registry sits above this module."""

    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def licence(self) -> str: ...
    @property
    def licence_url(self) -> str: ...
    @property
    def tables(self) -> dict[str, tuple[str, str]]: ...
    @property
    def columns(self) -> dict[str, str]: ...
    @property
    def facets(self) -> tuple[str, ...]: ...
    @property
    def unsorted(self) -> tuple[str, ...]: ...
    @property
    def queries(self) -> dict[str, tuple[str, str, str]]: ...


def _keys(t: Table, column: str) -> list[str]:
    """Where the words of a column are looked up, most specific first."""
    keys = [f"{t.name}.{column}"]
    if t.field is not None:
        keys.append(f"*_{t.field}.{column}")
    return keys


def describe_table(t: Table, text: Text) -> tuple[str, str]:
    """A table's title and description (``("", "")`` when the text has none)."""
    title, description = text.tables.get(t.name) or text.tables.get(f"*_{t.field}", ("", ""))
    kind = t.columns[0].name if t.field is not None else ""
    return title.format(kind=kind, section=t.parent), description.format(kind=kind, section=t.parent)


def describe_column(t: Table, c: Column, text: Text) -> str | None:
    """A column's description: its own words, else those of the columns every list or date has,
    else those of every column of its name."""
    words = text.columns
    for key in _keys(t, c.name):
        if key in words:
            return words[key]
    kind = t.columns[0].name if t.field is not None else ""
    if c.kind == "parent":
        return words["(parent)"].format(kind=c.name, section=c.references)
    if c.kind == "position":
        return words["(position)"].format(kind=kind)
    if c.kind == "precision":
        return words["(precision)"].format(date=c.field)
    return words.get(c.name)


def facets_of(t: Table, text: Text) -> list[str]:
    """The columns of ``t`` Datasette shows facets of."""
    names = {c.name for c in t.columns}
    out = []
    for facet in text.facets:
        scope, _, column = facet.rpartition(".")
        if scope and scope not in (t.name, f"*_{t.field}"):
            continue
        if column in names:
            out.append(column)
    return out


def datasette_metadata(conn: sqlite3.Connection, database: str, text: Text) -> dict[str, Any]:
    """Datasette's metadata for a published database (``datasette -m``): title, licence, the
    sources with their URLs; each table's title and description, its columns' descriptions,
    the column that labels its rows where they are linked to, the columns to sort by, the facets
    to show and its full-text index; and the canned queries."""
    from html import escape

    sources = list(conn.execute("SELECT id, publisher, title, url FROM sources ORDER BY rowid"))
    items = "".join(
        f"<li>{escape(f'{title} ({publisher})' if title else publisher)}"
        + (f': <a href="{escape(url)}">{escape(url)}</a>' if url else "") + f" <code>{escape(sid)}</code></li>"
        for sid, publisher, title, url in sources
    )
    indexed = {str(name) for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    described: dict[str, Any] = {}
    for t in tables():
        title, description = describe_table(t, text)
        columns = {c.name: describe_column(t, c, text) for c in t.columns}
        entry: dict[str, Any] = {"title": title, "description": description,
                                 "columns": {name: words for name, words in columns.items() if words}}
        label = next((name for name in LABEL_FIELDS if name in columns), None)
        if label is not None:
            entry["label_column"] = label
        entry["sortable_columns"] = [c.name for c in t.columns if c.name not in text.unsorted]
        facets = facets_of(t, text)
        if facets:
            entry["facets"] = facets
        if t.search and f"{t.name}_fts" in indexed:
            entry["fts_table"] = f"{t.name}_fts"
            entry["fts_pk"] = "rowid"
        described[t.name] = entry
    queries = {name: {"title": title, "description": description, "sql": sql}
               for name, (title, description, sql) in text.queries.items()}
    return {
        "title": text.title,
        "description": text.description,
        "description_html": f"<p>{escape(text.description)}</p><p>{len(sources)} sources:</p><ul>{items}</ul>",
        "license": text.licence,
        "license_url": text.licence_url,
        "source": f"{len(sources)} sources (table sources)",
        "source_url": next((url for _, _, _, url in sources if url), None),
        "databases": {database: {"title": text.title, "description": text.description, "tables": described,
                                 "queries": queries}},
    }

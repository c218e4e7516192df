"""The published fact book: the database ``normandie export sqlite`` writes for readers (SQL,
Datasette), and reads back as ``--data`` (standard library only).

It is not the parse cache (``store``): every reference is a foreign key, every list a table of
its own, and nothing internal is in it. All of it is derived from ``model.SECTIONS``, each
record class's fields, and what a record says it refers to (``refers``) and cites (``cited``),
asked once of a record filled with marked values (:func:`links`), so that a new kind or field
is published without a line here:

- ``entities``: every record's id, kind and name; any reference that may name several kinds (a
  claim's subject, an event's participants) is a foreign key to it;
- one table per section, one column per field (``line`` left out), ``id`` the primary key (and a
  foreign key to ``entities``); a date column is followed by ``<name>_precision``; a reference is
  a foreign key to the table of the kind it names, a cited source one to ``sources``;
- each tuple field is a table ``<section>_<field>``: the parent's id (a foreign key, the column
  named after its kind), ``position`` from 0, then the id (``value``) or the nested record's fields;
- ``claims``: one row per claim, a record (in a section or nested) with a ``source`` and an
  ``as_of`` date: figures, milestones, statements, status claims, date claims;
- an FTS5 index on ``entities``, each section and ``claims``, over their text columns.

The file says what it is in SQLite's header (``PRAGMA application_id``, ``user_version``), not in
a table. docs/storage.md describes it for people.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from .. import model as m
from ..record import Record
from .schema import TOKENIZE, field_kinds, has_fts5, quote

#: ``PRAGMA application_id``: "nmdp" (normandie, published), at byte 68 of the file.
APPLICATION_ID = 0x6E6D6470
#: ``PRAGMA user_version``: bumped whenever the layout's rules change (the derived tables are also
#: compared with this version's, statement by statement, before a file is read back).
LAYOUT_VERSION = 1
#: Fields that say where a record was in the fact file, not what it says: never published.
INTERNAL_FIELDS = ("line",)
#: The fields an entity's name is taken from, the first one it has that is not empty.
LABEL_FIELDS = ("name", "publisher", "title")
#: The mark of a probed value (see :func:`links`): no id can contain it.
_MARK = "\x00"


class Column(Record):
    """One column of a published table."""

    name: str
    #: The declared type and constraints (``TEXT NOT NULL``); ``""``: no declared type.
    sql: str
    #: How a value is written: id, plain, int, number, bool, date, precision (of ``field``),
    #: parent, position, value (an id of a list of ids); for ``claims``: claim.
    kind: str
    #: The record field it holds (for ``precision``, the date field it tells the precision of).
    field: str | None = None
    #: The table it is a foreign key to.
    references: str | None = None


class Table(Record):
    name: str
    #: section, list (a tuple of ids), records (a tuple of records), entities, claims.
    kind: str
    columns: tuple[Column, ...]
    #: The record class of a section's or a records table's rows.
    record: type | None = None
    #: For a list or records table: the section table and the field it comes from.
    parent: str | None = None
    field: str | None = None
    #: The columns its full-text index covers (none: no index).
    search: tuple[str, ...] = ()


# The schema, derived ------------------------------------------------------------------------

def _probe(cls: type, prefix: str = "") -> Any:
    """A record of ``cls`` whose every text field holds its own path, marked (``\\0town``,
    ``\\0sites.place``), every tuple of ids one such value and every tuple of records one such
    record: what ``refers`` and ``cited`` give back then says which fields they name."""
    values: dict[str, Any] = {}
    for name, kind, inner in field_kinds(cls):
        path = prefix + name
        if kind == "plain":
            values[name] = _MARK + path
        elif kind == "ids":
            values[name] = (_MARK + path,)
        elif kind == "records":
            values[name] = (_probe(inner, path + "."),)  # type: ignore[arg-type]
        elif kind == "bool":
            values[name] = False
        elif kind == "date":
            values[name] = None
        else:
            values[name] = 0
    record: Any = object.__new__(cls)
    record.__dict__.update(values)
    return record


class Links(Record):
    """What one record class refers to and cites, by field path (``town``, ``sites.place``)."""

    #: The kinds of record each referring field may name (``("source",)`` for a cited source).
    kinds: dict[str, tuple[str, ...]]
    #: What kind of backing each tuple-of-records field (``""`` for the record itself) is, as
    #: ``cited`` names it: claim, citation, site, date claim, ...
    backing: dict[str, str]


@cache
def links(cls: type) -> Links:
    """Which of ``cls``'s fields (and its nested records' fields) are references, read off its
    own ``refers`` and ``cited`` on a probe record (see :func:`_probe`)."""
    probe = _probe(cls)

    def path(value: Any) -> str | None:
        return value[1:] if isinstance(value, str) and value.startswith(_MARK) else None

    kinds: dict[str, tuple[str, ...]] = {}
    backing: dict[str, str] = {}
    for _key, value, may_name in probe.refers():
        if (where := path(value)) is not None:
            kinds[where] = tuple(may_name)
    for source, _quote, what in probe.cited():
        if (where := path(source)) is not None:
            kinds[where] = ("source",)
            backing[where.rpartition(".")[0]] = what
    return Links(kinds, backing)


def _target(kinds: tuple[str, ...]) -> str:
    """The table a reference to one of ``kinds`` is a foreign key to."""
    tables = {section.kind: section.name for section in m.SECTIONS}
    if len(kinds) == 1 and kinds[0] in tables:
        return tables[kinds[0]]
    return "entities"


def _optional(cls: type, name: str) -> bool:
    return "None" in str(cls.__annotations__[name])


_SQL = {"plain": "TEXT", "int": "INTEGER", "bool": "INTEGER", "date": "TEXT", "number": ""}


def _field_columns(cls: type, known: dict[str, tuple[str, ...]], prefix: str = "") -> list[Column]:
    """The columns of a record class's scalar fields (tuples are tables of their own)."""
    out: list[Column] = []
    for name, kind, _ in field_kinds(cls):
        if name in INTERNAL_FIELDS or kind in ("ids", "records"):
            continue
        sql = _SQL[kind]
        if not _optional(cls, name):
            sql = f"{sql} NOT NULL".strip()
        target = _target(known[prefix + name]) if prefix + name in known else None
        if name == "id" and not prefix:
            out.append(Column(name, "TEXT PRIMARY KEY", "id", name, "entities"))
            continue
        out.append(Column(name, sql, kind, name, target))
        if kind == "date":
            out.append(Column(f"{name}_precision", "TEXT" if _optional(cls, name) else "TEXT NOT NULL", "precision",
                              name))
    return out


def _searched(columns: Iterable[Column]) -> tuple[str, ...]:
    """The text columns worth a full-text index: plain text that is not a reference."""
    return tuple(c.name for c in columns if c.kind == "plain" and c.references is None)


#: The columns of ``claims``: (name, declared type, the table it references). Each is read from the
#: claim's record field of the same name, or from those of :data:`CLAIM_FIELDS`.
CLAIM_COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("kind", "TEXT NOT NULL", None), ("id", "TEXT", "entities"), ("subject", "TEXT", "entities"),
    ("subject_kind", "TEXT", None), ("field", "TEXT", None), ("value", "", None), ("value_text", "TEXT", None),
    ("unit", "TEXT", None), ("qualifier", "TEXT", None), ("date", "TEXT", None), ("date_precision", "TEXT", None),
    ("date_qualifier", "TEXT", None), ("period", "TEXT", None), ("period_precision", "TEXT", None),
    ("planned", "INTEGER", None), ("scope", "TEXT", None), ("as_of", "TEXT", None), ("as_of_precision", "TEXT", None),
    ("source", "TEXT NOT NULL", "sources"), ("source_kind", "TEXT", None), ("quote", "TEXT", None),
    ("note", "TEXT", None), ("revises", "TEXT", "entities"),
)
#: Claims columns read from a field of another name: the first of these the record has (a figure's
#: measure, a milestone's what, a statement's topic is its ``field``; a statement's text its value).
CLAIM_FIELDS = {"field": ("measure", "what", "topic"), "value": ("value", "text")}
#: The columns of ``claims`` its full-text index covers.
CLAIM_SEARCH = ("field", "value", "scope", "quote", "note")


def is_claim(cls: type) -> bool:
    """A claim is a record with its own source and the date it was made (``as_of``)."""
    fields = set(cls._fields)  # type: ignore[attr-defined]
    return {"source", "as_of"} <= fields


@cache
def tables() -> tuple[Table, ...]:
    """Every published table, in the order they are created and listed."""
    out = [Table("entities", "entities", (
        Column("id", "TEXT PRIMARY KEY", "entity"), Column("kind", "TEXT NOT NULL", "entity"),
        Column("name", "TEXT", "entity"),
    ), search=("name",))]
    for section in m.SECTIONS:
        cls = section.record
        known = links(cls).kinds
        columns = _field_columns(cls, known)
        out.append(Table(section.name, "section", tuple(columns), cls, search=_searched(columns)))
        for name, kind, inner in field_kinds(cls):
            if kind not in ("ids", "records"):
                continue
            parent = Column(section.kind, f"TEXT NOT NULL REFERENCES {quote(section.name)}(id)", "parent",
                            references=section.name)
            head = [parent, Column("position", "INTEGER NOT NULL", "position")]
            if kind == "ids":
                target = _target(known[name]) if name in known else None
                rest = [Column("value", "TEXT NOT NULL", "value", name, target)]
                out.append(Table(f"{section.name}_{name}", "list", (*head, *rest), None, section.name, name))
            else:
                assert inner is not None
                rest = _field_columns(inner, known, f"{name}.")
                # A field named like the parent column (a project's ``follows`` name a project)
                # is published under the list's name: ``follows_project``.
                taken = {c.name for c in head}
                rest = [c._replace(name=f"{name}_{c.name}") if c.name in taken else c for c in rest]
                out.append(Table(f"{section.name}_{name}", "records", (*head, *rest), inner, section.name, name))
    claims = tuple(Column(name, sql, "precision", name.removesuffix("_precision"), target)
                   if name.endswith("_precision") else Column(name, sql, "claim", references=target)
                   for name, sql, target in CLAIM_COLUMNS)
    out.append(Table("claims", "claims", claims, search=CLAIM_SEARCH))
    names = [t.name for t in out]
    if len(set(names)) != len(names):  # a section named like a list's table, or entities, or claims
        raise TypeError(f"two published tables named {next(n for n in names if names.count(n) > 1)!r}")
    return tuple(out)


def table(name: str) -> Table:
    for t in tables():
        if t.name == name:
            return t
    raise KeyError(name)


def _declare(column: Column) -> str:
    sql = f"{quote(column.name)} {column.sql}".rstrip()
    if column.references is not None and "REFERENCES" not in sql:
        sql += f" REFERENCES {quote(column.references)}(id)"
    return sql


def create_statements(t: Table) -> list[str]:
    """``CREATE TABLE`` and the indexes of its foreign keys (Datasette counts the rows that
    link to a record by them)."""
    defs = [_declare(c) for c in t.columns]
    if t.kind in ("list", "records"):
        defs.append(f"PRIMARY KEY ({quote(t.columns[0].name)}, position)")
    out = [f"CREATE TABLE {quote(t.name)} ({', '.join(defs)})"]
    for c in t.columns:
        if c.references is not None and c.kind not in ("id", "parent"):
            out.append(f"CREATE INDEX {quote(f'{t.name}_{c.name}')} ON {quote(t.name)} ({quote(c.name)})")
    return out


def fts_statement(t: Table) -> str:
    """The full-text index of a table, over its own rows (``content=``: no copy of the text),
    written as Datasette recognises it."""
    columns = ", ".join(quote(c) for c in t.search)
    return (f"CREATE VIRTUAL TABLE {quote(t.name + '_fts')} USING fts5({columns}, content=[{t.name}],"
            f" content_rowid=rowid, tokenize='{TOKENIZE}')")


# Writing ------------------------------------------------------------------------------------

def _encode_number(value: int | float) -> int | float | str:
    """A figure's value: an integer beyond SQLite's 64 bits is kept as its decimal text."""
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return str(value)
    return value


def _encoder(columns: Iterable[Column]) -> Callable[[Any], list[Any]]:
    """A record's values for the columns that hold its fields (precision from the date)."""
    steps: list[Callable[[Any], Any]] = []
    for c in columns:
        if c.kind in ("parent", "position", "value"):
            continue
        name = c.field
        assert name is not None
        if c.kind == "date":
            steps.append(lambda r, name=name: None if (d := getattr(r, name)) is None else d.text)  # type: ignore[misc]
        elif c.kind == "precision":
            steps.append(lambda r, name=name: None if (d := getattr(r, name)) is None else d.precision)  # type: ignore[misc]
        elif c.kind == "bool":
            steps.append(lambda r, name=name: int(getattr(r, name)))  # type: ignore[misc]
        elif c.kind == "number":
            steps.append(lambda r, name=name: _encode_number(getattr(r, name)))  # type: ignore[misc]
        else:
            steps.append(lambda r, name=name: getattr(r, name))  # type: ignore[misc]

    def encode(record: Any) -> list[Any]:
        return [step(record) for step in steps]

    return encode


def _label(record: Any) -> str | None:
    for name in LABEL_FIELDS:
        value = getattr(record, name, None)
        if value:
            return str(value)
    return None


def _insert(t: Table) -> str:
    names = ", ".join(quote(c.name) for c in t.columns)
    return f"INSERT INTO {quote(t.name)} ({names}) VALUES ({', '.join('?' * len(t.columns))})"


class _SectionWriter:
    """Writes one section's records, their entity rows and their lists' rows, in batches."""

    def __init__(self, conn: sqlite3.Connection, section: m.Section) -> None:
        self.conn = conn
        self.kind = section.kind
        own = table(section.name)
        self.insert = _insert(own)
        self.encode = _encoder(own.columns)
        self.children: list[tuple[str, str, Callable[[Any], list[Any]] | None]] = []
        for t in tables():
            if t.parent == section.name:
                assert t.field is not None
                self.children.append((_insert(t), t.field, _encoder(t.columns) if t.kind == "records" else None))

    def write(self, records: list[Any]) -> None:
        conn = self.conn
        conn.executemany("INSERT INTO entities VALUES (?, ?, ?)", ((r.id, self.kind, _label(r)) for r in records))
        conn.executemany(self.insert, map(self.encode, records))
        for insert, field, encode in self.children:
            if encode is None:
                rows: Iterator[list[Any]] = ([r.id, i, v] for r in records for i, v in enumerate(getattr(r, field)))
            else:
                rows = ([r.id, i, *encode(item)] for r in records for i, item in enumerate(getattr(r, field)))
            conn.executemany(insert, rows)


def _claim_selects() -> list[str]:
    """``INSERT INTO claims SELECT ...`` from each table of claims, in section order (a section's
    own claims, then its nested ones)."""
    out = []
    columns = [name for name, _, _ in CLAIM_COLUMNS]
    source_kind = "s.kind" if "kind" in m.Source._fields else "NULL"
    for t in tables():
        if t.record is None or not is_claim(t.record):
            continue
        own = {c.name for c in t.columns}
        if t.kind == "section":
            kind = _literal(next(section.kind for section in m.SECTIONS if section.name == t.name))
            subject = "t.subject" if "subject" in own else "NULL"
            field_default = "NULL"
        else:
            assert t.parent is not None and t.field is not None
            parent_record = table(t.parent).record
            assert parent_record is not None
            kind = _literal(links(parent_record).backing.get(t.field, t.field))
            subject = f"t.{quote(t.columns[0].name)}"
            field_default = _literal(t.field)
        exprs = []
        for name in columns:
            if name == "kind":
                exprs.append(kind)
            elif name == "subject":
                exprs.append(subject)
            elif name == "subject_kind":
                exprs.append(f"(SELECT e.kind FROM entities e WHERE e.id = {subject})")
            elif name == "source_kind":
                exprs.append(source_kind)
            elif name in own:
                exprs.append(f"t.{quote(name)}")
            else:
                found = next((f for f in CLAIM_FIELDS.get(name, ()) if f in own), None)
                if found is not None:
                    exprs.append(f"t.{quote(found)}")
                else:
                    exprs.append(field_default if name == "field" else "NULL")
        order = "t.rowid"
        if t.kind != "section":  # nested claims in their parent's file order
            order = (f"(SELECT p.rowid FROM {quote(t.parent or '')} p WHERE p.id = t.{quote(t.columns[0].name)}),"
                     " t.position")
        out.append(f"INSERT INTO claims ({', '.join(map(quote, columns))}) SELECT {', '.join(exprs)}"
                   f" FROM {quote(t.name)} t LEFT JOIN sources s ON s.id = t.source ORDER BY {order}")
    return out


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def schema_statements(fts: bool) -> list[str]:
    """Every statement that creates the published schema (tables, indexes, full-text indexes)."""
    out = [statement for t in tables() for statement in create_statements(t)]
    if fts:
        out += [fts_statement(t) for t in tables() if t.search]
    return out


def write_book(conn: sqlite3.Connection, sections: Iterable[tuple[m.Section, Iterable[Any]]],
               batch: int = 5000) -> None:
    """Create the published schema in an empty database and fill it with the records of each
    section (memory bounded by a batch); then claims, indexes and full-text indexes. Raises
    ``ValueError`` when a reference names nothing (a book that was not checked)."""
    fts = has_fts5()
    later = ("CREATE INDEX", "CREATE VIRTUAL TABLE")
    statements = schema_statements(fts)
    for statement in statements:
        if not statement.startswith(later):
            conn.execute(statement)
    for section, records in sections:
        writer = _SectionWriter(conn, section)
        pending: list[Any] = []
        for record in records:
            pending.append(record)
            if len(pending) >= batch:
                writer.write(pending)
                pending = []
        writer.write(pending)
        conn.commit()
    for select in _claim_selects():
        conn.execute(select)
    for statement in statements:
        if statement.startswith(later):
            conn.execute(statement)
    if fts:
        for t in tables():
            if t.search:
                name = quote(t.name + "_fts")
                conn.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
    broken = conn.execute("PRAGMA foreign_key_check").fetchone()
    if broken is not None:
        raise ValueError(f"{broken[0]} row {broken[1]} refers to a missing {broken[2]} record")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {LAYOUT_VERSION}")
    conn.commit()


def write_database(path: Path, book: m.FactBook | Callable[[str], Iterable[Any]]) -> None:
    """Publish a book at ``path``: ``book``, or each section's records as ``book(name)`` gives
    them (a fact store's, one at a time). Atomically: built in a new file in the same directory,
    created with the user's umask like any file they make (``0666`` less the umask), then
    renamed over ``path``. Raises OSError, sqlite3.Error or ValueError."""
    import secrets

    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    from .write import fill_and_replace

    records = book if callable(book) else lambda name: getattr(book, name)
    fill_and_replace(temp, path, lambda conn: write_book(conn, ((s, records(s.name)) for s in m.SECTIONS)))

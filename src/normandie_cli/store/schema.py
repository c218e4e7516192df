"""The SQLite fact store's schema, derived from the model (standard library only). Writing is
``store.write``, reading back ``store.read``, the completion table ``store.completion``, the
companies queried in SQL ``query.companies``.

One table per section of ``model.SECTIONS`` (``sources``, ``places``, ``organisations``, ...),
one column per field of its record class, rows in file order (``rowid``). Dates are stored as
the text the fact file format writes (``2023-03``, ``2023-03-14/2023-03-19``, ``unknown``) and
parsed back, which gives the very same :class:`~normandie_cli.dates.PartialDate`. Tuples of
records (citations, date and status claims, locations, sides, also-known-as) are JSON text
columns: a list of each record's values in field order. Tuples of ids (an organisation's roles,
an event's places and participants) are JSON text columns too, and also child tables
(``organisations_roles``, ...) with the parent's id and the position, indexed on the value, for
filters. Columns whose name starts with ``_`` are derived, for queries: ``organisations._search``
is the folded text ``companies --search`` matches against, indexed by the FTS5 table
``organisations_fts``. ``meta`` holds what the file is (schema version, program version, the
records' field lists under ``record_layout``, and for a parse cache the fact file's path, size and modification time).
docs/storage.md describes it for people.
"""

from __future__ import annotations

import sqlite3

from .. import model as m

#: Bumped whenever the tables change: a store of another schema is never read (7: the records'
#: field lists are kept under ``record_layout``, once ``shape``, the word ``--fields``, ``--sort``
#: and ``--limit`` use). A published book has its own number: store.publish.LAYOUT_VERSION.
SCHEMA_VERSION = 7


HEADER = b"SQLite format 3\x00"


#: The FTS5 tokenizer of the search index (the text it indexes is already folded).
TOKENIZE = "unicode61 remove_diacritics 2"


#: How a field is stored: plain (text), int, number (int or float), bool, date, ids (a tuple
#: of text), records (a tuple of records).
Column = tuple[str, str, "type | None"]


def field_kinds(cls: type) -> list[Column]:
    """Each field of a record class with how it is stored, read off its annotations (strings);
    the published database (``store.publish``) derives its schema from the same reading."""
    out: list[Column] = []
    for name in cls._fields:  # type: ignore[attr-defined]
        annotation = str(cls.__annotations__[name]).replace(" ", "")
        if annotation.startswith("PartialDate"):
            out.append((name, "date", None))
        elif annotation == "tuple[str,...]":
            out.append((name, "ids", None))
        elif annotation.startswith("tuple["):
            inner = getattr(m, annotation[len("tuple["):].split(",")[0])
            out.append((name, "records", inner))
        elif annotation == "bool":
            out.append((name, "bool", None))
        elif annotation in ("int|float", "Union[int,float]"):
            out.append((name, "number", None))
        elif annotation == "int":
            out.append((name, "int", None))
        elif annotation in ("str", "str|None"):
            out.append((name, "plain", None))
        else:  # a new kind of field: the store must learn it before it can hold it
            raise TypeError(f"{cls.__name__}.{name}: no way to store a {annotation}")
    return out


#: (table, record class, columns) for every section, in file order.
TABLES: list[tuple[str, type, list[Column]]] = [
    (section.name, section.record, field_kinds(section.record)) for section in m.SECTIONS
]


#: Each section's kind (``organisations`` -> ``organisation``).
KIND = {section.name: section.kind for section in m.SECTIONS}


def record_layout() -> str:
    """The stored records' field lists (kept in ``meta`` under ``record_layout``): a store written for
    other records is never read."""
    parts = []
    for table, _cls, columns in TABLES:
        parts.append(f"{table}:{','.join(name for name, _, _ in columns)}")
        for name, kind, inner in columns:
            if kind == "records" and inner is not None:
                parts.append(f"{table}.{name}:{','.join(inner._fields)}")  # type: ignore[attr-defined]
    return ";".join(parts)


def quote(name: str) -> str:
    """A name quoted for SQL."""
    return '"' + name.replace('"', '""') + '"'


def _sql_type(kind: str) -> str:
    # "number" has no declared type: integers stay integers, floats stay floats, and an integer
    # too large for SQLite is kept as its decimal text (see _encode_number).
    return {"plain": "TEXT", "int": "INTEGER", "bool": "INTEGER", "date": "TEXT", "ids": "TEXT", "records": "TEXT",
            "number": ""}[kind]


def schema_statements(fts: bool = True) -> list[str]:
    """The statements that create the store's tables, child tables, indexes, views and FTS."""
    out = ["CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)"]
    for table, _cls, columns in TABLES:
        defs = []
        for name, kind, _ in columns:
            declared = f"{quote(name)} {_sql_type(kind)}".rstrip()
            if name == "id":
                declared += " PRIMARY KEY"
            defs.append(declared)
        if table == "organisations":
            defs.append('"_search" TEXT')
        out.append(f"CREATE TABLE {quote(table)} ({', '.join(defs)})")
        for name, kind, _ in columns:
            if kind == "ids":
                child = f"{table}_{name}"
                parent = KIND[table]
                out.append(
                    f"CREATE TABLE {quote(child)} ({quote(parent)} TEXT NOT NULL REFERENCES {quote(table)}(id), "
                    f"position INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY ({quote(parent)}, position))"
                )
                out.append(f"CREATE INDEX {quote(child + '_value')} ON {quote(child)} (value, {quote(parent)})")
    for table, column in (("organisations", "town"), ("organisations", "kind"), ("places", "department"),
                          ("figures", "subject"), ("figures", "measure"), ("figures", "source"),
                          ("figures", "as_of")):
        out.append(f"CREATE INDEX {quote(f'{table}_{column}')} ON {quote(table)} ({quote(column)})")
    out.append("CREATE TABLE completion (position INTEGER PRIMARY KEY, kind TEXT NOT NULL, folded TEXT NOT NULL,"
               " value TEXT NOT NULL, help TEXT NOT NULL)")
    out.append("CREATE INDEX completion_prefix ON completion (kind, folded)")
    out.append(
        "CREATE VIEW companies AS SELECT o.id, o.name, o.town AS town_id, p.name AS town, p.department,"
        " p.country, o.roles, o.parent, o.description, o.cite FROM organisations o"
        " LEFT JOIN places p ON p.id = o.town WHERE o.kind = 'company'"
    )
    if fts:
        out.append(
            f"CREATE VIRTUAL TABLE organisations_fts USING fts5(_search, content='organisations',"
            f" content_rowid='rowid', tokenize='{TOKENIZE}')"
        )
    return out


def has_fts5() -> bool:
    try:
        with sqlite3.connect(":memory:") as conn:
            conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        return True
    except sqlite3.Error:
        return False

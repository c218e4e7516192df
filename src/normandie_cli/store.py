"""The SQLite fact store: the schema, derived from the model; a bulk write; the whole book read
back; and queries with their filters pushed into SQL (standard library only).

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
records' shape, and for a parse cache the fact file's path, size and modification time).
docs/storage.md describes it for people.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from . import model as m
from .completion_query import complete as complete  # the completion query, re-exported
from .completion_query import complete_rows as complete_rows
from .dates import PartialDate, parse_date
from .record import Record

#: Bumped whenever the layout changes: a store of another schema is never read.
SCHEMA_VERSION = 6
HEADER = b"SQLite format 3\x00"
#: The FTS5 tokenizer of the search index (the text it indexes is already folded).
TOKENIZE = "unicode61 remove_diacritics 2"

#: How a field is stored: plain (text), int, number (int or float), bool, date, ids (a tuple
#: of text), records (a tuple of records).
Column = tuple[str, str, "type | None"]


def _field_kinds(cls: type) -> list[Column]:
    """Each field of a record class with how it is stored, read off its annotations (strings)."""
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


#: How each field of a record class is stored; the published database (publish.py) derives its
#: schema from the same reading of the fields.
field_kinds = _field_kinds


#: (table, record class, columns) for every section, in file order.
TABLES: list[tuple[str, type, list[Column]]] = [
    (section.name, section.record, _field_kinds(section.record)) for section in m.SECTIONS
]


_KIND = {section.name: section.kind for section in m.SECTIONS}


def shape() -> str:
    """The stored records' field lists: a store written for other records is never read."""
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
                parent = _KIND[table]
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


# Writing ---------------------------------------------------------------------------------

def _encode_number(value: int | float) -> int | float | str:
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return str(value)
    return value


def _nested_encoder(cls: type) -> Callable[[Record], list[Any]]:
    kinds = [kind for _, kind, _ in _field_kinds(cls)]
    if any(kind in ("records", "ids") for kind in kinds):
        raise TypeError(f"{cls.__name__}: nested tuples are not stored")
    dated = [i for i, kind in enumerate(kinds) if kind == "date"]

    def encode(record: Record) -> list[Any]:
        values = list(record.__dict__.values())
        for i in dated:
            if values[i] is not None:
                values[i] = values[i].text
        return values

    return encode


def _row_encoder(columns: list[Column]) -> Callable[[Record], list[Any]]:
    import json

    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    steps: list[Callable[[Any], Any] | None] = []
    for _, kind, inner in columns:
        if kind == "date":
            steps.append(lambda value: None if value is None else value.text)
        elif kind == "ids":
            steps.append(_memo(lambda value: dumps(list(value))))
        elif kind == "records":
            assert inner is not None
            encode = _nested_encoder(inner)
            steps.append(_memo(lambda value, encode=encode: dumps([encode(item) for item in value])))  # type: ignore[misc]
        elif kind == "bool":
            steps.append(int)
        elif kind == "number":
            steps.append(_encode_number)
        else:
            steps.append(None)

    def encode_row(record: Record) -> list[Any]:
        values = record.__dict__.values()
        return [value if step is None else step(value) for step, value in zip(steps, values, strict=True)]

    return encode_row


class _FoldTable(dict[int, str]):
    """``str.translate`` table of :func:`text.fold`'s per-character steps (NFKD, combining marks
    dropped, casefold), filled as characters are met."""

    def __missing__(self, code: int) -> str:
        import unicodedata

        decomposed = unicodedata.normalize("NFKD", chr(code))
        value = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
        self[code] = value
        return value


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """The same as :func:`text.fold`, much faster on many texts (a store is built from millions):
    every step of that fold but the last works character by character, so a translation table
    does them. The marks NFKD reorders are the combining ones, which are all dropped."""
    if not _SEPARATORS:
        import re

        from .text import SEPARATORS

        _SEPARATORS.append(re.compile(SEPARATORS).sub)
    # ASCII needs neither decomposition nor marks dropped, and its casefold is its lower case.
    return _SEPARATORS[0](" ", text.lower() if text.isascii() else text.translate(_FOLD)).strip()


_SEPARATORS: list[Callable[[str, str], str]] = []


def search_text(org: m.Organisation, place_names: dict[str, str]) -> str:
    """What ``companies --search`` matches against: the folded id, name, town name, description
    and site names (as ``query.rows.company_rows`` does); ``place_names``: each place's name
    by its id."""
    town = place_names.get(org.town) if org.town else None
    sites = dict.fromkeys(place_names.get(s.place, s.place) for s in org.sites)
    return fold(" ".join(v for v in (org.id, org.name, town, org.description, *sites) if v))


#: Organisations' completion lines (their id, then their name: folded, value, help), worked out
#: in Python as the organisations are written (by both processes of a split file: see
#: ``ingest``), so that filling the completion table at the end copies them in SQL. Dropped then.
_STAGED = "_organisations_completion"


def _staged_lines(org: m.Organisation) -> tuple[str, str, str, str]:
    """An organisation's two completion lines, as ``fill_completion`` makes the others: its id,
    and its name (matched as typed, offering the id)."""
    ident = _squash(org.id)
    return fold(ident), ident, _squash(f"{_KIND['organisations']}: {org.name or org.id}"), fold(_squash(org.name))


class Writer:
    """Fills an empty database with a fact store, record by record (:meth:`add`), in batches:
    memory is bounded by a batch, not by the book. :meth:`finish` adds what needs every record
    (the indexes, the completion table, the search index) and commits.

    A record whose id is already in its table raises ``sqlite3.IntegrityError`` (a checked book
    has none). An organisation's search text names its places: one written before all places
    were known is written again at the end."""

    def __init__(self, conn: sqlite3.Connection, meta: dict[str, str], batch: int = 5000) -> None:
        self.conn = conn
        self.batch = batch
        self.fts = has_fts5()
        later = ("CREATE INDEX", "CREATE VIRTUAL TABLE")  # made after the rows: faster, same result
        statements = schema_statements(self.fts)
        for statement in statements:
            if not statement.startswith(later):
                conn.execute(statement)
        self.later = [statement for statement in statements if statement.startswith(later)]
        info = {"schema": str(SCHEMA_VERSION), "version": __version__, "shape": shape(), "fts": str(int(self.fts)),
                **meta}
        conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(info.items()))
        conn.execute(f"CREATE TABLE {_STAGED} (id_folded TEXT, id_value TEXT, id_help TEXT, name_folded TEXT)")
        #: Each place's name by its id, for organisations' search text.
        self.place_names: dict[str, str] = {}
        self.search_stale = False
        self.counts = {table: 0 for table, _, _ in TABLES}
        self._pending: dict[str, list[Any]] = {table: [] for table, _, _ in TABLES}
        self._last = TABLES[0][0]
        self._writers = {table: self._table_writer(table, columns) for table, _, columns in TABLES}

    def _table_writer(self, table: str, columns: list[Column]) -> Callable[[list[Any]], None]:
        encode = _row_encoder(columns)
        names = [name for name, _, _ in columns]
        extra = ["_search"] if table == "organisations" else []
        insert = (f"INSERT INTO {quote(table)} ({', '.join(map(quote, names + extra))}) "
                  f"VALUES ({', '.join('?' * (len(names) + len(extra)))})")
        children = [(f"INSERT INTO {quote(f'{table}_{name}')} VALUES (?, ?, ?)", name)
                    for name, kind, _ in columns if kind == "ids"]
        conn = self.conn

        def write(records: list[Any]) -> None:
            if extra:
                names = self.place_names
                conn.executemany(insert, ([*encode(r), search_text(r, names)] for r in records))
                conn.executemany(f"INSERT INTO {_STAGED} VALUES (?, ?, ?, ?)", map(_staged_lines, records))
            else:
                conn.executemany(insert, map(encode, records))
            for statement, name in children:
                conn.executemany(statement, ((r.id, pos, value) for r in records
                                             for pos, value in enumerate(getattr(r, name))))

        return write

    def add(self, table: str, record: Any) -> None:
        """Store one record of a section (named by the section's name)."""
        if table == "places":
            self.place_names[record.id] = record.name
            if self.counts["organisations"] or self._pending["organisations"]:
                self.search_stale = True
        if table != self._last:  # a new section: the last one's records go now (one batch at a time)
            self._flush(self._last)
            self._last = table
        pending = self._pending[table]
        pending.append(record)
        if len(pending) >= self.batch:
            self._flush(table)

    def _flush(self, table: str) -> None:
        pending = self._pending[table]
        if pending:
            self._writers[table](pending)
            self.counts[table] += len(pending)
            self._pending[table] = []
            self.conn.commit()

    def flush(self) -> None:
        """Write every record still pending."""
        for table, _, _ in TABLES:
            self._flush(table)

    def finish(self) -> None:
        """Write what is pending and everything derived from all the records; commit."""
        conn = self.conn
        self.flush()
        if self.search_stale:
            self._rewrite_search_text()
        fill_completion(conn)
        for statement in self.later:
            conn.execute(statement)
        if self.fts:
            conn.execute("INSERT INTO organisations_fts(organisations_fts) VALUES ('rebuild')")
        conn.commit()

    def _rewrite_search_text(self) -> None:
        """Every organisation's search text again, now that every place is known."""
        conn = self.conn
        columns = next(columns for table, _, columns in TABLES if table == "organisations")
        decode = _row_decoder(m.Organisation, columns, _date_reader())
        names = ", ".join(quote(name) for name, _, _ in columns)
        last = 0
        while True:
            rows = conn.execute(f"SELECT rowid, {names} FROM organisations WHERE rowid > ? ORDER BY rowid LIMIT ?",
                                (last, self.batch)).fetchall()
            if not rows:
                break
            conn.executemany("UPDATE organisations SET _search = ? WHERE rowid = ?",
                             [(search_text(decode(row[1:]), self.place_names), row[0]) for row in rows])
            last = rows[-1][0]
        conn.commit()


def append_part(conn: sqlite3.Connection, path: Path) -> dict[str, int]:
    """Append the records of another store's tables (written by a :class:`Writer` without
    :meth:`Writer.finish`) after this one's, in their order; return how many per section. An id
    already in this store raises ``sqlite3.IntegrityError``."""
    conn.execute("ATTACH DATABASE ? AS part", (str(path),))
    try:
        counts = {}
        for table, _, columns in TABLES:
            for name in [table] + [f"{table}_{field}" for field, kind, _ in columns if kind == "ids"]:
                conn.execute(f"INSERT INTO main.{quote(name)} SELECT * FROM part.{quote(name)} ORDER BY rowid")
            counts[table] = conn.execute(f"SELECT count(*) FROM part.{quote(table)}").fetchone()[0]
        conn.execute(f"INSERT INTO main.{_STAGED} SELECT * FROM part.{_STAGED} ORDER BY rowid")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.execute("DETACH DATABASE part")
    return counts


def write_book(conn: sqlite3.Connection, book: m.FactBook, meta: dict[str, str], batch: int = 5000) -> None:
    """Create the schema in an empty database and fill it with ``book``, in transactions."""
    writer = Writer(conn, meta, batch)
    for table, _, _ in TABLES:
        for record in getattr(book, table):
            writer.add(table, record)
    writer.finish()


def memory_store(book: m.FactBook) -> sqlite3.Connection:
    """The store of ``book``, in memory (tab completion without a parse cache)."""
    conn = sqlite3.connect(":memory:")
    write_book(conn, book, {})
    return conn


def _squash(value: Any) -> str:
    return " ".join(str(value).split())


def _place_label(name: str, department: str | None, region: str | None, country: str | None) -> str:
    return f"{name} ({', '.join(x for x in (department, region, country) if x)})"


def fill_completion(conn: sqlite3.Connection) -> None:
    """Every value tab completion offers, as (kind, value, help), in the order offered, from
    the records already stored: each record's id under ``id:KIND`` (``id:organisation``,
    ``id:figure``, ...), then, under the same kind, each named record's id again, matched by its
    name (``folded`` is the name's: a name is typed, its id inserted); towns, départements, roles,
    measures, topics, each entity's history fields (``field:ID``) and the subjects of claims.
    Values and help are put on one line (each run of white space one space); ``folded`` is the
    text a typed prefix is matched against, folded."""
    conn.create_function("place_label", 4, _place_label, deterministic=True)
    conn.create_function("history_field", 1, m.history_field_of, deterministic=True)
    # Each select gives (k: kind, v: value, h: help, f: the text matched, o1, o2: the order
    # within the kind), folded and squashed below; the organisations' lines (most of them by far:
    # their ids, then their names) were worked out as they were written, and are copied as they are.
    org_kind = f"id:{_KIND['organisations']}"
    org_ids = f"SELECT '{org_kind}', id_folded, id_value, id_help FROM {_STAGED} ORDER BY rowid"
    org_names = f"SELECT '{org_kind}', name_folded, id_value, id_help FROM {_STAGED} ORDER BY rowid"
    selects: list[str] = []
    named: list[str] = []
    for table, _, columns in TABLES:
        if table == "organisations":
            selects.append(org_ids)
            named.append(org_names)
            continue
        names = {name for name, _, _ in columns}
        labels = [f"NULLIF({n}, '')" for n in ("name", "title") if n in names]
        label = f"COALESCE({', '.join(labels)}, id)" if labels else "id"
        row = f"SELECT 'id:{_KIND[table]}' AS k, id AS v, '{_KIND[table]}: ' || {label} AS h"
        selects.append(f"{row}, id AS f, rowid AS o1, 0 AS o2 FROM {quote(table)}")
        if "name" in names:
            named.append(f"{row}, name AS f, rowid AS o1, 0 AS o2 FROM {quote(table)}")
    selects += named
    selects += [
        "SELECT 'town' AS k, id AS v, place_label(name, department, region, country) AS h, id AS f, rowid AS o1,"
        " 0 AS o2 FROM places WHERE kind = 'town'",
        "SELECT DISTINCT 'department' AS k, department AS v, 'département' AS h, department AS f,"
        " department AS o1, 0 AS o2 FROM places WHERE department IS NOT NULL AND department != ''",
        "SELECT DISTINCT 'role' AS k, value AS v, 'role' AS h, value AS f, value AS o1, 0 AS o2"
        " FROM organisations_roles",
        "SELECT DISTINCT 'measure' AS k, measure AS v, 'measure' AS h, measure AS f, measure AS o1, 0 AS o2"
        " FROM figures",
        "SELECT DISTINCT 'topic' AS k, topic AS v, 'topic' AS h, topic AS f, topic AS o1, 0 AS o2 FROM statements",
    ]
    # Each entity's history fields (figures' measures, milestones' fields, events' dates and
    # status, projects' status, people's titles): the entities in the order first met, each one's fields in the
    # order first met.
    conn.execute("CREATE TEMP TABLE _fields (seq INTEGER PRIMARY KEY, subject TEXT, name TEXT)")
    for select in ("SELECT subject, measure FROM figures ORDER BY rowid",
                   "SELECT subject, history_field(what) FROM milestones ORDER BY rowid",
                   "SELECT id, name FROM (SELECT id, 'dates' AS name, rowid AS r, 0 AS n FROM events"
                   " WHERE dates != '[]' UNION ALL SELECT id, 'status', rowid, 1 FROM events WHERE status != '[]')"
                   " ORDER BY r, n",
                   "SELECT id, 'status' FROM projects WHERE status != '[]' ORDER BY rowid",
                   "SELECT id, 'title' FROM people WHERE titles != '[]' ORDER BY rowid"):
        conn.execute(f"INSERT INTO _fields (subject, name) {select}")
    selects.append(
        "SELECT 'field:' || f.subject AS k, f.name AS v, 'a field of ' || f.subject || '''s history' AS h,"
        " f.name AS f, s.first AS o1, f.first AS o2"
        " FROM (SELECT subject, name, min(seq) AS first FROM _fields GROUP BY subject, name) AS f"
        " JOIN (SELECT subject, min(seq) AS first FROM _fields GROUP BY subject) AS s ON s.subject = f.subject")
    # The subjects of claims, in the order first met, each with its entity's name.
    conn.execute("CREATE TEMP TABLE _subjects (seq INTEGER PRIMARY KEY, subject TEXT)")
    for table in ("figures", "milestones", "statements"):
        conn.execute(f"INSERT INTO _subjects (subject) SELECT subject FROM {table} ORDER BY rowid")
    with_name = [table for table, _, columns in TABLES if "name" in {name for name, _, _ in columns}]
    name_of = ", ".join(f"(SELECT NULLIF(name, '') FROM {quote(t)} WHERE id = s.subject)" for t in with_name)
    selects.append(f"SELECT 'subject' AS k, s.subject AS v, COALESCE({name_of}, s.subject) AS h, s.subject AS f,"
                   " s.first AS o1, 0 AS o2 FROM (SELECT subject, min(seq) AS first FROM _subjects GROUP BY subject)"
                   " AS s")
    # Folded and squashed here rather than by SQL functions: a call from SQLite into Python
    # costs more than the fold itself (1.7 s against 1.1 s for 100,000 companies).
    insert = "INSERT INTO completion (kind, folded, value, help) VALUES (?, ?, ?, ?)"
    for select in selects:
        if select in (org_ids, org_names):
            conn.execute(f"INSERT INTO completion (kind, folded, value, help) {select}")
            continue
        cursor = conn.execute(f"SELECT k, v, h, f FROM ({select}) ORDER BY o1, o2")
        while rows := cursor.fetchmany(1000):
            conn.executemany(insert, [(kind, fold(_squash(matched)), _squash(value), _squash(help_))
                                      for kind, value, help_, matched in rows])
    conn.execute("DROP TABLE _fields")
    conn.execute("DROP TABLE _subjects")
    conn.execute(f"DROP TABLE {_STAGED}")
    conn.commit()


def write_database(path: Path, book: m.FactBook, meta: dict[str, str]) -> None:
    """Write ``book`` as a store at ``path``, atomically: built in a temporary file in the same
    directory, then renamed over ``path``. Raises OSError or sqlite3.Error on failure."""
    atomically(path, lambda conn: write_book(conn, book, meta))


def atomically(path: Path, fill: Callable[[sqlite3.Connection], None]) -> None:
    """A database at ``path``, filled by ``fill`` in a temporary file in the same directory,
    then renamed over ``path``: a reader sees the old file or the whole new one. The temporary
    file is removed on any error, Ctrl-C and the signals the command line turns into one."""
    from .lock import create_owned

    path.parent.mkdir(parents=True, exist_ok=True)
    # Held (locked) while it is built: a run that finds it held leaves it; one that finds it left
    # by a run that ended, however it ended, removes it (lock.sweep).
    temp, held = create_owned(path.parent, ".tmp-", ".sqlite")
    try:
        conn = sqlite3.connect(temp)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            fill(conn)
        finally:
            conn.close()
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    finally:
        os.close(held)


# Reading ---------------------------------------------------------------------------------

def is_database(path: Path) -> bool:
    """Whether the file starts with SQLite's header."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(HEADER)) == HEADER
    except OSError:
        return False


def connect(path: Path) -> sqlite3.Connection:
    """Open a store read-only (sqlite3.Error when it cannot be)."""
    uri = "file:" + str(path.resolve()).replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    return sqlite3.connect(uri, uri=True)


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM meta")}


def is_current(meta: dict[str, str]) -> bool:
    """Written by this program version, with this schema and these records."""
    return (meta.get("schema") == str(SCHEMA_VERSION) and meta.get("version") == __version__
            and meta.get("shape") == shape())


def has_schema(conn: sqlite3.Connection, meta: dict[str, str]) -> bool:
    """Whether the database holds exactly the tables, indexes and views this version creates
    (compared by their ``CREATE`` statements, so a missing table or a column too many is seen
    before reading: SQLite reads a double-quoted name that is no column as a string)."""
    found = {str(sql) for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
             if not str(name).startswith("organisations_fts_")}
    return found == set(schema_statements(meta.get("fts") == "1"))


def _date_reader() -> Callable[[str | None], PartialDate | None]:
    seen: dict[str, PartialDate] = {}

    def read(text: str | None) -> PartialDate | None:
        if text is None:
            return None
        date = seen.get(text)
        if date is None:
            date = seen[text] = parse_date(text)
        return date

    return read


def _decode_number(value: Any) -> int | float:
    if isinstance(value, str):
        return int(value)
    if not isinstance(value, (int, float)):
        raise ValueError("a figure's value that is not a number")
    return value


def _nested_decoder(cls: type, date: Callable[[str | None], PartialDate | None]) -> Callable[[Any], Any]:
    fields = cls._fields  # type: ignore[attr-defined]
    dated = {name for name, kind, _ in _field_kinds(cls) if kind == "date"}
    new = object.__new__

    def decode(values: Any) -> Any:
        if type(values) is not list or len(values) != len(fields):
            raise ValueError(f"a {cls.__name__} of the wrong shape")
        record: Any = new(cls)
        record.__dict__.update(
            (name, date(value) if name in dated else value) for name, value in zip(fields, values, strict=True)
        )
        return record

    return decode


def _row_decoder(
    cls: type, columns: list[Column], date: Callable[[str | None], PartialDate | None]
) -> Callable[[Any], Any]:
    import json

    loads = json.loads
    stepped: list[tuple[str, int, Callable[[Any], Any]]] = []
    for i, (name, kind, inner) in enumerate(columns):
        step: Callable[[Any], Any] | None = None
        if kind == "date":
            step = date
        elif kind == "ids":
            step = _memo(lambda text: tuple(loads(text)))
        elif kind == "records":
            assert inner is not None
            one = _nested_decoder(inner, date)
            step = _memo(lambda text, one=one: tuple(map(one, loads(text))))  # type: ignore[misc]
        elif kind == "bool":
            step = bool
        elif kind == "number":
            step = _decode_number
        if step is not None:
            stepped.append((name, i, step))
    fields = cls._fields  # type: ignore[attr-defined]
    if [name for name, _, _ in columns] != list(fields):
        raise ValueError(f"{cls.__name__}: the columns are not its fields")
    new = object.__new__

    def decode(row: Any) -> Any:
        record: Any = new(cls)
        values = record.__dict__
        values.update(zip(fields, row, strict=True))
        for name, i, convert in stepped:
            values[name] = convert(row[i])
        return record

    return decode


#: How many encoded or decoded values a column remembers (see :func:`_memo`).
MEMO_LIMIT = 20_000


def _memo(convert: Callable[[Any], Any], limit: int | None = None) -> Callable[[Any], Any]:
    """``convert``, remembering its results: the same (immutable) value gives the same result,
    and many records share a citation list or a list of roles. At most ``limit`` results are
    remembered (then forgotten all at once), so that memory does not grow with the book."""
    seen: dict[Any, Any] = {}
    most = MEMO_LIMIT if limit is None else limit

    def read(text: Any) -> Any:
        value = seen.get(text)
        if value is None:
            if len(seen) >= most:
                seen.clear()
            value = seen[text] = convert(text)
        return value

    return read


def read_book(conn: sqlite3.Connection, path: str) -> m.FactBook:
    """The whole book, exactly as it was written (sqlite3.Error or ValueError when it cannot be)."""
    from .memory import gc_paused

    date = _date_reader()
    sections: dict[str, tuple[Any, ...]] = {}
    with gc_paused():
        for table, cls, columns in TABLES:
            decode = _row_decoder(cls, columns, date)
            names = ", ".join(quote(name) for name, _, _ in columns)
            cursor = conn.execute(f"SELECT {names} FROM {quote(table)} ORDER BY rowid")
            sections[table] = tuple(map(decode, cursor))
        return m.FactBook(path=path, **sections)


def read_records(conn: sqlite3.Connection, table: str) -> Iterator[Any]:
    """The records of one section's table, in file order, one at a time (what ``read_book``
    reads, without the whole book in memory: ``normandie export sqlite`` publishes from it)."""
    cls, columns = next((cls, columns) for name, cls, columns in TABLES if name == table)
    decode = _row_decoder(cls, columns, _date_reader())
    names = ", ".join(quote(name) for name, _, _ in columns)
    yield from map(decode, conn.execute(f"SELECT {names} FROM {quote(table)} ORDER BY rowid"))


# Queries ---------------------------------------------------------------------------------

def _places(conn: sqlite3.Connection) -> dict[str, tuple[str, str | None, str]]:
    """Every place's name, département and country by id (a register has few places)."""
    return {pid: (name, department, country)
            for pid, name, department, country in conn.execute(
                "SELECT id, name, department, country FROM places ORDER BY rowid")}


def fts_terms(needle: str) -> str | None:
    """An FTS5 query every row whose folded text contains ``needle`` (folded) matches, or
    ``None`` when the index cannot narrow the search: the words inside the needle must be whole
    words of the text, and its last word must begin one. Only words of letters and digits are
    used, so that the tokenizer reads them as the same single word in the text and the query."""
    words = needle.split(" ")
    if len(words) < 2:
        return None
    terms = [f'"{w}"' for w in words[1:-1] if w.isalnum()]
    if words[-1].isalnum():
        terms.append(f'"{words[-1]}"*')
    return " AND ".join(terms) or None


def company_rows(
    conn: sqlite3.Connection,
    town: str | None = None,
    department: str | None = None,
    role: str | None = None,
    search: str | None = None,
    limit: int | None = None,
    sort: Sequence[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """The rows of ``query.rows.company_rows`` for the same filters, found in the store, as they
    come out of SQLite (memory does not grow with the number of rows): the
    town and département filters become a set of town ids (folded in Python: there are few
    places), the role filter a look-up in ``organisations_roles``, ``--search`` a substring test
    on the folded text (narrowed by the FTS index when the needle has several words).

    ``sort``: fields of the companies listing, ``-name`` descending (every field is in
    :data:`COMPANY_SORTS`), applied in SQL before ``limit``, in exactly the order
    ``query.shape.sort_rows`` gives those rows (see :func:`_company_order`)."""
    # No json module on this path (it costs start-up): id lists are written and read as text,
    # exactly, since an id is lower-case letters, digits and hyphens; sources come out of SQLite.
    def id_list(ids: list[str]) -> str:
        return "[" + ",".join(f'"{i}"' for i in ids) + "]"

    places = _places(conn)
    where = ["o.kind = 'company'"]
    params: list[Any] = []
    # A seat or a site in the places wanted (sites are few: a JSON scan of the rows that have one).
    in_places = ("(o.town IN (SELECT value FROM json_each(?)) OR (o.sites != '[]' AND EXISTS ("
                 "SELECT 1 FROM json_each(o.sites) AS s WHERE json_extract(s.value, '$[0]') "
                 "IN (SELECT value FROM json_each(?)))))")
    from .text import pick  # the filters' one rule, as query.rows applies it

    known = filter_vocabularies(conn, places, roles=role is not None) if (town, department, role) != (
        None, None, None) else {}
    if town is not None:
        ids = pick(town, known["town"])[0]
        where.append(in_places)
        params += [id_list(ids), id_list(ids)]
    if department is not None:
        departments = pick(department, known["department"])[0]
        ids = [pid for pid, (_, dep, _) in places.items() if dep in departments]
        where.append(in_places)
        params += [id_list(ids), id_list(ids)]
    if role is not None:
        values = pick(role, known["role"])[0]
        where.append("o.id IN (SELECT organisation FROM organisations_roles"
                     " WHERE value IN (SELECT value FROM json_each(?)))")
        params.append(id_list(values))
    if search is not None:
        needle = fold(search)
        where.append("instr(o._search, ?) > 0")
        params.append(needle)
        terms = fts_terms(needle)
        if terms is not None and read_meta_value(conn, "fts") == "1":
            where.append("o.rowid IN (SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH ?)")
            params.append(terms)
    @_memo
    def sources_of(cited: str | None) -> tuple[str, ...]:  # many companies share a citation list
        return tuple(dict.fromkeys(cited.split(","))) if cited else ()

    roles_of = _memo(lambda text: tuple(text[2:-2].split('","')) if text != "[]" else ())

    def sites_of(text: str | None) -> list[str]:
        if not text:
            return []
        ids = text.split(",")
        return list(dict.fromkeys(places[i][0] if i in places else i for i in ids))

    order = _company_order(conn, sort, places, sources_of, roles_of, sites_of) if sort else "o.rowid"
    sql = (f"SELECT o.id, o.name, o.town, o.roles, o.description, {_CITED}, {_SITES} FROM organisations o "
           f"WHERE {' AND '.join(where)} ORDER BY {order}")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)

    return _company_stream(conn.execute(sql, params), places, sites_of, roles_of, sources_of)


def _company_stream(cursor: Any, places: dict[str, tuple[str, str | None, str]], sites_of: Callable[[Any], Any],
                    roles_of: Callable[[Any], Any], sources_of: Callable[[Any], Any]) -> Iterator[dict[str, Any]]:
    """The rows as they come out of SQLite, one at a time."""
    for oid, name, town_id, roles, description, cited, sites in cursor:
        place = places.get(town_id) if town_id else None
        yield {
            "id": oid,
            "name": name,
            "town": place[0] if place else None,
            "town_id": town_id,
            "department": place[1] if place else None,
            "country": place[2] if place else None,
            "sites": sites_of(sites),
            "roles": list(roles_of(roles)),
            "description": description,
            "source": list(sources_of(cited)),
        }


#: A company's citations' source ids and its sites' place ids, comma-separated, in order.
_CITED = "(SELECT group_concat(json_extract(c.value, '$[0]'), ',') FROM json_each(o.cite) AS c)"
_SITES = "(SELECT group_concat(json_extract(s.value, '$[0]'), ',') FROM json_each(o.sites) AS s)"

#: Each field of the companies listing as the SQL of its sort key over ``organisations o``:
#: ``query.shape._sort_value``'s folded text (a list's values joined by ``"; "``, then folded),
#: ``NULL`` when the value is absent. The functions are registered by :func:`_company_order`.
COMPANY_SORTS = {
    "id": "sort_fold(o.id)",
    "name": "sort_fold(o.name)",
    "town": "sort_place(o.town, 0)",
    "town_id": "sort_fold(o.town)",
    "department": "sort_place(o.town, 1)",
    "country": "sort_place(o.town, 2)",
    "sites": f"sort_sites({_SITES})",
    "roles": "sort_roles(o.roles)",
    "description": "sort_fold(o.description)",
    "source": f"sort_sources({_CITED})",
}

#: ``NULLS LAST`` is SQLite 3.30 and later; before, ``k IS NULL, k`` (the key computed twice).
_NULLS_LAST = sqlite3.sqlite_version_info >= (3, 30, 0)


def _company_order(
    conn: sqlite3.Connection,
    keys: Sequence[str],
    places: dict[str, tuple[str, str | None, str]],
    sources_of: Callable[[str | None], tuple[str, ...]],
    roles_of: Callable[[str], tuple[str, ...]],
    sites_of: Callable[[str | None], list[str]],
) -> str:
    """The ``ORDER BY`` of companies sorted by ``keys``, with its key functions registered on
    ``conn``. The order is ``query.shape.sort_rows``'s: each key's folded text, descending for
    ``-key``, absent values (``NULL``) last either way, then file order (``o.rowid``, also when
    descending: that sort is stable). The keys come from the very converters the rows are built
    with, so a key is the fold of the value the row shows."""
    def folded(text: str | None) -> str | None:
        return None if text is None else fold(text)

    def joined(values: Sequence[str]) -> str:
        return fold("; ".join(values))

    place_keys: dict[tuple[str | None, int], str | None] = {}

    def place_key(town_id: str | None, index: int) -> str | None:  # few places: each folded once
        key = (town_id, index)
        if key not in place_keys:
            place = places.get(town_id) if town_id else None
            value = place[index] if place else None
            place_keys[key] = None if value is None else fold(value)
        return place_keys[key]

    for name, arity, func in (
        ("sort_fold", 1, folded),
        ("sort_place", 2, place_key),
        ("sort_sites", 1, lambda text: joined(sites_of(text))),
        ("sort_roles", 1, _memo(lambda text: joined(roles_of(text)))),
        ("sort_sources", 1, _memo(lambda text: joined(sources_of(text)))),
    ):
        conn.create_function(name, arity, func, deterministic=True)
    terms = []
    for key in keys:
        name = key[1:] if key.startswith("-") else key
        if name not in COMPANY_SORTS:
            raise ValueError(f"companies cannot be sorted by {name!r} in the store")
        column, direction = COMPANY_SORTS[name], " DESC" if key.startswith("-") else ""
        terms.append(f"{column}{direction} NULLS LAST" if _NULLS_LAST else f"{column} IS NULL, {column}{direction}")
    return ", ".join([*terms, "o.rowid"])


def filter_vocabularies(
    conn: sqlite3.Connection, places: dict[str, tuple[str, str | None, str]] | None = None, roles: bool = True
) -> dict[str, dict[str, tuple[str, ...]]]:
    """The places, départements and roles a fact store knows, each value's spellings by its key
    (see ``query.rows.filter_vocabularies``); ``places``: :func:`_places`, when already read;
    ``roles=False``: no roles (they are read from an index as long as the register)."""
    places = _places(conn) if places is None else places
    departments = sorted({dep for _, dep, _ in places.values() if dep})
    found = conn.execute("SELECT DISTINCT value FROM organisations_roles") if roles else ()
    return {"town": {pid: (pid, name) for pid, (name, _, _) in places.items()},
            "department": {d: (d,) for d in departments}, "role": {r: (r,) for r in sorted({r for (r,) in found})}}


def read_meta_value(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])

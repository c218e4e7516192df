"""Writing a fact store: a bulk write, record by record in batches, then what needs every record
(indexes, the completion table, the search index); atomically, in a temporary file renamed over
the store (standard library only). The layout is ``store.schema``'s."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import __version__
from .. import model as m
from ..record import Record
from ..text import fold
from .completion import STAGED, fill_completion, staged_lines
from .read import date_reader, memo, row_decoder
from .schema import SCHEMA_VERSION, TABLES, Column, field_kinds, has_fts5, quote, record_layout, schema_statements


def _encode_number(value: int | float) -> int | float | str:
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return str(value)
    return value


def _nested_encoder(cls: type) -> Callable[[Record], list[Any]]:
    kinds = [kind for _, kind, _ in field_kinds(cls)]
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
            steps.append(memo(lambda value: dumps(list(value))))
        elif kind == "records":
            assert inner is not None
            encode = _nested_encoder(inner)
            steps.append(memo(lambda value, encode=encode: dumps([encode(item) for item in value])))  # type: ignore[misc]
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


def search_text(org: m.Organisation, place_names: dict[str, str]) -> str:
    """What ``companies --search`` matches against: the folded id, name, town name, description
    and site names (as ``query.rows.company_rows`` does); ``place_names``: each place's name
    by its id."""
    town = place_names.get(org.town) if org.town else None
    sites = dict.fromkeys(place_names.get(s.place, s.place) for s in org.sites)
    return fold(" ".join(v for v in (org.id, org.name, town, org.description, *sites) if v))


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
        info = {"schema": str(SCHEMA_VERSION), "version": __version__, "record_layout": record_layout(),
                "fts": str(int(self.fts)), **meta}
        conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(info.items()))
        conn.execute(f"CREATE TABLE {STAGED} (id_folded TEXT, id_value TEXT, id_help TEXT, name_folded TEXT)")
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
                conn.executemany(f"INSERT INTO {STAGED} VALUES (?, ?, ?, ?)", map(staged_lines, records))
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
        decode = row_decoder(m.Organisation, columns, date_reader())
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
        fill_and_replace(Path(temp), path, fill)
    finally:
        os.close(held)


def fill_and_replace(temp: Path, path: Path, fill: Callable[[sqlite3.Connection], None]) -> None:
    """Fill the database ``temp`` (already created, empty) with ``fill``, then rename it over
    ``path``; on any error, Ctrl-C or signal, remove it and raise."""
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

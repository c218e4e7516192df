"""Reading a fact store back: is it one, is it current, the whole book or one section's records,
exactly as written (standard library only)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .. import __version__
from .. import model as m
from ..dates import PartialDate, parse_date
from .schema import HEADER, SCHEMA_VERSION, TABLES, Column, field_kinds, quote, record_layout, schema_statements


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


def read_meta_value(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def is_current(meta: dict[str, str]) -> bool:
    """Written by this program version, with this schema and these records."""
    return (meta.get("schema") == str(SCHEMA_VERSION) and meta.get("version") == __version__
            and meta.get("record_layout") == record_layout())


def has_schema(conn: sqlite3.Connection, meta: dict[str, str]) -> bool:
    """Whether the database holds exactly the tables, indexes and views this version creates
    (compared by their ``CREATE`` statements, so a missing table or a column too many is seen
    before reading: SQLite reads a double-quoted name that is no column as a string)."""
    found = {str(sql) for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
             if not str(name).startswith("organisations_fts_")}
    return found == set(schema_statements(meta.get("fts") == "1"))


def date_reader() -> Callable[[str | None], PartialDate | None]:
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
    dated = {name for name, kind, _ in field_kinds(cls) if kind == "date"}
    new = object.__new__

    def decode(values: Any) -> Any:
        if type(values) is not list or len(values) != len(fields):
            raise ValueError(f"a {cls.__name__} with the wrong number of fields")
        record: Any = new(cls)
        record.__dict__.update(
            (name, date(value) if name in dated else value) for name, value in zip(fields, values, strict=True)
        )
        return record

    return decode


def row_decoder(
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
            step = memo(lambda text: tuple(loads(text)))
        elif kind == "records":
            assert inner is not None
            one = _nested_decoder(inner, date)
            step = memo(lambda text, one=one: tuple(map(one, loads(text))))  # type: ignore[misc]
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


#: How many encoded or decoded values a column remembers (see :func:`memo`).
MEMO_LIMIT = 20_000


def memo(convert: Callable[[Any], Any], limit: int | None = None) -> Callable[[Any], Any]:
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
    from ..memory import gc_paused

    date = date_reader()
    sections: dict[str, tuple[Any, ...]] = {}
    with gc_paused():
        for table, cls, columns in TABLES:
            decode = row_decoder(cls, columns, date)
            names = ", ".join(quote(name) for name, _, _ in columns)
            cursor = conn.execute(f"SELECT {names} FROM {quote(table)} ORDER BY rowid")
            sections[table] = tuple(map(decode, cursor))
        return m.FactBook(path=path, **sections)


def read_records(conn: sqlite3.Connection, table: str) -> Iterator[Any]:
    """The records of one section's table, in file order, one at a time (what ``read_book``
    reads, without the whole book in memory: ``normandie export sqlite`` publishes from it)."""
    cls, columns = next((cls, columns) for name, cls, columns in TABLES if name == table)
    decode = row_decoder(cls, columns, date_reader())
    names = ", ".join(quote(name) for name, _, _ in columns)
    yield from map(decode, conn.execute(f"SELECT {names} FROM {quote(table)} ORDER BY rowid"))

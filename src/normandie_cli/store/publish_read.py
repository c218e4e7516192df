"""Reading a published fact book back (``--data book.sqlite``): is it one, can this version read
it (its layout version and tables), and the whole book, exactly as it was published. The layout
is ``store.publish``'s (standard library only)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import model as m
from ..dates import PartialDate, parse_date
from .publish import APPLICATION_ID, LAYOUT_VERSION, Table, create_statements, table, tables
from .schema import HEADER, quote


def is_published(path: Path) -> bool:
    """Whether the file is a SQLite database whose header names it a published fact book (a
    FIFO or a device is not read: it is none)."""
    try:
        if not path.is_file():
            return False
        with open(path, "rb") as handle:
            head = handle.read(72)
    except OSError:
        return False
    return head[: len(HEADER)] == HEADER and int.from_bytes(head[68:72], "big") == APPLICATION_ID


def check(conn: sqlite3.Connection) -> None:
    """Raise ``ValueError`` unless this version can read the database: its layout version, and
    every table a book is read from exactly as this version creates it."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != LAYOUT_VERSION:
        raise ValueError(f"published with layout {version}, this version reads layout {LAYOUT_VERSION}")
    found = {str(name): str(sql) for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL")}
    for t in tables():
        if t.kind in ("section", "list", "records"):
            expected = create_statements(t)[0]
            if found.get(t.name) != expected:
                raise ValueError(f"its table {t.name} is not the one this version publishes")


def _date_reader() -> Callable[[Any], PartialDate | None]:
    seen: dict[str, PartialDate] = {}

    def read(text: Any) -> PartialDate | None:
        if text is None:
            return None
        date = seen.get(text)
        if date is None:
            date = seen[text] = parse_date(str(text))
        return date

    return read


def _decode_number(value: Any) -> int | float:
    if isinstance(value, str):
        return int(value)
    if type(value) not in (int, float):
        raise ValueError("a value that is not a number")
    return value  # type: ignore[no-any-return]


def _decode_bool(value: Any) -> bool:
    return bool(value)


#: What SQLite must hold in a column of each kind (``typeof``): checked in SQL before reading, since
#: a database edited by hand may hold a blob, a number or a text anywhere.
_TYPES = {"id": "'text'", "plain": "'text', 'null'", "date": "'text', 'null'", "int": "'integer', 'null'",
          "bool": "'integer'", "number": "'integer', 'real', 'text'", "value": "'text'", "parent": "'text'"}


def _check_types(conn: sqlite3.Connection, t: Table) -> None:
    """Raise ``ValueError`` naming the first column of ``t`` that holds a value of the wrong type."""
    for c in t.columns:
        if c.kind not in _TYPES:
            continue
        test = f"typeof({quote(c.name)}) NOT IN ({_TYPES[c.kind]})"
        if c.kind == "bool":
            test += f" OR {quote(c.name)} NOT IN (0, 1)"
        row = conn.execute(f"SELECT typeof({quote(c.name)}) FROM {quote(t.name)} WHERE {test} LIMIT 1").fetchone()
        if row is not None:
            raise ValueError(f"{t.name}.{c.name} holds a {row[0]} value where it holds "
                             f"{'0 or 1' if c.kind == 'bool' else _TYPES[c.kind].replace(chr(39), '')}")


def _reader(t: Table, date: Callable[[Any], PartialDate | None]) -> tuple[str, Callable[[Any], dict[str, Any]]]:
    """The ``SELECT`` of a table's field columns and how a row becomes field values (its types
    checked first: :func:`_check_types`)."""
    held = [c for c in t.columns if c.kind in ("id", "plain", "int", "number", "bool", "date")]
    steps: dict[str, Callable[[Any], Any]] = {"date": date, "bool": _decode_bool, "number": _decode_number}
    stepped = [(str(c.field), i, steps[c.kind]) for i, c in enumerate(held) if c.kind in steps]
    names = [str(c.field) for c in held]
    select = ", ".join(f"t.{quote(c.name)}" for c in held)

    def values(row: Any) -> dict[str, Any]:
        out = dict(zip(names, row, strict=True))
        for name, i, step in stepped:
            out[name] = step(row[i])
        return out

    return select, values


def _builder(cls: type) -> Callable[[dict[str, Any]], Any]:
    """A record of ``cls`` from its published fields (those not published take their defaults:
    every other field is a column or a list, so none is missing)."""
    template = cls._template  # type: ignore[attr-defined]
    new = object.__new__

    def build(values: dict[str, Any]) -> Any:
        record: Any = new(cls)
        fields = record.__dict__
        fields.update(template)  # every field, in order
        fields.update(values)
        return record

    return build


def read_book(conn: sqlite3.Connection, path: str) -> m.FactBook:
    """The fact book a published database holds, as the fact file gave it (``line`` is 0: the
    file's lines are not published). Raises ``ValueError`` or ``sqlite3.Error``."""
    from ..memory import gc_paused

    check(conn)
    date = _date_reader()
    sections: dict[str, tuple[Any, ...]] = {}
    with gc_paused():
        for section in m.SECTIONS:
            own = table(section.name)
            lists: dict[str, dict[str, list[Any]]] = {}
            for t in tables():
                if t.parent != section.name:
                    continue
                assert t.field is not None
                parent = quote(t.columns[0].name)
                items: dict[str, list[Any]] = {}
                _check_types(conn, t)
                if t.kind == "list":
                    for pid, value in conn.execute(f"SELECT {parent}, value FROM {quote(t.name)} ORDER BY {parent},"
                                                   " position"):
                        items.setdefault(pid, []).append(value)
                else:
                    select, values = _reader(t, date)
                    assert t.record is not None
                    build = _builder(t.record)
                    for row in conn.execute(f"SELECT t.{parent}, {select} FROM {quote(t.name)} t ORDER BY t.{parent},"
                                            " t.position"):
                        items.setdefault(row[0], []).append(build(values(row[1:])))
                lists[t.field] = items
            _check_types(conn, own)
            select, values = _reader(own, date)
            build = _builder(section.record)
            records = []
            for row in conn.execute(f"SELECT {select} FROM {quote(own.name)} t ORDER BY t.rowid"):
                fields = values(row)
                for field, items in lists.items():
                    fields[field] = tuple(items.get(fields["id"], ()))
                records.append(build(fields))
            sections[section.name] = tuple(records)
        return m.FactBook(path=path, **sections)

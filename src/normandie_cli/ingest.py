"""Build a fact store from a YAML fact file as it is read: each record goes into SQLite as soon
as it is parsed, so memory is bounded by a batch of records, not by the file.

A file with record-level problems raises the first one (as :func:`book.load_facts` does). The
references between records are checked in SQL once every record is stored; when any is wrong
(an unknown or duplicated id, an id of the wrong kind) :class:`NeedsBook` is raised and the
caller reads the file the ordinary way, whose checks name every problem exactly. Standard
library only.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from . import model as m
from .errors import first_problem
from .loader import DEFAULT_MAX_SIZE, stream_facts
from .store import TABLES, Writer, atomically, quote


class NeedsBook(Exception):
    """The file's references are not all right: read it whole to say what is wrong."""


#: How many distinct references are remembered to skip writing them again (a town or a
#: source is named by many records); past that, the memory is cleared.
_SEEN_LIMIT = 100_000


class _References:
    """Every reference a record makes, checked against the records' ids once all are stored.

    Sources come first in what the loader gives (claims take their dates from them), so a
    cited source is checked at once; other references (which may point forward) are kept in a
    temporary table, once each as far as memory allows."""

    def __init__(self, conn: sqlite3.Connection, batch: int) -> None:
        self.conn = conn
        self.batch = batch
        self.sources: set[str] = set()
        self.seen: set[tuple[str, str]] = set()
        self.pending: list[tuple[str, str]] = []
        conn.execute("CREATE TEMP TABLE _references (ref TEXT NOT NULL, wanted TEXT NOT NULL)")

    def add(self, kind: str, record: Any) -> None:
        if kind == "source":
            self.sources.add(record.id)
            return
        for source, _, _ in record.cited():
            if source not in self.sources:
                raise NeedsBook(f"{record.id}: source {source!r}")
        for _, ref, wanted in record.refers():
            if ref is None:
                continue
            pair = (ref, "," + ",".join(wanted) + "," if wanted else "")
            if pair in self.seen:
                continue
            if len(self.seen) >= _SEEN_LIMIT:
                self.seen.clear()
            self.seen.add(pair)
            self.pending.append(pair)
            if len(self.pending) >= self.batch:
                self.flush()

    def flush(self) -> None:
        self.conn.executemany("INSERT INTO _references VALUES (?, ?)", self.pending)
        self.pending = []

    def check(self, counts: dict[str, int]) -> None:
        """Raise NeedsBook unless every id is unique across the tables and every reference
        names a record of a kind it allows."""
        self.flush()
        conn = self.conn
        kinds = {section.name: section.kind for section in m.SECTIONS}
        tables = sorted(kinds, key=lambda t: counts.get(t, 0))
        for i, small in enumerate(tables):  # ids are unique within a table (its primary key)
            for large in tables[i + 1:]:
                if conn.execute(f"SELECT 1 FROM {quote(small)} AS a WHERE EXISTS (SELECT 1 FROM {quote(large)}"
                                " AS b WHERE b.id = a.id) LIMIT 1").fetchone():
                    raise NeedsBook(f"an id both in {small} and in {large}")
        kind_of = "COALESCE(" + ", ".join(
            f"(SELECT '{kinds[table]}' FROM {quote(table)} WHERE id = r.ref)" for table, _, _ in TABLES) + ")"
        wrong = conn.execute(
            f"SELECT ref FROM (SELECT r.ref, r.wanted, {kind_of} AS found FROM (SELECT DISTINCT ref, wanted"
            " FROM _references) AS r) WHERE found IS NULL OR (wanted != '' AND instr(wanted, ',' || found || ',') = 0)"
            " LIMIT 1").fetchone()
        if wrong:
            raise NeedsBook(f"reference {wrong[0]!r}")
        conn.execute("DROP TABLE _references")


def build(file: Path, target: Path, meta: dict[str, str], max_size: int = DEFAULT_MAX_SIZE,
          batch: int = 5000) -> None:
    """Write the fact store of ``file`` at ``target``, atomically (built in a temporary file
    in the same directory, then renamed). Raises DataError for a file with problems,
    NeedsBook when its references must be checked on the whole book, OSError or
    sqlite3.Error when the store cannot be written."""
    kinds = {section.name: section.kind for section in m.SECTIONS}

    def fill(conn: sqlite3.Connection) -> None:
        writer = Writer(conn, meta, batch)
        references = _References(conn, batch)

        def sink(section: str, record: Any) -> None:
            references.add(kinds[section], record)
            try:
                writer.add(section, record)
            except sqlite3.IntegrityError:  # an id twice in one section
                raise NeedsBook(f"{record.id}: twice in {section}") from None

        problems = stream_facts(file, sink, max_size)
        if problems:
            raise first_problem(problems)
        try:
            writer.flush()
        except sqlite3.IntegrityError:
            raise NeedsBook("an id twice in one section") from None
        references.check(writer.counts)
        writer.finish()

    atomically(target, fill)

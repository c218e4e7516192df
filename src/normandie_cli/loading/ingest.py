"""Build a fact store from a YAML fact file as it is read: each record goes into SQLite as soon
as it is parsed, so memory is bounded by a batch of records, not by the file.

A file with record-level problems raises the first one (as :func:`book.load_facts` does). The
references between records are checked in SQL once every record is stored; when any is wrong
(an unknown or duplicated id, an id of the wrong kind) :class:`NeedsBook` is raised and the
caller reads the file the ordinary way, whose checks name every problem exactly.

On a machine with more than one core, a large file is read by as many processes as there are
usable cores (:class:`_Split`): when a section starts with 4 MiB or more of the file still to
read and the first Nth of that ends in the section (N processes), a second one reads from there
to the end into a store of its own, which is appended to this one's when this one has read up
to it; the second does the same with the processes left, and so on, each reading about an Nth.
Anything unusual in a later part (an error, a problem, a section it cannot stream) and the
process before reads it too, as if there were no split. Standard library only.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, NoReturn

from .. import model as m
from ..dates import PartialDate
from ..errors import first_problem
from ..store.completion import STAGED
from ..store.schema import TABLES, quote
from ..store.write import Writer, atomically
from ..testhook import checkpoint, without_hook
from .events import Sink
from .files import DEFAULT_MAX_SIZE
from .reader import stream_facts
from .split import split_point, stream_rest

if TYPE_CHECKING:
    import subprocess


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

    def add(self, kind: str, record: m.Entity) -> None:
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


def _sink(writer: Writer, references: _References) -> Sink:
    kinds = {section.name: section.kind for section in m.SECTIONS}

    def sink(section: str, record: m.Entity) -> None:
        references.add(kinds[section], record)
        try:
            writer.add(section, record)
        except sqlite3.IntegrityError:  # an id twice in one section
            raise NeedsBook(f"{record.id}: twice in {section}") from None

    return sink


def _flush(writer: Writer) -> None:
    try:
        writer.flush()
    except sqlite3.IntegrityError:
        raise NeedsBook("an id twice in one section") from None


#: A section with at least this many bytes still to read is read by two processes.
SPLIT_MIN = 4 << 20


#: How many processes read a large file: a whole number, 1 or more (1: no split); without it,
#: the cores this process may run on.
PROCESSES_ENV = "NORMANDIE_PROCESSES"


def processes() -> int:
    """How many processes may read a large file: ``NORMANDIE_PROCESSES``, else the usable cores
    (``os.sched_getaffinity``, which honours ``taskset`` and a container's CPU set)."""
    text = os.environ.get(PROCESSES_ENV, "").strip()
    if text:
        if not text.isdigit() or int(text) < 1:
            from ..errors import UsageError
            raise UsageError(f"{PROCESSES_ENV} must be a whole number of processes, 1 or more, not {text[:20]!r}")
        return int(text)
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


class ReadPlan(NamedTuple):
    """How a cold read is carried out: the program takes the defaults; tests and benchmarks
    set them. A section with ``split_min`` bytes (default SPLIT_MIN) or more still to read is
    read by ``readers`` processes (default :func:`processes`; at least two when ``split`` is
    true, one when it is false), the second from the first item after the first Nth of what is
    left, or after byte ``split_at``, and so on. ``batch``: records written at a time."""

    batch: int = 5000
    split: bool | None = None
    split_min: int | None = None
    split_at: int | None = None
    readers: int | None = None

    def process_count(self) -> int:
        count = 1 if self.split is False else self.readers if self.readers is not None else processes()
        return max(count, 2) if self.split else count


#: The program's plan: every default.
DEFAULT_PLAN = ReadPlan()


def build(file: Path, target: Path, meta: dict[str, str], max_size: int = DEFAULT_MAX_SIZE,
          verify: Callable[[], None] | None = None, plan: ReadPlan = DEFAULT_PLAN) -> None:
    """Write the fact store of ``file`` at ``target``, atomically (built in a temporary file
    in the same directory, then renamed), read as ``plan`` says. Raises DataError for a file
    with problems, NeedsBook when its references must be checked on the whole book, OSError
    or sqlite3.Error when the store cannot be written.

    ``verify`` is called once the whole file is read (by every process), before the store is
    renamed into place: it raises to leave nothing behind (``stamp.Reading.check``: the file
    changed while it was read)."""

    def fill(conn: sqlite3.Connection) -> None:
        writer = Writer(conn, meta, plan.batch)
        references = _References(conn, plan.batch)
        splitter = None
        count = plan.process_count()
        if count > 1:
            splitter = _Split(file, target.parent, meta, writer, references, plan._replace(readers=count))
        try:
            problems = stream_facts(file, _sink(writer, references), max_size, splitter)
        finally:
            if splitter is not None:
                splitter.abandon()
        if problems:
            raise first_problem(problems)
        _flush(writer)
        references.check(writer.counts)
        writer.finish()
        if verify is not None:
            verify()

    atomically(target, fill)


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
        conn.execute(f"INSERT INTO main.{STAGED} SELECT * FROM part.{STAGED} ORDER BY rowid")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.execute("DETACH DATABASE part")
    return counts


class _Split:
    """``events.Splitter`` by a second process (a fresh Python running :func:`part_main`, not a
    fork: nothing of this process's state, threads or locks is inherited), which reads the end
    of the file into a store of its own: a Writer's tables, without what :meth:`Writer.finish`
    adds, and the references to check. This process appends it to its own when it reaches the
    part's first line. With ``readers`` processes in all (this one included), this one reads
    about 1/``readers`` of what is left and the second is given ``readers - 1``: it splits its
    own end the same way, a chain of processes each reading about as much.

    ``base`` is what to add to this reader's lines to make the file's: 0 in the first process;
    in a later one, which reads from its part's first line with the section's key before it,
    that line less one (:func:`split.stream_rest`).

    Nothing outlives this process: an error, Ctrl-C or a signal stops the second process and
    removes its part (:meth:`abandon`, from ``stream_facts``'s ``finally``); if this process is
    killed outright, the second one sees its standard input (a pipe from this one) close, removes
    its part and exits. Both hold the part locked while they live (``lock.create_owned``), so a
    later run removes a part left by two processes killed at once (``lock.sweep``)."""

    def __init__(self, file: Path, folder: Path, meta: dict[str, str], writer: Writer,
                 references: _References, plan: ReadPlan, base: int = 0) -> None:
        self.file = file
        self.folder = folder
        self.meta = meta
        self.batch = plan.batch
        self.writer = writer
        self.references = references
        self.split_min = SPLIT_MIN if plan.split_min is None else plan.split_min
        self.split_at = plan.split_at
        self.readers = plan.readers or 2
        self.base = base
        self.process: subprocess.Popen[bytes] | None = None
        self.part: Path | None = None
        self.held: int | None = None  # the descriptor that holds the part locked

    def plan(self, section: str, line: int, column: int, position: int,
             published: dict[str, PartialDate]) -> int | None:
        # The part's organisations' search text names the places known when it starts.
        if section == "places":
            return None
        size = self.file.stat().st_size
        if size - position < self.split_min:
            return None
        start = self.split_at if self.split_at is not None else position + (size - position) // self.readers
        point = split_point(self.file, start, column, line + self.base)
        if point is None:
            return None
        import json
        import subprocess
        import sys

        from ..store.lock import create_owned

        offset, split = point
        try:
            self.part, self.held = create_owned(self.folder, ".part-", ".sqlite")
        except OSError:
            return None
        part = str(self.part)
        job = {"file": str(self.file), "section": section, "offset": offset, "line": split,
               "meta": self.meta, "batch": self.batch, "places": self.writer.place_names,
               "folder": str(self.folder), "readers": self.readers - 1, "split_min": self.split_min,
               "sources": sorted(self.references.sources),
               "published": {source: date.text for source, date in published.items()}}
        try:
            conn = sqlite3.connect(part)  # the job goes in the part's store: one file to remove
            try:
                conn.execute("CREATE TABLE _part_job (job TEXT)")
                conn.execute("INSERT INTO _part_job VALUES (?)", (json.dumps(job),))
                conn.commit()
            finally:
                conn.close()
            # Its standard input is a pipe this process never writes to: it closes when this
            # process ends, however it ends, and the second process then stops (part_main).
            self.process = subprocess.Popen(
                [sys.executable, "-c", "from normandie_cli.loading.ingest import part_main; part_main()", part],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=without_hook())
        except (OSError, sqlite3.Error, ValueError):  # no second process: this one reads it all
            self._remove()
            return None
        checkpoint("split", str(self.process.pid), part)
        return split - self.base

    def join(self) -> list[tuple[str, int, int]] | None:
        assert self.process is not None and self.part is not None
        process, self.process = self.process, None
        try:
            code = process.wait()
            if process.stdin is not None:  # a pipe: it was opened with stdin=PIPE
                process.stdin.close()
            if code != 0:
                return None
            _flush(self.writer)
            conn = self.writer.conn
            try:
                counts = append_part(conn, self.part)
            except sqlite3.IntegrityError:  # an id in both parts of a section
                raise NeedsBook("an id twice in one section") from None
            conn.execute("ATTACH DATABASE ? AS part", (str(self.part),))
            try:
                conn.execute("INSERT INTO temp._references SELECT * FROM part._part_references")
                keys = conn.execute("SELECT name, line, col FROM part._part_keys ORDER BY rowid").fetchall()
                conn.commit()
            finally:
                conn.execute("DETACH DATABASE part")
            for table, count in counts.items():
                self.writer.counts[table] += count
            return [(name, line - self.base, column) for name, line, column in keys]
        finally:
            self._remove()

    def abandon(self) -> None:
        """Stop the second process, if it runs, and remove its store."""
        if self.process is not None:
            process, self.process = self.process, None
            process.kill()
            process.wait()
            if process.stdin is not None:  # a pipe: it was opened with stdin=PIPE
                process.stdin.close()
        self._remove()

    def _remove(self) -> None:
        if self.part is not None:
            self.part.unlink(missing_ok=True)
            self.part = None
        if self.held is not None:
            os.close(self.held)
            self.held = None


def part_main() -> NoReturn:
    """A later process of a split file: read the job's end of the file into its part store
    (see :class:`_Split`), splitting it again when the job leaves it more than one reader;
    exit 0 when every record read was well-formed, 1 otherwise (the process before then reads
    that part itself, and says what is wrong)."""
    import json
    import sys

    from ..dates import parse_date
    from ..store.lock import hold

    hold(Path(sys.argv[1]))  # held until this process ends: a sweep leaves the part alone
    _exit_with_parent(Path(sys.argv[1]))
    try:
        conn = sqlite3.connect(sys.argv[1])
        job = json.loads(conn.execute("SELECT job FROM _part_job").fetchone()[0])
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        writer = Writer(conn, job["meta"], job["batch"])
        writer.place_names = job["places"]
        references = _References(conn, job["batch"])
        references.sources = set(job["sources"])
        published = {source: parse_date(text) for source, text in job["published"].items()}
        splitter = None
        if job["readers"] > 1:
            plan = ReadPlan(batch=job["batch"], split_min=job["split_min"], readers=job["readers"])
            splitter = _Split(Path(job["file"]), Path(job["folder"]), job["meta"], writer, references, plan,
                              job["line"] - 1)
        try:
            keys = stream_rest(Path(job["file"]), job["section"], job["offset"], job["line"], published,
                               _sink(writer, references), splitter)
        finally:
            if splitter is not None:
                splitter.abandon()
        if any(name == "places" for name, _, _ in keys):  # the search text written would be stale
            sys.exit(1)
        _flush(writer)
        references.flush()
        conn.execute("CREATE TABLE main._part_references AS SELECT * FROM temp._references")
        conn.execute("CREATE TABLE main._part_keys (name TEXT, line INTEGER, col INTEGER)")
        conn.executemany("INSERT INTO main._part_keys VALUES (?, ?, ?)", keys)
        conn.commit()
        conn.close()
    except Exception:  # whatever it is, the first process reads this part too, and names it
        sys.exit(1)
    sys.exit(0)


def _exit_with_parent(part: Path) -> None:
    """End this process, and remove its part, when the first process ends before it: its
    standard input, a pipe the first process never writes to, then reads as closed."""
    import threading

    def watch() -> None:
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        part.unlink(missing_ok=True)
        os._exit(1)

    threading.Thread(target=watch, name="normandie-parent-watch", daemon=True).start()

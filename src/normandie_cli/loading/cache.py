"""A parse cache: the checked fact book of a file, stored as a SQLite database (see
:mod:`.store` and docs/storage.md) in the user's cache directory.

The first run on a fact file stores its book; later runs load it, or query it, instead of
parsing YAML, as long as the file's absolute path and stamp (size, modification time, inode
change time, inode, device: see :mod:`.stamp`), the program's version and the records' field
lists (``record_layout``) are unchanged (the database's ``meta`` table records them). The stamp
is taken before the file is read and checked after, so a file edited while it was read is read
again, never stored under a stamp its content does not match. Reading a cache never runs code.
A missing, stale,
truncated, corrupt, foreign or older-schema database is ignored (any ``sqlite3.Error`` means
absent) and rebuilt; a database is built in a temporary file renamed into place, so two
processes writing at once leave one whole file.

Concurrent first runs on one file build its entry once: the one that builds holds the entry's
lock file, the others wait for it (:func:`building`) and then read what it built. Temporary
files left by a run that was killed are removed by the next run (:func:`sweep`). When the cache
cannot be written, the run goes on without it and :func:`notices` says so, once.
``NORMANDIE_NO_CACHE=1`` or ``--no-cache`` bypasses it; ``NORMANDIE_CACHE_DIR`` moves it.
Standard library only.
"""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from .. import model as m

if TYPE_CHECKING:
    import sqlite3

    from ..store.lock import EntryLock
    from .stamp import Reading

NO_CACHE_ENV = "NORMANDIE_NO_CACHE"
DIR_ENV = "NORMANDIE_CACHE_DIR"
#: How long a run waits for another one building the same entry before it reads the file
#: itself: a minute, and a second more per MiB of the file (a build reads 3 to 4 MiB a second
#: on two cores; a build that ends, even killed, lets the waiting runs go at once).
WAIT_SECONDS = 60.0
WAIT_SECONDS_PER_MIB = 1.0


def cache_dir() -> Path:
    """``$NORMANDIE_CACHE_DIR``, else ``$XDG_CACHE_HOME/normandie``, else the platform's usual place."""
    own = os.environ.get(DIR_ENV)
    if own:
        return Path(own)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "normandie"
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "normandie"
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local")) / "normandie" / "Cache"
    return home / ".cache" / "normandie"


def disabled_by_environment() -> bool:
    return os.environ.get(NO_CACHE_ENV, "") not in ("", "0")


def _entry_of(file: Path) -> tuple[Path, str]:
    """Where the file's cache entry lives, and the file's absolute path."""
    absolute = str(file.resolve())
    # A short name for the path (the full path is in the stamp, so two paths that share a
    # name only take turns in it). zlib, not hashlib: hashlib costs milliseconds to import.
    raw = absolute.encode("utf-8", "surrogateescape")
    return cache_dir() / f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}.sqlite", absolute


def _is_entry_name(name: str) -> bool:
    """A cache entry's name: 16 hexadecimal digits and ``.sqlite`` (not a temporary file's)."""
    return len(name) == 23 and name.endswith(".sqlite") and all(c in "0123456789abcdef" for c in name[:16])


def _stamp_list(absolute: str, stamp: tuple[int, ...]) -> list[str | int]:
    """The path and stamp an entry must record to be trusted (its ``meta`` table, as
    :func:`_meta_stamp` reads it); the schema, program version and record layout are
    ``store.read.is_current``'s to check."""
    return [absolute, *stamp]


#: The ``meta`` keys of the stamp, in :data:`stamp.Stamp`'s order.
_STAMP_KEYS = ("size", "mtime_ns", "ctime_ns", "inode", "device")


def _meta_of(absolute: str, reading: Reading) -> dict[str, str]:
    """The ``meta`` rows of an entry built from ``reading`` (a ``stamp.Reading``, checked)."""
    meta = {"path": absolute, **{key: str(value) for key, value in zip(_STAMP_KEYS, reading.before, strict=True)}}
    if reading.crc is not None:  # changed just before it was read: compared by content too
        meta["crc32"] = str(reading.crc)
    return meta


#: The entry each fact file's open connection reads, and its inode (see :func:`discard`).
_OPENED: dict[str, tuple[Path, tuple[int, int]]] = {}


def _fresh(file: Path) -> sqlite3.Connection | None:
    """An open, read-only connection to the store of ``file`` when it can be trusted; else ``None``."""
    import sqlite3

    from ..store import read as store
    from ..store.integrity import header_problem
    from .stamp import take

    _sweep_once()
    try:
        entry, absolute = _entry_of(file)
        if not entry.is_file() or header_problem(entry) is not None:
            return None
        stamp = _stamp_list(absolute, take(Path(absolute)))
        info = os.stat(entry)
        conn = store.connect(entry)
    except (OSError, RuntimeError, ValueError, sqlite3.Error):
        return None  # RuntimeError: pathlib's word for a symlink loop
    try:
        meta = store.read_meta(conn)
        if (store.is_current(meta) and _meta_stamp(meta) == stamp and store.has_schema(conn, meta)
                and _same_content(file, meta)):
            _OPENED[str(file)] = (entry, (info.st_ino, info.st_dev))
            return conn
    except (sqlite3.Error, ValueError, OSError):
        pass
    conn.close()
    return None


def _meta_stamp(meta: dict[str, str]) -> list[str | int]:
    """The stamp a store's ``meta`` table records (``ValueError`` if a value is not a number);
    ``[]`` when it records none."""
    if "path" not in meta or any(key not in meta for key in _STAMP_KEYS):
        return []
    return [meta["path"], *(int(meta[key]) for key in _STAMP_KEYS)]


def _same_content(file: Path, meta: dict[str, str]) -> bool:
    """For an entry built from a file changed just before it was read (``crc32`` in its meta),
    whether the file's bytes are still those: a change in the same tick of the file system's
    clock leaves the stamp as it was (see :mod:`.stamp`). Other entries: true."""
    if "crc32" not in meta:
        return True
    from .stamp import digest

    return digest(file) == int(meta["crc32"])


def connect(file: Path) -> sqlite3.Connection | None:
    """An open connection to the fresh store of ``file`` (``sqlite3.Connection``), or ``None``."""
    if disabled_by_environment():
        return None
    return _fresh(file)


def read(file: Path) -> m.FactBook | None:
    """The cached book of ``file``, or ``None`` when there is none that can be trusted."""
    import sqlite3

    from ..store import read as store

    conn = _fresh(file)
    if conn is None:
        return None
    try:
        with conn:
            return store.read_book(conn, str(file))
    except sqlite3.DatabaseError:  # a damaged page: not read again before it is rebuilt
        conn.close()
        discard(file)
        return None
    except (sqlite3.Error, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None
    finally:
        conn.close()


def write(file: Path, book: m.FactBook, reading: Reading) -> None:
    """Store ``book``, read from ``file`` by ``reading`` (a checked ``stamp.Reading``: its stamp
    before the read is the entry's); a failure leaves things as they were, and a directory that
    cannot be written is said once (:func:`notices`)."""
    import sqlite3

    from ..store import write as store

    try:
        entry, absolute = _entry_of(file)
        store.write_database(entry, book, _meta_of(absolute, reading))
    except (OSError, RuntimeError, ValueError, TypeError, OverflowError, sqlite3.Error) as err:
        _cannot_write(err)


def build(file: Path, max_size: int) -> bool:
    """Build the store of ``file`` straight from the file as it is read (memory bounded by a
    batch of records: see :mod:`.ingest`), read again while it changes as it is read; whether
    it was written. A file with problems raises its DataError, a file that changed at every
    read ``stamp.FileChanged``; ``False`` when the store cannot be written here (said once:
    :func:`notices`), or when the file's references need the whole book to be checked (the
    caller then reads it whole)."""
    import sqlite3

    from ..testhook import checkpoint
    from . import ingest
    from .stamp import read_unchanged

    try:
        entry, absolute = _entry_of(file)
    except (OSError, RuntimeError):
        return False

    def build_once(reading: Reading) -> None:
        checkpoint("build", str(file))
        ingest.build(file, entry, _meta_of(absolute, reading), max_size, verify=reading.check)

    try:
        read_unchanged(file, build_once)
    except ingest.NeedsBook:
        return False
    except (OSError, RuntimeError, OverflowError, sqlite3.Error) as err:
        _cannot_write(err)
        return False
    return True


class Building:
    """``with building(file):`` holds the file's cache entry while this run builds it, after
    waiting for a run that holds it (up to :data:`WAIT_SECONDS`, and
    :data:`WAIT_SECONDS_PER_MIB` per MiB of the file; then this run reads the file itself).
    Inside, look for a fresh entry again first: the run waited for may have built it."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.lock: EntryLock | None = None

    def __enter__(self) -> Building:
        from ..store.lock import EntryLock

        _sweep_once()
        try:
            entry, _ = _entry_of(self.file)
            entry.parent.mkdir(parents=True, exist_ok=True)
            wait = WAIT_SECONDS + WAIT_SECONDS_PER_MIB * os.stat(self.file).st_size / (1 << 20)
        except (OSError, RuntimeError) as err:
            _cannot_write(err)
            return self
        self.lock = EntryLock(entry.with_suffix(".lock"), wait)
        self.lock.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.lock is not None:
            self.lock.release()


building = Building


def discard(file: Path) -> None:
    """The store of ``file`` this run opened turned out damaged (a query failed on it): remove
    it, unless another run replaced it since, so that it is built again."""
    opened = _OPENED.pop(str(file), None)
    if opened is None:
        return
    entry, identity = opened
    try:
        info = os.stat(entry)
        if (info.st_ino, info.st_dev) == identity:
            entry.unlink()
    except OSError:
        pass


# Notices ---------------------------------------------------------------------------------

_NOTICES: list[str] = []


def _cannot_write(err: BaseException) -> None:
    """Note that the cache cannot be written here (and why), when ``err`` says so: once until
    the notices are taken (a run that cannot build the store cannot write the book either)."""
    reason = _unwritable_reason(err)
    if reason is None or _NOTICES:
        return
    _NOTICES.append(f"cannot write the parse cache in {cache_dir()} ({reason}), so every run reads the whole "
                    f"fact file; set {DIR_ENV} to a writable directory, or use --no-cache")


def _unwritable_reason(err: BaseException) -> str | None:
    import sqlite3

    if isinstance(err, (FileExistsError, NotADirectoryError)):  # a file where a directory should be
        return "not a directory"
    if isinstance(err, OSError):
        reason = err.strerror or str(err)
        return reason[:1].lower() + reason[1:]
    if isinstance(err, sqlite3.Error) and getattr(err, "sqlite_errorname", "").startswith(
            ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        return str(err)
    return None


def notices() -> list[str]:
    """What the command line should say about the cache: taken (the command line says each
    once per run)."""
    out = list(_NOTICES)
    _NOTICES.clear()
    return out


# The directory ---------------------------------------------------------------------------

_SWEPT: list[bool] = []


def _sweep_once() -> None:
    """:func:`sweep`, once per process, when the cache directory holds a temporary file (a
    listing of the directory: microseconds; ``lock`` is imported only then)."""
    if _SWEPT:
        return
    _SWEPT.append(True)
    try:
        with os.scandir(cache_dir()) as listing:
            if not any(entry.name.startswith((".tmp-", ".part-")) for entry in listing):
                return
    except OSError:
        return
    sweep()


def sweep() -> int:
    """Remove what runs that were killed left in the cache directory (temporary stores, parts,
    their journals) and no live process holds; return how many files."""
    from ..store.lock import sweep as sweep_folder

    return sweep_folder(cache_dir())


def entries() -> list[Path]:
    """The cache entries there are now (temporary and side files not counted)."""
    try:
        return sorted(p for p in cache_dir().iterdir() if _is_entry_name(p.name) and p.is_file())
    except OSError:
        return []


def entry_rows() -> list[dict[str, str | int | None]]:
    """One row per cache entry: the fact file it is for, and whether it can still be used.

    "damaged" is what a cheap check finds (``integrity.header_problem``: a truncated file; and
    SQLite's errors reading the ``meta`` table and the schema); a page damaged in the middle is
    found, and the entry rebuilt, by the first query that reads it."""
    import sqlite3

    from ..store import read as store
    from ..store.integrity import header_problem
    from .stamp import take

    sweep()
    rows = []
    for path in entries():
        row: dict[str, str | int | None] = {"entry": str(path), "fact_file": None, "status": "unreadable",
                               "size": None, "directory": str(cache_dir())}
        try:
            row["size"] = path.stat().st_size
            if header_problem(path) is not None:
                row["status"] = "damaged"
                rows.append(row)
                continue
            conn = store.connect(path)
            try:
                meta = store.read_meta(conn)
                complete = store.has_schema(conn, meta)
            finally:
                conn.close()
            if not store.is_current(meta) or "path" not in meta:
                row["status"] = "other version"  # written by another version of normandie: never read
            elif not complete:
                row["status"] = "damaged"  # a table, index or view missing or changed: rebuilt when used
            else:
                stamp = _meta_stamp(meta)
                row["fact_file"] = meta["path"]
                fact_file = Path(meta["path"])
                current = _stamp_list(meta["path"], take(fact_file)) if fact_file.exists() else None
                fresh = current == stamp and _same_content(fact_file, meta)
                row["status"] = "fresh" if fresh else "stale" if current else "file gone"
        except sqlite3.DatabaseError:
            row["status"] = "damaged"
        except (OSError, RuntimeError, ValueError, KeyError, TypeError, IndexError, sqlite3.Error):
            pass
        rows.append(row)
    return rows


def clear() -> int:
    """Remove every cache entry, and what killed runs left behind, and the entries' lock files
    no run holds; return how many entries were removed."""
    from ..store.lock import remove_unowned

    removed = 0
    for path in entries():
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    sweep()
    try:
        locks = [p for p in cache_dir().iterdir() if p.suffix == ".lock" and _is_entry_name(p.stem + ".sqlite")]
    except OSError:
        locks = []
    for path in locks:
        remove_unowned(path)
    return removed

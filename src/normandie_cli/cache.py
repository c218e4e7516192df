"""A parse cache: the checked fact book of a file, stored as a SQLite database (see
:mod:`.store` and docs/storage.md) in the user's cache directory.

The first run on a fact file stores its book; later runs load it, or query it, instead of
parsing YAML, as long as the file's absolute path, size and modification time, the program's
version and the records' shape are unchanged (the database's ``meta`` table records them).
Reading a cache never runs code. A missing, stale, corrupt, foreign or older-schema database is
ignored (any ``sqlite3.Error`` means absent) and rebuilt; an unwritable directory is ignored;
a database is built in a temporary file renamed into place, so two processes writing at once
leave one whole file.
``NORMANDIE_NO_CACHE=1`` or ``--no-cache`` bypasses it. Standard library only.
"""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path
from typing import Any

from . import __version__
from . import model as m

NO_CACHE_ENV = "NORMANDIE_NO_CACHE"
SCHEMA = 2
_TAG = f"normandie-cache/{SCHEMA}/{__version__}"


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/normandie``, else the platform's usual place."""
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


def _entry_and_stamp(file: Path) -> tuple[Path, list[Any]]:
    """Where the file's cache entry lives, and what it must say to be trusted."""
    absolute = str(file.resolve())
    info = os.stat(absolute)
    # A short name for the path (the full path is in the stamp, so two paths that share a
    # name only take turns in it). zlib, not hashlib: hashlib costs milliseconds to import.
    raw = absolute.encode("utf-8", "surrogateescape")
    entry = cache_dir() / f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}.sqlite"
    return entry, [_TAG, _shape(), absolute, info.st_size, info.st_mtime_ns]


_SHAPES: list[str] = []


def _shape() -> str:
    """What the stored records look like (the store's schema follows the model's records)."""
    if not _SHAPES:
        from .store import shape

        _SHAPES.append(shape())
    return _SHAPES[0]


def _fresh(file: Path) -> Any:
    """An open, read-only connection to the store of ``file`` when it can be trusted; else ``None``."""
    import sqlite3

    from . import store

    try:
        entry, stamp = _entry_and_stamp(file)
        if not entry.is_file():
            return None
        conn = store.connect(entry)
    except (OSError, RuntimeError, ValueError, sqlite3.Error):
        return None  # RuntimeError: pathlib's word for a symlink loop
    try:
        meta = store.read_meta(conn)
        if store.is_current(meta) and _meta_stamp(meta) == stamp and store.has_schema(conn, meta):
            return conn
    except (sqlite3.Error, ValueError):
        pass
    conn.close()
    return None


def _meta_stamp(meta: dict[str, str]) -> list[Any]:
    """The stamp a store's ``meta`` table records (``ValueError`` if it records none)."""
    return [_TAG, _shape(), meta["path"], int(meta["size"]), int(meta["mtime_ns"])] if "path" in meta else []


def connect(file: Path) -> Any:
    """An open connection to the fresh store of ``file`` (``sqlite3.Connection``), or ``None``."""
    if disabled_by_environment():
        return None
    return _fresh(file)


def read(file: Path) -> m.FactBook | None:
    """The cached book of ``file``, or ``None`` when there is none that can be trusted."""
    import sqlite3

    from . import store

    conn = _fresh(file)
    if conn is None:
        return None
    try:
        with conn:
            return store.read_book(conn, str(file))
    except (sqlite3.Error, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None
    finally:
        conn.close()


def write(file: Path, book: m.FactBook) -> None:
    """Store ``book`` for ``file``; any failure leaves things as they were, silently."""
    import sqlite3

    from . import store

    try:
        entry, stamp = _entry_and_stamp(file)
        meta = {"path": stamp[2], "size": str(stamp[3]), "mtime_ns": str(stamp[4])}
        store.write_database(entry, book, meta)
    except (OSError, RuntimeError, ValueError, TypeError, OverflowError, sqlite3.Error):
        return


def build(file: Path, max_size: int) -> bool:
    """Build the store of ``file`` straight from the file as it is read (memory bounded by a
    batch of records: see :mod:`.ingest`); whether it was written. A file with problems raises
    its DataError; ``False`` when the store cannot be written here, or when the file's
    references need the whole book to be checked (the caller then reads it whole)."""
    import sqlite3

    from . import ingest

    try:
        entry, stamp = _entry_and_stamp(file)  # the file as it is before it is read
        meta = {"path": stamp[2], "size": str(stamp[3]), "mtime_ns": str(stamp[4])}
        ingest.build(file, entry, meta, max_size)
    except ingest.NeedsBook:
        return False
    except (OSError, RuntimeError, OverflowError, sqlite3.Error):
        return False
    return True


def entries() -> list[Path]:
    """The cache entries there are now (side files not counted)."""
    try:
        return sorted(p for p in cache_dir().glob("*.sqlite") if p.is_file())
    except OSError:
        return []


def entry_rows() -> list[dict[str, Any]]:
    """One row per cache entry: the fact file it is for, and whether it can still be used."""
    import sqlite3

    from . import store

    rows = []
    for path in entries():
        row: dict[str, Any] = {"entry": str(path), "fact_file": None, "status": "unreadable",
                               "size": None, "directory": str(cache_dir())}
        try:
            row["size"] = path.stat().st_size
            conn = store.connect(path)
            try:
                meta = store.read_meta(conn)
            finally:
                conn.close()
            if not store.is_current(meta) or "path" not in meta:
                row["status"] = "other version"  # written by another version of normandie: never read
            else:
                stamp = _meta_stamp(meta)
                row["fact_file"] = stamp[2]
                current = _entry_and_stamp(Path(stamp[2]))[1] if Path(stamp[2]).exists() else None
                row["status"] = "fresh" if current == stamp else "stale" if current else "file gone"
        except (OSError, RuntimeError, ValueError, KeyError, TypeError, IndexError, sqlite3.Error):
            pass
        rows.append(row)
    return rows


def clear() -> int:
    """Remove every cache file; return how many were removed."""
    removed = 0
    for path in entries():
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed

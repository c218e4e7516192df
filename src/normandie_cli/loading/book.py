"""Load a fact book: read the file, parse it, check it, and keep it in the parse cache.

This is the one module that orchestrates loading; the pieces it calls (``loader``,
``validate``, ``cache``) import nothing above themselves. Standard library only.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .. import model as m
from ..errors import DataError, first_problem
from ..memory import gc_paused
from ..store.integrity import damage, header_problem
from ..store.read import connect, has_schema, is_current, is_database, read_book, read_meta
from ..testhook import checkpoint
from . import cache
from .files import DEFAULT_MAX_SIZE, check_file, resolve_data_path
from .stamp import Reading, read_unchanged


def is_fact_store(file: Path) -> bool:
    """Whether ``--data`` names a fact store (the parse cache's layout: a SQLite database that
    is not a published fact book) rather than a YAML fact file or a published fact book."""
    return file.is_file() and is_database(file) and not is_published(file)


def is_published(file: Path) -> bool:
    """Whether ``--data`` names a published fact book (``normandie export sqlite``). The module
    that knows is imported for a SQLite file only: a YAML file's run never loads it."""
    if not (file.is_file() and is_database(file)):
        return False
    from ..store import publish_read as publish

    return publish.is_published(file)


def _read_published(file: Path) -> m.FactBook:
    """The book a published fact book (``normandie export sqlite``) holds, read from its tables;
    a DataError unless this version published it."""
    from ..store.publish_read import read_book as read_published

    try:
        problem = header_problem(file)
    except OSError as err:
        raise DataError(str(file), f"cannot read: {err.strerror or err}") from None
    if problem is not None:  # truncated: said as such, not as a database SQLite cannot read
        raise DataError(str(file), f"{problem}; {_EXPORT_AGAIN}")
    try:
        conn = connect(file)
        try:
            return read_published(conn, str(file))
        finally:
            conn.close()
    except sqlite3.Error as err:
        damaged = damage(file, err)
        if damaged is not None:
            raise DataError(str(file), f"{damaged}; {_EXPORT_AGAIN}") from None
        raise DataError(str(file), f"cannot read this published fact book: {err} "
                                   "(export it again with this version of normandie)") from None
    except ValueError as err:
        raise DataError(str(file), f"cannot read this published fact book: {err} "
                                   "(export it again with this version of normandie)") from None


#: How a damaged fact store given as ``--data`` is mended.
_EXPORT_AGAIN = "write it again from its YAML fact file (normandie export sqlite PATH)"


def _open_fact_store(file: Path) -> sqlite3.Connection:
    """A fact store given as ``--data``, opened read-only; a DataError unless it is one this
    version wrote, whole. (Its pages are not all checked here: that reads the whole file; see
    :func:`store_error` for what happens when a query meets a damaged one.)"""
    check_file(file, max_size=2**63)  # the size limit protects the YAML parser; SQLite reads pages
    try:
        problem = header_problem(file)
    except OSError as err:
        raise DataError(str(file), f"cannot read: {err.strerror or err}") from None
    if problem is not None:
        raise DataError(str(file), f"{problem}; {_EXPORT_AGAIN}")
    try:
        conn = connect(file)
        meta = read_meta(conn)
        if is_current(meta) and has_schema(conn, meta):
            return conn
        conn.close()
    except sqlite3.Error as err:
        problem = damage(file, err)
        if problem is not None:  # else not a fact store: SQLite read it, and found no fact store
            raise DataError(str(file), f"{problem}; {_EXPORT_AGAIN}") from None
    raise DataError(str(file), "a SQLite database, but not a fact book written by this version of normandie "
                               "(write one with: normandie export sqlite PATH)")


def store_error(file: Path, err: BaseException) -> DataError:
    """The error of a fact store given as ``--data`` that SQLite could not read (``err``): what
    is damaged (its header, or ``PRAGMA quick_check``'s first problem), else SQLite's error."""
    problem = damage(file, err)
    if problem is None:
        return DataError(str(file), f"cannot read this fact store: {err}")
    return DataError(str(file), f"{problem}; {_EXPORT_AGAIN}")


def load_facts(
    path: str | os.PathLike[str] | None = None, *, use_cache: bool = True, max_size: int = DEFAULT_MAX_SIZE
) -> m.FactBook:
    """Load a fact file and check its references; raise :class:`DataError` on the first problem.

    With ``use_cache`` (and no ``NORMANDIE_NO_CACHE``), a book cached for this very file
    (same path, stamp, program version) is used instead of parsing, and a freshly parsed clean
    book is cached (a run that finds another building it waits for it). The file's stamp is
    taken before it is read and checked after: a file that changed meanwhile is read again
    (``stamp.read_unchanged``). Quotes are not checked here (that reads the source texts):
    ``normandie validate`` does.
    """
    file = resolve_data_path(path)
    if is_fact_store(file):
        conn = _open_fact_store(file)
        try:
            return read_book(conn, str(file))
        except sqlite3.Error as err:
            raise store_error(file, err) from None
        except (ValueError, TypeError) as err:
            raise DataError(str(file), f"cannot read this fact store: {err}") from None
        finally:
            conn.close()
    # A published fact book is read from its tables, then cached as a YAML file is: the size
    # limit protects the YAML parser, not SQLite.
    published = is_published(file)
    check_file(file, 2**63 if published else max_size)  # the path checks hold for a cached book too
    if not use_cache or cache.disabled_by_environment():
        return _parse(file, max_size, published)[0]
    cached = cache.read(file)
    if cached is not None:
        return cached
    with cache.building(file):
        cached = cache.read(file)  # built by the run this one waited for
        if cached is not None:
            return cached
        return _parse_and_cache(file, max_size, published)


def _parse(file: Path, max_size: int, published: bool = False) -> tuple[m.FactBook, Reading]:
    """The checked book of a YAML fact file or a published fact book, and the read it came from
    (its stamp checked)."""
    from .reader import read_facts  # the YAML reader: not imported by a run the store answers
    from .validate import check_references

    def read(reading: Reading) -> tuple[m.FactBook, Reading]:
        book, problems = (_read_published(file), []) if published else read_facts(file, max_size=max_size)
        with gc_paused():
            problems = problems or check_references(book)
        if problems:
            raise first_problem(problems)
        return book, reading

    return read_unchanged(file, read)


def _parse_and_cache(file: Path, max_size: int, published: bool = False) -> m.FactBook:
    checkpoint("build", str(file))
    book, reading = _parse(file, max_size, published)
    with gc_paused():
        cache.write(file, book, reading)
    return book


def validate_file(
    path: str | os.PathLike[str] | None = None, max_size: int | None = None
) -> tuple[m.FactBook, list[DataError]]:
    """Every problem in a fact file, in file order. Raises DataError only when it cannot be read
    (or when it changed every time it was read)."""
    file = resolve_data_path(path)
    if is_fact_store(file) or is_published(file):
        raise DataError(str(file), "a fact store (SQLite), checked when it was written; "
                        "validate the YAML fact file it was exported from")
    from .reader import read_facts
    from .validate import check_quotes, check_references

    def read(reading: Reading) -> tuple[m.FactBook, list[DataError]]:
        return read_facts(file) if max_size is None else read_facts(file, max_size)

    book, problems = read_unchanged(file, read)
    problems = problems + check_references(book) + check_quotes(book)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return book, problems


def open_store(
    path: str | os.PathLike[str] | None = None, *, use_cache: bool = True, max_size: int = DEFAULT_MAX_SIZE
) -> tuple[sqlite3.Connection | None, m.FactBook | None]:
    """A read-only ``sqlite3.Connection`` to the fact store of a fact file, for queries that
    run in SQL: the file itself when it is a fact store (``normandie export sqlite``), else the
    parse cache's database (the file is parsed and cached first when it is not there yet, or
    the run that is building it waited for). The connection is ``None`` when there is none to
    use (``--no-cache``, ``NORMANDIE_NO_CACHE``, an unwritable cache directory): the caller
    then works on the book, which comes second when it had to be parsed (so that it is not
    parsed twice), else ``None``."""
    file = resolve_data_path(path)
    if is_fact_store(file):
        return _open_fact_store(file), None
    published = is_published(file)  # cached like a YAML file, but read whole from its tables
    check_file(file, 2**63 if published else max_size)
    if not use_cache or cache.disabled_by_environment():
        return None, None
    conn = cache.connect(file)
    if conn is not None:
        return conn, None
    with cache.building(file):
        conn = cache.connect(file)  # built by the run this one waited for
        if conn is None and not published and cache.build(file, max_size):  # streamed: no book in memory
            conn = cache.connect(file)
        if conn is not None:
            return conn, None
        book = _parse_and_cache(file, max_size, published)  # says exactly what is wrong, if anything
    conn = cache.connect(file)
    return conn, (book if conn is None else None)


def reopen_store(
    path: str | os.PathLike[str] | None, err: BaseException, *, max_size: int = DEFAULT_MAX_SIZE
) -> tuple[sqlite3.Connection | None, m.FactBook | None]:
    """A query on the store :func:`open_store` gave failed with ``err`` (a ``sqlite3.Error``,
    before any of its output was written): for a fact store given as ``--data``, raise the
    DataError that says what is wrong with it; for the parse cache, remove the entry and build
    it again from the YAML file: what :func:`open_store` gives then."""
    file = resolve_data_path(path)
    if is_fact_store(file):
        raise store_error(file, err)
    cache.discard(file)
    return open_store(path, use_cache=True, max_size=max_size)

"""Load a fact book: read the file, parse it, check it, and keep it in the parse cache.

This is the one module that orchestrates loading; the pieces it calls (``loader``,
``validate``, ``cache``) import nothing above themselves. Standard library only.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from . import cache
from . import model as m
from .errors import DataError, first_problem
from .loader import DEFAULT_MAX_SIZE, check_file, read_facts, resolve_data_path
from .memory import gc_paused
from .store import connect, has_schema, is_current, is_database, read_book, read_meta


def is_fact_store(file: Path) -> bool:
    """Whether ``--data`` names a SQLite database (its header) rather than a YAML fact file."""
    return file.is_file() and is_database(file)


def _open_fact_store(file: Path) -> sqlite3.Connection:
    """A fact store given as ``--data``, opened read-only; a DataError unless it is one this
    version wrote. (It was checked when it was written: it is not checked again.)"""
    check_file(file, max_size=2**63)  # the size limit protects the YAML parser; SQLite reads pages
    try:
        conn = connect(file)
        meta = read_meta(conn)
        if is_current(meta) and has_schema(conn, meta):
            return conn
        conn.close()
    except sqlite3.Error:
        pass
    raise DataError(str(file), "a SQLite database, but not a fact store written by this version of normandie "
                               "(write one with: normandie export sqlite PATH)")


def load_facts(
    path: str | os.PathLike[str] | None = None, *, use_cache: bool = True, max_size: int = DEFAULT_MAX_SIZE
) -> m.FactBook:
    """Load a fact file and check its references; raise :class:`DataError` on the first problem.

    With ``use_cache`` (and no ``NORMANDIE_NO_CACHE``), a book cached for this very file
    (same path, size, modification time, program version) is used instead of parsing, and a
    freshly parsed clean book is cached. Quotes are not checked here (that reads the source
    texts): ``normandie validate`` does.
    """
    file = resolve_data_path(path)
    if is_fact_store(file):
        conn = _open_fact_store(file)
        try:
            return read_book(conn, str(file))
        except (sqlite3.Error, ValueError, TypeError) as err:
            raise DataError(str(file), f"cannot read this fact store: {err}") from None
        finally:
            conn.close()
    check_file(file, max_size)  # the size limit and path checks hold for a cached book too
    use_cache = use_cache and not cache.disabled_by_environment()
    if use_cache:
        cached = cache.read(file)
        if cached is not None:
            return cached
    from .validate import check_references

    book, problems = read_facts(file, max_size=max_size)
    with gc_paused():
        problems = problems or check_references(book)
    if problems:
        raise first_problem(problems)
    if use_cache:
        with gc_paused():
            cache.write(file, book)
    return book


def validate_file(
    path: str | os.PathLike[str] | None = None, max_size: int | None = None
) -> tuple[m.FactBook, list[DataError]]:
    """Every problem in a fact file, in file order. Raises DataError only when it cannot be read."""
    if is_fact_store(resolve_data_path(path)):
        raise DataError(str(resolve_data_path(path)), "a fact store (SQLite), checked when it was written; "
                        "validate the YAML fact file it was exported from")
    from .validate import check_quotes, check_references

    book, problems = read_facts(path) if max_size is None else read_facts(path, max_size)
    problems = problems + check_references(book) + check_quotes(book)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return book, problems


def open_store(
    path: str | os.PathLike[str] | None = None, *, use_cache: bool = True, max_size: int = DEFAULT_MAX_SIZE
) -> tuple[Any, m.FactBook | None]:
    """A read-only ``sqlite3.Connection`` to the fact store of a fact file, for queries that
    run in SQL: the file itself when it is a fact store (``normandie export sqlite``), else the
    parse cache's database (the file is parsed and cached first when it is not there yet).
    The connection is ``None`` when there is none to use (``--no-cache``, ``NORMANDIE_NO_CACHE``,
    an unwritable cache directory): the caller then works on the book, which comes second when
    it had to be parsed (so that it is not parsed twice), else ``None``."""
    file = resolve_data_path(path)
    if is_fact_store(file):
        return _open_fact_store(file), None
    check_file(file, max_size)
    if not use_cache or cache.disabled_by_environment():
        return None, None
    conn = cache.connect(file)
    if conn is None and cache.build(file, max_size):  # streamed into the store: no book in memory
        conn = cache.connect(file)
    if conn is not None:
        return conn, None
    book = load_facts(file, use_cache=True, max_size=max_size)  # says exactly what is wrong, if anything
    conn = cache.connect(file)
    return conn, (book if conn is None else None)

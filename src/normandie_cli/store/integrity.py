"""Whether a fact store (a SQLite file) is whole, and what is wrong with one that is not
(standard library only).

Two checks, for two costs:

- :func:`header_problem` reads the file's first 100 bytes and its size: SQLite's header, and a
  file shorter than the pages its header counts (a truncated copy). Microseconds, whatever the
  size: run each time a store is opened, and by ``cache info``.
- :func:`quick_check` runs ``PRAGMA quick_check(1)``, which reads every page (3 s for the 70 MB
  store of 100,000 companies): run only once a read has failed, to say what is damaged.

A damaged page in the middle of a file passes the first check; it is found when a query reads
it, and the query then fails before any of its output is written (see ``cli/_spool.py``).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .read import connect
from .schema import HEADER


def header_problem(path: Path) -> str | None:
    """What SQLite's header says is wrong with the file (``None``: nothing; OSError when it
    cannot be read)."""
    with open(path, "rb") as handle:
        head = handle.read(100)
        size = os.fstat(handle.fileno()).st_size
    if not head.startswith(HEADER):
        return "not a SQLite database (its header is not SQLite's)"
    if len(head) < 100:
        return f"truncated: {size} bytes, shorter than SQLite's header"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return f"damaged: its header gives a page size of {page_size} bytes"
    pages = int.from_bytes(head[28:32], "big")
    # The header's page count is valid when its change counter matches the one beside it.
    if pages and head[24:28] == head[92:96] and size < pages * page_size:
        return f"truncated: {size:,} bytes, where its header counts {pages:,} pages of {page_size:,} bytes"
    return None


def quick_check(path: Path) -> str:
    """What ``PRAGMA quick_check(1)`` says of the database: ``ok``, or its first problem."""
    try:
        conn = connect(path)
        try:
            row = conn.execute("PRAGMA quick_check(1)").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as err:
        return str(err)
    return " ".join(str(row[0]).split()) if row else "no answer"  # on one line


def damage(path: Path, err: BaseException | None = None) -> str | None:
    """What is wrong with a store whose read failed (with ``err``): its header's problem, else
    quick_check's first problem, else ``None`` (quick_check found none: the error was something
    else, for instance another process's lock)."""
    try:
        problem = header_problem(path)
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"
    if problem is not None:
        return problem
    word = quick_check(path)
    if word == "ok":
        return None
    return f"damaged: SQLite's quick_check says {word!r}"

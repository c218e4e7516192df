"""Load a fact book: read the file, parse it, check it, and keep it in the parse cache.

This is the one module that orchestrates loading; the pieces it calls (``loader``,
``validate``, ``cache``) import nothing above themselves. Standard library only.
"""

from __future__ import annotations

import os

from . import cache
from . import model as m
from .errors import DataError
from .loader import DEFAULT_MAX_SIZE, check_file, read_facts, resolve_data_path
from .memory import gc_paused
from .validate import check_quotes, check_references


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
    check_file(file, max_size)  # the size limit and path checks hold for a cached book too
    use_cache = use_cache and not cache.disabled_by_environment()
    if use_cache:
        cached = cache.read(file)
        if cached is not None:
            return cached
    book, problems = read_facts(file, max_size=max_size)
    with gc_paused():
        problems = problems or check_references(book)
    if problems:
        first = min(problems, key=lambda p: (p.line or 0, p.column or 0))
        more = f" (and {len(problems) - 1} more problems; run 'normandie validate')" if len(problems) > 1 else ""
        raise DataError(first.path, first.message + more, first.line, first.column)
    if use_cache:
        with gc_paused():
            cache.write(file, book)
    return book


def validate_file(
    path: str | os.PathLike[str] | None = None, max_size: int | None = None
) -> tuple[m.FactBook, list[DataError]]:
    """Every problem in a fact file, in file order. Raises DataError only when it cannot be read."""
    book, problems = read_facts(path) if max_size is None else read_facts(path, max_size)
    problems = problems + check_references(book) + check_quotes(book)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return book, problems

"""What the global options decide, shared by every command through ``ctx.obj``."""

from __future__ import annotations

import os
import sys
from typing import Any

from .. import model


def _tell_test_ready() -> None:
    """A hook for tests only: with ``NORMANDIE_TEST_READY_FD`` set to the number of a file
    descriptor the process inherited (the write end of a pipe), write one byte to it and close it,
    just before the fact file is read. A test waits for that byte before it sends Ctrl-C
    (tests/test_hostile.py), instead of sleeping and hoping. Unset (always, outside tests), it
    costs one dictionary look-up; a bad value is ignored."""
    fd = os.environ.get("NORMANDIE_TEST_READY_FD")
    if fd is None:
        return
    try:
        os.write(int(fd), b"r")
        os.close(int(fd))
    except (OSError, ValueError):
        pass


def _forget_cache_notices() -> None:
    """Drop what the parse cache had to say before this run (the core used in the same process)."""
    from ..loading.cache import notices

    notices()


class State:
    """The global options (``--data``, ``--no-color``, ``--no-pager``, ``--no-cache``, ``--max-size``) and the book
    once loaded."""

    def __init__(
        self, data: str | None = None, no_color: bool = False, no_cache: bool = False, max_size: int | None = None,
        no_pager: bool = False,
    ) -> None:
        self.data = data
        self.no_pager = no_pager
        self.no_color = no_color
        self.no_cache = no_cache
        self.max_size = max_size
        self._book: model.FactBook | None = None
        self._store: Any = None
        self._store_opened = False
        self._reopened = False
        self._said: set[str] = set()

    def book(self) -> model.FactBook:
        """The fact book from ``--data`` / ``NORMANDIE_DATA`` / the bundled file, loaded once."""
        if self._book is None:
            from ..loading.book import load_facts
            from ..loading.files import DEFAULT_MAX_SIZE, resolve_data_path
            from ._progress import slow_work

            _forget_cache_notices()
            with slow_work(f"Reading {resolve_data_path(self.data)} (a large file is parsed once, "
                           "then read from the parse cache)"):
                _tell_test_ready()
                self._book = load_facts(
                    self.data, use_cache=not self.no_cache, max_size=self.max_size or DEFAULT_MAX_SIZE
                )
            self._say_cache_notices()
            # The book lives until the process ends: move it out of the cyclic collector's sight,
            # so that building rows from a large book does not make it walk the book again and again.
            import gc

            gc.freeze()
        return self._book

    def store(self) -> Any:
        """A read-only ``sqlite3.Connection`` to the fact store of the data file in use, opened
        once, for queries that run in SQL; ``None`` when there is none (``--no-cache``): use
        :meth:`book` then."""
        if not self._store_opened:
            from ..loading.book import open_store
            from ..loading.files import DEFAULT_MAX_SIZE, resolve_data_path
            from ._progress import slow_work

            _forget_cache_notices()
            with slow_work(f"Reading {resolve_data_path(self.data)} (a large file is parsed once, "
                           "then read from the parse cache)"):
                _tell_test_ready()
                self._store, parsed = open_store(
                    self.data, use_cache=not self.no_cache, max_size=self.max_size or DEFAULT_MAX_SIZE
                )
            self._say_cache_notices()
            self._keep(parsed)
            self._store_opened = True
        return self._store

    def reopen_store(self, err: BaseException) -> Any:
        """A query on :meth:`store` failed with ``err`` (a ``sqlite3.Error``) before any of its
        output was written: a damaged ``--data`` store raises its DataError; the parse cache's
        is built again, and the new connection (or ``None``: use :meth:`book`) is returned."""
        from ..errors import DataError
        from ..loading.book import reopen_store
        from ..loading.files import DEFAULT_MAX_SIZE, resolve_data_path

        if self._store is not None:
            self._store.close()
            self._store = None
        if self._reopened:  # rebuilt, and failed again: not the store's damage alone
            raise DataError(str(resolve_data_path(self.data)), f"its parse cache cannot be read, even rebuilt ({err}); "
                            "run with --no-cache")
        self._reopened = True
        self._store, parsed = reopen_store(self.data, err, max_size=self.max_size or DEFAULT_MAX_SIZE)
        self._say_cache_notices()
        self._keep(parsed)
        return self._store

    def _say_cache_notices(self) -> None:
        """What the parse cache has to say (it cannot be written here), on stderr, once per run."""
        from ..loading.cache import notices

        for notice in notices():
            if notice in self._said:
                continue
            self._said.add(notice)
            try:
                print(f"normandie: {notice}", file=sys.stderr)
            except (OSError, ValueError):
                pass

    def _keep(self, parsed: model.FactBook | None) -> None:
        if parsed is not None:  # no store to use, but the book is parsed: keep it for book()
            self._book = parsed
            import gc

            gc.freeze()

"""What the global options decide, shared by every command through ``ctx.obj``."""

from __future__ import annotations

from .. import model


class State:
    """``--data``, ``--no-color`` and ``--no-cache``, and the fact book once loaded."""

    def __init__(self, data: str | None = None, no_color: bool = False, no_cache: bool = False) -> None:
        self.data = data
        self.no_color = no_color
        self.no_cache = no_cache
        self._book: model.FactBook | None = None

    def book(self) -> model.FactBook:
        """The fact book from ``--data`` / ``NORMANDIE_DATA`` / the bundled file, loaded once."""
        if self._book is None:
            from ..loader import load_facts

            self._book = load_facts(self.data, use_cache=not self.no_cache)
        return self._book

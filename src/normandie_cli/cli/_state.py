"""What the global options decide, shared by every command through ``ctx.obj``."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import model


@dataclass
class State:
    data: str | None = None
    no_color: bool = False
    _book: model.FactBook | None = field(default=None, repr=False)

    def book(self) -> model.FactBook:
        """The fact book from ``--data`` / ``NORMANDIE_DATA`` / the bundled file, loaded once."""
        if self._book is None:
            from ..loader import load_facts

            self._book = load_facts(self.data)
        return self._book

"""Memory habits of building large, long-lived object graphs (standard library only)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of objects that all stay alive are
    built: it would otherwise walk them again and again (composing a 10,000-company file took
    1.9 s with it, 0.5 s without). Reference counting still frees what dies."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()

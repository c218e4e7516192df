"""A spinner on stderr while a large fact file is parsed: only on a terminal, only after a
second, never on a pipe. Rich and the thread are started only then."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import threading


def _wait(done: threading.Event, seconds: float) -> bool:
    """Wait until ``done`` is set or ``seconds`` have passed; true if it was set.

    The clock of :func:`slow_work`, in one place so that tests replace it with a fake clock
    (tests/test_progress.py) and check the threshold without sleeping."""
    return done.wait(seconds)


@contextlib.contextmanager
def slow_work(label: str, delay: float = 1.0) -> Iterator[None]:
    """Show ``label`` with a spinner on stderr if the block takes longer than ``delay`` seconds."""
    stream = sys.stderr
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not interactive:
        yield
        return
    import threading

    done = threading.Event()

    def show() -> None:
        if _wait(done, delay):
            return
        from rich.console import Console

        with Console(file=stream).status(label, spinner="dots"):
            done.wait()

    thread = threading.Thread(target=show, name="normandie-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()

"""The command-line interface: a Typer app whose commands are thin calls into the core.

``app`` is the whole app, every command registered (tests, tools); the console script's
``main`` imports only the command about to run, and answers a Tab press (``_NORMANDIE_COMPLETE``)
without Typer when it can (``_tab``).

This module imports nothing at its top but ``os`` (which the interpreter has already loaded):
every Tab press imports it before the fast path answers, so ``typing`` is read by type
checkers only.
"""

import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy reads the name)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["app", "main"]


def main() -> None:
    """The console script. A shell asking for candidates is answered by the fast path
    (standard library and the store: ``_tab``) when it can answer exactly; else, as every
    other run, by the Typer app (``run.main``), which first derives the fast path's table
    when it is missing or stale."""
    if "_NORMANDIE_COMPLETE" in os.environ:
        from ._tab import answer_and_exit

        answer_and_exit()  # returns only when the full path must answer
        from ._tabspec import ensure_spec

        ensure_spec()
    from .run import main as run_main

    run_main()


def __getattr__(name: str) -> "Any":
    if name == "app":
        from ._app import app
        from .run import register_commands

        register_commands()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

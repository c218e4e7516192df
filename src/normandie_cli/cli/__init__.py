"""The command-line interface: a Typer app whose commands are thin calls into the core.

``app`` is the whole app, every command registered (tests, tools); the console script's
``main`` imports only the command about to run, and answers a Tab press (``_NORMANDIE_COMPLETE``)
without Typer when it can (``_tab``).
"""

import os
from typing import Any

__all__ = ["app", "main"]


def main() -> None:
    """The console script. A shell asking for candidates is answered by the fast path
    (standard library and the store: ``_tab``) when it can answer exactly; else, as every
    other run, by the Typer app (``run.main``), which first derives the fast path's table
    when it is missing or stale."""
    if "_NORMANDIE_COMPLETE" in os.environ:
        import sys

        from ._tab import answer

        status = answer()
        if status is not None:
            sys.stdout.flush()
            sys.exit(status)
        from ._tabspec import ensure_spec

        ensure_spec()
    from .run import main as run_main

    run_main()


def __getattr__(name: str) -> Any:
    if name == "app":
        from ._app import app
        from .run import register_commands

        register_commands()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

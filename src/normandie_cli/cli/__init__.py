"""The command-line interface: a Typer app whose commands are thin calls into the core.

``app`` is the whole app, every command registered (tests, tools); the console script's
``main`` imports only the command about to run.
"""

from typing import Any

from .run import main

__all__ = ["app", "main"]


def __getattr__(name: str) -> Any:
    if name == "app":
        from ._app import app
        from .run import register_commands

        register_commands()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

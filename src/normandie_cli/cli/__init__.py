"""The command-line interface: a Typer app whose commands are thin calls into the core."""

from .run import app, main

__all__ = ["app", "main"]

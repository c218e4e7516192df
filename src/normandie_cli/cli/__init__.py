"""The command-line interface: a Typer app whose commands are thin calls into the core."""

from ._app import app
from .run import main  # importing run registers every command on app

__all__ = ["app", "main"]

"""Running the app: only the command about to run is built, and the console script's
``main``. Importing this module registers every command."""

from __future__ import annotations

import os
import sys

import typer

from ..errors import ExitCode
from . import cache, export, fields, listing, validate  # noqa: F401  (each registers its commands on app)
from ._app import app, new_app, quiet_stdout

_GLOBAL_WITH_VALUE = ("--data", "--max-size")
_FULL_APP_OPTIONS = ("-h", "--help", "--version", "--install-completion", "--show-completion")


def command_name(words: list[str]) -> str | None:
    """The subcommand these (complete) words run, or ``None`` when they need the whole app."""
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in _GLOBAL_WITH_VALUE:
            skip = True
        elif word in _FULL_APP_OPTIONS:
            return None
        elif not word.startswith("-"):
            return word
    return None


def _complete_words() -> list[str] | None:
    """The words already complete on a command line being Tab-completed (Typer's variables)."""
    import shlex

    try:
        if "COMP_WORDS" in os.environ:  # bash: the words, and the index of the one being completed
            words = shlex.split(os.environ["COMP_WORDS"])
            return words[1 : int(os.environ.get("COMP_CWORD", len(words)))]
        line = os.environ.get("_TYPER_COMPLETE_ARGS", "")  # zsh and fish: the whole line
        words = shlex.split(line)
        return words[1:] if line[-1:].isspace() else words[1:-1]
    except ValueError:
        return None


def app_for_this_run() -> typer.Typer:
    """The whole app, or one with only the command about to run.

    Typer builds every registered command's parameters before it parses anything, which
    costs start-up on every run and every Tab press; the command line says which one will
    run (as click's documented "lazy group" does), so only that one is built. Help, version,
    completion of a command's name and unknown commands get the whole app.
    """
    completing = "_NORMANDIE_COMPLETE" in os.environ
    words = _complete_words() if completing else sys.argv[1:]
    name = command_name(words) if words is not None else None
    chosen = [info for info in app.registered_commands if info.name == name]
    if not chosen:
        return app
    slim = new_app()
    slim.registered_callback = app.registered_callback
    slim.registered_commands = chosen
    return slim


def main() -> None:
    """The console script: run the app; a closed pipe at exit is not an error to report."""
    for stream in (sys.stdout, sys.stderr):
        # An ASCII-only terminal (LC_ALL=C without UTF-8 mode, PYTHONIOENCODING=ascii) gets
        # escapes for what it cannot show, never a UnicodeEncodeError.
        if (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            try:
                stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
            except (AttributeError, ValueError):
                pass
    try:
        try:
            app_for_this_run()(prog_name="normandie")
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
        sys.exit(ExitCode.BROKEN_PIPE)

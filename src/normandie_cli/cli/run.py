"""Running the app: only the command about to run is imported and built, and the console
script's ``main``."""

from __future__ import annotations

import os
import sys

import typer

from ..errors import ExitCode
from ._app import app, new_app, quiet_stdout, say_ended
from ._signals import Signalled, install

#: The module that registers a command on ``app`` (every listing command is in listing.py).
_COMMAND_MODULES = {"fields": "fields", "cache": "cache", "export": "export", "validate": "validate",
                    "schema": "schema", "diff": "diff"}
_ALL_MODULES = ("listing", *_COMMAND_MODULES.values())


def register_commands(name: str | None = None) -> None:
    """Import the module that registers ``name``'s command on ``app`` (every module for
    ``None``): a run imports only the command it runs."""
    import importlib

    for module in [_COMMAND_MODULES.get(name, "listing")] if name else _ALL_MODULES:
        importlib.import_module(f"{__package__}.{module}")


_GLOBAL_WITH_VALUE = ("--data", "--max-size", "--as-of")  # --as-of: a listing's, allowed before it too
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


#: Set while completing ``--sort -FIELD``: the "-" is taken off the word before Click sees it
#: (Click would complete option names for a word starting with "-") and put back on each candidate.
DESCENDING_ENV = "_NORMANDIE_COMPLETE_DESCENDING"


def unhide_descending_sort() -> None:
    """``--sort -<Tab>``, ``--sort id,-<Tab>``: complete field names, not option names."""
    import shlex

    try:
        if "COMP_WORDS" in os.environ:
            words = shlex.split(os.environ["COMP_WORDS"])
            index = int(os.environ.get("COMP_CWORD", len(words) - 1))
            if 0 < index < len(words) and words[index - 1] == "--sort" and words[index].startswith("-"):
                words[index] = words[index][1:]
                os.environ["COMP_WORDS"] = shlex.join(words)
                os.environ[DESCENDING_ENV] = "1"
            return
        line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
        words = shlex.split(line)
        if len(words) >= 2 and not line[-1:].isspace() and words[-2] == "--sort" and words[-1].startswith("-"):
            os.environ["_TYPER_COMPLETE_ARGS"] = line[: len(line) - len(words[-1])] + words[-1][1:]
            os.environ[DESCENDING_ENV] = "1"
    except ValueError:
        return


def app_for_this_run() -> typer.Typer:
    """The whole app, or one with only the command about to run.

    Typer builds every registered command's parameters before it parses anything, which
    costs start-up on every run and every Tab press; the command line says which one will
    run (as click's documented "lazy group" does), so only that one is built. Help, version,
    completion of a command's name and unknown commands get the whole app.
    """
    completing = "_NORMANDIE_COMPLETE" in os.environ
    if completing:
        unhide_descending_sort()
    words = _complete_words() if completing else sys.argv[1:]
    name = command_name(words) if words is not None else None
    if name is not None:
        register_commands(name)
    chosen = [info for info in app.registered_commands if info.name == name]
    if not chosen:
        register_commands()  # help, completion of command names, a group, an unknown command
        return app
    slim = new_app()
    slim.registered_callback = app.registered_callback
    slim.registered_commands = chosen
    return slim


def main() -> None:
    """The console script: run the app; a closed pipe at exit is not an error to report;
    Ctrl-C, SIGTERM and SIGHUP end it with one line wherever they land."""
    install()
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
    except KeyboardInterrupt:  # outside a command (the error boundary says it inside)
        say_ended("interrupted")
        sys.exit(ExitCode.INTERRUPTED)
    except Signalled as ended:
        say_ended(ended.message)
        sys.exit(ended.exit_code)

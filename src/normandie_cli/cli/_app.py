"""The Typer app, its global options, and the one error boundary.

Every command runs inside :class:`_Group.invoke`, which turns the project's own errors into
one line on stderr and a documented exit code (``errors.ExitCode``). Nothing else is caught:
a bug still shows its traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import ExitCode, NormandieError
from ._state import State


def _quiet_stdout() -> None:
    """After a reader closed the pipe: send what is left in the buffer nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class _Group(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except NormandieError as err:
            typer.echo(f"normandie: {err}", err=True)
            raise typer.Exit(err.exit_code) from None
        except BrokenPipeError:
            _quiet_stdout()
            raise typer.Exit(ExitCode.BROKEN_PIPE) from None
        except KeyboardInterrupt:
            typer.echo("normandie: interrupted", err=True)
            raise typer.Exit(ExitCode.INTERRUPTED) from None


def _new_app() -> typer.Typer:
    return typer.Typer(
        cls=_Group,
        name="normandie",
        help="Explore sourced facts about Normandy's economy: companies, projects, jobs, dates.\n\n"
        "Example: normandie companies --role delegation",
        invoke_without_command=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


#: The whole app: every command registered (tests, help, and completion of command names).
app = _new_app()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"normandie {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    data: Annotated[
        str | None,
        typer.Option("--data", envvar="NORMANDIE_DATA", show_envvar=True, metavar="FILE",
                     help="Fact file to read instead of the bundled one."),
    ] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour (also: NO_COLOR=1, TERM=dumb).")] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Parse the fact file, neither reading nor writing the parse cache.")
    ] = False,
    max_size: Annotated[
        str | None,
        typer.Option("--max-size", metavar="SIZE", envvar="NORMANDIE_MAX_SIZE",
                     help="Refuse fact files larger than SIZE (default 64M; K, M, G are powers of 1024)."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """With no command: a short summary of the fact book and the commands to try."""
    limit = None
    if max_size is not None:
        from ..loader import parse_size

        try:
            limit = parse_size(max_size)
        except ValueError as err:
            raise typer.BadParameter(str(err), param_hint="--max-size") from None
    ctx.obj = State(data=data or None, no_color=no_color, no_cache=no_cache, max_size=limit)
    if ctx.invoked_subcommand is None:
        from .summary import print_summary

        print_summary(ctx.obj)


from . import cache, fields, listing, validate  # noqa: E402,F401  (registers the commands)


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
    slim = _new_app()
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
        _quiet_stdout()
        sys.exit(ExitCode.BROKEN_PIPE)

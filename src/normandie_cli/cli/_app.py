"""The Typer app, its global options, and the one error boundary (commands register
themselves on ``app`` from their own modules; :mod:`.run` imports them all and runs it).

Every command runs inside :class:`_Group.invoke`, which turns the project's own errors into
one line on stderr and a documented exit code (``errors.ExitCode``). Nothing else is caught:
a bug still shows its traceback.
"""

# No "from __future__ import annotations": Typer reads the global options' annotations as
# objects, without evaluating strings on every run.

import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import ExitCode, NormandieError, UsageError, shorten
from ._signals import Signalled
from ._state import State


def quiet_stdout() -> None:
    """After a reader closed the pipe: send what is left in the buffer nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def usage_error(message: str, hint: str | None = None) -> None:
    """The one style of a usage error: one line, and at most one hint line (long values cut)."""
    typer.echo(f"normandie: error: {shorten(' '.join(message.split()))}", err=True)
    if hint:
        typer.echo(shorten(hint), err=True)


def say_ended(message: str) -> None:
    """The one line of a run ended by Ctrl-C or a signal (stderr may be gone with the terminal)."""
    try:
        typer.echo(f"normandie: {message}", err=True)
    except (OSError, ValueError):
        pass


class _Group(TyperGroup):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(lower_command_options(args, self.params), self.params))

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, windows_expand_args: bool = True,
             **extra: Any) -> Any:
        """Click's own usage errors (unknown option or command, a bad value) in the project's
        one-line style, exit 2."""
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False,
                                windows_expand_args=windows_expand_args, **extra)
        except typer.TyperException as err:  # Click's exceptions derive from it
            if not standalone_mode:
                raise
            raise SystemExit(self._report(err)) from None
        if not standalone_mode:
            return code
        raise SystemExit(code if isinstance(code, int) else 0)

    @staticmethod
    def _report(err: Any) -> int:
        if type(err).__name__ == "NoArgsIsHelpError" or not hasattr(err, "format_message"):
            err.show()
            return int(getattr(err, "exit_code", ExitCode.USAGE))
        ctx = getattr(err, "ctx", None)
        hint = f"Try '{ctx.command_path} --help'." if ctx is not None else None
        usage_error(err.format_message(), hint)
        return int(getattr(err, "exit_code", ExitCode.USAGE))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as err:
            usage_error(str(err), err.hint)
            raise typer.Exit(err.exit_code) from None
        except NormandieError as err:
            typer.echo(f"normandie: {err}", err=True)
            raise typer.Exit(err.exit_code) from None
        except BrokenPipeError:
            quiet_stdout()
            raise typer.Exit(ExitCode.BROKEN_PIPE) from None
        except KeyboardInterrupt:
            say_ended("interrupted")
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except Signalled as ended:
            say_ended(ended.message)
            raise typer.Exit(ended.exit_code) from None


#: Options of the listing commands that may also come before the command, as a global option
#: does (``normandie --as-of 2024-01 projects``): they are moved after it. Each takes a value.
BEFORE_THE_COMMAND = ("--as-of",)


def lower_command_options(args: list[str], params: list[Any]) -> list[str]:
    """``BEFORE_THE_COMMAND`` options given before the command moved after it (``normandie
    --as-of 2024-01 projects`` as ``normandie projects --as-of 2024-01``), so that they are
    read, checked and reported by the command as when given there. A command that has no such
    option says so."""
    valued = {opt for p in params if not getattr(p, "is_flag", False) and not p.is_eager for opt in p.opts}
    kept: list[str] = []
    moved: list[str] = []
    index = 0
    while index < len(args):
        word = args[index]
        if word == "--" or not word.startswith("-"):
            break
        if word in BEFORE_THE_COMMAND and index + 1 < len(args):
            moved += args[index : index + 2]
            index += 2
            continue
        if word.split("=", 1)[0] in BEFORE_THE_COMMAND and "=" in word:
            moved.append(word)
        else:
            taken = 2 if word in valued else 1
            kept += args[index : index + taken]
            index += taken - 1
        index += 1
    if not moved or index >= len(args) or args[index] == "--":
        return args
    return kept + [args[index]] + moved + args[index + 1 :]


def hoist_global_options(args: list[str], params: list[Any]) -> list[str]:
    """The global options given after the command moved before it (``normandie companies
    --no-color`` as ``normandie --no-color companies``), as gh takes flags anywhere. Which
    options are global, and which take a value, is read off the app's own parameters."""
    flags = {opt for p in params if getattr(p, "is_flag", False) and not p.is_eager for opt in p.opts}
    valued = {opt for p in params if not getattr(p, "is_flag", False) and not p.is_eager for opt in p.opts}
    index = 0
    while index < len(args):  # the command's place: the first word that no global option takes
        word = args[index]
        if word == "--" or not word.startswith("-"):
            break
        index += 2 if word in valued else 1
    if index >= len(args) or args[index] == "--":
        return args
    head, tail = args[: index + 1], args[index + 1 :]
    moved: list[str] = []
    kept: list[str] = []
    position = 0
    while position < len(tail):
        word = tail[position]
        if word == "--":
            kept += tail[position:]
            break
        if word in flags or word.split("=", 1)[0] in valued and "=" in word:
            moved.append(word)
        elif word in valued and position + 1 < len(tail):
            moved += tail[position : position + 2]
            position += 1
        else:
            kept.append(word)
        position += 1
    return head[:-1] + moved + head[-1:] + kept


def new_app() -> typer.Typer:
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
app = new_app()


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
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Never page long output (also: PAGER=cat; the pager: $NORMANDIE_PAGER, "
                           "$PAGER, else less -FRX).")
    ] = False,
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
        from ..loading.files import parse_size

        try:
            limit = parse_size(max_size)
        except ValueError as err:
            raise typer.BadParameter(str(err), param_hint="--max-size") from None
    ctx.obj = State(data=data or None, no_color=no_color, no_cache=no_cache, max_size=limit, no_pager=no_pager)
    if ctx.invoked_subcommand is None:
        from .summary import print_summary

        print_summary(ctx.obj)

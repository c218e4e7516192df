"""The Typer app, its global options, and the one error boundary (commands register
themselves on ``app`` from their own modules; :mod:`.run` imports them all and runs it).

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


def quiet_stdout() -> None:
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
            quiet_stdout()
            raise typer.Exit(ExitCode.BROKEN_PIPE) from None
        except KeyboardInterrupt:
            typer.echo("normandie: interrupted", err=True)
            raise typer.Exit(ExitCode.INTERRUPTED) from None


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
        from ..loader import parse_size

        try:
            limit = parse_size(max_size)
        except ValueError as err:
            raise typer.BadParameter(str(err), param_hint="--max-size") from None
    ctx.obj = State(data=data or None, no_color=no_color, no_cache=no_cache, max_size=limit, no_pager=no_pager)
    if ctx.invoked_subcommand is None:
        from .summary import print_summary

        print_summary(ctx.obj)

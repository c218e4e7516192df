"""The fast path's table of commands, options and kinds of value (``_tab``), derived from the
Typer app as it is registered, never kept by hand; written to the cache directory with the
size and time of every module of the package (and of Typer's), so that a changed package
derives it again.

Each kind of value is a list: ``["data", KIND]`` and ``["ids", KINDS, CLAIMS]`` (the store's
completion table), ``["history_fields"]``, ``["pairs", PAIRS]`` (offered as the callback
offers them), ``["fields", PAIRS]`` (a comma-separated list of field names), ``["choice",
CHOICES, CASE_SENSITIVE]``, ``["none"]`` (nothing), ``["full"]`` (the full path answers).
Each command's part (its options, their kinds, its arguments) is marshalled apart, so that a
Tab press reads the one it completes rather than all of them (``_tab.command_spec``).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from . import _tab


def _kind(ctx: Any, param: Any) -> list[Any]:
    """The kind of value ``param`` takes, in the context of its command."""
    callback = getattr(param, "_custom_shell_complete", None)
    if callback is not None:
        kind = list(getattr(callback, "tab_kind", ["full"]))
        if kind[0] == "pairs":
            kind.append([(c.value, c.help or "") for c in callback(ctx, param, "")])
        elif kind[0] == "fields":
            from ._complete import field_help

            kind.append(field_help(ctx))
        return kind
    choices = getattr(param.type, "choices", None)
    if choices is not None:
        return ["choice", [str(getattr(c, "value", c)) for c in choices], bool(param.type.case_sensitive)]
    if param.type.name in ("path", "file", "directory"):
        return ["full"]
    return ["none"]


def _params(ctx: Any, command: Any) -> dict[str, Any]:
    """A command's options (every name, to the index of its parameter), its parameters'
    kinds and its positional arguments (indexes), in order."""
    params: list[dict[str, Any]] = []
    options: dict[str, int] = {}
    arguments: list[int] = []
    for param in command.get_params(ctx):
        index = len(params)
        is_option = getattr(param, "param_type_name", "") == "option"
        takes = is_option and not (param.is_flag or param.count)
        nargs = param.nargs
        params.append({"takes": takes, "complete": _kind(ctx, param) if takes or not is_option else ["none"]})
        if is_option:
            if takes and nargs != 1:
                params[-1]["complete"] = ["full"]
            for name in [*param.opts, *param.secondary_opts]:
                options[name] = index
        elif nargs == 1:
            arguments.append(index)
        else:
            arguments.append(index)
            params[-1]["complete"] = ["full"]
            break  # what follows a variadic argument: the full path
    return {"params": params, "options": options, "arguments": arguments}


def derive() -> dict[str, Any]:
    """The spec of the whole app as it is registered now."""
    import marshal

    import typer

    from .. import __version__
    from ..loading.files import DEFAULT_MAX_SIZE, bundled_path
    from ..store import schema as store
    from ._app import app
    from .run import register_commands

    register_commands()  # every command, as the package's app is

    root = typer.main.get_command(app)
    root_ctx = root.make_context("normandie", [], resilient_parsing=True)
    commands: dict[str, Any] = {}
    listed: list[tuple[str, str]] = []
    for name in root.list_commands(root_ctx):  # type: ignore[attr-defined]
        command = root.get_command(root_ctx, name)  # type: ignore[attr-defined]
        if command is None or command.hidden:
            continue
        listed.append((name, command.get_short_help_str()))
        if hasattr(command, "list_commands"):
            continue  # a group (cache): the full path
        ctx = command.make_context(name, [], parent=root_ctx, resilient_parsing=True)
        commands[name] = marshal.dumps(_params(ctx, command))  # read only when a Tab press needs it
    root_options = {name: not (getattr(param, "is_flag", False) or getattr(param, "count", False))
                    for param in root.get_params(root_ctx) if getattr(param, "param_type_name", "") == "option"
                    for name in [*param.opts, *param.secondary_opts]}
    libraries = {}
    for module in ("typer", "click", "rich"):
        loaded = sys.modules.get(module)
        path = getattr(loaded, "__file__", None)
        if path:
            info = os.stat(path)
            libraries[path] = (info.st_size, info.st_mtime_ns)
    return {
        "format": _tab.SPEC_FORMAT,
        "python": sys.version,
        "files": _tab.package_files(),
        "libraries": libraries,
        "store": {
            "bundled": str(bundled_path()),
            "max_size": DEFAULT_MAX_SIZE,
            "header": store.HEADER,
            "schema": str(store.SCHEMA_VERSION),
            "version": __version__,
            "record_layout": store.record_layout(),
            "statements": [sorted(store.schema_statements(False)), sorted(store.schema_statements(True))],
        },
        "root": {"options": root_options, "commands": listed},
        "commands": commands,
    }


def write_spec() -> None:
    """Derive the spec and leave it in the cache directory, atomically; a directory that
    cannot be written leaves the fast path unused (the full path answers)."""
    import marshal

    directory = _tab.cache_dir()
    path = os.path.join(directory, _tab.SPEC_NAME)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        spec = derive()
        os.makedirs(directory, exist_ok=True)
        with open(temporary, "wb") as handle:
            marshal.dump(spec, handle)
        os.replace(temporary, path)
    except Exception:  # a Tab press never fails for the fast path's sake: the full path answers
        try:
            os.unlink(temporary)
        except OSError:
            pass


def ensure_spec() -> None:
    """Write the spec when the one in the cache directory is missing or stale."""
    if _tab.load_spec() is None:
        write_spec()

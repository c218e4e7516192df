"""Tab completion without Typer, Click or Rich: the fast path the console script takes when a
shell asks for candidates (``_NORMANDIE_COMPLETE``).

It reads a table of the commands, their options and the kind of value each takes (the *spec*),
derived from the Typer app by ``cli._tabspec`` on the first Tab press after the package changed
and kept in the cache directory; it reads the values of the data file from the parse cache's
store, through :mod:`store.completion_query`. Whenever it cannot be sure to give exactly what the full
path gives (no spec, a stale one, no fresh store, an option name, ``=``, quotes, a help text
that Rich would change) :func:`answer` returns ``False`` and the full path answers.

The matching rules (:func:`offer`, :func:`matching_ids`, :func:`field_list_pairs`) live here and
the full path's callbacks (``cli/_complete.py``) call them: one rule, two ways in.
Standard library only, and as little of it as a Tab press needs: every module imported here
is paid on every press (docs/performance.md). ``typing`` and ``collections.abc`` are read by type
checkers only; ``sqlite3`` is its C module alone (:func:`connect`); a cache entry's name is
worked out without ``zlib``; the spec is read one command at a time; and the process ends
without the interpreter's tear-down once the answer is written (:func:`answer_and_exit`).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy reads the name)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import Any

Candidates = list[tuple[str, str]]

#: The spec's file in the cache directory, and the version of its layout.
SPEC_NAME = "tab-spec.marshal"
SPEC_FORMAT = 3


# --- matching (shared with cli/_complete.py) -------------------------------------------------

def loose(text: str) -> str:
    """``text`` folded (case, accents, separators), keeping one trailing space when it ends
    with a separator: ``eastman-`` is a prefix of ``eastman-port-jerome``, not of ``eastman``."""
    import re

    from ..text import SEPARATORS, fold

    folded = fold(text)
    return folded + " " if folded and re.search(f"{SEPARATORS}$", text) else folded


def prefixed(incomplete: str, value: str) -> str | None:
    """``value`` (the data's own spelling) when it starts with what was typed, matched loosely
    (case, accents, hyphens); else ``None``."""
    if value.startswith(incomplete):
        return value
    target = loose(incomplete)
    for end in range(len(value) + 1):
        folded = loose(value[:end])
        if folded == target:
            return value
        if len(folded) > len(target) + 1:
            break
    return None


def offer(incomplete: str, pairs: Iterable[tuple[str, str]]) -> Candidates:
    """The pairs whose value starts with what was typed (see :func:`prefixed`), each value once."""
    out: Candidates = []
    seen: set[str] = set()
    for value, help_text in pairs:
        shown = prefixed(incomplete, value)
        if shown is not None and shown not in seen:
            seen.add(shown)
            out.append((shown, help_text))
    return out


def matching_ids(rows: Sequence[tuple[str, str, str]], incomplete: str,
                 claims: Callable[[], Iterable[tuple[str, str]]] = tuple) -> Candidates:
    """The ids to offer for a word, in id form only, so that bash can insert what they share:
    the ids of ``rows`` (an entity's id, or its id again with its folded name) that start with
    the word; else those whose name does; else the ids ``claims`` gives that start with it (a
    claim's id is offered only when the word can be nothing else)."""
    by_id = offer(incomplete, [(value, help_text) for value, help_text, _ in rows])
    if by_id:
        return by_id
    typed = loose(incomplete)
    by_name = dict((value, help_text) for value, help_text, folded in rows if folded.startswith(typed))
    if by_name:
        return list(by_name.items())
    return offer(incomplete, claims())


def field_list_pairs(fields: Iterable[tuple[str, str]], incomplete: str) -> Candidates:
    """``--fields``, ``--sort``, ``--facet``: the last name of a comma-separated list (a leading
    ``-`` kept), each as the whole list typed so far."""
    head, _, last = incomplete.rpartition(",")
    prefix = f"{head}," if head else ""
    sign = "-" if last.startswith("-") else ""
    return [(f"{prefix}{sign}{name}", help_text) for name, help_text in fields]


def ids_query(conn: Any, incomplete: str, kinds: Sequence[str], claims: Sequence[str]) -> Candidates:
    """The ids of records of ``kinds`` for a word (see :func:`matching_ids`); ``claims``' ids last."""
    from ..store.completion_query import complete, complete_rows

    rows = [row for kind in kinds for row in complete_rows(conn, f"id:{kind}", incomplete)]
    return matching_ids(rows, incomplete, lambda: [
        pair for kind in claims for pair in complete(conn, f"id:{kind}", incomplete)])


# --- where things are -------------------------------------------------------------------------

def cache_dir() -> str:
    """The parse cache's directory, as ``cache.cache_dir`` says it (a test holds them together)."""
    own = os.environ.get("NORMANDIE_CACHE_DIR")
    if own:
        return own
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return os.path.join(xdg, "normandie")
    home = os.path.expanduser("~")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Caches", "normandie")
    if os.name == "nt":
        local = os.environ.get("LOCALAPPDATA", os.path.join(home, "AppData", "Local"))
        return os.path.join(local, "normandie", "Cache")
    return os.path.join(home, ".cache", "normandie")


def entry_of(absolute: str) -> str:
    """The cache entry of the fact file at ``absolute`` (its resolved path), as ``cache`` names it:
    its CRC-32 and Adler-32, worked out here for a path's few bytes (loading ``zlib`` costs a
    Tab press more than this does; a test holds them equal to ``zlib``'s)."""
    raw = absolute.encode("utf-8", "surrogateescape")
    return os.path.join(cache_dir(), f"{crc32(raw):08x}{adler32(raw):08x}.sqlite")


def crc32(data: bytes) -> int:
    """``zlib.crc32(data)``, a bit at a time."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0xEDB88320 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


def adler32(data: bytes) -> int:
    """``zlib.adler32(data)``."""
    low, high = 1, 0
    for byte in data:
        low = (low + byte) % 65521
        high = (high + low) % 65521
    return (high << 16) | low


def package_files() -> dict[str, tuple[int, int]]:
    """Every module of this package with its size and modification time: the spec is trusted
    only while they are those it was derived from."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the package, not cli/
    out: dict[str, tuple[int, int]] = {}
    pending = [root]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append(entry.path)
                elif entry.name.endswith(".py"):
                    info = entry.stat()
                    out[entry.path] = (info.st_size, info.st_mtime_ns)
    return out


def load_spec() -> dict[str, Any] | None:
    """The spec, when there is one derived from this package as it is (and from the Typer it
    was derived with, as it is); else ``None``. Each command's part is left marshalled
    (:func:`command_spec` reads the one a Tab press needs)."""
    import marshal

    try:
        with open(os.path.join(cache_dir(), SPEC_NAME), "rb") as handle:
            spec = marshal.load(handle)
        if not isinstance(spec, dict) or spec.get("format") != SPEC_FORMAT:
            return None
        if spec["python"] != sys.version or spec["files"] != package_files():
            return None
        for path, (size, mtime) in spec["libraries"].items():
            info = os.stat(path)
            if (info.st_size, info.st_mtime_ns) != (size, mtime):
                return None
        return spec
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        return None


def parse_size(text: str) -> int:
    """``loading.files.parse_size``: ``64M``, ``1G``, ``500K``, ``1048576`` (powers of 1024);
    ValueError otherwise. Its rule again, because importing ``loading.files`` (``pathlib``)
    would cost a Tab press more than a whole answer; a test holds the two equal."""
    import re

    match = re.fullmatch(r"\s*([0-9]+)\s*([BKMG]?)(?:I?B)?\s*", text.upper())
    if not match:
        raise ValueError(text)
    return int(match[1]) * {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3}[match[2]]


def command_spec(spec: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The part of the spec about one command (its options, parameters and arguments)."""
    import marshal

    part = spec["commands"].get(name)
    return None if part is None else dict(marshal.loads(part))


# --- the store ---------------------------------------------------------------------------------

def sqlite() -> tuple[Callable[..., Any], type[Exception]]:
    """``sqlite3.connect`` and ``sqlite3.Error``, from the C module the ``sqlite3`` package wraps
    when there is one: the package also imports ``datetime`` (for adapters a Tab press never
    uses), a millisecond of every press. They are the very same objects."""
    try:
        from _sqlite3 import Error, connect
    except ImportError:  # another Python's layout: the package
        from sqlite3 import Error, connect
    return connect, Error


def open_fresh_store(spec: dict[str, Any], data: str | None, max_size: str | None = None) -> Any:
    """A read-only connection to the parse cache's store of the data file in use when it is
    fresh exactly as ``cache`` judges it and the file is within the size limit (``--max-size``,
    else ``NORMANDIE_MAX_SIZE``, else the default); else ``None`` (the full path then builds or
    reads it, or says what is wrong)."""
    store = spec["store"]
    connect, error = sqlite()
    file = data or os.environ.get("NORMANDIE_DATA") or store["bundled"]
    try:
        size_text = max_size or os.environ.get("NORMANDIE_MAX_SIZE") or None
        limit = parse_size(size_text) if size_text is not None else store["max_size"]
        absolute = os.path.realpath(file, strict=True)
        info = os.stat(absolute)
        if info.st_size > limit or not os.path.isfile(absolute):
            return None
        with open(absolute, "rb") as handle:
            if handle.read(16) == store["header"]:  # a SQLite file given as --data: the full path
                return None
        entry = entry_of(absolute)
        with open(entry, "rb") as handle:
            head = handle.read(100)
            size = os.fstat(handle.fileno()).st_size
        page_size = int.from_bytes(head[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(head[28:32], "big")
        if (not head.startswith(store["header"]) or len(head) < 100 or page_size < 512
                or page_size & (page_size - 1) or (pages and head[24:28] == head[92:96] and size < pages * page_size)):
            return None
        uri = "file:" + os.path.realpath(entry).replace("?", "%3f").replace("#", "%23") + "?mode=ro"
        conn = connect(uri, uri=True)
    except (OSError, ValueError, error):
        return None
    try:
        meta = {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM meta")}
        stamp = [str(n) for n in (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)]
        master = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        found = sorted(str(sql) for name, sql in master if not str(name).startswith("organisations_fts_"))
        if (meta.get("schema") == store["schema"] and meta.get("version") == store["version"]
                and meta.get("record_layout") == store["record_layout"]
                and meta.get("path") == absolute and "crc32" not in meta
                and [meta.get(key) for key in ("size", "mtime_ns", "ctime_ns", "inode", "device")] == stamp
                and found == store["statements"][meta.get("fts") == "1"]):
            return conn
    except error:
        pass
    conn.close()
    return None


# --- the command line --------------------------------------------------------------------------

def command_line(shell: str) -> tuple[list[str], str] | None:
    """The complete words after the program's name and the word being completed, as Typer's
    classes for ``shell`` read them; ``None`` for what only Click's own splitting reads exactly
    (quotes, backslashes)."""
    if shell == "bash":
        line = os.environ.get("COMP_WORDS", "")
        cword = os.environ.get("COMP_CWORD", "")
        if not cword.isdigit() or any(c in line for c in "'\"\\"):
            return None
        words = line.split()
        index = int(cword)
        return words[1:index], (words[index] if index < len(words) else "")
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    if any(c in line for c in "'\"\\"):
        return None
    words = line.split()[1:]
    if words and not line.endswith(" "):
        return words[:-1], words[-1]
    return words, ""


def resolve(spec: dict[str, Any], args: list[str], incomplete: str) -> tuple[list[Any], dict[str, Any]] | None:
    """What completes ``incomplete`` after ``args``: the kind of value (a spec descriptor) and
    what the callbacks read (``data`` and ``max_size``: the root's ``--data`` and
    ``--max-size``, ``command``, the positional values so far); ``None`` where the full path
    must answer."""
    if not incomplete[:1].isalnum() and incomplete or "--" in args or any("=" in a for a in args):
        return None
    root = spec["root"]
    index = 0
    state: dict[str, Any] = {"data": None, "max_size": None, "command": None, "arguments": []}
    while index < len(args):  # the root's options, then the command's name
        word = args[index]
        if word in root["options"]:
            if root["options"][word]:
                if index + 1 >= len(args):
                    return None
                if word in ("--data", "--max-size"):
                    state[word[2:].replace("-", "_")] = args[index + 1]
                index += 1
            elif word == "--no-cache":
                return None
            index += 1
        elif word.startswith("-"):
            return None
        else:
            break
    if index == len(args):
        if root["options"].get(args[-1] if args else "", False):
            return None
        return ["commands", root["commands"]], state
    name = args[index]
    command = command_spec(spec, name)
    if command is None:
        return None
    state["command"] = name
    rest = args[index + 1:]
    params = command["params"]
    positional: list[str] = []
    position = 0
    while position < len(rest):
        word = rest[position]
        if word.startswith("-") and word != "-":
            which = command["options"].get(word)
            if which is None:
                return None
            if params[which]["takes"]:
                if position + 1 == len(rest):  # the option's value is the word being completed
                    return params[which]["complete"], {**state, "arguments": positional}
                position += 1
        else:
            positional.append(word)
        position += 1
    arguments = command["arguments"]
    if len(positional) < len(arguments):
        return params[arguments[len(positional)]]["complete"], {**state, "arguments": positional}
    return None


def candidates(kind: list[Any], state: dict[str, Any], incomplete: str, spec: dict[str, Any]) -> Candidates | None:
    """The (value, help) pairs for one kind of value; ``None`` where the full path must answer."""
    tag = kind[0]
    if tag == "commands":
        return [(name, help_text) for name, help_text in kind[1] if name.startswith(incomplete)]
    if tag == "pairs":
        return offer(incomplete, kind[1])
    if tag == "fields":
        return offer(incomplete, field_list_pairs(kind[1], incomplete))
    if tag == "choice":
        choices, sensitive = kind[1], kind[2]
        if sensitive:
            return [(c, "") for c in choices if c.startswith(incomplete)]
        return [(c, "") for c in choices if c.casefold().startswith(incomplete.casefold())]
    if tag == "none":
        return []
    if tag not in ("data", "ids", "history_fields"):
        return None
    conn = open_fresh_store(spec, state["data"], state["max_size"])
    if conn is None:
        return None
    from ..store.completion_query import complete

    try:
        if tag == "data":
            return offer(incomplete, complete(conn, kind[1], incomplete))
        if tag == "ids":
            return ids_query(conn, incomplete, kind[1], kind[2])
        if not state["arguments"]:  # history_fields: the entity is the first argument
            return []
        return offer(incomplete, complete(conn, f"field:{state['arguments'][0]}", incomplete))
    finally:
        conn.close()


# --- what the shell reads ------------------------------------------------------------------------

def _plain_for_rich(text: str) -> bool:
    """Whether Rich renders ``text`` as it is (Typer passes zsh's and fish's help through it):
    no markup, no emoji code, and short enough not to be wrapped at the width Rich would take."""
    if "[" in text or text.count(":") > 1 or "\n" in text:
        return False
    if any(ord(c) > 0x24F and c not in "’‘“”–—…«»" for c in text):
        return False  # wide or combining characters: Rich measures cells
    width = os.environ.get("TERMINAL_WIDTH")
    if width:
        return len(text) < int(width)
    columns = 0  # Rich's width: the first standard stream's terminal, then $COLUMNS, else 80
    for fd in (0, 1, 2):
        try:
            columns = os.get_terminal_size(fd).columns
        except (OSError, ValueError):
            continue
        break
    env = os.environ.get("COLUMNS")
    if env is not None and env.isdigit():
        columns = int(env)
    return len(text) < (columns or 80)


def shell_output(shell: str, pairs: Candidates) -> tuple[str | None, int] | None:
    """What Typer's class for ``shell`` prints for these candidates (``None``: nothing, not
    even a line end) and the exit status; ``None`` where Rich might change a help text."""
    if shell == "bash":
        return "\n".join(value for value, _ in pairs), 0
    if shell == "zsh":
        def escape(s: str) -> str:
            return s.replace('"', '""').replace("'", "''").replace("$", "\\$").replace("`", "\\`").replace(":", r"\\:")

        lines = []
        for value, help_text in pairs:
            if help_text:
                if not _plain_for_rich(escape(help_text)):
                    return None
                lines.append(f'"{escape(value)}":"{escape(help_text)}"')
            else:
                lines.append(f'"{escape(value)}"')
        return ("_arguments '*: :((" + "\n".join(lines) + "))'" if lines else "_files"), 0
    action = os.environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
    lines = []
    for value, help_text in pairs:
        if help_text:
            flat = "".join(" " if c.isspace() else c for c in help_text)
            if not _plain_for_rich(flat):
                return None
            lines.append(f"{value}\t{flat}")
        else:
            lines.append(value)
    if action == "get-args":
        return "\n".join(lines), 0
    if action == "is-args":
        return None, 0 if lines else 1
    return "", 0


def answer(write: Callable[[str], Any] = sys.stdout.write) -> int | None:
    """Answer the shell's request, if this path can answer it exactly: the exit status, or
    ``None`` (nothing written) for the full path to answer."""
    shell = os.environ.get("_NORMANDIE_COMPLETE", "").removeprefix("complete_")
    if shell not in ("bash", "zsh", "fish") or os.environ.get("NORMANDIE_NO_CACHE", "") not in ("", "0"):
        return None
    spec = load_spec()
    parsed = command_line(shell) if spec is not None else None
    if spec is None or parsed is None:
        return None
    args, incomplete = parsed
    try:
        found = resolve(spec, args, incomplete)
        pairs = candidates(found[0], found[1], incomplete, spec) if found is not None else None
    except Exception:  # anything unforeseen: the full path answers (it never raises)
        return None
    out = shell_output(shell, pairs) if pairs is not None else None
    if out is None:
        return None
    text, status = out
    if text is not None:
        write(text + "\n")  # click.echo's line end
    return status


def answer_and_exit() -> None:
    """The console script's Tab press: answer it and exit with the answer's status (``SystemExit``,
    as any run ends); return only when the full path must answer. The interpreter's tear-down
    of its modules (a few milliseconds a press) is skipped: the first thing done at exit ends
    the process, once stdout and stderr are flushed (the fast path leaves nothing else to clean
    up: its connection is closed, it wrote no file)."""
    status = answer()
    if status is None:
        return
    import atexit

    sys.stdout.flush()
    atexit.register(_end, status)
    sys.exit(status)


def _end(status: int) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)

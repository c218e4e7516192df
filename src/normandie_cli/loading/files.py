"""The data file before it is read: which file (``--data``, ``NORMANDIE_DATA``, the bundled one),
whether it may be read (a regular file, readable, within the size limit), and a scan of its bytes
(UTF-8, nesting bound, anchors and tags, line ends) a megabyte at a time. Standard library only:
the command line uses these on every run."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import DataError

DATA_ENV = "NORMANDIE_DATA"


def bundled_path() -> Path:
    """The fact file shipped with the package (inside the wheel, or in the checkout)."""
    here = Path(__file__).resolve().parent.parent  # the package (this module is in loading/)
    packaged = here / "data" / "facts.yaml"
    if packaged.is_file():
        return packaged
    return here.parent.parent / "data" / "facts.yaml"


def resolve_data_path(option: str | os.PathLike[str] | None = None) -> Path:
    """``--data`` if given, else ``$NORMANDIE_DATA`` if set and not empty, else the bundled file."""
    if option:
        return Path(option)
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    return bundled_path()


#: The largest fact file read unless ``--max-size`` says otherwise (about four times a
#: 100,000-company register).
DEFAULT_MAX_SIZE = 64 * 1024 * 1024


#: Deeper nesting is refused before the YAML is composed (the fact format needs 6 levels;
#: PyYAML's C composer crashes the process on tens of thousands).
MAX_DEPTH = 64


#: How much of the file the scan reads at a time (then up to the next line end).
CHUNK = 1 << 20


class FileScan:
    """What one pass over a fact file's bytes tells, before any YAML is parsed: it is UTF-8
    (a byte-order mark allowed), within the size limit; a bound on its nesting; whether it has
    an ``&`` or a ``!`` anywhere (without them there is no anchor, alias or explicit tag); and
    whether every line ends with ``\\n`` alone (``lf_only``: then YAML's line numbers are the
    count of ``\\n`` before, as :func:`split_point` counts them)."""

    __slots__ = ("depth_bound", "marks", "lf_only")

    def __init__(self, depth_bound: int, marks: bool, lf_only: bool = True) -> None:
        self.depth_bound = depth_bound
        self.marks = marks
        self.lf_only = lf_only


def scan_file(path: Path, max_size: int = DEFAULT_MAX_SIZE) -> FileScan:
    """Read the file once, a chunk at a time (memory bounded by a chunk, not by the file), and
    raise a DataError unless it is a regular file within ``max_size`` bytes, in UTF-8.

    The nesting bound is quick and exact enough to clear ordinary files: the deepest flow
    brackets (every opening one when there are few), or more than MAX_DEPTH when a line starts
    with a run of indentation and block indicators long enough to go past the limit."""
    name = str(path)
    flow = flow_max = longest_run = openings = brackets = 0
    marks = False
    lf_only = True
    offset = 0  # of the chunk's first byte, after a byte-order mark
    size = 0
    try:
        check_file(path, max_size)
        with open(path, "rb") as handle:
            rest: list[bytes] = []  # the line not yet ended, in blocks (a line may be the whole file)
            first = True
            while True:
                block = handle.read(CHUNK)
                size += len(block)
                if size > max_size:
                    raise DataError(name, f"larger than the limit of {format_size(max_size)}; "
                                          "raise it with --max-size")
                if block:
                    cut = block.rfind(b"\n") + 1  # a line end is never inside a UTF-8 sequence
                    if cut == 0:
                        rest.append(block)
                        continue
                    data = b"".join([*rest, block[:cut]])
                    rest = [block[cut:]]
                else:
                    data, rest = b"".join(rest), []
                    if not data:
                        break
                if first and data.startswith(b"\xef\xbb\xbf"):
                    data = data[3:]
                first = False
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError as err:
                    raise DataError(name, f"not valid UTF-8 at byte offset {offset + err.start}") from None
                offset += len(data)
                marks = marks or "&" in text or "!" in text
                # YAML 1.1 also breaks lines at CR, NEL, LS and PS.
                lf_only = lf_only and not any(brk in text for brk in "\r\x85\u2028\u2029")
                flow, flow_max = _flow_depth(data, flow, flow_max)
                if brackets <= MAX_DEPTH:
                    opened = text.count("[") + text.count("{")
                    openings += opened
                    brackets += opened + text.count("]") + text.count("}")
                longest_run = _longest_run(data, longest_run)
                if not block:
                    break
    except OSError as err:
        raise _os_error(name, err) from None
    if brackets <= MAX_DEPTH:
        flow_max = openings  # few brackets: count every opening one, quoted or not
    if flow_max > MAX_DEPTH:
        return FileScan(flow_max, marks, lf_only)
    return FileScan(MAX_DEPTH + 1 if longest_run > MAX_DEPTH - flow_max else flow_max, marks, lf_only)


#: Every byte but the brackets (ASCII: never part of a longer UTF-8 sequence), and the brackets'
#: steps: +1 opening, -1 closing (as 2 and 0, less 1).
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")


_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")


def _flow_depth(data: bytes, depth: int, deepest: int) -> tuple[int, int]:
    """The flow-bracket depth after ``data`` (UTF-8) and the deepest reached, from ``depth``
    before it (brackets in quoted text only make it larger: a bound, not a measure)."""
    from itertools import accumulate, repeat
    from operator import sub

    brackets = data.translate(None, _NOT_BRACKETS)
    if not brackets:
        return depth, deepest
    # One step per bracket, done in C.
    running = list(accumulate(map(sub, brackets.translate(_BRACKET_STEPS), repeat(1)), initial=depth))
    return running[-1], max(deepest, max(running))


def _longest_run(data: bytes, longest: int) -> int:
    """The longest run of indentation and block indicators starting a line of ``data`` (whole
    lines), if longer than ``longest``: a search in C for a longer one, repeated while one is
    found. (A line end, then the run: much faster than a search for a line's start.)"""
    while True:
        run = b"[ \t?:-]{%d,}" % (longest + 1)
        found = re.match(run, data)  # the first line
        if found is not None:
            longest = found.end()
            continue
        found = re.search(b"\n" + run, data)  # any other
        if found is None:
            return longest
        longest = found.end() - found.start() - 1


def check_file(path: Path, max_size: int = DEFAULT_MAX_SIZE) -> None:
    """A DataError unless the path is a readable-looking regular file within the size limit."""
    import stat

    name = str(path)
    try:
        info = os.stat(path)
    except OSError as err:
        raise _os_error(name, err) from None
    if stat.S_ISDIR(info.st_mode):
        raise DataError(name, "is a directory, not a fact file")
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device" if (
            stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)) else "a socket or special file"
        raise DataError(name, f"not a regular file ({kind})")
    if info.st_size > max_size:
        raise DataError(name, f"larger than the limit of {format_size(max_size)} ({format_size(info.st_size)}); "
                              "raise it with --max-size")


def _os_error(name: str, err: OSError) -> DataError:
    import errno

    if isinstance(err, FileNotFoundError):
        return DataError(name, "no such file")
    if isinstance(err, PermissionError):
        return DataError(name, "permission denied")
    if err.errno == errno.ELOOP:
        return DataError(name, "too many levels of symbolic links (a symlink loop)")
    return DataError(name, f"cannot read: {err.strerror or err}")


_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def parse_size(text: str) -> int:
    """``64M``, ``1G``, ``500K``, ``1048576`` (powers of 1024); ValueError otherwise."""
    match = re.fullmatch(r"\s*([0-9]+)\s*([BKMG]?)(?:I?B)?\s*", text.upper())
    if not match:
        raise ValueError(f"{text!r} is not a size (write 64M, 1G, 500K or a number of bytes)")
    return int(match[1]) * _UNITS[match[2]]


def format_size(size: int) -> str:
    for unit, factor in (("G", 1024**3), ("M", 1024**2), ("K", 1024)):
        if size >= factor:
            return f"{size / factor:.4g} {unit}iB"
    return f"{size} bytes"

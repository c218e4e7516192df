"""A parse cache: the checked fact book of a file, stored as JSON in the user's cache directory.

The first run on a fact file stores its book; later runs load it instead of parsing YAML, as
long as the file's absolute path, size and modification time, and the program's version, are
unchanged. JSON only: reading a cache never runs code. A missing, stale, corrupt or unreadable
cache is ignored (and rebuilt); an unwritable directory is ignored; writes go to a temporary
file renamed into place, so two processes writing at once leave one whole file.
``NORMANDIE_NO_CACHE=1`` or ``--no-cache`` bypasses it. Standard library only.
"""

from __future__ import annotations

import os
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import __version__, dates
from . import model as m
from .memory import gc_paused
from .record import Record

NO_CACHE_ENV = "NORMANDIE_NO_CACHE"
SCHEMA = 1
_TAG = f"normandie-cache/{SCHEMA}/{__version__}"


def _shape() -> str:
    """The records' field lists: a cache written by code with other records is never read."""
    return ";".join(f"{name}:{','.join(cls._fields)}" for name, cls in sorted(_RECORDS.items()))  # type: ignore[attr-defined]


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/normandie``, else the platform's usual place."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "normandie"
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "normandie"
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local")) / "normandie" / "Cache"
    return home / ".cache" / "normandie"


def disabled_by_environment() -> bool:
    return os.environ.get(NO_CACHE_ENV, "") not in ("", "0")


def _entry_and_stamp(file: Path) -> tuple[Path, list[Any]]:
    """Where the file's cache entry lives, and what it must say to be trusted."""
    absolute = str(file.resolve())
    info = os.stat(absolute)
    # A short name for the path (the full path is in the stamp, so two paths that share a
    # name only take turns in it). zlib, not hashlib: hashlib costs milliseconds to import.
    raw = absolute.encode("utf-8", "surrogateescape")
    entry = cache_dir() / f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}.json"
    return entry, [_TAG, _SHAPE, absolute, info.st_size, info.st_mtime_ns]


# Encoding: every record is the list of its field values, in field order --------------

#: Every record type a book can hold, by name (the model's records and the dates'): what the
#: annotations name, so a field of a record type is rebuilt as that record.
_RECORDS: dict[str, type] = {
    name: value
    for module in (m, dates)
    for name, value in vars(module).items()
    if isinstance(value, type) and issubclass(value, Record) and value is not Record
}
_SHAPE = _shape()


def _kinds(cls: type) -> list[tuple[str, type | None]]:
    """How to rebuild each field, read off the class's annotations (which are strings)."""
    kinds: list[tuple[str, type | None]] = []
    for name in cls._fields:  # type: ignore[attr-defined]
        declared = cls.__annotations__[name]  # a string, or a ForwardRef around it (NamedTuple)
        annotation = str(getattr(declared, "__forward_arg__", declared))
        inner = annotation.removeprefix("tuple[").split(",")[0].split("|")[0].strip(" ]")
        if annotation.startswith("tuple[") and inner in _RECORDS:
            kinds.append(("records", _RECORDS[inner]))
        elif inner in _RECORDS:
            kinds.append(("record", _RECORDS[inner]))
        elif annotation.startswith("tuple["):
            kinds.append(("tuple", None))
        else:
            kinds.append(("plain", None))
    return kinds


_DECODERS: dict[type, Callable[[Any], Any]] = {}


def _decoder(cls: type) -> Callable[[Any], Any]:
    """A function from a record's list of values back to the record, built once per class."""
    if cls in _DECODERS:
        return _DECODERS[cls]
    converters: list[Callable[[Any], Any] | None] = []
    for kind, inner in _kinds(cls):
        if kind == "record":
            converters.append(_optional(_decoder(inner)))  # type: ignore[arg-type]
        elif kind == "records":
            converters.append(_many(_decoder(inner)))  # type: ignore[arg-type]
        elif kind == "tuple":
            converters.append(_optional(tuple))
        else:
            converters.append(None)
    size, fields, new = len(converters), cls._fields, object.__new__  # type: ignore[attr-defined]
    pairs = list(zip(fields, converters))

    def decode(data: Any) -> Any:
        if type(data) is not list or len(data) != size:
            raise ValueError(f"a {cls.__name__} of the wrong shape")
        record = new(cls)
        record.__dict__.update(
            (name, value if convert is None else convert(value)) for (name, convert), value in zip(pairs, data)
        )
        return record

    _DECODERS[cls] = decode
    return decode


def _optional(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


def _many(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda values: tuple(map(convert, values))


# Side files: small derived data (completion candidates) kept beside an entry, valid under the
# same stamp, in plain lines so that reading one needs neither json nor the book.

def _side_path(entry: Path, name: str) -> Path:
    return entry.with_name(f"{entry.stem}.{name}.txt")


def read_side(file: Path, name: str) -> list[str] | None:
    """The lines stored under ``name`` for this very file, or ``None``."""
    try:
        entry, stamp = _entry_and_stamp(file)
        with open(_side_path(entry, name), encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, RuntimeError, ValueError):
        return None
    first, _, rest = text.partition("\n")
    if first != repr(stamp) or not text.endswith("\n"):
        return None  # another file's, a stale one, or a half-written one
    return rest.splitlines()


def write_side(file: Path, name: str, lines: list[str]) -> None:
    """Store ``lines`` under ``name`` for this file; silently nothing on failure."""
    try:
        entry, stamp = _entry_and_stamp(file)
        _atomic_write(_side_path(entry, name), "".join(f"{line}\n" for line in [repr(stamp), *lines]))
    except (OSError, RuntimeError, ValueError):
        return


def _atomic_write(path: Path, text: str) -> None:
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def _encode(value: Any) -> list[Any]:
    """A record as the list of its values, in field order (``_decoder`` reverses it)."""
    if isinstance(value, Record):
        return list(value.__dict__.values())
    raise TypeError(f"cannot cache a {type(value).__name__}")


def read(file: Path) -> m.FactBook | None:
    """The cached book of ``file``, or ``None`` when there is none that can be trusted."""
    try:
        import json

        entry, stamp = _entry_and_stamp(file)
        with open(entry, encoding="utf-8") as handle, gc_paused():
            stored = json.load(handle)
        if not isinstance(stored, dict) or stored.get("stamp") != stamp:
            return None
        sections = stored["book"]
        with gc_paused():
            book = m.FactBook(
                path=str(file),
                **{section.name: tuple(map(_decoder(section.record), sections[section.name]))
                   for section in m.SECTIONS},
            )
    except (OSError, RuntimeError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
        return None  # RuntimeError: pathlib's word for a symlink loop
    return book


def write(file: Path, book: m.FactBook) -> None:
    """Store ``book`` for ``file``; any failure leaves things as they were, silently."""
    try:
        import json

        entry, stamp = _entry_and_stamp(file)
        payload = {"stamp": stamp, "book": {section.name: list(getattr(book, section.name)) for section in m.SECTIONS}}
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_encode)
        _atomic_write(entry, text)
    except (OSError, RuntimeError, ValueError, TypeError):
        return


def entries() -> list[Path]:
    """The cache entries there are now (side files not counted)."""
    try:
        return sorted(p for p in cache_dir().glob("*.json") if p.is_file())
    except OSError:
        return []


def entry_rows() -> list[dict[str, Any]]:
    """One row per cache entry: the fact file it is for, and whether it can still be used."""
    import json

    rows = []
    for path in entries():
        row: dict[str, Any] = {"entry": str(path), "fact_file": None, "status": "unreadable",
                               "size": None, "directory": str(cache_dir())}
        try:
            row["size"] = path.stat().st_size
            with open(path, encoding="utf-8") as handle:
                stamp = json.load(handle)["stamp"]
            if not (isinstance(stamp, list) and len(stamp) == 5 and stamp[0] == _TAG and stamp[1] == _SHAPE):
                row["status"] = "other version"  # written by another version of normandie: never read
            else:
                row["fact_file"] = stamp[2]
                current = _entry_and_stamp(Path(stamp[2]))[1] if Path(stamp[2]).exists() else None
                row["status"] = "fresh" if current == stamp else "stale" if current else "file gone"
        except (OSError, RuntimeError, ValueError, KeyError, TypeError, IndexError):
            pass
        rows.append(row)
    return rows


def clear() -> int:
    """Remove every cache file; return how many were removed."""
    removed = 0
    for path in entries():
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
        for side in path.parent.glob(f"{path.stem}.*.txt"):
            try:
                side.unlink()
            except OSError:
                pass
    return removed

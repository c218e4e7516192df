"""A parse cache: the checked fact book of a file, stored as JSON in the user's cache directory.

The first run on a fact file stores its book; later runs load it instead of parsing YAML, as
long as the file's absolute path, size and modification time, and the program's version, are
unchanged. JSON only: reading a cache never runs code. A missing, stale, corrupt or unreadable
cache is ignored (and rebuilt); an unwritable directory is ignored; writes go to a temporary
file renamed into place, so two processes writing at once leave one whole file.
``NORMANDIE_NO_CACHE=1`` or ``--no-cache`` bypasses it. Standard library only.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from pathlib import Path
from typing import Any

from . import __version__
from . import dates
from . import model as m
from .record import Record

NO_CACHE_ENV = "NORMANDIE_NO_CACHE"
SCHEMA = 1
_TAG = f"normandie-cache/{SCHEMA}/{__version__}"


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


def _entry(file: Path) -> Path:
    # A short name for the path (the full path is checked inside the entry, so two paths that
    # share a name only take turns in it). zlib, not hashlib: hashlib costs milliseconds to import.
    path = str(file.resolve()).encode("utf-8", "surrogateescape")
    return cache_dir() / f"{zlib.crc32(path):08x}{zlib.adler32(path):08x}.json"


def _stamp(file: Path) -> list[Any]:
    info = file.stat()
    return [_TAG, str(file.resolve()), info.st_size, info.st_mtime_ns]


# Encoding: every record is the list of its field values, in field order --------------

_RECORDS: dict[str, type] = {
    name: getattr(m, name)
    for name in ("Citation", "Source", "Place", "Organisation", "AlsoKnownAs", "Person", "StatusClaim",
                 "DateClaim", "Event", "Location", "Project", "Figure", "Milestone", "Statement", "Side",
                 "Discrepancy")
}
_RECORDS.update(PartialDate=dates.PartialDate, Point=dates.Point)


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


_KIND_CACHE: dict[type, list[tuple[str, type | None]]] = {}


def _decode(cls: type, data: list[Any]) -> Any:
    kinds = _KIND_CACHE.get(cls)
    if kinds is None:
        kinds = _KIND_CACHE[cls] = _kinds(cls)
    if not isinstance(data, list) or len(data) != len(kinds):
        raise ValueError(f"a {cls.__name__} of the wrong shape")
    values = []
    for (kind, inner), value in zip(kinds, data):
        if value is None or kind == "plain":
            values.append(value)
        elif kind == "record":
            values.append(_decode(inner, value))  # type: ignore[arg-type]
        elif kind == "records":
            values.append(tuple(_decode(inner, item) for item in value))  # type: ignore[arg-type]
        else:
            values.append(tuple(value))
    return cls._make(values)  # type: ignore[attr-defined]


def _encode(value: Any) -> list[Any]:
    """A record as the list of its values, in field order (``_decode`` reverses it)."""
    if isinstance(value, Record):
        return list(value.__dict__.values())
    raise TypeError(f"cannot cache a {type(value).__name__}")


def read(file: Path) -> m.FactBook | None:
    """The cached book of ``file``, or ``None`` when there is none that can be trusted."""
    try:
        stamp = _stamp(file)
        with open(_entry(file), encoding="utf-8") as handle:
            stored = json.load(handle)
        if not isinstance(stored, dict) or stored.get("stamp") != stamp:
            return None
        sections = stored["book"]
        book = m.FactBook(
            str(file),
            *(tuple(_decode(_RECORDS[type_name], item) for item in sections[section])
              for (section, _), type_name in zip(m.SECTIONS, _SECTION_TYPES)),
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
        return None
    return book


_SECTION_TYPES = ("Source", "Place", "Organisation", "Person", "Event", "Project", "Figure", "Milestone",
                  "Statement", "Discrepancy")


def write(file: Path, book: m.FactBook) -> None:
    """Store ``book`` for ``file``; any failure leaves things as they were, silently."""
    try:
        stamp = _stamp(file)
        entry = _entry(file)
        payload = {"stamp": stamp, "book": {section: list(getattr(book, section)) for section, _ in m.SECTIONS}}
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_encode)
        entry.parent.mkdir(parents=True, exist_ok=True)
        import tempfile

        handle, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=entry.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temp, entry)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise
    except (OSError, ValueError, TypeError):
        return


def entries() -> list[Path]:
    """The cache files there are now."""
    try:
        return sorted(p for p in cache_dir().glob("*.json") if p.is_file())
    except OSError:
        return []


def clear() -> int:
    """Remove every cache file; return how many were removed."""
    removed = 0
    for path in entries():
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed

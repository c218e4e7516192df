"""The companies listing, twice side by side: from the book in Python (:func:`company_rows`, the
listing's row builder) and from the fact store in SQL (:func:`store_company_rows`: its filters,
search and sort pushed into SQLite), giving the very same rows; and the filters' vocabularies
from either (standard library only)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .. import model as m
from ..registry import Row
from ..store.read import memo, read_meta_value
from ..text import closest, fold, pick

# From the book (Python) ------------------------------------------------------------------

def company_rows(
    book: m.FactBook,
    town: str | None = None,
    department: str | None = None,
    role: str | None = None,
    search: str | None = None,
) -> list[Row]:
    """Companies, filtered by the filters' one matching rule (``text.pick``: the value's id or
    name ignoring case, accents and hyphens; else the one it begins; else the one with a word it
    begins). What a filter compares against is folded once per place or role, not once per
    company: a register has few towns and many companies."""
    places = {p.id: p for p in book.places}
    known = filter_vocabularies(book) if (town, department, role) != (None, None, None) else {}
    towns = None if town is None else set(pick(town, known["town"])[0])
    departments = None if department is None else {
        p.id for p in book.places if p.department in pick(department, known["department"])[0]
    }
    roles = None if role is None else set(pick(role, known["role"])[0])
    needle = None if search is None else fold(search)
    rows = []
    for org in book.organisations:
        if org.kind != "company":
            continue
        if towns is not None and org.town not in towns and not any(s.place in towns for s in org.sites):
            continue
        if departments is not None and org.town not in departments and not any(
            s.place in departments for s in org.sites
        ):
            continue
        if roles is not None and not any(r in roles for r in org.roles):
            continue
        place = places.get(org.town) if org.town else None
        sites = list(dict.fromkeys(places[s.place].name if s.place in places else s.place for s in org.sites))
        if needle is not None:
            haystack = fold(" ".join(v for v in (org.id, org.name, place.name if place else None, org.description,
                                                 *sites) if v))
            if needle not in haystack:
                continue
        rows.append({
            "id": org.id,
            "name": org.name,
            "town": place.name if place else None,
            "town_id": org.town,
            "department": place.department if place else None,
            "country": place.country if place else None,
            "sites": sites,
            "roles": list(org.roles),
            "description": org.description,
            "source": list(dict.fromkeys(c.source for c in org.cite)),
        })
    return rows


#: What ``--town``, ``--department`` and ``--role`` match against: each value's spellings (a
#: place's id and name; a département's or role's name), by its key; the last is the one shown.
Vocabularies = dict[str, dict[str, tuple[str, ...]]]


def filter_vocabularies(book: m.FactBook) -> Vocabularies:
    """The places (any kind: a site may be an area), départements and roles the book knows, for
    the filters and for telling why one found nothing (a fact store gives the same from
    :func:`store_filter_vocabularies`)."""
    return {
        "town": {p.id: (p.id, p.name) for p in book.places},
        "department": {d: (d,) for d in sorted({p.department for p in book.places if p.department})},
        "role": {r: (r,) for r in sorted({r for o in book.organisations for r in o.roles})},
    }


def unknown_filter_values(
    known: Vocabularies, town: str | None = None, department: str | None = None, role: str | None = None
) -> list[str]:
    """For a filter that names no known value, or several: why the answer is empty, with the
    closest known values or those it could mean (the data's own spelling). ``known``:
    :func:`filter_vocabularies`."""
    out = []
    for option, wanted, spellings in (("--town", town, known["town"]), ("--department", department,
                                                                        known["department"]),
                                      ("--role", role, known["role"])):
        if wanted is None:
            continue
        named, could = pick(wanted, spellings)
        if named:
            continue
        shown = [spelled[-1] for spelled in spellings.values()]
        if could:
            some = [spellings[key][-1] for key in could]
            out.append(f"{option} {wanted!r} could be {', '.join(some[:8])}{', ...' if len(some) > 8 else ''}: "
                       "give more of the name, or the id")
            continue
        close = closest(wanted, shown)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        out.append(f"{option} {wanted!r} matches no known value{hint}; "
                   f"known: {', '.join(shown[:12])}{', ...' if len(shown) > 12 else ''}")
    return out


# From the fact store (SQL) ---------------------------------------------------------------

def _places(conn: sqlite3.Connection) -> dict[str, tuple[str, str | None, str]]:
    """Every place's name, département and country by id (a register has few places)."""
    return {pid: (name, department, country)
            for pid, name, department, country in conn.execute(
                "SELECT id, name, department, country FROM places ORDER BY rowid")}


def fts_terms(needle: str) -> str | None:
    """An FTS5 query every row whose folded text contains ``needle`` (folded) matches, or
    ``None`` when the index cannot narrow the search: the words inside the needle must be whole
    words of the text, and its last word must begin one. Only words of letters and digits are
    used, so that the tokenizer reads them as the same single word in the text and the query."""
    words = needle.split(" ")
    if len(words) < 2:
        return None
    terms = [f'"{w}"' for w in words[1:-1] if w.isalnum()]
    if words[-1].isalnum():
        terms.append(f'"{words[-1]}"*')
    return " AND ".join(terms) or None


def store_company_rows(
    conn: sqlite3.Connection,
    town: str | None = None,
    department: str | None = None,
    role: str | None = None,
    search: str | None = None,
    limit: int | None = None,
    sort: Sequence[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """The rows of :func:`company_rows` for the same filters, found in the store, as they
    come out of SQLite (memory does not grow with the number of rows): the
    town and département filters become a set of town ids (folded in Python: there are few
    places), the role filter a look-up in ``organisations_roles``, ``--search`` a substring test
    on the folded text (narrowed by the FTS index when the needle has several words).

    ``sort``: fields of the companies listing, ``-name`` descending (every field is in
    :data:`COMPANY_SORTS`), applied in SQL before ``limit``, in exactly the order
    ``query.shape.sort_rows`` gives those rows (see :func:`_company_order`)."""
    # No json module on this path (it costs start-up): id lists are written and read as text,
    # exactly, since an id is lower-case letters, digits and hyphens; sources come out of SQLite.
    def id_list(ids: list[str]) -> str:
        return "[" + ",".join(f'"{i}"' for i in ids) + "]"

    places = _places(conn)
    where = ["o.kind = 'company'"]
    params: list[Any] = []
    # A seat or a site in the places wanted (sites are few: a JSON scan of the rows that have one).
    in_places = ("(o.town IN (SELECT value FROM json_each(?)) OR (o.sites != '[]' AND EXISTS ("
                 "SELECT 1 FROM json_each(o.sites) AS s WHERE json_extract(s.value, '$[0]') "
                 "IN (SELECT value FROM json_each(?)))))")
    known = store_filter_vocabularies(conn, places, roles=role is not None) if (town, department, role) != (
        None, None, None) else {}
    if town is not None:
        ids = pick(town, known["town"])[0]
        where.append(in_places)
        params += [id_list(ids), id_list(ids)]
    if department is not None:
        departments = pick(department, known["department"])[0]
        ids = [pid for pid, (_, dep, _) in places.items() if dep in departments]
        where.append(in_places)
        params += [id_list(ids), id_list(ids)]
    if role is not None:
        values = pick(role, known["role"])[0]
        where.append("o.id IN (SELECT organisation FROM organisations_roles"
                     " WHERE value IN (SELECT value FROM json_each(?)))")
        params.append(id_list(values))
    if search is not None:
        needle = fold(search)
        where.append("instr(o._search, ?) > 0")
        params.append(needle)
        terms = fts_terms(needle)
        if terms is not None and read_meta_value(conn, "fts") == "1":
            where.append("o.rowid IN (SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH ?)")
            params.append(terms)
    @memo
    def sources_of(cited: str | None) -> tuple[str, ...]:  # many companies share a citation list
        return tuple(dict.fromkeys(cited.split(","))) if cited else ()

    roles_of = memo(lambda text: tuple(text[2:-2].split('","')) if text != "[]" else ())

    def sites_of(text: str | None) -> list[str]:
        if not text:
            return []
        ids = text.split(",")
        return list(dict.fromkeys(places[i][0] if i in places else i for i in ids))

    order = _company_order(conn, sort, places, sources_of, roles_of, sites_of) if sort else "o.rowid"
    sql = (f"SELECT o.id, o.name, o.town, o.roles, o.description, {_CITED}, {_SITES} FROM organisations o "
           f"WHERE {' AND '.join(where)} ORDER BY {order}")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)

    return _company_stream(conn.execute(sql, params), places, sites_of, roles_of, sources_of)


def _company_stream(cursor: Any, places: dict[str, tuple[str, str | None, str]], sites_of: Callable[[Any], Any],
                    roles_of: Callable[[Any], Any], sources_of: Callable[[Any], Any]) -> Iterator[dict[str, Any]]:
    """The rows as they come out of SQLite, one at a time."""
    for oid, name, town_id, roles, description, cited, sites in cursor:
        place = places.get(town_id) if town_id else None
        yield {
            "id": oid,
            "name": name,
            "town": place[0] if place else None,
            "town_id": town_id,
            "department": place[1] if place else None,
            "country": place[2] if place else None,
            "sites": sites_of(sites),
            "roles": list(roles_of(roles)),
            "description": description,
            "source": list(sources_of(cited)),
        }


#: A company's citations' source ids and its sites' place ids, comma-separated, in order.
_CITED = "(SELECT group_concat(json_extract(c.value, '$[0]'), ',') FROM json_each(o.cite) AS c)"


_SITES = "(SELECT group_concat(json_extract(s.value, '$[0]'), ',') FROM json_each(o.sites) AS s)"


#: Each field of the companies listing as the SQL of its sort key over ``organisations o``:
#: ``query.shape._sort_value``'s folded text (a list's values joined by ``"; "``, then folded),
#: ``NULL`` when the value is absent. The functions are registered by :func:`_company_order`.
COMPANY_SORTS = {
    "id": "sort_fold(o.id)",
    "name": "sort_fold(o.name)",
    "town": "sort_place(o.town, 0)",
    "town_id": "sort_fold(o.town)",
    "department": "sort_place(o.town, 1)",
    "country": "sort_place(o.town, 2)",
    "sites": f"sort_sites({_SITES})",
    "roles": "sort_roles(o.roles)",
    "description": "sort_fold(o.description)",
    "source": f"sort_sources({_CITED})",
}


#: ``NULLS LAST`` is SQLite 3.30 and later; before, ``k IS NULL, k`` (the key computed twice).
_NULLS_LAST = sqlite3.sqlite_version_info >= (3, 30, 0)


def _company_order(
    conn: sqlite3.Connection,
    keys: Sequence[str],
    places: dict[str, tuple[str, str | None, str]],
    sources_of: Callable[[str | None], tuple[str, ...]],
    roles_of: Callable[[str], tuple[str, ...]],
    sites_of: Callable[[str | None], list[str]],
) -> str:
    """The ``ORDER BY`` of companies sorted by ``keys``, with its key functions registered on
    ``conn``. The order is ``query.shape.sort_rows``'s: each key's folded text, descending for
    ``-key``, absent values (``NULL``) last either way, then file order (``o.rowid``, also when
    descending: that sort is stable). The keys come from the very converters the rows are built
    with, so a key is the fold of the value the row shows."""
    def folded(text: str | None) -> str | None:
        return None if text is None else fold(text)

    def joined(values: Sequence[str]) -> str:
        return fold("; ".join(values))

    place_keys: dict[tuple[str | None, int], str | None] = {}

    def place_key(town_id: str | None, index: int) -> str | None:  # few places: each folded once
        key = (town_id, index)
        if key not in place_keys:
            place = places.get(town_id) if town_id else None
            value = place[index] if place else None
            place_keys[key] = None if value is None else fold(value)
        return place_keys[key]

    for name, arity, func in (
        ("sort_fold", 1, folded),
        ("sort_place", 2, place_key),
        ("sort_sites", 1, lambda text: joined(sites_of(text))),
        ("sort_roles", 1, memo(lambda text: joined(roles_of(text)))),
        ("sort_sources", 1, memo(lambda text: joined(sources_of(text)))),
    ):
        conn.create_function(name, arity, func, deterministic=True)
    terms = []
    for key in keys:
        name = key[1:] if key.startswith("-") else key
        if name not in COMPANY_SORTS:
            raise ValueError(f"companies cannot be sorted by {name!r} in the store")
        column, direction = COMPANY_SORTS[name], " DESC" if key.startswith("-") else ""
        terms.append(f"{column}{direction} NULLS LAST" if _NULLS_LAST else f"{column} IS NULL, {column}{direction}")
    return ", ".join([*terms, "o.rowid"])


def store_filter_vocabularies(
    conn: sqlite3.Connection, places: dict[str, tuple[str, str | None, str]] | None = None, roles: bool = True
) -> dict[str, dict[str, tuple[str, ...]]]:
    """The places, départements and roles a fact store knows, each value's spellings by its key
    (see :func:`filter_vocabularies`); ``places``: :func:`_places`, when already read;
    ``roles=False``: no roles (they are read from an index as long as the register)."""
    places = _places(conn) if places is None else places
    departments = sorted({dep for _, dep, _ in places.values() if dep})
    found = conn.execute("SELECT DISTINCT value FROM organisations_roles") if roles else ()
    return {"town": {pid: (pid, name) for pid, (name, _, _) in places.items()},
            "department": {d: (d,) for d in departments}, "role": {r: (r,) for r in sorted({r for (r,) in found})}}

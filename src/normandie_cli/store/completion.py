"""The completion table: every value Tab completion offers, worked out once when a store is
written, and the prefix look-up a Tab press makes (standard library only; imported on every
Tab press: keep it cheap)."""

from __future__ import annotations

import sqlite3
from typing import Any

from .. import model as m
from ..text import fold
from .completion_query import complete as complete  # the prefix look-up, re-exported
from .completion_query import complete_rows as complete_rows
from .schema import KIND, TABLES, quote

#: Organisations' completion lines (their id, then their name: folded, value, help), worked out
#: in Python as the organisations are written (by both processes of a split file: see
#: ``ingest``), so that filling the completion table at the end copies them in SQL. Dropped then.
STAGED = "_organisations_completion"


def staged_lines(org: m.Organisation) -> tuple[str, str, str, str]:
    """An organisation's two completion lines, as ``fill_completion`` makes the others: its id,
    and its name (matched as typed, offering the id)."""
    ident = squash(org.id)
    return fold(ident), ident, squash(f"{KIND['organisations']}: {org.name or org.id}"), fold(squash(org.name))


def squash(value: Any) -> str:
    return " ".join(str(value).split())


def _place_label(name: str, department: str | None, region: str | None, country: str | None) -> str:
    return f"{name} ({', '.join(x for x in (department, region, country) if x)})"


def fill_completion(conn: sqlite3.Connection) -> None:
    """Every value tab completion offers, as (kind, value, help), in the order offered, from
    the records already stored: each record's id under ``id:KIND`` (``id:organisation``,
    ``id:figure``, ...), then, under the same kind, each named record's id again, matched by its
    name (``folded`` is the name's: a name is typed, its id inserted); towns, départements, roles,
    measures, topics, each entity's history fields (``field:ID``) and the subjects of claims.
    Values and help are put on one line (each run of white space one space); ``folded`` is the
    text a typed prefix is matched against, folded."""
    conn.create_function("place_label", 4, _place_label, deterministic=True)
    conn.create_function("history_field", 1, m.history_field_of, deterministic=True)
    # Each select gives (k: kind, v: value, h: help, f: the text matched, o1, o2: the order
    # within the kind), folded and squashed below; the organisations' lines (most of them by far:
    # their ids, then their names) were worked out as they were written, and are copied as they are.
    org_kind = f"id:{KIND['organisations']}"
    org_ids = f"SELECT '{org_kind}', id_folded, id_value, id_help FROM {STAGED} ORDER BY rowid"
    org_names = f"SELECT '{org_kind}', name_folded, id_value, id_help FROM {STAGED} ORDER BY rowid"
    selects: list[str] = []
    named: list[str] = []
    for table, _, columns in TABLES:
        if table == "organisations":
            selects.append(org_ids)
            named.append(org_names)
            continue
        names = {name for name, _, _ in columns}
        labels = [f"NULLIF({n}, '')" for n in ("name", "title") if n in names]
        label = f"COALESCE({', '.join(labels)}, id)" if labels else "id"
        row = f"SELECT 'id:{KIND[table]}' AS k, id AS v, '{KIND[table]}: ' || {label} AS h"
        selects.append(f"{row}, id AS f, rowid AS o1, 0 AS o2 FROM {quote(table)}")
        if "name" in names:
            named.append(f"{row}, name AS f, rowid AS o1, 0 AS o2 FROM {quote(table)}")
    selects += named
    selects += [
        "SELECT 'town' AS k, id AS v, place_label(name, department, region, country) AS h, id AS f, rowid AS o1,"
        " 0 AS o2 FROM places WHERE kind = 'town'",
        "SELECT DISTINCT 'department' AS k, department AS v, 'département' AS h, department AS f,"
        " department AS o1, 0 AS o2 FROM places WHERE department IS NOT NULL AND department != ''",
        "SELECT DISTINCT 'role' AS k, value AS v, 'role' AS h, value AS f, value AS o1, 0 AS o2"
        " FROM organisations_roles",
        "SELECT DISTINCT 'measure' AS k, measure AS v, 'measure' AS h, measure AS f, measure AS o1, 0 AS o2"
        " FROM figures",
        "SELECT DISTINCT 'topic' AS k, topic AS v, 'topic' AS h, topic AS f, topic AS o1, 0 AS o2 FROM statements",
    ]
    # Each entity's history fields (figures' measures, milestones' fields, events' dates and
    # status, projects' status, people's titles): the entities in the order first met, each one's fields in the
    # order first met.
    conn.execute("CREATE TEMP TABLE _fields (seq INTEGER PRIMARY KEY, subject TEXT, name TEXT)")
    for select in ("SELECT subject, measure FROM figures ORDER BY rowid",
                   "SELECT subject, history_field(what) FROM milestones ORDER BY rowid",
                   "SELECT id, name FROM (SELECT id, 'dates' AS name, rowid AS r, 0 AS n FROM events"
                   " WHERE dates != '[]' UNION ALL SELECT id, 'status', rowid, 1 FROM events WHERE status != '[]')"
                   " ORDER BY r, n",
                   "SELECT id, 'status' FROM projects WHERE status != '[]' ORDER BY rowid",
                   "SELECT id, 'title' FROM people WHERE titles != '[]' ORDER BY rowid"):
        conn.execute(f"INSERT INTO _fields (subject, name) {select}")
    selects.append(
        "SELECT 'field:' || f.subject AS k, f.name AS v, 'a field of ' || f.subject || '''s history' AS h,"
        " f.name AS f, s.first AS o1, f.first AS o2"
        " FROM (SELECT subject, name, min(seq) AS first FROM _fields GROUP BY subject, name) AS f"
        " JOIN (SELECT subject, min(seq) AS first FROM _fields GROUP BY subject) AS s ON s.subject = f.subject")
    # The subjects of claims, in the order first met, each with its entity's name.
    conn.execute("CREATE TEMP TABLE _subjects (seq INTEGER PRIMARY KEY, subject TEXT)")
    for table in ("figures", "milestones", "statements"):
        conn.execute(f"INSERT INTO _subjects (subject) SELECT subject FROM {table} ORDER BY rowid")
    with_name = [table for table, _, columns in TABLES if "name" in {name for name, _, _ in columns}]
    name_of = ", ".join(f"(SELECT NULLIF(name, '') FROM {quote(t)} WHERE id = s.subject)" for t in with_name)
    selects.append(f"SELECT 'subject' AS k, s.subject AS v, COALESCE({name_of}, s.subject) AS h, s.subject AS f,"
                   " s.first AS o1, 0 AS o2 FROM (SELECT subject, min(seq) AS first FROM _subjects GROUP BY subject)"
                   " AS s")
    # Folded and squashed here rather than by SQL functions: a call from SQLite into Python
    # costs more than the fold itself (1.7 s against 1.1 s for 100,000 companies).
    insert = "INSERT INTO completion (kind, folded, value, help) VALUES (?, ?, ?, ?)"
    for select in selects:
        if select in (org_ids, org_names):
            conn.execute(f"INSERT INTO completion (kind, folded, value, help) {select}")
            continue
        cursor = conn.execute(f"SELECT k, v, h, f FROM ({select}) ORDER BY o1, o2")
        while rows := cursor.fetchmany(1000):
            conn.executemany(insert, [(kind, fold(squash(matched)), squash(value), squash(help_))
                                      for kind, value, help_, matched in rows])
    conn.execute("DROP TABLE _fields")
    conn.execute("DROP TABLE _subjects")
    conn.execute(f"DROP TABLE {STAGED}")
    conn.commit()



"""The store's completion query: prefix queries on the ``completion`` table that
``store.completion.fill_completion`` fills. Standard library only (and ``text.fold``), so
that a Tab press can import it without the rest of the store (see ``_tab``)."""

from __future__ import annotations

from ..text import fold

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy reads the name)
if TYPE_CHECKING:
    import sqlite3  # for the annotations: a Tab press connects with _sqlite3 (see cli._tab)


def complete(conn: sqlite3.Connection, kind: str, incomplete: str) -> list[tuple[str, str]]:
    """The (value, help) pairs of one kind whose folded text starts with the folded
    ``incomplete``, in the order offered: a range on the ``completion_prefix`` index. (The
    caller keeps those that match what was typed; this only narrows.)"""
    return [(value, help_text) for value, help_text, _ in complete_rows(conn, kind, incomplete)]


def complete_rows(conn: sqlite3.Connection, kind: str, incomplete: str) -> list[tuple[str, str, str]]:
    """:func:`complete`'s rows with the folded text each one matched: the value's own or, for
    an id offered for a name, the name's."""
    prefix = fold(incomplete)
    if not prefix:
        cursor = conn.execute("SELECT value, help, folded FROM completion WHERE kind = ? ORDER BY position", (kind,))
    else:
        cursor = conn.execute(
            "SELECT value, help, folded FROM completion WHERE kind = ? AND folded >= ? AND folded < ?"
            " ORDER BY position",
            (kind, prefix, prefix + "\U0010ffff"),
        )
    return [(str(value), str(help_text), str(folded)) for value, help_text, folded in cursor]

"""The terminal table's rules, directly: which columns fit, what never breaks, --wide and
--fields, the pager's choice. (tests/test_terminal.py checks the same through a terminal.)"""

from __future__ import annotations

from normandie_cli.registry import Field, Listing
from normandie_cli.render.layout import fold_word, layout, pack, remarks, wrap
from normandie_cli.render.pager import pager_command

THINGS = Listing(
    "things", "test rows",
    (Field("id", "id", "an id"), Field("status", "text", "an enum"), Field("note", "text", "free text", prose=True),
     Field("source", "list", "source ids")),
    ("id", "status", "note", "source"),
    priority=("id", "status", "source", "note"),
)
ROWS = [
    {"id": "a-rather-long-identifier-of-forty-cells", "status": "under-way", "note": "a few words of free text here",
     "source": ["gazette", "ouest-france-2025"]},
    {"id": "short", "status": "planned", "note": "more", "source": ["cci-normandie"]},
]


def cell(row: dict[str, object], name: str) -> str:
    value = row[name]
    return "; ".join(value) if isinstance(value, list) else str(value)


def test_columns_are_taken_in_priority_order_while_they_fit_and_the_rest_named() -> None:
    lay = layout(THINGS, ROWS, THINGS.table_fields, cell, 60)
    assert [c.name for c in lay.shown] == ["id", "status"]  # source (17 cells) does not fit beside them
    assert lay.left_out == ["source", "note"]
    wide = layout(THINGS, ROWS, THINGS.table_fields, cell, 120)
    assert [c.name for c in wide.shown] == ["id", "status", "note", "source"] and wide.left_out == []


def test_an_id_is_never_cut_however_narrow_the_terminal() -> None:
    lay = layout(THINGS, ROWS, THINGS.table_fields, cell, 20)
    assert [c.name for c in lay.shown] == ["id"]
    assert lay.shown[0].width == len(ROWS[0]["id"])
    assert lay.row_lines([ROWS[0]["id"]]) == [[ROWS[0]["id"]]]  # type: ignore[list-item]


def test_wide_and_exact_show_every_column_asked_for_and_squeeze_only_free_text() -> None:
    lay = layout(THINGS, ROWS, THINGS.table_fields, cell, 60, wide=True)
    widths = {c.name: c.width for c in lay.shown}
    assert list(widths) == ["id", "status", "note", "source"]
    assert widths["id"] == 39 and widths["status"] == 9 and widths["source"] == 17  # whole values keep their width
    assert widths["note"] < 16  # free text gave way
    exact = layout(THINGS, ROWS, ["note", "id"], cell, 200, exact=True)
    assert [c.name for c in exact.shown] == ["note", "id"]


def test_free_text_folds_at_spaces_and_lists_between_items() -> None:
    assert wrap("a few words of free text here", 12) == ["a few words", "of free text", "here"]
    assert fold_word("concertation-eastman-normandie.fr", 16) == ["concertation-", "eastman-", "normandie.fr"]
    assert pack(["gazette", "ouest-france-2025", "cci-normandie"], 20, "; ", ";") == [
        "gazette;", "ouest-france-2025;", "cci-normandie"]
    assert remarks("Mar 2023 (inferred)") == ["Mar 2023", "(inferred)"]
    assert remarks("Sep 2022 – Dec 2022") == ["Sep 2022 –", "Dec 2022"]


def test_the_pager_is_normandie_pager_then_pager_then_less() -> None:
    assert pager_command({"NORMANDIE_PAGER": "most", "PAGER": "more"}) == "most"
    assert pager_command({"PAGER": "more"}) == "more"
    assert pager_command({"PAGER": "cat"}) is None
    assert pager_command({"NORMANDIE_PAGER": "", "PAGER": "more"}) is None
    assert pager_command({}) in ("less -FRX", None)  # None only where less is not installed


def test_jobs_at_80_columns_name_what_they_leave_out_and_wide_shows_it(run) -> None:  # type: ignore[no-untyped-def]
    narrow = run("jobs", "-f", "table", env={"COLUMNS": "80"}).stdout.splitlines()
    # source (28 cells for usine-nouvelle-choose-france) does not fit beside the four before it;
    # planned, next in priority, does.
    assert narrow[1].split() == ["project", "kind", "value", "planned", "as_of"]
    assert "4 more columns: source, scope, id, quote (--wide, or --fields)" in narrow
    wide = run("jobs", "-f", "table", "--wide", env={"COLUMNS": "80"}).stdout.splitlines()
    assert wide[1].split() == ["id", "project", "kind", "value", "planned", "scope", "as_of", "source", "quote"]
    assert not any("more column" in line for line in wide)
    exact = run("jobs", "-f", "table", "--fields", "quote,id", env={"COLUMNS": "80"}).stdout.splitlines()
    assert exact[1].split() == ["quote", "id"]


def test_machine_formats_ignore_wide(run) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("tsv", "json", "csv"):
        assert run("jobs", "-f", fmt, "--wide").stdout == run("jobs", "-f", fmt).stdout

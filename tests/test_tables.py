"""The terminal table's rules, directly: which columns fit (provenance first), what is said once
in the title, what never breaks and what is cut, --wide and --fields, a conflict's sides, the
default date order, the pager's choice. (tests/test_terminal.py checks the same through a
terminal.)"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

from normandie_cli.dates import parse_date
from normandie_cli.registry import CONFLICTS, LISTINGS, Field, Listing
from normandie_cli.render.layout import (
    ELLIPSIS,
    Frame,
    cut,
    cut_list,
    fold_path,
    layout,
    left_out_line,
    pack,
    remarks,
    wrap,
)
from normandie_cli.render.pager import Pager, pager_command, sideways, too_wide
from normandie_cli.render.table import hyperlink, link_urls, print_notes, print_table
from normandie_cli.render.view import View

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


def cell(row: Mapping[str, object], name: str) -> str:
    value = row[name]
    return "; ".join(value) if isinstance(value, list) else str(value)


def test_columns_are_taken_in_priority_order_while_they_fit_and_the_rest_named() -> None:
    lay = layout(THINGS, ROWS, THINGS.table_fields, cell, Frame(66))
    # source is cut to its first item and a count (gazette +1): it fits beside id and status.
    assert [c.name for c in lay.shown] == ["id", "status", "source"]
    assert lay.left_out == ["note"]
    wide = layout(THINGS, ROWS, THINGS.table_fields, cell, Frame(120))
    assert [c.name for c in wide.shown] == ["id", "status", "note", "source"] and wide.left_out == []


def test_no_column_after_the_provenance_column_is_shown_when_it_is_not() -> None:
    listing = Listing("claims", "test", (Field("id", "id", "an id"), Field("source", "id", "a source id"),
                                         Field("kind", "text", "an enum")), priority=("id", "source", "kind"))
    rows = [{"id": "x" * 30, "source": "usine-nouvelle-choose-france", "kind": "direct"},
            {"id": "y", "source": "gazette", "kind": "indirect"}]
    lay = layout(listing, rows, ["id", "source", "kind"], cell, Frame(45))
    # kind (8 cells) would fit beside the id where the source (28) does not: it is not shown either.
    assert [c.name for c in lay.shown] == ["id"] and lay.left_out == ["source", "kind"]
    roomy = layout(listing, rows, ["id", "source", "kind"], cell, Frame(70))
    assert [c.name for c in roomy.shown] == ["id", "source", "kind"]


def test_every_listing_ranks_its_source_before_descriptive_columns() -> None:
    # The claim itself (a value, a date, a statement's text, a conflict's field) may come
    # first; then who says so; then what describes it.
    descriptive = {"name", "description", "department", "country", "region", "roles", "planned", "scope", "kind",
                   "organisation", "role", "note", "quote", "period", "what", "sites", "town_id", "also_known_as"}
    essential = {"jobs": {"kind"}, "timeline": {"what"}, "places": {"name"}, "people": {"name"}}
    for listing in LISTINGS.values():
        if "source" not in listing.priority:
            continue
        before = listing.priority[:listing.priority.index("source")]
        assert not (set(before) & descriptive) - essential.get(listing.name, set()), (listing.name, before)


def test_a_column_that_reads_the_same_on_every_row_is_said_once_in_the_title() -> None:
    rows = [{**row, "status": "planned", "note": ""} for row in ROWS]
    lay = layout(THINGS, rows, THINGS.table_fields, cell, Frame(100))
    assert [c.name for c in lay.shown] == ["id", "source"]
    assert lay.constant == [("status", "planned")] and lay.empty == ["note"]
    out = io.StringIO()
    print_table(rows, THINGS.table_fields, THINGS, out, View(), width=100)
    lines = out.getvalue().splitlines()
    assert lines[0] == "things (2) · status planned"
    assert lines[-1] == "empty on every row: note"
    # Not for one row, nor with --wide or --fields: every column asked for is there.
    assert layout(THINGS, rows[:1], THINGS.table_fields, cell, Frame(100)).constant == []
    assert [c.name for c in layout(THINGS, rows, THINGS.table_fields, cell, Frame(100, wide=True)).shown] == [
        "id", "status", "note", "source"]
    exact = layout(THINGS, rows, ["status", "id"], cell, Frame(100, exact=True))
    assert [c.name for c in exact.shown] == ["status", "id"]


def test_jobs_title_says_the_project_and_that_all_are_planned(run) -> None:  # type: ignore[no-untyped-def]
    lines = run("jobs", "--project", "eastman-port-jerome", "-f", "table", env={"COLUMNS": "80"}).stdout.splitlines()
    count = len(json.loads(run("jobs", "--project", "eastman-port-jerome", "-f", "json").stdout))
    assert lines[0] == f"jobs ({count}) · project eastman-port-jerome · all planned"
    assert lines[1].split() == ["kind", "value", "as_of", "source"]


def test_an_id_is_never_cut_however_narrow_the_terminal() -> None:
    lay = layout(THINGS, ROWS, THINGS.table_fields, cell, Frame(20))
    assert [c.name for c in lay.shown] == ["id"]
    assert lay.shown[0].width == len(ROWS[0]["id"])
    assert lay.row_lines([ROWS[0]["id"]]) == [[ROWS[0]["id"]]]  # type: ignore[list-item]


def test_a_listing_takes_one_line_per_row_prose_cut_and_lists_counted() -> None:
    rows = [*ROWS, {"id": "third", "status": "done", "note": "word " * 30,
                    "source": ["usine-nouvelle-choose-france", "gazette", "afp-slapp"]}]
    lay = layout(THINGS, rows, THINGS.table_fields, cell, Frame(110))
    assert [c.name for c in lay.shown] == ["id", "status", "note", "source"]
    for row in rows:
        lines = lay.row_lines([cell(row, c.name) for c in lay.shown])
        assert len(lines) == 1, lines
    note, source = lay.shown[2], lay.shown[3]
    assert note.lines("word " * 30)[0].endswith(ELLIPSIS)
    listed = source.lines("usine-nouvelle-choose-france; gazette; afp-slapp")
    assert listed[0].startswith("usine-nouvelle-choose-france")


def test_cut_and_cut_list_never_break_an_item() -> None:
    assert cut("a few words of free text", 10) == "a few wor…"
    assert cut("a few   ", 4) == "a f…"
    assert cut("short", 10) == "short"
    items = ["gazette", "cci-normandie", "afp-moongy", "l4m"]
    assert cut_list(items, 80) == "gazette; cci-normandie; afp-moongy; l4m"
    assert cut_list(items, 27) == "gazette; cci-normandie +2"
    assert cut_list(items, 5) == "gazette +3"  # the first item whole, however narrow


def test_wide_shows_every_column_at_its_natural_width() -> None:
    lay = layout(THINGS, ROWS, THINGS.table_fields, cell, Frame(60, wide=True))
    widths = {c.name: c.width for c in lay.shown}
    assert list(widths) == ["id", "status", "note", "source"]
    assert widths == {"id": 39, "status": 9, "note": 29, "source": 26}  # wider than 60: the pager scrolls sideways
    assert lay.row_lines([cell(ROWS[0], name) for name in widths]) == [[cell(ROWS[0], name) for name in widths]]


def test_fields_show_exactly_the_columns_asked_for_and_squeeze_only_free_text() -> None:
    lay = layout(THINGS, ROWS, THINGS.table_fields, cell, Frame(60, exact=True))
    widths = {c.name: c.width for c in lay.shown}
    assert widths["id"] == 39 and widths["status"] == 9  # whole values keep their width
    assert widths["note"] < 16  # free text gave way
    exact = layout(THINGS, ROWS, ["note", "id"], cell, Frame(200, exact=True))
    assert [c.name for c in exact.shown] == ["note", "id"]


def test_free_text_folds_at_spaces_never_at_a_hyphen() -> None:
    assert wrap("a few words of free text here", 12) == ["a few words", "of free text", "here"]
    # A word wider than the line is cut with "…" on a line of its own, not folded at its hyphens.
    assert wrap("see [usine-nouvelle-choose-france] here", 16) == ["see", "[usine-nouvelle…", "here"]
    url = "https://www.usinenouvelle.com/article/choose-france-2022"
    assert wrap(f"read {url}.", 30) == ["read", url[:29] + ELLIPSIS]
    assert pack(["gazette", "ouest-france-2025", "cci-normandie"], 20, "; ", ";") == [
        "gazette;", "ouest-france-2025;", "cci-normandie"]
    assert remarks("Mar 2023 (inferred)") == ["Mar 2023", "(inferred)"]
    assert remarks("Sep 2022 – Dec 2022") == ["Sep 2022 –", "Dec 2022"]


def test_show_folds_free_text_at_spaces_and_keeps_its_words_whole() -> None:
    show = LISTINGS["show"]
    rows = [{"field": "x", "value": "v", "note": "Given by [usine-nouvelle-choose-france] in January"}] * 2
    lay = layout(show, rows, ["field", "value", "note"], lambda r, n: str(r[n]), Frame(50, exact=True, fold=True))
    note = lay.shown[2]
    assert note.width >= len("[usine-nouvelle-choose-france]")
    assert any("[usine-nouvelle-choose-france]" in line.split() for line in note.lines(rows[0]["note"]))


def test_a_long_path_folds_after_its_slashes() -> None:
    text = "Fact file: /home/someone/a-long-directory/another-long-directory/facts.yaml"
    assert fold_path(text, 40) == ["Fact file: /home/someone/", "  a-long-directory/",
                                   "  another-long-directory/facts.yaml"]
    assert fold_path("Fact file: /a/b.yaml", 40) == ["Fact file: /a/b.yaml"]


def test_a_url_is_a_hyperlink_only_when_it_holds_nothing_a_terminal_acts_on() -> None:
    url = "https://www.francebleu.fr/infos/economie-social/x-6373426"
    assert hyperlink("x", url) == f"\x1b]8;;{url}\x1b\\x\x1b]8;;\x1b\\"
    for bad in ("https://x.org/\x1b]2;owned\x07", "https://x.org/a\\x1b", "https://x.org/a b", "javascript:alert(1)",
                "file:///etc/passwd"):
        assert hyperlink("x", bad) == "x"
    cut_url = url[:30] + ELLIPSIS
    assert link_urls(f"see {cut_url}", f"see {url} and more") == [("see ", None), (cut_url, url)]
    assert link_urls(f"{url}.", f"{url}.") == [(url, url), (".", None)]


def test_footnotes_keep_urls_whole_or_cut_and_linked_only_with_colour() -> None:
    url = "https://edito-sitel.cariforefnormandie.fr/articles/en-normandie-eastman-maintient-son-projet"
    note = f"[7] ouest-france-2025: Ouest-France, 17 May 2025, {url}."
    plain = io.StringIO()
    print_notes(plain, [note], False, 60)
    lines = plain.getvalue().splitlines()
    assert "\x1b" not in plain.getvalue()
    assert lines[-1] == url[:59] + ELLIPSIS and all(len(line) <= 60 for line in lines)
    wide = io.StringIO()
    print_notes(wide, [note], False, 60, wide=True)
    assert wide.getvalue().splitlines()[-1] == url + "."
    coloured = io.StringIO()
    print_notes(coloured, [note], True, 60)
    assert f"\x1b]8;;{url}\x1b\\" in coloured.getvalue()


def conflict_table(width: int, rows: list[dict[str, Any]] | None = None, wide: bool = False) -> list[str]:
    from normandie_cli.loading.book import load_facts
    from normandie_cli.query.history import conflict_rows

    rows = rows if rows is not None else conflict_rows(load_facts())
    out = io.StringIO()
    print_table(rows, CONFLICTS.table_fields, CONFLICTS, out, View(wide=wide), width=width)
    return out.getvalue().splitlines()


def test_conflicts_show_each_side_on_a_line_of_its_own_under_its_subject_and_field() -> None:
    for width in (80, 120):
        lines = conflict_table(width)
        assert lines[1].split()[:3] == ["subject", "field", "kind"], lines[1]
        start = next(i for i, line in enumerate(lines)
                     if line.split()[:3] == ["eastman-port-jerome", "investment", "(EUR)"])
        sides = lines[start + 1:start + 15]
        assert all(line.startswith("  ") for line in sides), sides
        first = sides[0].split()
        assert first[:3] == ["EUR", "850", "M"] and "usine-nouvelle-choose-france" in first and "Jan 2022" in sides[0]
        assert any(line.split()[:4] == ["≤", "EUR", "850", "M"] and "afp-moongy" in line and "30 Mar 2022" in line
                   for line in sides)
        assert all(len(line) <= width for line in lines)


def test_a_sides_source_kind_is_shown_when_the_rows_have_it() -> None:
    sides = [{"value": 850000000, "qualifier": "about", "unit": "EUR", "scope": None, "as_of": "2022-03-30",
              "source": "cci-normandie", "source_kind": "consultation", "quote": None, "note": None},
             {"value": 1000000000, "qualifier": "more-than", "unit": "EUR", "scope": "phase I", "as_of": "2025-05-17",
              "source": "ouest-france-2025", "source_kind": "press", "quote": None, "note": None}]
    row = {"subject": "eastman-port-jerome", "field": "investment (EUR)", "kind": "revision", "origin": "computed",
           "sides": sides, "undated": [], "note": None, "about": None, "recorded": None}
    for width in (80, 120):
        lines = conflict_table(width, [row, {**row, "subject": "other", "field": "jobs", "kind": "disagreement"}])
        assert lines[3].split() == ["eastman-port-jerome", "investment", "(EUR)", "revision"]
        assert lines[4].split() == ["≈", "EUR", "850", "M", "cci-normandie", "consultation", "30", "Mar", "2022"]
        assert lines[5].split() == [">", "EUR", "1", "bn", "(phase", "I)", "ouest-france-2025", "press", "17", "May",
                                    "2025"]


def test_conflicts_fields_with_sides_fit_80_columns(run) -> None:  # type: ignore[no-untyped-def]
    lines = run("conflicts", "-f", "table", "--fields", "subject,field,sides",
                env={"COLUMNS": "80"}).stdout.splitlines()
    assert lines[1].split() == ["subject", "field"]
    assert "jobs-direct (jobs)" in "\n".join(lines) and "investment (EUR)" in "\n".join(lines)
    assert all(len(line) <= 80 for line in lines)
    data = json.loads(run("conflicts", "-f", "json").stdout)
    assert isinstance(data[0]["sides"], list) and isinstance(data[0]["sides"][0], dict)  # machine formats unchanged


def test_claims_come_in_date_order_in_every_format_and_sort_overrides(run) -> None:  # type: ignore[no-untyped-def]
    for command in ("jobs", "figures", "statements"):
        rows = json.loads(run(command, "-f", "json").stdout)
        keys = [parse_date(row["as_of"] or "unknown").sort_key() for row in rows]
        assert keys == sorted(keys), command
        assert parse_date(rows[-1]["as_of"] or "unknown").has_year is False or command != "jobs"
        tsv = run(command, "-f", "tsv").stdout.splitlines()
        assert [line.split("\t")[0] for line in tsv[1:]] == [row["id"] for row in rows]
    by_value = json.loads(run("jobs", "-f", "json", "--sort", "-value").stdout)
    assert [row["value"] for row in by_value] == sorted((row["value"] for row in by_value), reverse=True)
    help_text = run("jobs", "--help").stdout
    assert "date order" in " ".join(help_text.split())


def test_facet_shares_line_up(run) -> None:  # type: ignore[no-untyped-def]
    lines = run("jobs", "--facet", "source", "-f", "table", env={"COLUMNS": "80"}).stdout.splitlines()
    columns = {line.index("%") for line in lines[3:] if "%" in line}
    assert len(columns) == 1, lines


def test_the_summary_fits_60_columns_and_folds_a_long_path_at_slashes(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from normandie_cli.loading.files import bundled_path

    deep = tmp_path / "a-rather-long-directory-name" / "another-quite-long-directory" / "and-one-more"
    deep.mkdir(parents=True)
    data = deep / "facts.yaml"
    data.write_bytes(bundled_path().read_bytes())
    from wcwidth import wcswidth

    lines = run("--data", str(data), env={"COLUMNS": "60"}).stdout.splitlines()
    assert all(wcswidth(line) <= 60 for line in lines), [line for line in lines if wcswidth(line) > 60]
    start = next(i for i, line in enumerate(lines) if line.startswith("Fact file:"))
    path_lines = lines[start:lines.index("", start)]
    assert len(path_lines) > 1 and all(line.endswith("/") for line in path_lines[:-1])
    assert "".join(line.strip() for line in path_lines) == f"Fact file: {data}"


def test_the_pager_is_normandie_pager_then_pager_then_less() -> None:
    assert pager_command({"NORMANDIE_PAGER": "most", "PAGER": "more"}) == "most"
    assert pager_command({"PAGER": "more"}) == "more"
    assert pager_command({"PAGER": "cat"}) is None
    assert pager_command({"NORMANDIE_PAGER": "", "PAGER": "more"}) is None
    assert pager_command({}) in ("less -FRX", None)  # None only where less is not installed


def test_wide_asks_less_to_scroll_sideways_and_a_wide_line_starts_the_pager() -> None:
    assert sideways("less -FRX") == "less -FRX -S"
    assert sideways("/usr/bin/less") == "/usr/bin/less -S"
    assert sideways("most") == "most"
    assert too_wide("x" * 81 + "\n", 80) and not too_wide("x" * 80 + "\n", 80)
    assert not too_wide("\x1b[1m" + "x" * 78 + "\x1b[0m\n", 80)  # escape codes take no room
    held = Pager(io.StringIO(), 24, "cat", width=80)
    held.write("short\n")
    assert held.stream is None
    narrow = Pager(io.StringIO(), 24, "cat")
    narrow.write("x" * 200 + "\n")
    assert narrow.stream is None  # without a width, only height counts


def test_jobs_at_80_columns_show_the_source_and_name_what_they_leave_out(run) -> None:  # type: ignore[no-untyped-def]
    narrow = run("jobs", "--project", "eastman-port-jerome", "-f", "table", env={"COLUMNS": "80"}).stdout.splitlines()
    assert narrow[1].split() == ["kind", "value", "as_of", "source"]
    assert "3 more columns: scope, id, quote (--wide, or --fields)" in narrow
    wide = run("jobs", "--project", "eastman-port-jerome", "-f", "table", "--wide",
               env={"COLUMNS": "80"}).stdout.splitlines()
    assert wide[1].split() == ["id", "project", "kind", "value", "planned", "scope", "as_of", "source", "quote"]
    assert not any("more column" in line for line in wide)
    assert any(len(line) > 200 for line in wide)  # quotes whole, on one line each
    exact = run("jobs", "-f", "table", "--fields", "quote,id", env={"COLUMNS": "80"}).stdout.splitlines()
    assert exact[1].split() == ["quote", "id"]
    assert left_out_line(["scope"], ["note"]) == "1 more column: scope (--wide, or --fields); empty on every row: note"


def test_machine_formats_ignore_wide(run) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("tsv", "json", "csv"):
        assert run("jobs", "-f", fmt, "--wide").stdout == run("jobs", "-f", fmt).stdout

"""search, show, fields, --where and --query, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normandie_cli.errors import ExitCode

from .conftest import Golden, Runner


@pytest.mark.parametrize(
    ("text", "kind", "record"),
    [
        ("herouville", "place", "herouville-saint-clair"),
        ("HEROUVILLE", "organisation", "eldim"),
        ("pres de 1500", "figure", "eastman-jobs-indirect-gazette"),
        ("nucleaire", "statement", "region-asset-energy-gazette"),
        ("Kingston", "discrepancy", "destination-kingston-kingsport"),
    ],
)
def test_search_finds_any_fact_ignoring_case_and_accents(run: Runner, text: str, kind: str, record: str) -> None:
    rows = json.loads(run("search", text, "-f", "json").stdout)
    assert any(r["kind"] == kind and r["id"] == record for r in rows), rows


def test_search_groups_by_kind_and_kind_narrows(run: Runner) -> None:
    rows = json.loads(run("search", "eastman", "-f", "json").stdout)
    kinds = [r["kind"] for r in rows]
    order = ["source", "place", "organisation", "person", "event", "project", "figure", "milestone", "statement",
             "discrepancy"]
    assert kinds == sorted(kinds, key=order.index)
    only = json.loads(run("search", "eastman", "--kind", "person", "-f", "json").stdout)
    assert {r["id"] for r in only} == {"eric-dehouck", "cedric-perben", "herve-morin", "sophie-gaugain", "brad-lich",
                                       "mark-costa", "emmanuel-macron", "isabelle-jarry", "jean-louis-laure"}
    assert run("search", "x", "--kind", "persons").exit_code == ExitCode.USAGE


def test_search_highlights_the_match_on_a_colour_terminal(run: Runner) -> None:
    out = run("search", "nucleaire", "-f", "table", env={"NO_COLOR": "", "FORCE_COLOR": "1", "TERM": "xterm"}).stdout
    assert "\x1b[1;7mnucléaire\x1b[0m" in out


def test_golden_show(run: Runner, golden: Golden) -> None:
    golden("show-eastman-port-jerome.tsv", run("show", "eastman-port-jerome").stdout)
    golden("show-eldim.json", run("show", "eldim", "-f", "json").stdout)
    golden("show-eldim.table", run("show", "eldim", "-f", "table").stdout)


def test_show_has_fields_claims_relations_and_quotes(run: Runner) -> None:
    rows = json.loads(run("show", "eastman-port-jerome", "-f", "json").stdout)
    sections = {r["section"] for r in rows}
    assert {"fields", "status", "locations", "figures", "milestones", "statements", "related", "discrepancies",
            "citations"} <= sections
    investment = [r for r in rows if r["section"] == "figures" and r["field"] == "investment"]
    assert {(r["value"], r["qualifier"], r["as_of"]) for r in investment} >= {
        (1_000_000_000, "more-than", "2023-03"), (850_000_000, "up-to", "2022-03-30"),
        (2_000_000_000, "exact", None)}  # an unknown date is null in JSON
    assert any(r["section"] == "related" and r["field"] == "owner" and r["value"] == "eastman" for r in rows)
    assert any(r["quote"] == "d’un montant de plus de 1 milliard d’euros" for r in rows)


def test_show_accepts_a_name_and_suggests_close_ids(run: Runner) -> None:
    assert json.loads(run("show", "ELDIM", "-f", "json").stdout)[1]["value"] == "eldim"
    result = run("show", "eastman-port")
    assert result.exit_code == ExitCode.USAGE
    assert "did you mean eastman-port-jerome?" in result.stderr


def test_fields_lists_every_command_s_fields(run: Runner, golden: Golden) -> None:
    golden("fields-companies.tsv", run("fields", "companies").stdout)
    everything = json.loads(run("fields", "-f", "json").stdout)
    assert {r["command"] for r in everything} >= {"companies", "jobs", "timeline", "projects", "sources"}
    assert run("fields", "compnies").exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("command", "where", "expected"),
    [
        ("companies", ["town=Rouen"], {"aurora-cold-plasma-sterilisation", "genexpath", "protectecran"}),
        ("companies", ["department!=Calvados", "roles=delegation", "town~rou"],
         {"aurora-cold-plasma-sterilisation", "genexpath", "protectecran"}),
        ("companies", ["name~PLASMA"], {"aurora-cold-plasma-sterilisation"}),
        ("companies", ["town="], {"normandie-web-xperts", "cryopak", "loop-industries", "interzero"}),
        ("jobs", ["value>=350", "as_of>=2025"], {"eastman-jobs-direct-of2025", "eastman-jobs-indirect-of2025",
                                                 "eastman-jobs-direct-en", "eastman-jobs-indirect-en",
                                                 "eastman-jobs-direct-ef", "eastman-jobs-indirect-ef"}),
        ("jobs", ["kind=construction"], {"eastman-jobs-construction-concertation"}),
        ("figures", ["as_of=2022-03", "measure=investment"],
         {"eastman-investment-usd-cci", "eastman-investment-eur-cci", "eastman-investment-afp"}),
        # Dates compare at the coarser precision: the journal's "2023" may be March 2023, so it matches.
        ("figures", ["as_of=2023-03", "measure=investment"],
         {"eastman-investment-gazette", "eastman-investment-announcement-journal",
          "eastman-investment-phase-1-journal"}),
    ],
)
def test_where_filters_every_listing(run: Runner, command: str, where: list[str], expected: set[str]) -> None:
    args = [part for expr in where for part in ("--where", expr)]
    rows = json.loads(run(command, *args, "-f", "json").stdout)
    assert {r["id"] for r in rows} == expected


def test_where_compares_dates_by_precision(run: Runner) -> None:
    rows = json.loads(run("timeline", "--where", "date>=2026", "--where", "date<2027", "-f", "json").stdout)
    assert {r["date"] for r in rows} == {"2026", "2026-02-06"}
    before = json.loads(run("figures", "--where", "as_of<2023", "-f", "json").stdout)
    assert before and all(r["as_of"] in ("2022-01", "2022-01-16", "2022-03-30", "2022-04", "2022-04-06",
                                         "2022-05-04/2024", "2022-09", "2022-09/2022-12") for r in before)


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("nope=1", "unknown field 'nope' for companies"),
        ("twn=Rouen", "(did you mean town or town_id?)"),
        ("town", "no operator"),
        ("town:Rouen", "unknown operator ':'"),
        ("town=>Rouen", "unknown operator '=>' (did you mean >=?)"),
        ("=Rouen", "does not start with a field"),
        ("roles>a", "roles is a list"),
    ],
)
def test_bad_where_is_a_usage_error_naming_the_fields(run: Runner, expr: str, message: str) -> None:
    result = run("companies", "--where", expr)
    assert result.exit_code == ExitCode.USAGE
    assert message in result.stderr
    assert "department" in result.stderr or "roles is a list" in result.stderr or "OP one of" in result.stderr


@pytest.mark.parametrize(
    "expr",
    ["town=Rouen", "town==Rouen", "town = Rouen", "town == 'Rouen'", ' town  ==  "rouen" ', "town ~ ROUEN"],
)
def test_where_takes_the_operators_people_know(run: Runner, expr: str) -> None:
    result = run("companies", "--where", expr, "--fields", "id", "--no-headers")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["aurora-cold-plasma-sterilisation", "genexpath", "protectecran"]


def test_several_where_combine_with_and(run: Runner) -> None:
    both = run("jobs", "--where", "kind=direct", "--where", "source = gazette", "--fields", "id", "--no-headers")
    assert both.stdout.split() == ["eastman-jobs-direct-gazette"]


@pytest.mark.parametrize("when", ["2023-03", "Mar 2023", "march 2023", "MAR 2023"])
def test_where_dates_take_the_forms_the_tables_show(run: Runner, when: str) -> None:
    result = run("jobs", "--where", f"as_of = {when}", "--fields", "as_of", "--no-headers")
    assert result.exit_code == 0, result.stderr
    assert set(result.stdout.split()) == {"2023-03", "2023"}  # a year compares at its own precision


def test_where_rejects_a_value_of_the_wrong_type(run: Runner) -> None:
    assert "value is a number" in run("jobs", "--where", "value>=many").stderr
    assert "as_of is a date" in run("jobs", "--where", "as_of>=March").stderr


def test_query_applies_jmespath_to_the_json_form(run: Runner) -> None:
    result = run("jobs", "--where", "source=gazette", "--query", "[].{kind: kind, value: value, q: qualifier}")
    assert json.loads(result.stdout) == [
        {"kind": "direct", "value": 350, "q": "exact"},
        {"kind": "indirect", "value": 1500, "q": "about"},
    ]
    assert json.loads(run("companies", "--query", "length(@)").stdout) == 16


def test_bad_query_is_a_usage_error_with_the_library_message(run: Runner) -> None:
    result = run("companies", "--query", "[?")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("normandie: error: --query: ") and "jmespath" in result.stderr.lower()
    assert run("companies", "--query", "[]", "-f", "csv").exit_code == ExitCode.USAGE


# show: the brief first -----------------------------------------------------------------------

def brief_items(lines: list[str]) -> dict[str, str]:
    """The brief's items as a person reads them: a label at the start of a line, the text beside
    it and on the indented lines under it, joined by spaces (the title line is left out)."""
    items: dict[str, str] = {}
    label = None
    for line in lines[1:]:
        if not line.strip():
            break
        if not line.startswith(" "):
            label, _, text = line.partition(" ")
            items[label] = text.strip()
        elif label is not None:
            items[label] = f"{items[label]} {line.strip()}".strip()
    return items


def test_the_first_screen_of_show_answers_the_question() -> None:
    """In an 80x24 terminal, the first screen of ``show eastman-port-jerome`` holds the status with
    its date and source, the investment and job figures with their ranges, the opening dates as
    they moved, and the number of disagreements."""
    import re
    import sys

    from normandie_cli import humanize
    from normandie_cli.loading.book import load_facts
    from normandie_cli.loading.files import bundled_path
    from normandie_cli.query.history import conflict_rows, history_rows
    from normandie_cli.query.rows import project_rows

    from .test_terminal import run_in_terminal, screen

    raw = run_in_terminal([sys.executable, "-m", "normandie_cli", "--no-pager", "show", "eastman-port-jerome"], 80,
                          lines=24)
    first = screen(raw, 80)[:24]
    assert first[0] == "project eastman-port-jerome · Eastman plastic-recycling plant at Port-Jérôme"
    items = brief_items(first)
    book = load_facts(bundled_path())
    kinds = {s.id: s.kind.replace("not-stated", "kind not stated") for s in book.sources}
    # the status as projects reads it: since when, who said so first, and the latest claim
    project = next(r for r in project_rows(book) if r["id"] == "eastman-port-jerome")
    first_said = project["status_sources"][0]
    assert items["status"].startswith(f"{project['status']} since {humanize.date(project['status_since'])}: "
                                      f"{first_said} ({kinds[first_said]}); ")
    assert f"latest {project['status_source']} ({kinds[project['status_source']]})" in items["status"]
    money = history_rows(book, "eastman-port-jerome", "investment")
    assert items["investment"].startswith("> EUR 1 bn (phase I); > EUR 1 bn (phase II) [ouest-france-2025, "
                                          f"17 May 2025], latest of {len(money)} claims")
    assert re.search(r"range of \d+ \(whole project, EUR\): EUR 850 M – EUR 2 bn", items["investment"])
    jobs = history_rows(book, "eastman-port-jerome", "jobs-direct")
    assert re.fullmatch(rf"> 350 \[ouest-france-2025, 17 May 2025\], latest of {len(jobs)} claims; range of \d+ "
                        r"\(whole project\): 330 – 357; 1 \(first planned\): 330", items["jobs-direct"])
    assert items["jobs-indirect"].endswith("; all 13 at 1,500 (about, exact, at-least)")
    opening = items["opening"]
    dates = history_rows(book, "eastman-port-jerome", "opening")
    assert opening.startswith(f"{len(dates)} claims as made: 2025, about 2025 (6 claims, Jan – Dec 2022) → ")
    assert "→ 2030 (ouest-france-2025, 17 May 2025); history: " in opening
    latest = [r for r in dates if r["dated"] and r["scope"] is None][-1]
    # history's word for the move (the earlier claim's bracket is the step before), not the brief's own
    assert f"history: {latest['change'].split(' [')[0]};" in opening
    assert latest["change"].startswith("differs from 2026")  # two voices: not a slip
    count = sum(1 for r in conflict_rows(book) if r["subject"] == "eastman-port-jerome")
    assert items["disagreements"].startswith(f"{count} (")
    from normandie_cli.query.brief import sources_of

    plant = next(p for p in book.projects if p.id == "eastman-port-jerome")
    assert items["sources"].startswith(f"{len(sources_of(book, plant))}: ")


SMALL_BOOK = """\
format: normandie-facts/1
sources:
  - {id: paper-1, title: "One", publisher: "Paper", published: "2022-01", language: en, kind: press}
  - {id: paper-2, title: "Two", publisher: "Paper", published: "2023-06", language: en, kind: press}
  - {id: firm, title: "Release", publisher: "Acme", published: "2024-02-10", language: en, kind: company}
  - {id: blog, title: "Post", publisher: "B", published: unknown, language: en}
organisations:
  - {id: acme, name: "Acme", kind: company, town: not-stated, cite: [{source: paper-1}]}
projects:
  - id: plant
    name: "Acme plant"
    owner: acme
    kind: factory
    cite: [{source: paper-1}]
    status:
      - {value: planned, source: paper-1}
      - {value: planned, source: paper-2}
      - {value: under-way, source: firm}
figures:
  - {id: i1, subject: plant, measure: investment, value: 100000000, unit: EUR, qualifier: exact, planned: true,
     source: paper-1}
  - {id: i2, subject: plant, measure: investment, value: 150000000, unit: EUR, qualifier: more-than, planned: true,
     source: paper-2}
  - {id: i3, subject: plant, measure: investment, value: 120000000, unit: USD, qualifier: about, planned: true,
     source: paper-2}
  - {id: i4, subject: plant, measure: investment, value: 80000000, unit: EUR, qualifier: exact, planned: true,
     scope: phase I, source: firm}
  - {id: j1, subject: plant, measure: jobs-direct, value: 50, unit: jobs, qualifier: about, planned: true,
     source: paper-1}
  - {id: j2, subject: plant, measure: jobs-direct, value: 50, unit: jobs, qualifier: exact, planned: true,
     source: blog}
milestones:
  - {id: o1, subject: plant, what: commissioning, date: "2024", planned: true, source: paper-1}
  - {id: o2, subject: plant, what: commissioning, date: "2025", planned: true, source: paper-2}
  - {id: o3, subject: plant, what: operational, date: "2026", date_qualifier: by, planned: true, source: firm}
"""


def test_the_brief_says_latest_claim_range_count_and_sources(tmp_path: Path) -> None:
    """The brief's words on a small fact file: each computed sentence says what it counts, the
    ranges keep like with like (no EUR in a USD range, no phase I in a whole-project range), each
    value keeps its qualifier, and a date's move is history's word."""
    from normandie_cli.loading.book import load_facts
    from normandie_cli.query.brief import brief_of
    from normandie_cli.query.history import conflict_rows, history_rows

    from .conftest import write

    book = load_facts(write(tmp_path, SMALL_BOOK))
    brief = brief_of(book, "plant")
    assert (brief.kind, brief.id, brief.name) == ("project", "plant", "Acme plant")
    said = {item.label: item.plain() for item in brief.items}
    assert list(said) == ["what", "status", "investment", "jobs-direct", "opening", "disagreements", "sources"]
    assert said["what"] == "factory · owner acme (Acme)"
    assert said["status"] == "under-way since 10 Feb 2024: firm (company)"
    assert said["investment"] == (
        "EUR 80 M (phase I) [firm, 10 Feb 2024], latest of 4 claims; range of 2 (whole project, EUR): "
        "EUR 100 M – > EUR 150 M; 2 claims in 2 other groups")
    # The undated claim counts in the range, never as the latest.
    assert said["jobs-direct"] == "≈ 50 [paper-1, Jan 2022], latest of 2 claims; all 2 at 50 (about, exact)"
    change = history_rows(book, "plant", "opening")[-1]["change"]
    assert said["opening"] == ("3 claims as made: 2024 (paper-1, Jan 2022) → 2025 (paper-2, Jun 2023) → "
                               f"by 2026 (firm, 10 Feb 2024); history: {change.split(' [')[0]}")
    count = len([r for r in conflict_rows(book) if r["subject"] == "plant"])
    assert said["disagreements"] == f"{count} ({count} computed) · normandie conflicts"
    assert said["sources"] == "4: 2 press, 1 company, 1 kind not stated; published Jan 2022 – 10 Feb 2024; 1 undated"


def test_the_brief_dates_its_latest_source_by_the_start_of_its_range(tmp_path: Path) -> None:
    """A source published "between 10 Feb and Dec 2024" was not published in December: the
    sources line ends at the range's start, "or later"."""
    from normandie_cli.loading.book import load_facts
    from normandie_cli.query.brief import brief_of

    from .conftest import write

    text = SMALL_BOOK.replace('published: "2024-02-10"', 'published: "2024-02-10/2024-12"')
    assert text != SMALL_BOOK
    said = {item.label: item.plain() for item in brief_of(load_facts(write(tmp_path, text)), "plant").items}
    assert said["sources"].endswith("; published Jan 2022 – 10 Feb 2024 or later; 1 undated")


def test_the_brief_says_since_when_a_status_holds(tmp_path: Path) -> None:
    from normandie_cli.loading.book import load_facts
    from normandie_cli.query.brief import brief_of

    from .conftest import write

    text = SMALL_BOOK.replace("{value: under-way, source: firm}", "{value: planned, source: firm}")
    text = text.replace("{value: planned, source: paper-1}", "{value: prospective, source: paper-1}")
    status = brief_of(load_facts(write(tmp_path, text)), "plant").item("status")
    assert status is not None
    # paper-2 moved the status on from paper-1's; firm's is one more claim since
    assert status.plain() == ("planned since Jun 2023: paper-2 (press); 1 claim since, latest firm (company), "
                              "10 Feb 2024")


@pytest.mark.parametrize(
    ("entity", "kind", "labels"),
    [
        ("eastman-port-jerome", "project", ["what", "where", "status", "investment", "jobs-direct", "opening",
                                            "disagreements", "sources"]),
        ("eldim", "organisation", ["what", "employees", "disagreements", "sources"]),
        ("herve-morin", "person", ["what", "disagreements", "sources"]),
        ("trade-mission-2023", "event", ["what", "status", "dates", "disagreements", "sources"]),
        ("rouen", "place", ["what", "disagreements", "sources"]),
        ("gazette", "source", ["what", "title", "url", "backs", "disagreements"]),
        ("eastman-jobs-direct-gazette", "figure", ["what", "value", "source", "quote", "history", "all",
                                                   "disagreements"]),
        ("eastman-commissioning-gazette", "milestone", ["what", "value", "source", "quote", "all", "disagreements"]),
        ("region-asset-energy-gazette", "statement", ["what", "says", "source", "quote"]),
        ("eastman-site-area", "discrepancy", ["what", "side", "note", "conflicts", "sources"]),
    ],
)
def test_show_opens_with_a_brief_for_every_kind_of_entity(run: Runner, entity: str, kind: str,
                                                          labels: list[str]) -> None:
    result = run("show", entity, "-f", "table", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{kind} {entity}")
    brief = lines[:lines.index("")]
    assert len(brief) <= 22  # with the prompt and the next line, one 80x24 screen
    shown = [line.split(" ")[0] for line in brief[1:] if line[:1] not in ("", " ")]
    assert [label for label in dict.fromkeys(shown) if label in labels] == labels
    assert any(line.startswith("Sections (") for line in lines)
    assert f"normandie show {entity} --full" in result.stdout


def test_show_full_draws_every_section_after_the_brief(run: Runner) -> None:
    rows = json.loads(run("show", "eastman-port-jerome", "-f", "json").stdout)
    out = run("show", "eastman-port-jerome", "--full", "-f", "table").stdout
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["section"]] = counts.get(row["section"], 0) + 1
    titles = [line for line in out.splitlines() if line.split(" (")[0] in (
        "Fields", "Status claimed", "Locations", "Figures", "Milestones", "Statements", "Related", "Discrepancies",
        "Citations")]
    assert [int(t.rsplit("(", 1)[1].rstrip(")")) for t in titles] == list(counts.values())
    assert out.index("status ") < out.index(f"Status claimed ({counts['status']})")  # the brief first
    # The claims of a section in the order they were made (in every format); free text on lines
    # of its own.
    from normandie_cli.dates import parse_date

    for section in ("status", "locations", "figures", "milestones", "statements", "citations"):
        made = [parse_date(r["as_of"] or "unknown").sort_key() for r in rows if r["section"] == section]
        assert made == sorted(made), section
    status = out[out.index("Status claimed"):out.index("Locations")].splitlines()
    firsts = [line.split("  ")[0] for line in status[3:] if line[:1] not in (" ", "")]
    assert firsts == [r["value"] for r in rows if r["section"] == "status"]
    assert "    note: Project kept despite delays; opening now aimed at 2030." in out


def test_show_section_keeps_one_section_in_every_format(run: Runner) -> None:
    every = json.loads(run("show", "eastman-port-jerome", "-f", "json").stdout)
    figures = json.loads(run("show", "eastman-port-jerome", "--section", "figures", "-f", "json").stdout)
    assert figures == [r for r in every if r["section"] == "figures"]
    both = json.loads(run("show", "eastman-port-jerome", "--section", "rel", "--section", "FIG", "-f", "json").stdout)
    assert [r["section"] for r in both] == ["figures"] * len(figures) + ["related"]
    table = run("show", "eastman-port-jerome", "--section", "milestones", "-f", "table").stdout.splitlines()
    assert table[0] == "project eastman-port-jerome · Eastman plastic-recycling plant at Port-Jérôme"
    milestones = sum(1 for r in every if r["section"] == "milestones")
    assert table[2] == f"Milestones ({milestones})" and not any(line.startswith("status ") for line in table)
    tsv = run("show", "eastman-port-jerome", "--section", "status").stdout.splitlines()
    status = sum(1 for r in every if r["section"] == "status")
    assert len(tsv) == 1 + status and all(line.startswith("status\t") for line in tsv[1:])


@pytest.mark.parametrize(
    ("section", "message"),
    [("stat", "'stat' is the start of status, statements"), ("figurs", "is not a section; sections: fields, "),
     ("figurs", "(did you mean figures?)")],
)
def test_show_section_names_the_sections_when_it_cannot_tell(run: Runner, section: str, message: str) -> None:
    result = run("show", "eldim", "--section", section)
    assert result.exit_code == ExitCode.USAGE
    assert message in result.stderr


def test_show_section_that_the_entity_lacks_is_empty_and_says_so(run: Runner) -> None:
    result = run("show", "eldim", "--section", "status", "-f", "json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])
    assert "eldim has no status; its sections: fields, figures, statements, related, citations" in result.stderr


def test_show_section_names_complete() -> None:
    from normandie_cli.cli import _complete

    offered = [c.value for c in _complete.show_sections(None, None, "st")]
    assert offered == ["status", "statements"]


@pytest.mark.parametrize("columns", [60, 80, 120])
@pytest.mark.parametrize("args", [("eastman-port-jerome",), ("eastman-port-jerome", "--full"),
                                  ("trade-mission-2023", "--full"), ("gazette", "--full"), ("eastman", "--full"),
                                  ("eastman-opening-2023", "--full"), ("eastman-jobs-direct-gazette", "--full")])
def test_show_fits_the_width_and_never_breaks_an_id_or_a_url(run: Runner, columns: int, args: tuple[str, ...]) -> None:
    from wcwidth import wcswidth

    from normandie_cli.loading.book import load_facts
    from normandie_cli.loading.files import bundled_path

    book = load_facts(bundled_path())
    whole = {item.id for _, item in book.entities()} | {s.url for s in book.sources if s.url}
    out = run("show", *args, "-f", "table", env={"COLUMNS": str(columns)}).stdout
    lines = out.splitlines()
    assert all(wcswidth(line) <= columns for line in lines), [line for line in lines if wcswidth(line) > columns]
    for line, after in zip(lines, lines[1:], strict=False):
        if not line.strip() or not after.strip():
            continue
        end, start = line.split()[-1].lstrip("(["), after.split()[0].rstrip(",;)]")
        joined = end + start  # an id or URL cut at the end of a line reads whole again when joined
        assert not any(end != token and (token.startswith(joined) or joined.startswith(token))
                       for token in whole if token.startswith(end)), (line, after)
    # The entity's own sources and related ids, when shown, are whole words.
    words = {word.strip(",;()[]") for line in lines for word in line.split()}
    rows = json.loads(run("show", *args[:1], "-f", "json").stdout)
    for row in rows:
        if row["section"] in ("related", "citations", "locations") and "--full" in args:
            assert row["value"] in words, (row, columns)


def test_the_brief_asks_history_and_conflicts_on_the_part_of_the_book_about_its_subject() -> None:
    """The brief computes history and conflicts on the part of the book about one subject (fast
    on a large book): for every subject that part answers exactly as the whole book does."""
    from normandie_cli import model as m
    from normandie_cli.loading.book import load_facts
    from normandie_cli.loading.files import bundled_path
    from normandie_cli.query.brief import part_about
    from normandie_cli.query.history import conflict_rows, history_rows

    book = load_facts(bundled_path())
    everything = conflict_rows(book)
    checked = 0
    for kind, item in book.entities():
        if kind not in m.SUBJECT_KINDS:
            continue
        part = part_about(book, item)
        assert conflict_rows(part) == [r for r in everything if r["subject"] == item.id], item.id
        assert history_rows(part, item.id) == history_rows(book, item.id), item.id
        checked += 1
    assert checked > 50


def test_every_record_of_the_book_has_a_brief() -> None:
    """The brief of each record builds: a person's titles are claims, not dates (eric-dehouck's
    four titles once reached the date lines and raised)."""
    from normandie_cli.loading.book import load_facts
    from normandie_cli.query.brief import brief_of

    book = load_facts()
    briefs = {item.id: brief_of(book, item.id) for _, item in book.entities()}
    assert len(briefs) == len(book.entities())
    dehouck = briefs["eric-dehouck"]
    assert dehouck.item("what") is not None and dehouck.item("dates") is None

"""The core (dates, loader, validation, queries) without the command line."""

from __future__ import annotations

import datetime
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normandie_cli import text
from normandie_cli.dates import DateFormatError, PartialDate, compare_dates, parse_date
from normandie_cli.errors import DataError
from normandie_cli.loading.book import load_facts, validate_file
from normandie_cli.loading.reader import read_facts
from normandie_cli.loading.validate import check_quotes
from normandie_cli.query import rows as query

from .conftest import write

MINIMAL = """\
format: normandie-facts/1
sources:
  - id: s1
    title: "A page"
    publisher: "Someone"
    published: "2023-03"
    language: en
places:
  - id: rouen
    name: Rouen
    kind: town
    department: Seine-Maritime
    country: France
    cite: [{source: s1}]
"""


# Dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "precision", "human"),
    [
        ("2026", "year", "2026"),
        ("2023-03", "month", "Mar 2023"),
        ("2023-03-14", "day", "14 Mar 2023"),
        ("2023-03-14/2023-03-19", "range", "14–19 Mar 2023"),
        ("--03-14/--03-19", "range", "14–19 Mar (year not stated)"),
        ("unknown", "unknown", "unknown"),
    ],
)
def test_dates_keep_their_precision(text: str, precision: str, human: str) -> None:
    date = parse_date(text)
    assert (date.text, date.precision, date.human()) == (text, precision, human)


@pytest.mark.parametrize("text", ["2023-13", "2023-02-30", "2023-3", "14/03/2023", "2023-03-19/2023-03-14", "soon"])
def test_bad_dates_are_refused(text: str) -> None:
    with pytest.raises(DateFormatError):
        parse_date(text)


def test_dates_sort_coarse_before_fine_within_their_period() -> None:
    texts = ["2023-04", "2023-03-14/2023-03-19", "2023-03-14", "2023-03-01", "2023-03", "2023", "unknown", "2022"]
    ordered = sorted(texts, key=lambda t: parse_date(t).sort_key())
    assert ordered == ["2022", "2023", "2023-03", "2023-03-01", "2023-03-14", "2023-03-14/2023-03-19", "2023-04",
                       "unknown"]


def test_dates_compare_at_the_coarser_precision() -> None:
    assert compare_dates(parse_date("2023-03"), parse_date("2023")) == 0
    assert compare_dates(parse_date("2023-03"), parse_date("2022-12")) == 1
    assert compare_dates(parse_date("2023-03-14"), parse_date("2023-04")) == -1
    assert compare_dates(parse_date("--03-14"), parse_date("2023")) is None


def test_a_qualified_date_sorts_where_it_means() -> None:
    dated = [("2023-01", None), ("2022", "end-of"), ("2022-09", None), ("2022-01", None), ("2022", None),
             ("2027", "early"), ("2026-12", None), ("2027", None), ("2027-02", None), ("2026", "by"),
             ("2026-06", None), ("2030", "before"), ("2029-12-31", None), ("2030", None), ("2024", "after"),
             ("2025", None), ("2024-12-31", None), ("2023-03", "end-of"), ("2023-03-20", None), ("2023-03-21", None)]
    ordered = sorted(dated, key=lambda d: parse_date(d[0]).sort_key(d[1]))
    assert ordered == [
        ("2022", None), ("2022-01", None), ("2022-09", None),
        ("2022", "end-of"),  # the last quarter of 2022: after September, before 2023's months
        ("2023-01", None), ("2023-03-20", None), ("2023-03", "end-of"), ("2023-03-21", None),
        ("2024-12-31", None), ("2024", "after"), ("2025", None),  # after 2024: from 1 Jan 2025
        ("2026-06", None), ("2026-12", None), ("2026", "by"),  # by 2026: at the end of 2026
        ("2027", None), ("2027", "early"), ("2027-02", None),  # early 2027: with the start of 2027
        ("2029-12-31", None), ("2030", "before"), ("2030", None),
    ]
    plain = sorted(dated, key=lambda d: parse_date(d[0]).sort_key())
    assert plain.index(("2022", "end-of")) < plain.index(("2022-01", None))  # without its qualifier: a year


_PRECISION = st.sampled_from(["year", "month", "day"])


def _at(day: datetime.date, precision: str) -> PartialDate:
    return parse_date({"year": f"{day.year:04d}", "month": f"{day.year:04d}-{day.month:02d}",
                       "day": day.isoformat()}[precision])


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(9000, 1, 1)),
       _PRECISION, st.integers(-800, 800), _PRECISION,
       st.sampled_from(["end-of", "by", "before", "after", "early", "about", "exact"]))
def test_a_qualified_date_sorts_between_what_is_surely_before_and_after_it(  # type: ignore[no-untyped-def]
        a, pa, offset, pb, qualifier) -> None:
    """A plain date that ends before what the qualified one can mean sorts before it; one that
    starts after sorts after it. ``before P`` means up to P's first day, ``by P`` up to and
    ``after P`` from P's last day; ``end-of`` a year from 1 October, of a month from the 21st."""
    date, other = _at(a, pa), _at(a + datetime.timedelta(days=offset), pb)
    key, other_key = date.sort_key(qualifier), other.sort_key()
    first, last = date.first_day(), date.last_day()
    o_first, o_last = other.first_day(), other.last_day()
    assert first and last and o_first and o_last
    if qualifier == "before":
        first = last = first  # the instant just before the first day
        if o_last < first:
            assert other_key < key
        if o_first >= first:
            assert key < other_key
        return
    if qualifier in ("by", "after"):
        if o_first <= last:
            assert other_key < key  # every date starting up to the last day sorts first
        else:
            assert key < other_key
        return
    if qualifier == "end-of":
        first = {"year": (first[0], 10, 1), "month": (*first[:2], 21), "day": first}[pa]
    if o_last < first:
        assert other_key < key
    if o_first > last:
        assert key < other_key
    if qualifier != "end-of" and o_first < first:
        assert other_key < key


@given(st.dates(), st.sampled_from(["year", "month", "day"]))
def test_any_date_round_trips_at_its_precision(day, precision) -> None:  # type: ignore[no-untyped-def]
    text = {"year": f"{day.year:04d}", "month": f"{day.year:04d}-{day.month:02d}", "day": day.isoformat()}[precision]
    parsed = parse_date(text)
    assert parsed.text == text and parsed.precision == precision
    assert parse_date(parsed.text) == parsed


# Loader --------------------------------------------------------------------------------

def test_minimal_file_loads(tmp_path: Path) -> None:
    book = load_facts(write(tmp_path, MINIMAL))
    assert [p.id for p in book.places] == ["rouen"]
    assert book.sources[0].published.text == "2023-03"


def test_a_source_says_who_it_is_and_whose_words_it_carries(tmp_path: Path) -> None:
    who = "    kind: press\n    outlet: AFP\n    via: moongy.group\n"
    relay = MINIMAL.replace("    language: en\n", "    language: en\n" + who, 1)
    source = load_facts(write(tmp_path, relay)).sources[0]
    assert (source.kind, source.outlet, source.via) == ("press", "AFP", "moongy.group")
    assert load_facts(write(tmp_path, MINIMAL)).sources[0].kind == "not-stated"
    with pytest.raises(DataError, match="kind: 'newspaper' is not one of"):
        load_facts(write(tmp_path, MINIMAL.replace("    language: en\n", "    language: en\n    kind: newspaper\n", 1)))


def test_a_claim_that_says_it_revises_another_names_one_that_exists(tmp_path: Path) -> None:
    claims = MINIMAL + textwrap.dedent("""\
        figures:
          - {id: f1, subject: rouen, measure: jobs-direct, value: 330, unit: jobs, qualifier: exact, source: s1}
          - {id: f2, subject: rouen, measure: jobs-direct, value: 357, unit: jobs, qualifier: exact, source: s1,
             revises: f1}
        """)
    assert load_facts(write(tmp_path, claims)).figures[1].revises == "f1"
    with pytest.raises(DataError, match="revises"):
        load_facts(write(tmp_path, claims.replace("revises: f1", "revises: f9")))


def test_unquoted_dates_and_years_are_read_as_written(tmp_path: Path) -> None:
    text = MINIMAL.replace('published: "2023-03"', "published: 2023-03-30") + textwrap.dedent("""\
        milestones:
          - id: m1
            subject: rouen
            what: opening
            date: 2026
            source: s1
        """)
    book = load_facts(write(tmp_path, text))
    assert book.sources[0].published.text == "2023-03-30"
    assert book.milestones[0].date.text == "2026" and book.milestones[0].date.precision == "year"
    assert book.milestones[0].as_of.text == "2023-03-30"  # the source's date when as_of is not given


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("name: Rouen", "name: NO", "name: expected text, got a boolean ('NO')"),
        ("name: Rouen", "name: 1500", "name: expected text, got a number ('1500')"),
        ("country: France", "country: 2023-03-14", "country: expected text, got a date"),
        ("published: \"2023-03\"", "published: yes", "published: expected a date, got a boolean"),
        ("published: \"2023-03\"", "published: \"March 2023\"", "is not a date"),
        ("kind: town", "kind: town\n    colour: blue", "unknown key 'colour'"),
        ("    language: en\n", "", "missing 'language'"),
        ("cite: [{source: s1}]", "cite: [{source: s1}]\n    name: Again", "duplicate key 'name' (first at line 10)"),
        ("cite: [{source: s1}]", "cite: !!python/object:os.system [{source: s1}]", "tag"),
    ],
)
def test_wrong_types_name_the_file_line_and_column(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = write(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(DataError) as caught:
        load_facts(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}:")
    assert caught.value.line is not None


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1500", 1500), ("1_500", 1500), ("6.0e9", 6_000_000_000), ("0.5", 0.5), ('"1/3"', 1 / 3)],
)
def test_numbers_are_read_as_the_author_meant(tmp_path: Path, raw: str, value: float) -> None:
    text = MINIMAL + (f"figures:\n  - {{id: f1, subject: rouen, measure: jobs-direct, value: {raw}, unit: jobs,"
                      " qualifier: exact, source: s1}\n")
    assert load_facts(write(tmp_path, text)).figures[0].value == value


@pytest.mark.parametrize("raw", ["0755", "14:30", "1,500", "about 1500", "true", "~"])
def test_ambiguous_numbers_are_refused(tmp_path: Path, raw: str) -> None:
    text = MINIMAL + textwrap.dedent(f"""\
        figures:
          - id: f1
            subject: rouen
            measure: jobs-direct
            value: {raw}
            unit: jobs
            qualifier: exact
            source: s1
        """)
    with pytest.raises(DataError, match="value"):
        load_facts(write(tmp_path, text))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("- a\n- b\n", "must be a mapping"),
        ("a: [1, 2\n", "invalid YAML"),
        ("sources: []\n---\nsources: []\n", "invalid YAML"),
        ("places: []\n", "no 'sources' list"),
        ("sources: []\nfoo: 1\n", "unknown top-level key 'foo'"),
        ("a: &x 1\nb: *x\n", "aliases"),  # the real reason comes first, whatever else is wrong
    ],
)
def test_malformed_files_give_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        load_facts(write(tmp_path, content))


def test_aliases_are_refused(tmp_path: Path) -> None:
    text = MINIMAL.replace("country: France", "country: &c France") + (
        "  - {id: caen, name: Caen, kind: town, country: *c, cite: [{source: s1}]}\n")
    with pytest.raises(DataError, match="aliases"):
        load_facts(write(tmp_path, text))


# A standard tag on a node of another kind: PyYAML's composer keeps it, and the reader once
# read a mapping's pairs as a list's items (AttributeError) or a scalar's text as pairs (TypeError).
MISFITS = [
    ("sources:\n  - id: s1", "sources: !!seq {a: 1}\nplaces:\n  - id: s1", "2:10", "!!seq does not fit a mapping"),
    ("  - id: s1\n", "  - !!map [x, y]\n  - id: s1\n", "3:5", "!!map does not fit a list"),
    ("  - id: s1\n", "  - id: !!str [s1]\n", "3:9", "!!str does not fit a list"),
    ("  - id: s1\n", "  - id: !!seq s1\n", "3:9", "!!seq does not fit a single value"),
    ("places:\n", "places: !!str\n", "8:9", "!!str does not fit a list"),
]


@pytest.mark.parametrize(("old", "new", "place", "message"), MISFITS)
def test_a_tag_that_does_not_fit_its_node_is_one_error_with_its_place(
        tmp_path: Path, old: str, new: str, place: str, message: str) -> None:
    path = write(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(DataError, match=f"the tag {re.escape(message)}") as caught:
        read_facts(path)
    assert str(caught.value).startswith(f"{path}:{place}: invalid YAML: "), caught.value


_TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!!seq", "!!map", "!!binary", "!x", "!"]


def test_any_tag_on_any_node_is_read_or_refused_with_its_place(tmp_path: Path) -> None:
    """Each tag after each key's colon and each item's dash, whatever kind of node follows (all
    of them: a few hundred small files): the file is read, with or without problems, or refused
    with a DataError naming a line; nothing else escapes."""
    text = MINIMAL + ("figures:\n  - {id: f1, subject: rouen, measure: jobs-direct, value: 12, unit: jobs,"
                      " cite: [{source: s1}]}\n")
    spots = [match.end() for match in re.finditer(r"(?<=\S): |- |:\n|\[|\{", text)]
    path = tmp_path / "facts.yaml"
    tried = 0
    for spot in spots:
        for tag in _TAGS:
            if text[spot - 1] == "\n":  # "key:" ending its line: the tag goes before the line's end
                tagged = text[:spot - 1] + f" {tag}" + text[spot - 1:]
            else:
                tagged = text[:spot] + f"{tag} " + text[spot:]
            path.write_text(tagged, encoding="utf-8")
            try:
                read_facts(path)
            except DataError as err:
                assert re.match(rf"{re.escape(str(path))}(:\d+)+: ", str(err)), (tagged, err)
                assert "Event" not in str(err), (tagged, err)  # PyYAML's internals are not a message
            tried += 1
    assert tried > 300


def test_missing_file_and_directory_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        load_facts(tmp_path / "nope.yaml")
    with pytest.raises(DataError, match="is a directory"):
        load_facts(tmp_path)
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("sources: []\nname: caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match="not valid UTF-8 at byte offset 21"):
        load_facts(bad)


def test_a_bom_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_facts(path).places[0].name == "Rouen"


# Validation ----------------------------------------------------------------------------

def test_validate_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    text = MINIMAL + textwrap.dedent("""\
        organisations:
          - {id: acme, name: Acme, kind: company, town: atlantis, cite: [{source: s1}]}
          - {id: rouen, name: Dup, kind: company, town: not-stated, cite: [{source: nobody}]}
        figures:
          - {id: f1, subject: acme, measure: jobs-direct, value: 3, unit: jobs, qualifier: exact}
        """)
    book, problems = validate_file(write(tmp_path, text))
    messages = [str(p) for p in problems]
    assert any("acme: town: unknown id 'atlantis'" in m and ":16:" in m for m in messages), messages
    assert any("rouen: duplicate id" in m for m in messages), messages
    assert any("unknown id 'nobody'" in m for m in messages), messages
    assert any("missing 'source'" in m for m in messages), messages
    assert len(problems) == 4


def test_quotes_are_checked_against_the_source_text(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text("Le groupe a annoncé l’usine.\nSecond  line.", encoding="utf-8")
    text = MINIMAL.replace("    language: en\n", "    language: en\n    primary: true\n    text: article.txt\n", 1)
    text = text.replace("cite: [{source: s1}]", "cite: [{source: s1, quote: \"a annoncé l'usine. Second line\"}]")
    text += "statements:\n  - {id: st1, subject: rouen, topic: x, text: y, source: s1, quote: \"not in it\"}\n"
    text += "  - {id: st2, subject: rouen, topic: x, text: y, source: s1}\n"
    book, _ = read_facts(write(tmp_path, text))
    messages = [str(p) for p in check_quotes(book)]
    assert len(messages) == 2, messages
    assert "st1: quote not found in 's1'" in messages[0]
    assert "st2: claim from the primary source 's1' has no quote" in messages[1]


# Queries -------------------------------------------------------------------------------

def test_fold_ignores_case_accents_and_hyphens() -> None:
    assert text.fold("Hérouville-Saint-Clair") == text.fold("herouville saint clair") == "herouville saint clair"


@pytest.mark.parametrize(
    ("qualifiers", "combined"),
    [
        (["exact", "exact"], "exact"),
        (["exact", "about"], "about"),
        (["more-than", "at-least"], "more-than"),
        (["at-least", "exact"], "at-least"),
        (["up-to", "exact"], "up-to"),
        (["more-than", "up-to"], None),
        (["about", "up-to"], "about"),
    ],
)
def test_a_sum_keeps_its_qualifiers_honest(qualifiers: list[str], combined: str | None) -> None:
    assert query.combine_qualifiers(qualifiers) == combined

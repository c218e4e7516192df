"""Every machine format gives back exactly what went in, whatever the text."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from normandie_cli import render
from normandie_cli.registry import Field, Listing

LISTING = Listing("things", "test rows", (Field("id", "id", "an id"), Field("text", "text", "any text")))
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)  # type: ignore[arg-type]  # a Literal


def _render(rows: list[dict[str, str]], fmt: str, monkeypatch: pytest.MonkeyPatch) -> str:
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    render.render_rows(rows, ["id", "text"], LISTING, render.View(fmt, formula_safe=False))  # exact, as --no-excel-safe
    return out.getvalue()


@settings(max_examples=200)
@given(st.lists(texts, max_size=5))
def test_arbitrary_text_round_trips_through_json_jsonl_csv_tsv_and_yaml(values: list[str]) -> None:
    rows = [{"id": str(i), "text": value} for i, value in enumerate(values)]
    with pytest.MonkeyPatch.context() as mp:
        assert json.loads(_render(rows, "json", mp)) == rows
        assert [json.loads(line) for line in _render(rows, "jsonl", mp).split("\n")[:-1]] == rows
        assert (yaml.safe_load(_render(rows, "yaml", mp)) or []) == rows
        parsed = list(csv.DictReader(io.StringIO(_render(rows, "csv", mp), newline="")))
        assert parsed == rows
        lines = _render(rows, "tsv", mp).split("\n")
        assert lines[-1] == "" and len(lines) == len(rows) + 2  # one line per row, whatever the text
        unescape = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}

        def cell(text: str) -> str:
            out, i = [], 0
            while i < len(text):
                pair = text[i : i + 2]
                if pair in unescape:
                    out.append(unescape[pair])
                    i += 2
                else:
                    out.append(text[i])
                    i += 1
            return "".join(out)

        assert [dict(zip(["id", "text"], map(cell, line.split("\t")), strict=True)) for line in lines[1:-1]] == rows


@settings(max_examples=200)
@given(st.lists(texts, max_size=5))
def test_json_never_holds_a_raw_control_character(values: list[str]) -> None:
    import re

    rows = [{"id": str(i), "text": v} for i, v in enumerate(values)]
    text = render.to_json(rows)
    assert not re.search("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]", text)
    assert json.loads(text) == rows


def test_csv_prefixes_formula_cells_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    rows = [{"id": "1", "text": "=1+1"}, {"id": "2", "text": "a=b"}]
    render.render_rows(rows, ["id", "text"], LISTING, render.View("csv"))
    assert out.getvalue() == "id,text\r\n1,'=1+1\r\n2,a=b\r\n"


# An unknown date in a pipe ----------------------------------------------------------------------

from normandie_cli.registry import FACT_LISTINGS, LISTINGS, PRECISION  # noqa: E402

from .conftest import Runner, installed  # noqa: E402

DATED = [(name,) for name in FACT_LISTINGS if any(f.type == "date" for f in LISTINGS[name].fields)] + [
    ("history", "eastman-port-jerome"), ("show", "eastman-port-jerome"), ("conflicts",)]


@pytest.mark.parametrize("command", DATED, ids=" ".join)
def test_every_date_that_can_be_unknown_has_its_precision_declared(command: tuple[str, ...]) -> None:
    listing = LISTINGS[command[0]]
    names = listing.field_names()
    for field in listing.fields:
        if field.type == "date":
            assert f"{field.name}{PRECISION}" in names, (command, field.name)


@pytest.mark.parametrize("command", DATED, ids=" ".join)
def test_an_unknown_date_is_null_in_json_jsonl_and_yaml_with_its_precision_unknown(run: Runner,
                                                                                    command: tuple[str, ...]) -> None:
    listing = LISTINGS[command[0]]
    dates = [f.name for f in listing.fields if f.type == "date"]
    rows = json.loads(run(*command, "-f", "json").stdout)
    assert rows == [json.loads(line) for line in run(*command, "-f", "jsonl").stdout.splitlines()]
    assert rows == yaml.safe_load(run(*command, "-f", "yaml").stdout)
    sides = [side for row in rows for side in row.get("sides") or ()]
    unknown = 0
    for item, names in [(row, dates) for row in rows] + [(side, ["as_of"]) for side in sides]:
        for name in names:
            assert item[name] != "unknown", (command, name)
            precision = item[f"{name}{PRECISION}"]
            assert precision in (None, "year", "month", "day", "range", "day-no-year", "unknown")
            assert (item[name] is None) == (precision in (None, "unknown")), (command, name, item)
            unknown += precision == "unknown"
    if command[0] in ("jobs", "timeline", "figures", "sources", "history", "show", "conflicts"):
        assert unknown, command  # the bundled book has undated claims there: the test can fail


def test_jq_style_date_comparisons_leave_undated_claims_out(run: Runner) -> None:
    rows = json.loads(run("jobs", "-f", "json").stdout)
    recent = [r for r in rows if r["as_of"] is not None and r["as_of"] >= "2024"]  # jq: .as_of >= "2024"
    assert recent and all(r["as_of_precision"] != "unknown" for r in recent)
    assert json.loads(run("jobs", "--query", "[?as_of==null].as_of_precision").stdout) == ["unknown"] * 3


def test_csv_and_tsv_write_an_unknown_date_as_an_empty_cell_and_people_read_unknown(run: Runner) -> None:
    tsv = run("jobs", "--where", "source=concertation", "--fields", "kind,as_of,as_of_precision", "-f", "tsv")
    assert tsv.stdout.splitlines()[1:] == ["direct\t\tunknown", "indirect\t\tunknown", "construction\t\tunknown"]
    rows = list(csv.DictReader(io.StringIO(run("sources", "-f", "csv").stdout, newline="")))
    assert {(r["published"], r["published_precision"]) for r in rows if r["id"] == "concertation"} == {("", "unknown")}
    assert "[ouest-france-video, unknown]" in run("conflicts", "-f", "csv").stdout  # a side, written for a person
    markdown = run("jobs", "--where", "as_of_precision=unknown", "--fields", "kind,as_of", "-f", "markdown").stdout
    assert markdown.splitlines()[2:] == ["| direct | unknown |", "| indirect | unknown |", "| construction | unknown |"]
    assert "unknown" in run("jobs", "--where", "as_of_precision=unknown", "-f", "table").stdout


# A CSV a spreadsheet opens with accents intact --------------------------------------------------

def test_csv_excel_is_the_csv_in_utf8_after_a_byte_order_mark() -> None:
    import subprocess

    script = installed()

    def output(*args: str) -> bytes:
        done = subprocess.run([str(script), "companies", "--role", "delegation", *args], capture_output=True,
                              timeout=60, check=True)
        return done.stdout

    excel, plain = output("-f", "csv-excel"), output("-f", "csv")
    assert excel[:3] == b"\xef\xbb\xbf" and not plain.startswith(b"\xef\xbb\xbf")
    assert excel[3:] == plain  # the very same CSV: RFC 4180, CRLF line ends, formulas defused
    assert "Hérouville-Saint-Clair".encode() in excel and excel.count(b"\r\n") == excel.count(b"\n") == 12
    assert output("-f", "csv-excel", "--no-headers")[:3] == b"\xef\xbb\xbf"
    rows = list(csv.reader(io.StringIO(excel.decode("utf-8-sig"), newline="")))
    assert rows[0][0] == "id" and len(rows) == 12

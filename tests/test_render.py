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
    render.render_rows(rows, ["id", "text"], LISTING, fmt, formula_safe=False)  # exact, as --no-excel-safe
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
    render.render_rows([{"id": "1", "text": "=1+1"}, {"id": "2", "text": "a=b"}], ["id", "text"], LISTING, "csv")
    assert out.getvalue() == "id,text\r\n1,'=1+1\r\n2,a=b\r\n"

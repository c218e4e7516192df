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
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


def _render(rows: list[dict[str, str]], fmt: str, monkeypatch: pytest.MonkeyPatch) -> str:
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    render.render_rows(rows, ["id", "text"], LISTING, fmt)
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

        assert [dict(zip(["id", "text"], map(cell, line.split("\t")))) for line in lines[1:-1]] == rows

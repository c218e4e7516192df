"""The shared listing options parsed once into a Request (query/request.py), and the one-line
errors a bad value gives, the same as before the options travelled as one value."""

from __future__ import annotations

import enum

import pytest

from normandie_cli.errors import ExitCode, UsageError
from normandie_cli.query.request import Filtering, Rendering, Request, Selection, Shaping

from .conftest import Runner


class Format(enum.Enum):  # what Typer hands over for --format
    csv = "csv"
    json = "json"


def test_no_options_is_the_default_request() -> None:
    request = Request.parse({})
    assert request == Request(Selection(), Filtering(), Shaping(), Rendering())
    assert (request.render.headers, request.render.excel_safe, request.filter.where) == (True, None, ())
    assert not request.needs_book


def test_every_option_lands_in_its_part() -> None:
    request = Request.parse({
        "format": Format.csv, "fields": "id,name", "sort": "-id", "limit": 3, "no_headers": True,
        "where": ["status=planned", "town~Caen"], "query": None, "as_of": "Mar 2023", "cite": True,
        "facet": "status", "wide": True, "excel_safe": False,
    })
    assert request.shape == Shaping(fields="id,name", sort="-id", limit=3)
    assert request.filter == Filtering(where=("status=planned", "town~Caen"), facet="status")
    assert request.render == Rendering(format="csv", query=None, headers=False, wide=True, excel_safe=False)
    assert (request.select.as_of, request.select.cite) == ("Mar 2023", True)
    assert request.select.when is not None and request.select.when.text == "2023-03"
    assert request.select.when.precision == "month"


@pytest.mark.parametrize(("options", "book"), [
    ({"as_of": "2024"}, True), ({"where": ["id=x"]}, True), ({"query": "[0]"}, True), ({"cite": True}, True),
    ({"where": []}, False), ({"sort": "id", "limit": 1, "facet": "status", "fields": "id"}, False),
])
def test_only_as_of_where_query_and_cite_need_the_whole_book(options: dict[str, object], book: bool) -> None:
    assert Request.parse(options).needs_book is book


@pytest.mark.parametrize(("rendering", "terminal", "fmt"), [
    (Rendering(), True, "table"), (Rendering(), False, "tsv"), (Rendering(format="yaml"), True, "yaml"),
    (Rendering(query="[0]"), True, "json"), (Rendering(format="json", query="[0]"), False, "json"),
])
def test_the_format_written(rendering: Rendering, terminal: bool, fmt: str) -> None:
    assert rendering.format_for(terminal) == fmt


def test_a_changed_part_leaves_the_rest() -> None:
    request = Request.parse({"sort": "id", "limit": 2, "where": ["id=x"], "facet": "id"})
    assert request.with_shape(sort=None).shape == Shaping(sort=None, limit=2)
    assert request.with_filter(where=()).filter == Filtering(where=(), facet="id")
    assert request.shape.sort == "id"  # unchanged: a Request is immutable
    with pytest.raises(AttributeError):
        request.shape = Shaping()  # type: ignore[misc]


@pytest.mark.parametrize(("options", "message"), [
    ({"query": "[0]", "format": Format.csv}, "--query prints JSON; it cannot be combined with --format csv"),
    ({"as_of": "2024-13"}, "--as-of: '2024-13': month 13 is not 01 to 12"),
])
def test_bad_values_are_usage_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        Request.parse(options)
    assert str(caught.value) == message


def test_query_with_json_is_no_conflict() -> None:
    assert Request.parse({"query": "[0]", "format": Format.json}).render.format == "json"


HINT = "hint: fields of fields: command, field, type, description\n"


@pytest.mark.parametrize(("args", "stderr"), [
    (("projects", "--query", "[0]", "-f", "csv"),
     "normandie: error: --query prints JSON; it cannot be combined with --format csv\n"),
    (("fields", "projects", "--query", "x", "-f", "tsv"),
     "normandie: error: --query prints JSON; it cannot be combined with --format tsv\n"),
    (("projects", "--as-of", "2024-13"), "normandie: error: --as-of: '2024-13': month 13 is not 01 to 12\n"),
    (("projects", "--where", "status=x", "--as-of", "2025-13"),
     "normandie: error: --as-of: '2025-13': month 13 is not 01 to 12\n"),
    (("sources", "--facet", "kind", "-f", "bibtex"),
     "normandie: error: --facet counts rows; it cannot be combined with --format bibtex\n"),
    (("fields", "projects", "--sort", "nope"), "normandie: error: --sort: unknown field 'nope' for fields\n" + HINT),
    (("fields", "projects", "--fields", "nope"),
     "normandie: error: --fields: unknown field 'nope' for fields\n" + HINT),
    (("fields", "projects", "--where", "nope=1"),
     "normandie: error: --where: unknown field 'nope' for fields\n" + HINT),
    (("fields", "projects", "--facet", "nope"),
     "normandie: error: --facet: unknown field 'nope' for fields\n" + HINT),
])
def test_bad_options_give_one_line_errors_as_before(run: Runner, args: tuple[str, ...], stderr: str) -> None:
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (ExitCode.USAGE, "", stderr)


def test_the_store_s_sorted_answer_is_the_book_s(run: Runner) -> None:
    """The store sorts and cuts (and the request's sort is then dropped, not sorted again); the
    book's answer (a --where that always holds makes it read the book) is the same."""
    from_store = run("companies", "--sort", "-name", "--limit", "3", "-f", "tsv")
    from_book = run("companies", "--sort", "-name", "--limit", "3", "-f", "tsv", "--where", "id~")
    assert from_store.exit_code == from_book.exit_code == 0
    assert from_store.stdout == from_book.stdout and len(from_store.stdout.splitlines()) == 4

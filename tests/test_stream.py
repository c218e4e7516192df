"""The streaming reader (records built from PyYAML's events, one record composed at a time)
answers exactly as composing the whole document did: the same book, the same problems, the
same error, at the same place, for valid files, the hostile corpus and arbitrary input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normandie_cli.errors import DataError
from normandie_cli.loading import events, files
from normandie_cli.loading import reader as loader
from normandie_cli.loading.files import bundled_path
from normandie_cli.loading.reader import read_facts

from .test_hostile import _BYTES, _DOCUMENTS, HOSTILE, _NoAliasDumper

ROOT = Path(__file__).resolve().parent.parent


def composed_read(path: Path) -> tuple[Any, list[DataError]]:
    """What the loader did before it streamed: compose the whole document with PyYAML, walk it
    with the same reader, and look for aliases over the whole tree when anything went wrong."""
    name = str(path)
    scan = files.scan_file(path)  # size, UTF-8 and nesting, as the loader checks them
    events.check_depth(name, path, scan)
    text = path.read_bytes().decode("utf-8-sig")
    parser = yaml.CSafeLoader(text)
    try:
        root = parser.get_single_node()
    except yaml.MarkedYAMLError as err:
        raise events.yaml_error(name, err) from None
    except yaml.reader.ReaderError as err:  # the place, counted in the file's bytes (after its byte-order mark)
        bom = b"\xef\xbb\xbf" if path.read_bytes().startswith(b"\xef\xbb\xbf") else b""
        raise events.reader_error(name, err, bom + text.encode("utf-8")[:err.position]) from None
    except yaml.YAMLError as err:
        raise DataError(name, f"invalid YAML: {err}") from None
    finally:
        parser.dispose()
    if root is None:
        raise DataError(name, "the file is empty (no YAML document)")
    nodes, stack = [], [root]
    while stack:  # every node gets the reader's "seen" flag, as the streaming nodes have
        node = stack.pop()
        if getattr(node, "seen", None) is None:
            node.seen = False  # type: ignore[attr-defined]  # the flag the streaming reader adds
            nodes.append(node)
            if isinstance(node.value, list):
                for item in node.value:
                    stack.extend(item if isinstance(item, tuple) else (item,))
    reader = loader.RecordReader(name, scan.marks)
    try:
        book = reader.read_book(root)
    except DataError:
        _refuse_aliases(name, root)
        raise
    if reader.problems:
        _refuse_aliases(name, root)
    return book, reader.problems


def _refuse_aliases(name: str, root: Any) -> None:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            mark = node.start_mark
            raise DataError(name, "YAML aliases (*name) are not allowed in a fact file: the value anchored "
                            "here is used again through an alias; write it out", mark.line + 1, mark.column + 1)
        seen.add(id(node))
        if isinstance(node.value, list):
            for item in reversed(node.value):
                stack.extend(reversed(item) if isinstance(item, tuple) else (item,))


def outcome(read: Any, path: Path) -> tuple[str, Any]:
    try:
        book, problems = read(path)
    except DataError as err:
        return "error", str(err)
    return "book", (book, sorted((p.line or 0, p.column or 0, str(p)) for p in problems))


def assert_same(path: Path) -> None:
    assert outcome(read_facts, path) == outcome(composed_read, path), path.read_bytes()[:400]


@pytest.mark.parametrize("name", sorted(p.name for p in HOSTILE.glob("*.yaml")))
def test_the_hostile_corpus_reads_the_same(name: str) -> None:
    assert_same(HOSTILE / name)


def test_the_bundled_file_reads_the_same() -> None:
    assert_same(bundled_path())
    assert outcome(read_facts, bundled_path())[0] == "book"


MORE = {
    "sections-before-sources": (
        "figures:\n  - {id: f1, subject: caen, measure: area, value: 1, unit: ha, qualifier: exact, source: s1}\n"
        "sources:\n  - {id: s1, publisher: P, published: '2023', language: en}\n"
        "places:\n  - {id: caen, name: Caen, kind: town, country: France, cite: [{source: s1}]}\n"),
    "alias-across-records": "sources:\n  - &s {id: s1, publisher: P, published: '2023', language: en}\n  - *s\n",
    "alias-key": "sources:\n  - {id: s1, publisher: &p P, published: '2023', language: en}\nplaces: {*p : 1}\n",
    "undefined-alias": "sources:\n  - {id: s1, publisher: *nope, published: '2023', language: en}\n",
    "duplicate-anchor": "sources:\n  - {id: &a s1, publisher: &a P, published: '2023', language: en}\n",
    "recursive": "sources: &r\n  - *r\n",
    "duplicate-section": "sources: []\nsources: []\n",
    "section-not-a-list": "sources: []\nplaces: 5\nfigures: {}\n",
    "unknown-key-after-bad-record": "sources:\n  - {id: S1}\nnope: 1\n",
    "syntax-error-after-bad-record": "sources:\n  - {id: S1}\nplaces: [\n",
    "two-documents-after-bad-record": "sources:\n  - {id: S1}\n---\nsources: []\n",
    "anchored-section": "sources: &x []\nplaces: []\n",
    "tagged-section": "sources: !!seq []\nplaces: !!str x\n",
    "tagged-root": "!!map {sources: []}\n",
    "null-section": "sources:\nplaces:\n",
    "bad-format-after-records": "sources:\n  - {id: s1, publisher: P, published: '2023', language: en}\nformat: x\n",
}


@pytest.mark.parametrize("name", sorted(MORE))
def test_tricky_documents_read_the_same(tmp_path: Path, name: str) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(MORE[name], encoding="utf-8")
    assert_same(path)


def test_a_generated_file_reads_the_same(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "gen.yaml"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_facts.py"), "300", str(path)], check=True,
                   capture_output=True, timeout=120)
    assert_same(path)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stream") / "facts.yaml"


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=_BYTES)
def test_arbitrary_bytes_read_the_same(scratch: Path, data: bytes) -> None:
    scratch.write_bytes(data)
    assert_same(scratch)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(document=_DOCUMENTS, flow=st.sampled_from([None, True, False]), aliases=st.booleans())
def test_arbitrary_documents_read_the_same(scratch: Path, document: object, flow: bool | None,
                                           aliases: bool) -> None:
    dumper = yaml.SafeDumper if aliases else _NoAliasDumper
    scratch.write_text(yaml.dump(document, Dumper=dumper, default_flow_style=flow, allow_unicode=True),
                       encoding="utf-8")
    assert_same(scratch)


def _nest(kinds: list[bool]) -> object:
    """A document nested once per item of ``kinds``: a mapping (true) or a list (false)."""
    value: object = "leaf"
    for mapping in reversed(kinds):
        value = {"k": value} if mapping else [value]
    return value


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(kinds=st.lists(st.booleans(), min_size=40, max_size=90), flow=st.sampled_from([None, True, False]),
       chunk=st.sampled_from([1 << 20, 7, 64]))
def test_a_file_the_scan_clears_nests_no_deeper_than_the_limit(scratch: Path, monkeypatch: pytest.MonkeyPatch,
                                                              kinds: list[bool], flow: bool | None, chunk: int) -> None:
    """The scan's nesting bound lets a file skip the walk over its events when it is at most
    MAX_DEPTH: whatever the mix of flow and block nesting, and however the scan cut the file
    into pieces, a file nested deeper never gets such a bound."""
    monkeypatch.setattr(files, "CHUNK", chunk)
    scratch.write_text(yaml.dump(_nest(kinds), default_flow_style=flow, width=1 << 16), encoding="utf-8")
    cleared = files.scan_file(scratch).depth_bound <= files.MAX_DEPTH
    assert not cleared or len(kinds) <= files.MAX_DEPTH

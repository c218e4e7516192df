"""Adding a kind of fact is a two-file change: the model (its record and its line in the table
of kinds) and the reader (how the fact file spells it). Everything else derives from the
model: ``show`` (its section about a subject, and what relates to what, from ``refers()``), the
summary's counts, search, the cache and the published database.

The throw-away kind is added to a temporary copy of the package, not registered at run time:
the store, the publisher and the registry derive their tables from ``model.SECTIONS`` when
they are imported, so only a copy whose model says it from the start shows what a maintainer's
two-file change does; and the test can check that no other file of the copy differs. The copy
runs in its own Python (a few processes: about two seconds).
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import normandie_cli
from normandie_cli import registry
from normandie_cli.loading.book import load_facts

from .conftest import DRIVER_END, driven_outputs, driver, driver_args

PACKAGE = Path(normandie_cli.__file__).resolve().parent

#: The new kind: a rumour about a subject, heard at a place.
RECORD = '''

class Rumour(Record):
    """What is said about a subject without a claim behind it (a test's throw-away kind)."""

    id: str
    subject: str
    text: str
    heard_at: str
    source: str
    as_of: PartialDate
    quote: str | None = None
    note: str | None = None
    line: int = 0

    def cited(self) -> Iterator[Cited]:
        yield self.source, self.quote, "claim"

    def refers(self) -> Iterator[Reference]:
        yield "subject", self.subject, SUBJECT_KINDS
        yield "heard_at", self.heard_at, ("place",)

'''

READER = '''
    def rumour(self, node: Any) -> m.Rumour:
        spec = self._spec("rumour", lambda: {
            "id": self.ident, "subject": self.ident, "text": self.text, "heard_at": self.ident,
            "as_of": self.date, "source": self.ident, "quote": self.text, "note": self.text,
        })
        fields = self.record(node, "a rumour", spec, {"id", "subject", "text", "heard_at", "source"})
        return m.Rumour(as_of=self.as_of(fields), **fields, line=self.line(node))
'''


def _one_file(root: Path, pattern: str) -> Path:
    """The one module of the copy whose text matches (wherever the house keeps it)."""
    found = [p for p in root.rglob("*.py") if re.search(pattern, p.read_text(encoding="utf-8"), re.M)]
    assert len(found) == 1, (pattern, found)
    return found[0]


def _insert(path: Path, anchor: str, text: str, *, after: bool = False) -> None:
    source = path.read_text(encoding="utf-8")
    match = re.search(anchor, source, re.M)
    assert match is not None, (path, anchor)
    at = match.end() if after else match.start()
    path.write_text(source[:at] + text + source[at:], encoding="utf-8")


def _changed(a: Path, b: Path) -> list[str]:
    """The files that differ between two trees (added, removed or changed; caches aside)."""
    out: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        out.extend(prefix + name for name in cmp.left_only + cmp.right_only + cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(a, b, ignore=["__pycache__"]), "")
    return sorted(out)


@pytest.fixture(scope="module")
def widened(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package with the rumour kind, and a fact file with one rumour."""
    root = tmp_path_factory.mktemp("kinds")
    copy = root / "pkg" / "normandie_cli"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    model = _one_file(copy, r"^SECTIONS: tuple\[Section, \.\.\.\] = \($")
    _insert(model, r"^class Section\(Record\):", RECORD.lstrip("\n") + "\n")
    _insert(model, r"(?s)^SECTIONS: tuple\[Section, \.\.\.\] = \(\n.*?\n(?=\)\n)",  # the table's last line
            '    Section("rumours", "rumour", Rumour, about="the rumours about it"),\n', after=True)
    _insert(model, r"^    discrepancies: tuple\[Discrepancy, \.\.\.\] = \(\)\n",
            "    rumours: tuple[Rumour, ...] = ()\n", after=True)
    reader = _one_file(copy, r"^    def statement\(self, node")
    _insert(reader, r"^    def discrepancy\(self, node", READER.lstrip("\n") + "\n")
    assert _changed(PACKAGE, copy) == sorted(str(p.relative_to(copy)) for p in (model, reader))

    book = load_facts()
    place = book.projects[0].locations[0].place
    facts = (PACKAGE / "data" / "facts.yaml") if (PACKAGE / "data" / "facts.yaml").exists() else Path(book.path)
    text = facts.read_text(encoding="utf-8").rstrip("\n")
    text += (f"\nrumours:\n  - id: rumour-one\n    subject: {book.projects[0].id}\n"
             f"    text: a zebracorn plant is planned\n    heard_at: {place}\n    source: {book.sources[0].id}\n"
             "    quote: on dit\n")
    (root / "facts.yaml").write_text(text + "\n", encoding="utf-8")
    return root


def _run(root: Path, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(root / "pkg"), "NORMANDIE_DATA": str(root / "facts.yaml"),
           "NORMANDIE_CACHE_DIR": str(root / "cache"), "COLUMNS": "100", "NO_COLOR": "1"}
    env.pop("NORMANDIE_NO_CACHE", None)
    proc = subprocess.run([sys.executable, "-m", "normandie_cli", *args], env=env, capture_output=True, text=True,
                          cwd=root, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


#: One process runs several commands one after the other (conftest.driver).
DRIVER = driver()


def _run_each(root: Path, *commands: tuple[str, ...]) -> list[str]:
    """What each command writes to stdout, as :func:`_run` gives it, from one process of the copy."""
    env = {**os.environ, "PYTHONPATH": str(root / "pkg"), "NORMANDIE_DATA": str(root / "facts.yaml"),
           "NORMANDIE_CACHE_DIR": str(root / "cache"), "COLUMNS": "100", "NO_COLOR": "1"}
    env.pop("NORMANDIE_NO_CACHE", None)
    proc = subprocess.run([sys.executable, "-c", DRIVER, *driver_args(list(commands))], env=env,
                          capture_output=True, text=True, cwd=root, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert re.search(f"{re.escape(DRIVER_END)} \\d+\n\\Z", proc.stdout), proc.stdout[-2000:]  # nothing after the last
    return driven_outputs(proc.stdout, len(commands))


def test_the_copy_runs_the_copy(widened: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(widened / "pkg")}
    where = subprocess.run([sys.executable, "-c", "import normandie_cli.model as m; print(m.__file__, m.KINDS)"],
                           env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(widened / "pkg")) and "'rumour'" in where


def test_a_new_kind_shows_about_its_subject_and_where_it_points(widened: Path) -> None:
    book = load_facts()
    subject, place = book.projects[0].id, book.projects[0].locations[0].place
    shown = _run_each(widened, ("show", subject, "--format", "json"),
                      ("show", subject, "--section", "rumours", "--format", "json"),
                      ("show", place, "--section", "related", "--format", "json"),
                      ("show", "rumour-one", "--section", "related", "--format", "json"))
    rows = json.loads(shown[0])
    mine = [r for r in rows if r["section"] == "rumours"]
    assert [(r["field"], r["value"], r["source"], r["quote"]) for r in mine] == [
        ("rumour-one", "a zebracorn plant is planned", [book.sources[0].id], "on dit")]
    sections = list(dict.fromkeys(r["section"] for r in rows))
    assert sections.index("rumours") < sections.index("related")  # about it, before what relates to it
    assert json.loads(shown[1]) == mine
    # what points at a place: the new kind's reference reads as kind (reference)
    related = json.loads(shown[2])
    assert ("rumour (heard_at)", "rumour-one") in [(r["field"], r["value"]) for r in related]
    # and the rumour's own dossier points at both
    own = json.loads(shown[3])
    assert [(r["field"], r["value"]) for r in own] == [("subject", subject), ("heard_at", place)]


def test_a_new_kind_is_counted_searched_cached_and_published(widened: Path) -> None:
    assert "1 rumours" in " ".join(_run(widened).split())  # the summary, however it folds
    found = json.loads(_run(widened, "search", "zebracorn", "--format", "json"))
    assert [(r["kind"], r["id"], r["field"]) for r in found] == [("rumour", "rumour-one", "text")]
    assert json.loads(_run(widened, "search", "zebracorn", "--kind", "rumour", "--format", "json")) == found
    # the cache: the second run reads the store, and the store holds the rumour
    stores = list((widened / "cache").rglob("*.sqlite*")) + list((widened / "cache").rglob("*.db"))
    stores = [s for s in stores if s.suffix in (".sqlite", ".sqlite3", ".db")]
    assert stores, sorted((widened / "cache").rglob("*"))
    with sqlite3.connect(stores[0]) as conn:
        stored = conn.execute("SELECT id, subject FROM rumours").fetchall()
    assert stored == [("rumour-one", load_facts().projects[0].id)]
    again = json.loads(_run(widened, "search", "zebracorn", "--format", "json"))
    assert again == found
    # the published database: a table of rumours, its references foreign keys
    _run(widened, "export", "sqlite", str(widened / "out.db"))
    with sqlite3.connect(widened / "out.db") as conn:
        published = conn.execute("SELECT id, text FROM rumours").fetchall()
        keys = {row[3]: row[2] for row in conn.execute("PRAGMA foreign_key_list(rumours)")}
    assert published == [("rumour-one", "a zebracorn plant is planned")]
    assert keys["heard_at"] == "places" and keys["source"] == "sources"


def test_show_sections_come_from_the_model() -> None:
    """The sections about a subject are the kinds the model says are about one, in its order."""
    from normandie_cli import model as m

    about = [s.name for s in m.SECTIONS if s.about]
    assert about and all(name in registry.SHOW_SECTIONS for name in about)
    assert [s for s in registry.SHOW_SECTIONS if s in about] == about
    assert list(registry.SHOW_SECTIONS)[-2:] == ["discrepancies", "citations"]


def test_the_format_lists_of_the_docs_are_the_registrys() -> None:
    root = Path(__file__).resolve().parent.parent
    tables = (root / "docs" / "tables.md").read_text(encoding="utf-8")
    machine = "|".join(f.name for f in registry.FORMATS if f.name != "table")
    assert f"`--format {machine}`" in tables
    readme = (root / "README.md").read_text(encoding="utf-8")
    offered = ", ".join(f"`{f.name}`" for f in registry.FORMATS if not f.only_for)
    assert f"| `--format`, `-f` | {offered} |" in readme

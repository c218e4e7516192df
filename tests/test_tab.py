"""The Tab fast path (``_tab``) against the full path (Typer's completion through the app):
the same output and exit status over every command, every option that takes a value, every
positional argument and a sample of prefixes, for bash, zsh and fish, on the bundled file and
on a generated one; and the fast path imports neither Typer, Click nor Rich.

Both paths run in this process (the full path with the Typer command of each app kept between
calls: building it is most of a call and never depends on the line), so that thousands of
lines take seconds; a few cases run the installed script as the shell's completion function
does."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st

from normandie_cli.cli import _tab, app
from normandie_cli.cli._tabspec import ensure_spec
from normandie_cli.cli.run import main as full_main
from normandie_cli.loading import cache
from normandie_cli.loading.files import bundled_path, parse_size

from .conftest import installed, request_env

ROOT = Path(__file__).resolve().parent.parent
SHELLS = ("bash", "zsh", "fish")
#: Words typed before a Tab besides the starts of what the full path offers: accents, a name
#: typed for an id, a separator, a comma-separated list, nothing that matches.
PREFIXES = ("", "Hér", "eastman-", "id,na", "zz")
#: The prefixes typed in zsh and fish too (bash takes them all): nothing typed (every help text
#: the shell shows, through Rich), the first candidate's first letter, and nothing that
#: matches (zsh's ``_files``, fish's ``is-args`` status).
EVERY_SHELL = ("", "zz")
#: More candidates than this are not all drawn in zsh and fish (the full path puts each help
#: text through Rich: seconds for the ids of a generated file); bash takes them all.
WIDE = 100


#: What Typer's completion scripts (and the full path, for ``--sort -``) set.
REQUEST_KEYS = ("_NORMANDIE_COMPLETE", "_NORMANDIE_COMPLETE_DESCENDING", "_TYPER_COMPLETE_ARGS",
                "_TYPER_COMPLETE_FISH_ACTION", "COMP_WORDS", "COMP_CWORD")


@contextlib.contextmanager
def shell_request(shell: str, line: str, action: str = "get-args") -> Iterator[None]:
    """:func:`request_env` in this process's environment while the block runs."""
    environ = os.environ
    saved = {key: environ[key] for key in REQUEST_KEYS if key in environ}
    for key in saved:
        del environ[key]
    environ.update(request_env(shell, line, action))
    try:
        yield
    finally:
        for key in REQUEST_KEYS:
            environ.pop(key, None)
        environ.update(saved)


def full(shell: str, line: str, action: str = "get-args") -> tuple[str, int]:
    """What the full path (the Typer app) prints for ``line``, and its exit status."""
    out = io.StringIO()
    with shell_request(shell, line, action), contextlib.redirect_stdout(out):
        try:
            full_main()
            status = 0
        except SystemExit as ended:
            status = int(ended.code or 0)
    return out.getvalue(), status


def fast(shell: str, line: str, action: str = "get-args") -> tuple[str, int] | None:
    """What the fast path prints for ``line`` and its status; ``None`` when it leaves it to the full path."""
    out = io.StringIO()
    with shell_request(shell, line, action):
        status = _tab.answer(out.write)
    return None if status is None else (out.getvalue(), status)


def lines(data: str | None) -> list[tuple[str, str]]:
    """Every command, every option that takes a value and every positional argument, each with
    the prefixes to type (and the kind of value, from the app: ``full`` where only the full path
    answers)."""
    root = typer.main.get_command(app)
    ctx = root.make_context("normandie", [], resilient_parsing=True)
    base = f"normandie --data {data} " if data else "normandie "
    out = [(base, "commands")]
    for name in root.list_commands(ctx):  # type: ignore[attr-defined]
        command = root.get_command(ctx, name)  # type: ignore[attr-defined]
        if command is None or hasattr(command, "list_commands"):
            continue
        arguments = 0
        for param in command.get_params(ctx):
            if getattr(param, "param_type_name", "") == "option":
                if param.is_flag or param.count:
                    continue
                out.append((f"{base}{name} {param.opts[0]} ", name))
            else:
                before = {0: "", 1: "eastman-port-jerome "}.get(arguments)
                arguments += 1
                if before is None:
                    continue
                out.append((f"{base}{name} {before}", name))
    return out


def sample(line: str, offered: str) -> list[tuple[str, str, str]]:
    """(shell, line typed, fish's action) for ``line`` (which ends with a space): in bash, each
    of :data:`PREFIXES` typed and the starts of the first and last candidates the full path
    offers (``offered``, 1 and 3 characters); in zsh and fish, :data:`EVERY_SHELL` and the first
    candidate's first letter, or, where more than :data:`WIDE` candidates would each go through
    Rich (ids of a generated file), the first and last candidates whole instead of nothing typed
    and a letter (fish asked for the candidates, and for nothing typed or nothing matching
    whether there are any)."""
    values = offered.split()
    starts = {value[:n] for value in values[:1] + values[-1:] for n in (1, 3)}
    out = [("bash", line + prefix, "get-args") for prefix in (*PREFIXES, *sorted(starts))]
    typed = (*EVERY_SHELL, *(value[:1] for value in values[:1]))
    if len(values) > WIDE:
        typed = ("zz", *sorted({values[0], values[-1]}))
    for prefix in typed:
        out += [("zsh", line + prefix, "get-args"), ("fish", line + prefix, "get-args")]
        if prefix in EVERY_SHELL:
            out.append(("fish", line + prefix, "is-args"))
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "facts.yaml"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_facts.py"), "3000", str(path)],
                   check=True, capture_output=True)
    time.sleep(0.2)  # a file changed just before it was read is checked by content: the full path's
    return path


@pytest.fixture
def built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer's command for each app (the whole one, or one command's) built once and kept, and
    the fast path's spec read once (its checks have tests of their own below)."""
    made: dict[tuple[Any, ...], Any] = {}
    build: Callable[[typer.Typer], Any] = typer.main.get_command

    def get_command(typer_instance: typer.Typer) -> Any:
        key = (id(typer_instance.registered_callback),
               tuple((info.name, id(info.callback)) for info in typer_instance.registered_commands),
               tuple(id(group.typer_instance) for group in typer_instance.registered_groups))
        if key not in made:
            made[key] = build(typer_instance)
        return made[key]

    monkeypatch.setattr(typer.main, "get_command", get_command)
    ensure_spec()
    spec = _tab.load_spec()
    assert spec is not None
    monkeypatch.setattr(_tab, "load_spec", lambda: spec)


@pytest.mark.parametrize("which", ["bundled", "generated"])
def test_the_fast_path_gives_what_the_full_path_gives(which: str, request: pytest.FixtureRequest,
                                                      built_once: None) -> None:
    data = str(request.getfixturevalue("generated")) if which == "generated" else None
    full("bash", f"normandie {'--data ' + data + ' ' if data else ''}companies --town ")  # builds the store
    spec = _tab.load_spec()
    assert spec is not None
    answered = compared = 0
    for start, _ in lines(data):
        found = _tab.resolve(spec, start.split()[1:], "")
        if data and (found is None or found[0][0] not in ("data", "ids", "history_fields")):
            continue  # what does not come from the data file is compared on the bundled one
        offered = full("bash", start)[0]
        for shell, line, action in sample(start, offered):
            quick = fast(shell, line, action)
            compared += 1
            if quick is None:
                continue
            answered += 1
            assert quick == full(shell, line, action), (shell, action, line)
    # Option names (a word starting with "-") and the cache group are the full path's; the rest is not.
    assert answered > 0.6 * compared, (answered, compared)


def test_value_completion_is_answered_by_the_fast_path() -> None:
    ensure_spec()
    for line in ("normandie show ea", "normandie companies --town R", "normandie companies --format js",
                 "normandie jobs --sort as", "normandie history eastman-port-jerome inv", "normandie comp"):
        full("bash", line)
        assert fast("bash", line) == full("bash", line), line
        for shell in ("zsh", "fish"):  # a help text Rich would wrap at this width: the full path's
            assert fast(shell, line) in (None, full(shell, line)), (shell, line)
    for line in ("normandie show ea", "normandie companies --town R", "normandie comp"):
        for shell in SHELLS:
            assert fast(shell, line) == full(shell, line), (shell, line)


def test_without_a_spec_or_a_fresh_store_the_full_path_answers(tmp_path: Path) -> None:
    assert fast("bash", "normandie show ea") is None  # no spec yet
    ensure_spec()
    path = tmp_path / "facts.yaml"
    path.write_text((ROOT / "data" / "facts.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    time.sleep(0.2)  # a file changed just before it was read is checked by content: the full path's
    line = f"normandie --data {path} timeline cry"
    assert fast("bash", line) is None  # no store yet: the full path builds it
    assert full("bash", line)[0].startswith("cryopak-second-site")
    assert fast("bash", line) == full("bash", line)
    path.write_text(path.read_text(encoding="utf-8").replace("id: cryopak-second-site", "id: cryopak-zwei"),
                    encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert fast("bash", line) is None  # the store is stale
    time.sleep(0.2)
    assert full("bash", line)[0].startswith("cryopak-zwei")
    assert fast("bash", line) == full("bash", line)
    for hard in ("normandie companies --sort -na", "normandie companies --to", "normandie --no-cache show ea",
                 'normandie show "ea'):
        assert fast("bash", hard) is None, hard


def test_a_changed_package_derives_the_spec_again() -> None:
    ensure_spec()
    assert _tab.load_spec() is not None
    module = Path(_tab.__file__)
    info = module.stat()
    try:
        os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        assert _tab.load_spec() is None
    finally:
        os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert _tab.load_spec() is not None


@pytest.mark.cold_cache  # it needs the first run's build (tests/conftest.py)
@pytest.mark.parametrize("env", [{}, {"NORMANDIE_CACHE_DIR": "own"}, {"XDG_CACHE_HOME": ""}])
def test_the_fast_path_finds_the_parse_cache_where_cache_puts_it(env: dict[str, str], tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, str(tmp_path / value) if value else value)
    assert _tab.cache_dir() == str(cache.cache_dir())
    full("bash", "normandie show ea")
    assert _tab.entry_of(os.path.realpath(bundled_path())) in [str(path) for path in cache.entries()]


def test_a_size_limit_is_read_as_the_full_path_reads_it(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--max-size`` and ``NORMANDIE_MAX_SIZE`` (a million companies are over the default
    limit): the fast path answers within the limit, and leaves a file over it, or a size it
    cannot read, to the full path."""
    ensure_spec()
    line = f"normandie --data {generated} companies --town R"
    full("bash", line)  # builds the store
    for limit, within in (("4G", True), ("100000000", True), ("100K", False), ("4Q", False)):
        typed = f"normandie --data {generated} --max-size {limit} companies --town R"
        quick = fast("bash", typed)
        assert (quick is not None) == within, typed
        assert quick is None or quick == full("bash", typed), typed
    for limit, within in (("4G", True), (" 2 gib", True), ("100000000", True), ("100K", False), ("4Q", False)):
        monkeypatch.setenv("NORMANDIE_MAX_SIZE", limit)
        quick = fast("bash", line)
        assert (quick is not None) == within, limit
        assert quick is None or quick == full("bash", line), limit
    typed = f"normandie --max-size 4G --data {generated} companies --town R"  # the option over the variable
    assert fast("bash", typed) == full("bash", typed) != ("", 0)


@given(st.text(alphabet="0123456789 bBkKmMgGiIß\t\u00a0\u2003", max_size=8))
def test_the_fast_path_reads_a_size_as_loading_does(text: str) -> None:
    try:
        expected: int | None = parse_size(text)
    except ValueError:
        expected = None
    try:
        found: int | None = _tab.parse_size(text)
    except ValueError:
        found = None
    assert found == expected


@given(st.binary(max_size=300))
def test_the_fast_path_names_a_cache_entry_as_zlib_would(data: bytes) -> None:
    assert (_tab.crc32(data), _tab.adler32(data)) == (zlib.crc32(data), zlib.adler32(data))


def test_the_installed_script_answers_without_typer_click_nor_rich() -> None:
    """The process the bash completion function starts (``env COMP_WORDS=... COMP_CWORD=...
    _NORMANDIE_COMPLETE=complete_bash normandie``), timed by nothing: what it prints, its
    status, and every module it imports (``-X importtime`` lists them)."""
    ensure_spec()
    full("bash", "normandie show ea")
    for shell, line in (("bash", "normandie show ea"), ("zsh", "normandie companies --town R"),
                        ("fish", "normandie comp")):
        result = subprocess.run([sys.executable, "-X", "importtime", str(installed())],
                                env={**os.environ, **request_env(shell, line)}, capture_output=True, text=True)
        assert (result.stdout, result.returncode) == full(shell, line) == fast(shell, line), (shell, line)
        imported = {row.split("|")[-1].strip().split(".")[0] for row in result.stderr.splitlines()
                    if row.startswith("import time:")}
        assert "normandie_cli" in imported
        assert not imported & {"typer", "click", "rich", "yaml", "json", "typing", "sqlite3", "zlib"}, shell

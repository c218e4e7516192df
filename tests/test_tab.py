"""The Tab fast path (``_tab``) against the full path (Typer's completion through the app):
the same output and exit status over every command, every option that takes a value, every
positional argument and a sample of prefixes, for bash, zsh and fish, on the bundled file and
on a generated one; and the fast path imports neither Typer, Click nor Rich."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer

from normandie_cli.cli import _tab, app
from normandie_cli.cli._tabspec import ensure_spec
from normandie_cli.cli.run import main as full_main
from normandie_cli.loading import cache
from normandie_cli.loading.files import bundled_path

ROOT = Path(__file__).resolve().parent.parent
SHELLS = ("bash", "zsh", "fish")
#: Words typed before a Tab besides the starts of what the full path offers: accents, a name
#: typed for an id, a separator, a comma-separated list, nothing that matches.
PREFIXES = ("", "Hér", "eastman-", "id,na", "zz")


@contextlib.contextmanager
def shell_request(shell: str, line: str, action: str = "get-args") -> Iterator[None]:
    """The environment Typer's completion script gives the program for ``line`` (the cursor at
    its end)."""
    saved = {k: v for k, v in os.environ.items() if k.startswith(("_NORMANDIE", "_TYPER", "COMP_"))}
    for key in saved:
        del os.environ[key]
    os.environ["_NORMANDIE_COMPLETE"] = f"complete_{shell}"
    if shell == "bash":
        words = line.split() + ([""] if line.endswith(" ") else [])
        os.environ.update(COMP_WORDS="\n".join(words), COMP_CWORD=str(len(words) - 1))
    else:
        os.environ["_TYPER_COMPLETE_ARGS"] = line
        if shell == "fish":
            os.environ["_TYPER_COMPLETE_FISH_ACTION"] = action
    try:
        yield
    finally:
        for key in [k for k in os.environ if k.startswith(("_NORMANDIE", "_TYPER", "COMP_"))]:
            del os.environ[key]
        os.environ.update(saved)


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


def sample(line: str) -> list[str]:
    """``line`` (which ends with a space) with each of :data:`PREFIXES` typed, and the starts
    of the first and last candidates the full path offers (1 and 3 characters)."""
    offered = full("bash", line)[0].split()
    starts = {value[:n] for value in offered[:1] + offered[-1:] for n in (1, 3)}
    return [line + prefix for prefix in (*PREFIXES, *sorted(starts))]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "facts.yaml"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_facts.py"), "3000", str(path)],
                   check=True, capture_output=True)
    return path


@pytest.mark.parametrize("which", ["bundled", "generated"])
def test_the_fast_path_gives_what_the_full_path_gives(which: str, request: pytest.FixtureRequest) -> None:
    data = str(request.getfixturevalue("generated")) if which == "generated" else None
    ensure_spec()
    full("bash", f"normandie {'--data ' + data + ' ' if data else ''}companies --town ")  # builds the store
    answered = compared = 0
    for line in (typed for start, _ in lines(data) for typed in sample(start)):
        for shell in SHELLS:
            actions = ("get-args", "is-args") if shell == "fish" and line.endswith(" ") else ("get-args",)
            for action in actions:
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


@pytest.mark.parametrize("env", [{}, {"NORMANDIE_CACHE_DIR": "own"}, {"XDG_CACHE_HOME": ""}])
def test_the_fast_path_finds_the_parse_cache_where_cache_puts_it(env: dict[str, str], tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, str(tmp_path / value) if value else value)
    assert _tab.cache_dir() == str(cache.cache_dir())
    full("bash", "normandie show ea")
    assert _tab.entry_of(os.path.realpath(bundled_path())) in [str(path) for path in cache.entries()]


def test_the_fast_path_imports_neither_typer_click_nor_rich() -> None:
    ensure_spec()
    full("bash", "normandie show ea")
    code = ("import sys\nfrom normandie_cli.cli import main\ntry:\n    main()\nexcept SystemExit as e:\n"
            "    print(e.code, file=sys.stderr)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'click', 'rich', 'yaml', 'json'}),"
            " file=sys.stderr)\n")
    env = {**os.environ, "_NORMANDIE_COMPLETE": "complete_bash", "COMP_WORDS": "normandie\nshow\nea",
           "COMP_CWORD": "2"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[0] == "eastman"
    assert result.stderr.splitlines() == ["0", "[]"]

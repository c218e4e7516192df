"""Shell completion: the protocol Typer speaks with bash, zsh and fish, values read from the
data file, the modules the completion path imports, and one run in a real bash."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import SCRIPT, request_env, write


def complete(shell: str, line: str, **env: str) -> list[str]:
    """Candidates the installed command gives for ``line`` (the cursor at its end)."""
    variables = {k: v for k, v in os.environ.items() if not k.startswith(("_NORMANDIE", "_TYPER", "COMP_"))}
    variables.update(request_env(shell, line), **env)
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, env=variables, timeout=60)
    assert result.returncode == 0
    assert result.stderr == ""
    return [line for line in result.stdout.splitlines() if line.strip()]


def complete_here(shell: str, line: str, **env: str) -> list[str]:
    """The candidates :func:`complete` gives, asked in this process as the console script asks
    them (``cli.main``): the fast path (``_tab``) when it can answer, else the spec derived and
    the full path (Typer's completion through the app); exit status 0 and nothing on stderr."""
    from normandie_cli.cli import _tab
    from normandie_cli.cli._tabspec import ensure_spec
    from normandie_cli.cli.run import main as full_main

    request = {**request_env(shell, line), **env}
    saved = {key: value for key, value in os.environ.items() if key.startswith(("_NORMANDIE", "_TYPER", "COMP_"))
             or key in request}
    for key in saved:
        del os.environ[key]
    os.environ.update(request)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = _tab.answer(out.write)
            if status is None:
                ensure_spec()
                try:
                    full_main()
                    status = 0
                except SystemExit as ended:
                    status = ended.code if isinstance(ended.code, int) else 0 if ended.code is None else 1
    finally:
        for key in request:
            os.environ.pop(key, None)
        os.environ.update(saved)
    assert status == 0
    assert err.getvalue() == ""
    return [line for line in out.getvalue().splitlines() if line.strip()]


pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="needs the installed normandie script")


def test_bash_completes_project_ids_for_timeline() -> None:
    assert complete("bash", "normandie timeline ")[:2] == ["eastman-port-jerome", "cryopak-second-site"]
    assert complete("bash", "normandie timeline cry") == ["cryopak-second-site", "cryopak"]  # the owner too


def test_zsh_candidates_carry_a_help_text() -> None:
    out = "\n".join(complete("zsh", "normandie companies --town herou"))
    assert '"herouville-saint-clair":"Hérouville-Saint-Clair (Calvados, Normandie, France)"' in out


def test_fish_candidates_carry_a_help_text() -> None:
    assert complete("fish", "normandie show eld")[0] == "eldim\torganisation: Eldim"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("normandie companies --town HÉROU", ["herouville-saint-clair"]),  # the data's own spelling
        ("normandie companies --town herou", ["herouville-saint-clair"]),
        ("normandie companies --department seine", ["Seine-Maritime"]),
        ("normandie companies --role del", ["delegation"]),
        ("normandie companies --fields id,na", ["id,name"]),
        ("normandie jobs --sort as", ["as_of", "as_of_precision"]),
        ("normandie companies --where dep", ["department"]),
        ("normandie companies --format js", ["json", "jsonl"]),
        ("normandie figures --measure jobs-d", ["jobs-direct"]),
        ("normandie show Eld", ["eldim"]),  # an entity's id, never its name, no claim's id
        ("normandie show eldim-", ["eldim-employees-fb1", "eldim-clients-eld", "eldim-visit-eld"]),  # only claims
        ("normandie show eastman-", ["eastman-circular-solution-france", "eastman-port-jerome",
                                     "eastman-pre-consultation", "eastman-consultation",
                                     "eastman-consultation-closing-meeting", "eastman-public-inquiry",
                                     "eastman-site-en", "eastman-site-fr"]),  # entities (sources last)
        ("normandie show Hervé", ["herve-morin"]),
        ("normandie history Eld", ["eldim"]),
        ("normandie history eldim-", []),  # history takes an entity
        ("normandie timeline ea", ["eastman-port-jerome", "eastman-pre-consultation", "eastman-consultation",
                                   "eastman-consultation-closing-meeting", "eastman-public-inquiry", "eastman",
                                   "eastman-circular-solution-france"]),  # projects, events, organisations
        ("normandie jobs --project cryo", ["cryopak-second-site", "cryopak"]),
        ("normandie companies --sort -na", ["-name"]),  # descending: field names, not option names
        ("normandie companies --sort id,-to", ["id,-town", "id,-town_id"]),
        ("normandie conflicts --fields ki", ["kind"]),
        ("normandie history eastman-port-jerome inv", ["investment"]),  # history's FIELD argument
        ("normandie companies --facet dep", ["department"]),
        ("normandie fields compa", ["companies"]),
        ("normandie search x --kind pe", ["person"]),
        ("normandie comp", ["companies"]),
    ],
)
def test_values_complete_case_and_accent_insensitively(line: str, expected: list[str]) -> None:
    """The matching rules, asked in this process: the first press (a cold cache: the full path
    answers, and leaves the spec and the store) and the next (the fast path's answer from them).
    The first line is also asked of the installed script, as the shell asks it."""
    assert complete_here("bash", line) == expected
    assert complete_here("bash", line) == expected
    if line == "normandie companies --town HÉROU":
        assert complete("bash", line) == expected


def test_completion_reads_the_data_file_in_use(tmp_path: Path) -> None:
    path = write(tmp_path, "sources: []\nprojects: []\nevents: []\n")
    assert complete("bash", f"normandie --data {path} timeline ") == []
    other = write(tmp_path, (Path(__file__).parent.parent / "data" / "facts.yaml").read_text(encoding="utf-8")
                  .replace("id: cryopak-second-site", "id: cryopak-zweite"), "other.yaml")
    assert "cryopak-zweite" in complete("bash", "normandie timeline cry", NORMANDIE_DATA=str(other))


@pytest.mark.parametrize(("content", "ask"), [("sources: [\n", complete), ("", complete_here),
                                             ("- a list\n", complete_here)])
def test_a_broken_data_file_completes_nothing_and_prints_nothing(tmp_path: Path, content: str,
                                                                 ask: Callable[..., list[str]]) -> None:
    """One file through the installed script (nothing on a real stderr, exit status 0), the
    others in this process (the same checks on what the program writes)."""
    path = write(tmp_path, content)
    assert ask("bash", f"normandie --data {path} timeline ") == []
    assert ask("zsh", "normandie show e", NORMANDIE_DATA=str(path)) == ["_files"]  # Typer's "no candidates"


def test_the_completion_path_imports_no_heavy_module() -> None:
    code = (
        "import sys\nfrom normandie_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = {'rich', 'yaml', 'jmespath', 'pydantic', 'click', 'json'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy), file=sys.stderr)\n"
    )
    env = {**os.environ, "_NORMANDIE_COMPLETE": "complete_bash", "COMP_WORDS": "normandie\ntimeline\n",
           "COMP_CWORD": "2"}
    # The first press parses the file and leaves the fact store (the parse cache); the next ones
    # make one prefix query on its completion table: no YAML, no JSON, no book.
    subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert "eastman-port-jerome" in result.stdout
    assert result.stderr.strip() == "[]"


def test_a_tsv_run_with_a_warm_cache_imports_neither_rich_nor_yaml() -> None:
    code = (
        "import sys\nsys.argv = ['normandie', 'companies', '--format', 'tsv']\n"
        "from normandie_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'rich', 'yaml', 'jmespath'}), file=sys.stderr)\n"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("id\tname")
    assert result.stderr.strip() == "[]"


def test_show_offers_entity_ids_first_and_ids_only() -> None:
    candidates = complete_here("bash", "normandie show ea")
    assert candidates[0] == "eastman" and all(c.startswith("eastman") for c in candidates)
    assert all(c == c.lower() and " " not in c for c in complete_here("bash", "normandie show "))
    assert not any(c.startswith("eastman-jobs") for c in candidates)  # claims wait until only they fit
    assert "eastman-jobs-direct-gazette" in complete_here("bash", "normandie show eastman-j")


def test_a_name_completes_to_its_id() -> None:
    """A name is matched as typed; the id is what is offered (and inserted)."""
    assert complete_here("bash", "normandie show Hérouville") == ["herouville-saint-clair"]
    assert complete_here("bash", "normandie timeline Trade") == ["trade-mission-2023"]


def typed_lines(*typed: str) -> list[str]:
    """For each of ``typed``, in turn in one interactive bash (readline, in a pseudo-terminal)
    with the completion script sourced: the command line it holds after those keys and a Tab.
    Each is typed with a cache directory of its own (an empty one, as a bash started for it
    alone would have: the first press of a cold cache), once the line before has been run."""
    import fcntl
    import pty
    import re
    import select
    import struct
    import termios
    import time

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 200, 0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("_NORMANDIE", "_TYPER", "COMP_"))}
    env.update(PATH=f"{SCRIPT.parent}:{env['PATH']}", INPUTRC="/dev/null", PS1="$ ", TERM="dumb",
               HISTFILE="/dev/null")
    process = subprocess.Popen(["bash", "--norc", "--noprofile", "-i"], stdin=slave, stdout=slave, stderr=slave,
                               env=env, close_fds=True, start_new_session=True)
    os.close(slave)
    printed = re.compile(rb"(?m)^@@ (.*)\n")  # what "echo @@ LINE" printed (not the typed line's echo)
    out = b""

    def read(until: Callable[[], bool]) -> None:
        nonlocal out
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not until():
            if select.select([master], [], [], 1)[0]:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: bash has exited
                    break
                if not chunk:
                    break
                out += chunk

    def held() -> list[bytes]:
        return printed.findall(out.replace(b"\r", b""))

    def answered(count: int) -> bool:
        return len(held()) >= count

    caches = Path(os.environ["XDG_CACHE_HOME"])
    try:
        os.write(master, b"source <(normandie --show-completion bash)\n")
        for number, keys in enumerate(typed):
            cache = shlex.quote(str(caches / f"tab-{number}")).encode()
            # Tab, then Ctrl-A (start of line) and "echo @@ ": bash prints the line readline holds.
            os.write(master, b"export XDG_CACHE_HOME=" + cache + b"\n" + keys.encode() + b"\t\x01echo @@ \r")
            read(functools.partial(answered, number + 1))
        os.write(master, b"exit\r")
        read(lambda: False)  # to the end: bash has exited
    finally:
        os.close(master)
        process.wait(timeout=10)
    lines = [line.decode() for line in held()]
    assert len(lines) == len(typed), out.decode(errors="replace")
    return lines


#: Keys typed before a Tab in bash, and the line readline then holds.
TYPED_IN_BASH = [
    ("normandie show ea", "normandie show eastman"),  # the prefix every candidate shares
    ("normandie show Eld", "normandie show eldim"),  # a name typed, the id inserted
    ("normandie show eastman-po", "normandie show eastman-port-jerome"),
    ("normandie companies --town herou", "normandie companies --town herouville-saint-clair"),
]


@functools.cache
def typed_in_one_bash() -> list[str]:
    """:func:`typed_lines` for every line of :data:`TYPED_IN_BASH`, in one bash (one start, one
    ``--show-completion``); kept for the cases of the test that reads it."""
    return typed_lines(*(keys for keys, _ in TYPED_IN_BASH))


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize(("keys", "line"), TYPED_IN_BASH)
def test_a_tab_in_a_real_bash_inserts_the_shared_prefix(keys: str, line: str) -> None:
    assert typed_in_one_bash()[TYPED_IN_BASH.index((keys, line))] == line.strip()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_real_bash_sources_the_script_and_completes(tmp_path: Path) -> None:
    script = f"""
set -e
PATH={SCRIPT.parent}:$PATH
source <(normandie --show-completion)
COMP_WORDS=(normandie timeline "")
COMP_CWORD=2
_normandie_completion normandie
printf '%s\\n' "${{COMPREPLY[@]}}"
COMP_WORDS=(normandie companies --town herou)
COMP_CWORD=3
_normandie_completion normandie
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("_NORMANDIE", "_TYPER", "COMP_"))}
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["eastman-port-jerome", "cryopak-second-site"]
    assert lines[-1] == "herouville-saint-clair"


def test_completion_follows_an_edited_file(tmp_path: Path) -> None:
    source = (Path(__file__).parent.parent / "data" / "facts.yaml").read_text(encoding="utf-8")
    path = write(tmp_path, source)
    assert complete("bash", f"normandie --data {path} timeline cry")[0] == "cryopak-second-site"
    path.write_text(source.replace("id: cryopak-second-site", "id: cryopak-site-two"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a new stamp, whatever the clock's resolution
    assert complete("bash", f"normandie --data {path} timeline cry")[0] == "cryopak-site-two"


def typed_in(shell: str, *typed: str) -> list[tuple[str, str]]:
    """For each of ``typed``, in turn in one interactive zsh or fish (in a pseudo-terminal, its
    controlling terminal) with the completion script ``normandie --show-completion SHELL``
    prints loaded: the command line the shell holds after those keys and a Tab, and all the
    screen showed for them. Each is typed with a cache directory of its own (an empty one, as
    a shell started for it alone would have: the first press of a cold cache), after the line
    before was run and the shell said so."""
    import fcntl
    import pty
    import re
    import select
    import termios
    import time

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct_size(24, 200))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("_NORMANDIE", "_TYPER", "COMP_"))}
    env.update(PATH=f"{SCRIPT.parent}:{env['PATH']}", TERM="xterm")
    if shell == "zsh":
        argv = ["zsh", "-f", "-i"]
        # Case-insensitive matching, as most configurations set it (zsh's own default matches
        # case-sensitively, so that "Eld" would keep the candidate "eldim" without inserting it).
        setup = (b"PS1='$ '; autoload -Uz compinit; compinit -D; zstyle ':completion:*' matcher-list "
                 b"'m:{a-zA-Z}={A-Za-z}'; source <(normandie --show-completion zsh)\n")
    else:
        argv = ["fish", "--no-config", "-i"]
        setup = b"function fish_prompt; echo -n '$ '; end; normandie --show-completion fish | source\n"

    def controlling_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                               preexec_fn=controlling_terminal)
    os.close(slave)

    printed = re.compile(rb"(?:^|[\r\n])@@ ([^\r\n\x1b]*)\r\n")

    def printed_since() -> bytes:
        """What the shell printed that was not read yet (b"" once it has exited)."""
        try:
            return os.read(master, 65536)
        except OSError:  # EIO: the shell has exited
            return b""

    def read_until(marker: bytes, seconds: float) -> bytes:
        out = b""
        deadline = time.monotonic() + seconds

        def seen() -> bool:  # b"": any output at all
            return bool(printed.search(out)) if marker == b"@@" else (marker in out if marker else out != b"")

        while time.monotonic() < deadline and not seen():
            if select.select([master], [], [], 0.2)[0]:
                if not (chunk := printed_since()):
                    break
                out += chunk
        return out

    def read_quietly(seconds: float) -> bytes:
        """Everything the shell prints until ``seconds`` pass with nothing more (60 s at most)."""
        out = b""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and select.select([master], [], [], seconds)[0]:
            if not (chunk := printed_since()):
                break
            out += chunk
        return out

    try:
        # The shell's first prompt is its own (zsh -f: "host# "), so wait for any output, not "$ ".
        screen = read_until(b"", 30) + read_quietly(0.5)
        os.write(master, setup)
        caches = Path(os.environ["XDG_CACHE_HOME"])
        answers = []
        for number, keys in enumerate(typed):
            cache = shlex.quote(str(caches / f"tab-{number}")).encode()
            fresh = b"set -gx XDG_CACHE_HOME " + cache if shell == "fish" else b"export XDG_CACHE_HOME=" + cache
            # The echo of the line typed is not "READY<n>".
            os.write(master, fresh + b'; echo RE""ADY%d\n' % number)
            screen += read_until(b"READY%d\r\n" % number, 60)
            os.write(master, keys.encode() + b"\t")
            # What the Tab drew: the keys' echo, then normandie's answer; read until a second passes
            # with nothing more (the shell has answered; the line is checked below either way).
            shown = read_quietly(1.0)
            # Ctrl-A (start of line) and "echo @@ ": the shell prints the line it holds.
            os.write(master, b"\x01echo @@ \r")
            shown += read_until(b"@@", 60)
            screen += shown
            found = printed.findall(shown)
            assert found, screen.decode(errors="replace")
            answers.append((found[-1].decode(), shown.decode(errors="replace")))
        os.write(master, b"exit\r")
    finally:
        process.kill()
        process.wait(timeout=10)
        os.close(master)
    return answers


def struct_size(rows: int, columns: int) -> bytes:
    import struct

    return struct.pack("HHHH", rows, columns, 0, 0)


#: Keys typed before a Tab in zsh and fish, and the line the shell then holds.
TYPED = [
    ("normandie show ea", "normandie show eastman"),  # the prefix every candidate shares
    ("normandie show Eld", "normandie show eldim"),  # a name typed, the id inserted
    ("normandie companies --town herou", "normandie companies --town herouville-saint-clair"),
]


@functools.cache
def typed_in_one_session(shell: str) -> list[tuple[str, str]]:
    """:func:`typed_in` for every line of :data:`TYPED`, in one shell: one start of the shell
    (and of compinit) for them all; kept for the cases (and the test) that read it."""
    return typed_in(shell, *(keys for keys, _ in TYPED))


@pytest.mark.slow
@pytest.mark.parametrize("shell", ["zsh", "fish"])
@pytest.mark.parametrize(("keys", "line"), TYPED)
def test_a_tab_in_a_real_zsh_and_fish_completes(shell: str, keys: str, line: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"needs {shell} (.ci/run installs it)")
    assert typed_in_one_session(shell)[TYPED.index((keys, line))][0].strip() == line


@pytest.mark.slow
def test_fish_lists_each_candidate_with_its_help() -> None:
    if shutil.which("fish") is None:
        pytest.skip("needs fish (.ci/run installs it)")
    assert TYPED[0][0] == "normandie show ea"
    _, screen = typed_in_one_session("fish")[0]
    assert "eastman-site-fr" in screen and "(source: eastman-site-fr)" in screen

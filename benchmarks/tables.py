"""Table benchmark: how soon a long listing's first screen appears, and when the table ends.

For each size N (default 1,000, 20,000 and 100,000 companies) it makes a fact file with
benchmarks/make_facts.py (in the work directory, reused when present), loads it once, builds
the ``companies`` rows, and then times, in this process, drawing them as the terminal table
into a stream that notes when the first screen (24 lines) was written and when the last line
was:

    new    render.table.print_table at 80 columns (widths measured on a sample; rows drawn in
           chunks), plain and in colour
    rich   the drawing this replaced: one rich.table.Table of every row, overflow="fold",
           which Rich measures cell by cell before it writes anything (skipped above
           --rich-max rows: it takes minutes)

Loading the fact file is not timed there. Then, end to end, the installed command itself
(``normandie --data F --no-pager companies``, its parse cache warm) in a pseudo-terminal of
80x24: the time to its first screen (24 lines) and to its last byte, loading included.

It prints the figures and the ratios measured in this one run; it never fails.

Usage: python benchmarks/tables.py [--sizes 1000,20000,100000] [--workdir DIR] [--rich-max N]
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCREEN = 24
WIDTH = 80


class Clock(io.StringIO):
    """A text stream that notes when it has received a screenful of lines, and the last write."""

    def __init__(self, start: float) -> None:
        super().__init__()
        self.start = start
        self.lines = 0
        self.first_screen: float | None = None
        self.end = start

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        now = time.perf_counter()
        if self.first_screen is None and self.lines >= SCREEN:
            self.first_screen = now - self.start
        self.end = now
        return super().write(text)

    def isatty(self) -> bool:
        return False


def timed(draw: Callable[[io.StringIO], None]) -> tuple[float, float, int]:
    start = time.perf_counter()
    out = Clock(start)
    draw(out)
    first = out.first_screen if out.first_screen is not None else out.end - start
    return first, out.end - start, out.lines


def facts_file(n: int, workdir: Path) -> Path:
    path = workdir / f"tables-{n}.yaml"
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "make_facts.py"), str(n), str(path)], check=True,
                       stderr=subprocess.DEVNULL)
    return path


def in_terminal(argv: list[str]) -> tuple[float, float]:
    """(seconds to the first screen, seconds to the end) of ``argv`` writing to an 80x24 pty."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SCREEN, WIDTH, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    lines, first = 0, None
    while True:
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        lines += chunk.count(b"\n")
        if first is None and lines >= SCREEN:
            first = time.perf_counter() - start
    end = time.perf_counter() - start
    os.close(master)
    process.wait()
    return (first if first is not None else end), end


def rich_table(rows: list[dict[str, Any]], columns: list[str], listing: Any, out: io.StringIO) -> None:
    """The table as it was drawn before: one Rich Table, every cell measured, folded."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from normandie_cli.render.table import human_cell

    console = Console(file=out, width=WIDTH, no_color=True, highlight=False, markup=False, emoji=False)
    table = Table(title=f"{listing.name} ({len(rows)})", title_justify="left")
    for name in columns:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*[Text(human_cell(row, name, listing)) for name in columns])
    console.print(table)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,20000,100000")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "normandie-bench"))
    parser.add_argument("--rich-max", type=int, default=20000, help="largest N drawn the old way (default 20000)")
    args = parser.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)

    from normandie_cli.loading.book import load_facts
    from normandie_cli.query import rows as query
    from normandie_cli.registry import COMPANIES
    from normandie_cli.render.table import print_table
    from normandie_cli.render.view import View

    columns = list(COMPANIES.table_fields)
    print(f"companies table at {WIDTH} columns; first screen = {SCREEN} lines; seconds, one run each")
    print(f"{'rows':>8}  {'new first':>9}  {'new end':>8}  {'colour first':>12}  {'colour end':>10}  "
          f"{'rich first':>10}  {'rich end':>8}  {'first: rich/new':>15}  {'end: rich/new':>13}")
    for n in (int(x) for x in args.sizes.split(",")):
        book = load_facts(str(facts_file(n, workdir)), use_cache=False)
        rows = query.company_rows(book)

        def new(out: io.StringIO, color: bool = False, rows: list[dict[str, Any]] = rows) -> None:
            print_table(rows, columns, COMPANIES, out, View(color=color), width=WIDTH)

        def old(out: io.StringIO, rows: list[dict[str, Any]] = rows) -> None:
            rich_table(rows, columns, COMPANIES, out)

        first, end, _ = timed(new)
        c_first, c_end, _ = timed(lambda out: new(out, color=True))
        if len(rows) <= args.rich_max:
            r_first, r_end, _ = timed(old)
            before = f"{r_first:>10.2f}  {r_end:>8.2f}  {r_first / first:>15.0f}  {r_end / end:>13.1f}"
        else:
            before = f"{'skipped':>10}  {'':>8}  {'':>15}  {'':>13}"
        print(f"{len(rows):>8}  {first:>9.3f}  {end:>8.2f}  {c_first:>12.3f}  {c_end:>10.2f}  {before}", flush=True)
    import shutil

    executable = shutil.which("normandie")
    if executable is None:
        print("normandie is not on PATH: end-to-end run skipped")
        return 0
    print(f"\nend to end: normandie --data F --no-pager companies in an {WIDTH}x{SCREEN} pty, parse cache warm")
    print(f"{'rows':>8}  {'first screen':>12}  {'end':>8}")
    for n in (int(x) for x in args.sizes.split(",")):
        argv = [executable, "--data", str(facts_file(n, workdir)), "--no-pager", "companies"]
        in_terminal(argv)  # writes the parse cache
        first, end = in_terminal(argv)
        print(f"{n:>8}  {first:>12.2f}  {end:>8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

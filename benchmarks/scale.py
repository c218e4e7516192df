"""Scale benchmark: normandie on large synthetic fact files, against jq and yq doing the same query.

For each size N (default 1,000, 10,000 and 100,000 companies) it makes a fact file with
benchmarks/make_facts.py (kept in the work directory by N and seed, remade when make_facts.py
changes) and a JSON copy of it (the same data as one JSON document), then measures, side by
side and interleaved, the whole-process median wall time and the peak memory (the child's max
RSS, from wait4) of "the companies in Rouen":

    cold  normandie --data F companies --town Rouen --format json   (empty parse cache each run)
    warm  the same, parse cache present
    jq    jq '[.organisations[] | select(.kind=="company" and .town=="rouen")]' F.json
    yq    the same filter on the YAML file (kislyuk's Python yq or mikefarah's Go yq, detected)

Targets (at 100,000 companies):

    warm <= 1.5x jq, and warm peak memory <= 300 MB
    cold <= 0.6x yq
    warm time growing no faster than linear from 10,000 to 100,000

It reports; it never fails: exit 0 whether the targets are met or not. A missing jq or yq is
reported and its comparison skipped. Each run is bounded by --timeout (reported as "timeout").

Usage: python benchmarks/scale.py [--sizes 1000,10000,100000] [--repeat 5 | --repeat 3,3,1]
                                  [--workdir DIR] [--seed S] [--skip-cold-above N] [--timeout S]
Run it with the Python of the environment where normandie is installed (PyYAML is needed
here, once per size, to write the JSON copy).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("normandie")
MAKE_FACTS = Path(__file__).resolve().with_name("make_facts.py")
DEFAULT_SEED = 20230314
JQ_FILTER = '[.organisations[] | select(.kind=="company" and .town=="rouen")]'
TOWN = "Rouen"
CASES = ("cold", "warm", "jq", "yq")

WARM_VS_JQ = 1.5
PEAK_LIMIT_MB = 300
COLD_VS_YQ = 0.6
TARGET_SIZE = 100_000
GROWTH_FROM = 10_000


# -- running one process ---------------------------------------------------------------------

@dataclass
class Run:
    seconds: float | None = None  # None: timed out or failed
    peak_kib: int | None = None
    problem: str | None = None  # "timeout", "exit 2: ..."
    stdout: Path | None = None


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    # As benchmarks/startup.py: no NORMANDIE_* settings from the caller, bytecode caches as an
    # installed package has them, no colour.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NORMANDIE_", "_NORMANDIE")) and k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_COLOR"] = "1"
    env.update(extra or {})
    return env


# The runs are started by a small helper process, not by this one: a child's ru_maxrss counts
# the memory of the process it was forked from (the high-water mark survives exec), and this
# process holds a whole fact book after making the JSON copy. The helper imports nothing
# beyond what it needs (about 11 MiB); that floor is measured and printed (running `true`).
RUNNER = r"""
import json, os, signal, subprocess, sys, time
child = None
timed_out = False
def on_alarm(signum, frame):
    global timed_out
    timed_out = True
    if child is not None:
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
signal.signal(signal.SIGALRM, on_alarm)
for line in sys.stdin:
    request = json.loads(line)
    timed_out = False
    with open(request["stdout"], "wb") as out, open(request["stderr"], "wb") as err:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(request["argv"], env=request["env"], stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=err)
        except OSError as error:
            print(json.dumps({"error": f"cannot start: {error}"}), flush=True)
            continue
        child = proc.pid
        signal.setitimer(signal.ITIMER_REAL, request["timeout"])
        _, status, usage = os.wait4(proc.pid, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.perf_counter() - start
        child = None
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    print(json.dumps({"seconds": elapsed, "maxrss": usage.ru_maxrss, "code": proc.returncode,
                      "timeout": timed_out}), flush=True)
"""


class Runner:
    """Runs one command at a time in the helper process: wall time, exit code, peak RSS (KiB,
    the child and any descendants it waited for, from wait4)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", RUNNER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=child_env())

    def run(self, argv: list[str], env: dict[str, str], timeout: float, out: Path) -> Run:
        request = {"argv": argv, "env": env, "timeout": timeout, "stdout": str(out),
                   "stderr": str(out.with_suffix(".err"))}
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        if "error" in reply:
            return Run(problem=reply["error"])
        if reply["timeout"]:
            return Run(peak_kib=reply["maxrss"], problem="timeout")
        if reply["code"] != 0:
            err = out.with_suffix(".err").read_text(errors="replace").strip().splitlines()
            return Run(peak_kib=reply["maxrss"], problem=f"exit {reply['code']}: {err[-1] if err else ''}"[:200])
        return Run(seconds=reply["seconds"], peak_kib=reply["maxrss"], stdout=out)

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def version_of(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=child_env())
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"unknown ({err})"
    return (done.stdout.strip() or done.stderr.strip()).splitlines()[0] if (done.stdout or done.stderr) else "unknown"


# -- the tools -------------------------------------------------------------------------------

@dataclass
class Tools:
    jq: str | None = None
    yq: str | None = None
    yq_flavour: str | None = None  # "python" (kislyuk, a jq wrapper) or "go" (mikefarah v4)
    notes: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)


def find_tools() -> Tools:
    tools = Tools()
    tools.jq = shutil.which("jq")
    if tools.jq:
        tools.versions["jq"] = version_of([tools.jq, "--version"])
    else:
        tools.notes.append("jq not found on PATH: the jq comparison is skipped (apt-get install jq)")
    yq = shutil.which("yq")
    if not yq:
        tools.notes.append("yq not found on PATH: the yq comparison is skipped (apt-get install yq)")
        return tools
    shown = version_of([yq, "--version"])
    if "mikefarah" in shown:
        if " v4" in shown or "version 4" in shown:
            tools.yq, tools.yq_flavour = yq, "go"
            tools.versions["yq"] = f"{shown} (mikefarah's Go yq: yq eval -o=json FILTER FILE)"
        else:
            tools.notes.append(f"yq is mikefarah's Go yq but not version 4 ({shown}): the yq comparison is skipped")
            tools.versions["yq"] = shown
        return tools
    help_text = ""
    try:
        help_text = subprocess.run([yq, "--help"], capture_output=True, text=True, timeout=60, env=child_env()).stdout
    except (OSError, subprocess.TimeoutExpired):
        pass
    if "jq" in help_text:
        package = ""
        if shown.strip() == "yq 0.0.0" and shutil.which("dpkg-query"):  # Debian's build loses its version
            deb = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "yq"], capture_output=True, text=True)
            package = f", Debian package yq {deb.stdout.strip()}" if deb.returncode == 0 and deb.stdout else ""
        tools.versions["yq"] = f"{shown}{package} (kislyuk's Python yq, a jq wrapper: yq FILTER FILE; runs jq)"
        if tools.jq:
            tools.yq, tools.yq_flavour = yq, "python"
        else:
            tools.notes.append("yq is kislyuk's jq wrapper, which needs jq: the yq comparison is skipped")
    else:
        tools.versions["yq"] = shown
        tools.notes.append(f"yq found but not recognised ({shown}): the yq comparison is skipped")
    return tools


# -- the data --------------------------------------------------------------------------------

def facts_file(workdir: Path, size: int, seed: int) -> tuple[Path, float | None]:
    """The YAML fact file of this size and seed, made if missing or older than make_facts.py."""
    path = workdir / f"facts-{size}-seed{seed}.yaml"
    if path.exists() and path.stat().st_mtime >= MAKE_FACTS.stat().st_mtime:
        return path, None
    start = time.perf_counter()
    subprocess.run([sys.executable, str(MAKE_FACTS), str(size), str(path), "--seed", str(seed)], check=True)
    return path, time.perf_counter() - start


def json_copy(yaml_path: Path) -> tuple[Path, list[str]]:
    """The same data as a JSON document (dates are quoted strings already); and the ids of the
    companies in Rouen, the expected answer."""
    import yaml

    target = yaml_path.with_suffix(".json")
    if target.exists() and target.stat().st_mtime >= yaml_path.stat().st_mtime:
        with open(target, encoding="utf-8") as handle:
            data = json.load(handle)
    else:
        with open(yaml_path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        temporary = target.with_suffix(".json.tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, default=str)
        os.replace(temporary, target)
    expected = [org["id"] for org in data.get("organisations", [])
                if org.get("kind") == "company" and org.get("town") == "rouen"]
    return target, expected


# -- measuring -------------------------------------------------------------------------------

@dataclass
class Result:
    runs: list[Run] = field(default_factory=list)
    skipped: str | None = None
    checked: str | None = None  # a problem with the output, if any

    def median(self) -> float | None:
        times = [r.seconds for r in self.runs if r.seconds is not None]
        return statistics.median(times) if times and not self.problem() else None

    def peak_mib(self) -> float | None:
        peaks = [r.peak_kib for r in self.runs if r.peak_kib is not None and r.seconds is not None]
        return max(peaks) / 1024 if peaks else None

    def problem(self) -> str | None:
        for run in self.runs:
            if run.problem:
                return run.problem
        return None


def ids_in(output: Path) -> list[str] | str:
    try:
        rows = json.loads(output.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return f"output is not JSON: {err}"
    if not isinstance(rows, list):
        return "output is not a JSON list"
    return [row.get("id") for row in rows if isinstance(row, dict)]


def measure_size(runner: Runner, size: int, yaml_path: Path, json_path: Path, expected: list[str], tools: Tools,
                 repeat: int, timeout: float, skip_cold: bool, scratch: Path) -> dict[str, Result]:
    results = {case: Result() for case in CASES}
    normandie = [str(SCRIPT), "--data", str(yaml_path), "companies", "--town", TOWN, "--format", "json"]
    warm_cache = scratch / f"cache-warm-{size}"
    shutil.rmtree(warm_cache, ignore_errors=True)
    warm_cache.mkdir(parents=True)
    argvs: dict[str, list[str]] = {"cold": normandie, "warm": normandie}
    if tools.jq:
        argvs["jq"] = [tools.jq, JQ_FILTER, str(json_path)]
    else:
        results["jq"].skipped = "no jq"
    if tools.yq_flavour == "python":
        argvs["yq"] = [tools.yq, JQ_FILTER, str(yaml_path)]
    elif tools.yq_flavour == "go":
        argvs["yq"] = [tools.yq, "eval", "-o=json", JQ_FILTER, str(yaml_path)]
    else:
        results["yq"].skipped = "no usable yq"
    if skip_cold:
        del argvs["cold"]
        results["cold"].skipped = "--skip-cold-above"

    # Populate the warm cache (and the page cache) once, untimed.
    populate = runner.run(normandie, child_env({"XDG_CACHE_HOME": str(warm_cache)}), timeout, scratch / "populate.out")
    if populate.problem:  # reported as the warm case's problem
        populate.problem += " (populating the cache)"
        results["warm"].runs.append(populate)
        argvs.pop("warm")
    elif not any((warm_cache / "normandie").glob("*.json")):
        results["warm"].checked = "no parse-cache entry was written: 'warm' is not warm"

    for index in range(repeat):
        for case, argv in list(argvs.items()):
            extra: dict[str, str] = {}
            cold_home = None
            if case == "cold":
                cold_home = Path(tempfile.mkdtemp(prefix="cold-", dir=scratch))
                extra["XDG_CACHE_HOME"] = str(cold_home)
            elif case == "warm":
                extra["XDG_CACHE_HOME"] = str(warm_cache)
            run = runner.run(argv, child_env(extra), timeout, scratch / f"{case}.out")
            results[case].runs.append(run)
            if index == 0 and run.seconds is not None:
                found = ids_in(run.stdout)  # type: ignore[arg-type]
                if isinstance(found, str):
                    results[case].checked = found
                elif sorted(found) != sorted(expected):
                    results[case].checked = f"{len(found)} companies in the output, {len(expected)} expected"
                if case == "cold" and not any((cold_home / "normandie").glob("*.json")):  # type: ignore[operator]
                    results[case].checked = "a cold run wrote no parse-cache entry"
            if cold_home is not None:
                shutil.rmtree(cold_home, ignore_errors=True)
            if run.problem:  # a timeout or a failure: do not repeat it
                argvs.pop(case)
            print(f"  N={size:,} run {index + 1}/{repeat} {case}: "
                  + (run.problem or f"{run.seconds:.3f} s, {run.peak_kib / 1024:.0f} MiB"),  # type: ignore[operator]
                  file=sys.stderr, flush=True)
    return results


# -- the report ------------------------------------------------------------------------------

def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def cell(result: Result) -> tuple[str, str]:
    if result.skipped:
        return "skipped", ""
    problem = result.problem()
    if problem:
        return ("timeout" if problem.startswith("timeout") else "failed"), ""
    peak = result.peak_mib()
    return seconds(result.median()), "-" if peak is None else f"{peak:.0f}"


def ratio(top: float | None, bottom: float | None) -> str:
    return "-" if top is None or bottom is None or bottom == 0 else f"{top / bottom:.2f}x"


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "MISSED")


def memory() -> str:
    try:
        return f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        return "RAM unknown"


def parse_sizes(text: str) -> list[int]:
    return [int(part.replace("_", "").replace(",", "")) for part in text.split(",") if part.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="company counts (default 1000,10000,100000)")
    parser.add_argument("--repeat", default="5",
                        help="runs per case: one number, or one per size (e.g. 3,3,1); default 5")
    parser.add_argument("--workdir", help="where the generated files are kept, by N and seed "
                                          "(default: normandie-scale in the system's temp directory)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"make_facts.py seed (default {DEFAULT_SEED})")
    parser.add_argument("--skip-cold-above", type=int, metavar="N", help="no cold runs for sizes above N")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per run before it is killed (default 600)")
    args = parser.parse_args()
    if not SCRIPT.exists():
        sys.exit(f"no normandie script beside {sys.executable}: install the project in this environment first")
    sizes = sorted(set(parse_sizes(args.sizes)))
    repeats = [int(r) for r in args.repeat.split(",")]
    if len(repeats) == 1:
        repeats = repeats * len(sizes)
    if len(repeats) != len(sizes) or min(repeats) < 1:
        parser.error("--repeat takes one number, or one per size (sizes are sorted ascending)")

    started = time.perf_counter()
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.gettempdir()) / "normandie-scale"
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="runs-", dir=workdir))
    runner = Runner()
    tools = find_tools()
    import yaml

    normandie_version = version_of([str(SCRIPT), "--version"])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{memory()}, {normandie_version}, PyYAML {yaml.__version__} (libyaml: {'yes' if yaml.__with_libyaml__ else 'no'})")
    for name in ("jq", "yq"):
        print(f"{name}: {tools.versions.get(name, 'not found')}")
    for note in tools.notes:
        print(f"note: {note}")
    true = shutil.which("true")
    floor = runner.run([true], child_env(), 60, scratch / "true.out") if true else None
    if floor is not None and floor.peak_kib is not None:
        print(f"peak memory floor: {floor.peak_kib / 1024:.1f} MiB (what running `true` reports: a child's max RSS "
              "includes its launcher's, kept across exec)")
    print(f"query: companies in Rouen; jq/yq filter: {JQ_FILTER}")
    print(f"work directory: {workdir}; runs per case: "
          + ", ".join(f"{r} at {s:,}" for s, r in zip(sizes, repeats)) + "; medians; peak = max RSS over the runs")
    sys.stdout.flush()

    table: dict[int, dict[str, Result]] = {}
    file_sizes: dict[int, tuple[int, int]] = {}
    rouen: dict[int, int] = {}
    try:
        for size, repeat in zip(sizes, repeats):
            yaml_path, made = facts_file(workdir, size, args.seed)
            json_path, expected = json_copy(yaml_path)
            file_sizes[size] = (yaml_path.stat().st_size, json_path.stat().st_size)
            rouen[size] = len(expected)
            if made is not None:
                print(f"  made {yaml_path.name} in {made:.1f} s", file=sys.stderr)
            skip_cold = args.skip_cold_above is not None and size > args.skip_cold_above
            table[size] = measure_size(runner, size, yaml_path, json_path, expected, tools, repeat, args.timeout,
                                       skip_cold, scratch)
    finally:
        runner.close()
        shutil.rmtree(scratch, ignore_errors=True)

    print()
    head = f"{'N':>9} {'YAML MB':>8} {'JSON MB':>8} {'Rouen':>6}"
    for case in CASES:
        head += f" {case + ' s':>9} {'MiB':>5}"
    head += f" {'warm/jq':>8} {'cold/yq':>8}"
    print(head)
    for size in sizes:
        row = f"{size:>9,} {file_sizes[size][0] / 1e6:8.2f} {file_sizes[size][1] / 1e6:8.2f} {rouen[size]:>6,}"
        for case in CASES:
            shown, peak = cell(table[size][case])
            row += f" {shown:>9} {peak:>5}"
        results = table[size]
        row += f" {ratio(results['warm'].median(), results['jq'].median()):>8}"
        row += f" {ratio(results['cold'].median(), results['yq'].median()):>8}"
        print(row)
    for size in sizes:
        for case in CASES:
            result = table[size][case]
            if result.problem():
                print(f"note: N={size:,} {case}: {result.problem()}")
            if result.checked:
                print(f"note: N={size:,} {case}: {result.checked}")

    for small, large in zip(sizes, sizes[1:]):
        parts = []
        for case in CASES:
            a, b = table[small][case].median(), table[large][case].median()
            if a and b:
                parts.append(f"{case} {b / a / (large / small):.2f}")
        if parts:
            print(f"growth {small:,} -> {large:,}, time ratio / size ratio (1.00 = linear): " + ", ".join(parts))

    print()
    print(f"targets at N={TARGET_SIZE:,}:")
    top = table.get(TARGET_SIZE)
    warm = top["warm"].median() if top else None
    jq = top["jq"].median() if top else None
    cold = top["cold"].median() if top else None
    yq = top["yq"].median() if top else None
    peak = top["warm"].peak_mib() if top else None
    ok = None if warm is None or jq is None else warm <= WARM_VS_JQ * jq
    print(f"  {f'warm <= {WARM_VS_JQ}x jq':<48} {ratio(warm, jq):>8}  {verdict(ok)}")
    ok = None if peak is None else peak * 1024 * 1024 <= PEAK_LIMIT_MB * 1e6
    shown = "-" if peak is None else f"{peak * 1.048576:.0f} MB"
    print(f"  {f'warm peak memory <= {PEAK_LIMIT_MB} MB':<48} {shown:>8}  {verdict(ok)}")
    ok = None if cold is None or yq is None else cold <= COLD_VS_YQ * yq
    print(f"  {f'cold <= {COLD_VS_YQ}x yq':<48} {ratio(cold, yq):>8}  {verdict(ok)}")
    small = table.get(GROWTH_FROM)
    warm_small = small["warm"].median() if small else None
    growth = None if warm is None or not warm_small else warm / warm_small / (TARGET_SIZE / GROWTH_FROM)
    ok = None if growth is None else growth <= 1.0
    shown = "-" if growth is None else f"{growth:.2f}"
    print(f"  {f'warm growth {GROWTH_FROM:,} -> {TARGET_SIZE:,} <= linear (1.00)':<48} {shown:>8}  {verdict(ok)}")
    print(f"total time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

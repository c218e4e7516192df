"""Write a synthetic fact file (format normandie-facts/1) of N companies, for scale benchmarks.

The companies are spread over real Normandy towns (each with its real département), Rouen
taking a fair share of them; projects come in proportion (one per 100 companies, at least
one), each with status claims, investment and job figures and commissioning milestones; some
companies get an employee count; a few projects get a statement and a discrepancy. Every
fact cites one of a handful of synthetic sources (never primary, no text, so no quotes).
Every id is unique across the file. The output is the same for the same N and seed.

Standard library only: the YAML text is written directly, every string double-quoted and
escaped, dates as quoted strings. Prints one line to stderr at the end: path, N, size, time.

Usage: python benchmarks/make_facts.py N PATH [--seed S]
Check the result with: normandie validate PATH
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import TextIO

DEFAULT_SEED = 20230314
PUBLISHER = "synthetic (benchmarks/make_facts.py)"

# (id, published, description)
SOURCES = [
    ("synthetic-register", "2024-01-15", "Synthetic company register, made up for scale benchmarks"),
    ("synthetic-geography", "2024", "Synthetic gazetteer of Normandy towns and their départements"),
    ("synthetic-press-1", "2022-03", "Synthetic press article (made up for benchmarks)"),
    ("synthetic-press-2", "2022-11-24", "Synthetic press article (made up for benchmarks)"),
    ("synthetic-press-3", "2023", "Synthetic press article (made up for benchmarks)"),
    ("synthetic-press-4", "2023-06-14", "Synthetic press article (made up for benchmarks)"),
    ("synthetic-press-5", "2024-09", "Synthetic press article (made up for benchmarks)"),
    ("synthetic-press-6", "2025-05-17", "Synthetic press article (made up for benchmarks)"),
]
PRESS = [source_id for source_id, _, _ in SOURCES if source_id.startswith("synthetic-press-")]

# (id, name, département, weight): the bundled file's towns first, then a few more real
# Normandy towns with their real départements. Rouen also gets every fifth company (about 25%
# in all).
PLACES = [
    ("rouen", "Rouen", "Seine-Maritime", 6),
    ("mont-saint-aignan", "Mont-Saint-Aignan", "Seine-Maritime", 3),
    ("maromme", "Maromme", "Seine-Maritime", 2),
    ("port-jerome-sur-seine", "Port-Jérôme-sur-Seine", "Seine-Maritime", 2),
    ("saint-jean-de-folleville", "Saint-Jean-de-Folleville", "Seine-Maritime", 1),
    ("le-havre", "Le Havre", "Seine-Maritime", 12),
    ("caen", "Caen", "Calvados", 12),
    ("fleury-sur-orne", "Fleury-sur-Orne", "Calvados", 2),
    ("herouville-saint-clair", "Hérouville-Saint-Clair", "Calvados", 3),
    ("saint-contest", "Saint-Contest", "Calvados", 1),
    ("deauville", "Deauville", "Calvados", 2),
    ("louviers", "Louviers", "Eure", 3),
    ("evreux", "Évreux", "Eure", 5),
    ("vernon", "Vernon", "Eure", 2),
    ("cherbourg-en-cotentin", "Cherbourg-en-Cotentin", "Manche", 5),
    ("saint-lo", "Saint-Lô", "Manche", 3),
    ("granville", "Granville", "Manche", 2),
    ("alencon", "Alençon", "Orne", 3),
    ("argentan", "Argentan", "Orne", 1),
    ("lisieux", "Lisieux", "Calvados", 3),
    ("bayeux", "Bayeux", "Calvados", 2),
    ("dieppe", "Dieppe", "Seine-Maritime", 3),
]

NAME_FIRST = ["Atelier", "Normandie", "Seine", "Cotentin", "Bocage", "Estuaire", "Falaise", "Pays d'Auge",
              "Côte d'Albâtre", "Val de Risle", "Baie", "Marais", "Orne", "Vexin", "Caux"]
NAME_SECOND = ["Composites", "Biotech", "Logistique", "Emballages", "Numérique", "Énergies", "Plasturgie",
               "Métallerie", "Agro", "Santé", "Robotique", "Textiles", "Optique", "Hydrogène", "Nautisme"]
LEGAL = ["SAS", "SARL", "SA", "SCOP", ""]
ACTIVITIES = ["makes composite parts", "packs and ships food", "writes software", "recycles plastics",
              "designs medical devices", "builds boats", "roasts coffee", "repairs wind turbines",
              "prints packaging", "tests materials", "grows algae", "assembles robots"]
PROJECT_KINDS = ["plant", "extension", "logistics hub", "research centre", "recycling plant", "solar farm",
                 "hydrogen unit", "headquarters"]
QUALIFIERS = ["exact", "about", "more-than", "at-least", "up-to"]
STATUS_PATH = ["prospective", "planned", "under-way", "done"]


def q(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: backslash, double quote and every character
    YAML does not take as printable (or treats as a line break) are escaped."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF) or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        elif code in (0xFFFE, 0xFFFF):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def flow(items: list[str]) -> str:
    return "[" + ", ".join(q(item) for item in items) + "]"


def a_date(rng: random.Random, first_year: int, last_year: int) -> str:
    """A date of year, month or day precision."""
    year = rng.randint(first_year, last_year)
    precision = rng.random()
    if precision < 0.3:
        return f"{year}"
    if precision < 0.65:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def generate(count: int, seed: int, out: TextIO) -> dict[str, int]:  # one straight pass
    rng = random.Random(seed)
    w = out.write
    width = max(6, len(str(count)))
    totals = {"companies": count, "projects": 0, "figures": 0, "milestones": 0, "statements": 0,
              "discrepancies": 0}

    w("# Synthetic fact file made by benchmarks/make_facts.py for scale benchmarks.\n")
    w(f"# {count} companies, seed {seed}. Every name, figure and source here is made up;\n")
    w("# only the towns and their départements are real.\n\n")
    w(f"format: {q('normandie-facts/1')}\n\n")

    w("sources:\n")
    for source_id, published, description in SOURCES:
        w(f"  - id: {q(source_id)}\n")
        w(f"    description: {q(description)}\n")
        w(f"    publisher: {q(PUBLISHER)}\n")
        w(f"    url: {q('https://example.invalid/normandie/' + source_id)}\n")
        w(f"    published: {q(published)}\n")
        w(f"    language: {q('en')}\n")

    w("\nplaces:\n")
    for place_id, name, department, _ in PLACES:
        w(f"  - id: {q(place_id)}\n")
        w(f"    name: {q(name)}\n")
        w(f"    kind: {q('town')}\n")
        w(f"    department: {q(department)}\n")
        w(f"    region: {q('Normandie')}\n")
        w(f"    country: {q('France')}\n")
        w("    cite:\n")
        w(f"      - source: {q('synthetic-geography')}\n")
        w(f"        note: {q(department)}\n")

    place_ids = [p[0] for p in PLACES]
    place_names = {p[0]: p[1] for p in PLACES}
    weights = [p[3] for p in PLACES]
    company_ids = [f"company-{i:0{width}d}" for i in range(1, count + 1)]

    w("\norganisations:\n")
    towns: list[str] = []
    names: list[str] = []
    for index, company_id in enumerate(company_ids, start=1):
        if index % 5 == 1:  # a fifth of the companies in Rouen, whatever N: the benchmark's query
            town = "rouen"
        elif rng.random() < 0.004:
            town = "not-stated"
        else:
            town = rng.choices(place_ids, weights)[0]
        towns.append(town)
        legal = rng.choice(LEGAL)
        name = f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)} {index}" + (f" {legal}" if legal else "")
        names.append(name)
        roll = rng.random()
        roles = ["delegation"] if roll < 0.01 else ["investor"] if roll < 0.03 else \
            ["delegation", "investor"] if roll < 0.035 else []
        where = f" in {place_names[town]}" if town != "not-stated" else ""
        description = f"It {rng.choice(ACTIVITIES)}{where} (synthetic)."
        if index % 97 == 0:  # exercise escaping: double quotes, a backslash, an apostrophe
            description += ' Its motto: "faire \\ mieux", l\u2019esprit normand.'
        w(f"  - id: {q(company_id)}\n")
        w(f"    name: {q(name)}\n")
        w(f"    kind: {q('company')}\n")
        w(f"    town: {q(town)}\n")
        w(f"    roles: {flow(roles)}\n")
        w(f"    description: {q(description)}\n")
        w("    cite:\n")
        w(f"      - source: {q('synthetic-register')}\n")
        if rng.random() < 0.1:
            w(f"      - source: {q(rng.choice(PRESS))}\n")

    project_count = max(1, count // 100)
    owner_indexes = rng.sample(range(count), min(project_count, count))
    projects: list[tuple[str, str]] = []  # (id, owner's name)
    w("\nprojects:\n")
    for index, owner_index in enumerate(owner_indexes, start=1):
        project_id = f"project-{index:0{width}d}"
        owner = company_ids[owner_index]
        projects.append((project_id, names[owner_index]))
        kind = rng.choice(PROJECT_KINDS)
        owner_town = towns[owner_index]
        place = owner_town if owner_town != "not-stated" else rng.choices(place_ids, weights)[0]
        w(f"  - id: {q(project_id)}\n")
        w(f"    name: {q(f'{kind.capitalize()} {index} at {place_names[place]}')}\n")
        w(f"    owner: {q(owner)}\n")
        w(f"    kind: {q(kind)}\n")
        w("    locations:\n")
        w(f"      - place: {q(place)}\n")
        w(f"        source: {q(rng.choice(PRESS))}\n")
        if rng.random() < 0.2:
            w(f"      - place: {q(rng.choices(place_ids, weights)[0])}\n")
            w(f"        source: {q(rng.choice(PRESS))}\n")
            w(f"        note: {q('A second site named by another article.')}\n")
        w("    status:\n")
        steps = rng.randint(1, 3)
        start = rng.randint(0, 1)
        year = rng.randint(2021, 2023)
        for step in range(steps):
            status = STATUS_PATH[min(start + step, len(STATUS_PATH) - 1)]
            if step == steps - 1 and rng.random() < 0.05:
                status = "abandoned"
            w(f"      - value: {q(status)}\n")
            w(f"        source: {q(rng.choice(PRESS))}\n")
            w(f"        as_of: {q(a_date(rng, year + step, year + step))}\n")
        w("    cite:\n")
        w(f"      - source: {q(rng.choice(PRESS))}\n")
    totals["projects"] = project_count

    w("\nfigures:\n")
    revisions: list[tuple[str, list[tuple[int, str]]]] = []
    for project_id, _ in projects:
        investments: list[tuple[int, str]] = []
        for number in range(1, rng.randint(1, 3) + 1):
            amount = rng.randint(1, 400) * 1_000_000 if rng.random() < 0.9 else rng.randint(1, 5) * 1_000_000_000
            source = rng.choice(PRESS)
            investments.append((amount, source))
            w(f"  - id: {q(f'{project_id}-investment-{number}')}\n")
            w(f"    subject: {q(project_id)}\n")
            w(f"    measure: {q('investment')}\n")
            w(f"    value: {amount}\n")
            w(f"    unit: {q('EUR')}\n")
            w(f"    qualifier: {q(rng.choice(QUALIFIERS))}\n")
            w("    planned: true\n")
            w(f"    as_of: {q(a_date(rng, 2021, 2025))}\n")
            w(f"    source: {q(source)}\n")
            totals["figures"] += 1
        if len(investments) > 1 and investments[0][0] != investments[-1][0]:
            revisions.append((project_id, investments))
        direct = rng.randint(5, 400)
        for measure, value in (("jobs-direct", direct), ("jobs-indirect", direct * rng.randint(2, 5))):
            if measure == "jobs-indirect" and rng.random() < 0.4:
                continue
            w(f"  - id: {q(f'{project_id}-{measure}')}\n")
            w(f"    subject: {q(project_id)}\n")
            w(f"    measure: {q(measure)}\n")
            w(f"    value: {value}\n")
            w(f"    unit: {q('jobs')}\n")
            w(f"    qualifier: {q(rng.choice(QUALIFIERS))}\n")
            w("    planned: true\n")
            w(f"    as_of: {q(a_date(rng, 2021, 2025))}\n")
            w(f"    source: {q(rng.choice(PRESS))}\n")
            totals["figures"] += 1
    for company_id in company_ids:
        if rng.random() >= 0.05:
            continue
        w(f"  - id: {q(f'{company_id}-employees')}\n")
        w(f"    subject: {q(company_id)}\n")
        w(f"    measure: {q('employees')}\n")
        w(f"    value: {rng.randint(2, 2500)}\n")
        w(f"    unit: {q('people')}\n")
        w(f"    qualifier: {q(rng.choice(['exact', 'about', 'more-than']))}\n")
        w(f"    as_of: {q(a_date(rng, 2022, 2025))}\n")
        w(f"    source: {q('synthetic-register')}\n")
        totals["figures"] += 1

    w("\nmilestones:\n")
    for project_id, _ in projects:
        year = rng.randint(2024, 2030)
        for number in range(1, rng.randint(1, 2) + 1):
            w(f"  - id: {q(f'{project_id}-commissioning-{number}')}\n")
            w(f"    subject: {q(project_id)}\n")
            w(f"    what: {q('commissioning')}\n")
            w(f"    date: {q(str(year))}\n")
            if rng.random() < 0.3:
                w(f"    date_qualifier: {q(rng.choice(['about', 'by', 'early', 'end-of']))}\n")
            w("    planned: true\n")
            w(f"    as_of: {q(a_date(rng, 2022, 2024))}\n")
            w(f"    source: {q(rng.choice(PRESS))}\n")
            totals["milestones"] += 1
            year += rng.randint(1, 2)

    w("\nstatements:\n")
    for index, (project_id, owner_name) in enumerate(projects):
        if index % 3:
            continue
        w(f"  - id: {q(f'{project_id}-aim')}\n")
        w(f"    subject: {q(project_id)}\n")
        w(f"    topic: {q('aim')}\n")
        w(f"    text: {q(f'{owner_name} means to grow its output in Normandy (synthetic).')}\n")
        w(f"    source: {q(rng.choice(PRESS))}\n")
        totals["statements"] += 1  # the first project always has one: the list is never empty

    w("\ndiscrepancies:" + ("\n" if revisions else " []\n"))
    for project_id, claims in revisions[: max(1, len(revisions) // 3)]:
        w(f"  - id: {q(f'{project_id}-investment-revision')}\n")
        w(f"    subject: {q(project_id)}\n")
        w(f"    about: {q('The investment in the project')}\n")
        w(f"    kind: {q('revision')}\n")
        w("    sides:\n")
        for value, source in claims:
            w(f"      - value: {q(f'EUR {value:,}')}\n")
            w(f"        source: {q(source)}\n")
        totals["discrepancies"] += 1
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", metavar="N", type=int, help="number of companies (at least 1)")
    parser.add_argument("path", metavar="PATH", help="fact file to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    args = parser.parse_args()
    if args.count < 1:
        parser.error("N must be at least 1")

    started = time.perf_counter()
    path = Path(args.path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
            generate(args.count, args.seed, out)
        os.replace(temporary, path)  # whole file or nothing: a cache of it is never half written
    finally:
        if temporary.exists():
            temporary.unlink()
    size = path.stat().st_size
    print(f"{path}: N={args.count}, {size / 1e6:.2f} MB, {time.perf_counter() - started:.2f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The lines of ``show``'s brief (query/brief.py puts them together): what an entity is, its
status, its figures (the latest claim and the range, like with like), its dates in the order
the claims were made, what relates to it, its disagreements and its sources. Standard library only.

In a line's text a no-break space (``NBSP``) joins the words that a line must not split: an
amount, a date, a source with its date. The renderer folds at ordinary spaces only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from .. import humanize
from .. import model as m
from ..dates import PartialDate
from ..record import Record
from .history import Claim, like
from .rows import latest, status_course

NBSP = "\u00a0"
#: Figures and dates named first, in this order (the rest by how many claims they have).
KEY_FIGURES = ("investment", "jobs-direct", "jobs-indirect", "employees", "revenue")
KEY_DATES = ("dates", "opening")
#: How many like-with-like groups a figure's line names (the others are counted).
GROUPS_SHOWN = 1


class Item(Record):
    """One line of the brief (it may fold): a label and what it says."""

    label: str
    text: str
    #: Left out, and named under the brief, when the brief would not fit one screen.
    optional: bool = False
    #: The section whose rows tell the whole (``--section NAME``), when there is one.
    section: str | None = None

    def plain(self) -> str:
        """The text with ordinary spaces (for tests and for JSON)."""
        return self.text.replace(NBSP, " ")


def keep(text: str) -> str:
    """``text`` as one unbreakable piece (its spaces no-break)."""
    return text.replace(" ", NBSP)


def date_text(text: str | None) -> str:
    """A date as a person reads it, unbreakable; ``date unknown`` when no source gives it."""
    return keep(humanize.date(text) if text and text != "unknown" else "date unknown")


_PLURALS = {"discrepancy": "discrepancies", "person": "people"}


def plural(count: int, word: str) -> str:
    return f"{humanize.number(count)} {word if count == 1 else _PLURALS.get(word, word + 's')}"


def source_kind_of(source: m.Source | None) -> str:
    return "kind not stated" if source is None or source.kind == m.NOT_STATED else source.kind


def _by(claims: Sequence[Any], sources: dict[str, m.Source] | None = None) -> str:
    """``ouest-france-2025, 17 May 2025``: the sources of claims made on one date, and the date
    (with each source's kind when ``sources`` is given)."""
    names = list(dict.fromkeys(c.source for c in claims))
    if sources is not None:
        names = [f"{name} ({source_kind_of(sources.get(name))})" for name in names]
    return ", ".join(keep(name) for name in names) + ", " + date_text(claims[0].as_of.text)


def name_of(item: Any) -> str | None:
    return getattr(item, "name", None) or getattr(item, "title", None)


def with_name(names: dict[str, str], entity_id: str) -> str:
    """``eastman (Eastman)``: an id and its name (from :func:`explore.names_of`)."""
    name = names.get(entity_id)
    return f"{entity_id} ({name})" if name and name != entity_id else entity_id


# what it is -----------------------------------------------------------------------------

def what_lines(names: dict[str, str], kind: str, item: Any) -> list[Item]:
    """What the entity is, from its own fields (each as the file records it)."""
    parts: list[str] = []
    out: list[Item] = []
    if isinstance(item, m.Project):
        parts += [item.kind or "kind not stated", f"owner {with_name(names, item.owner)}"]
        backing = Counter(place for place, _ in dict.fromkeys((loc.place, loc.source) for loc in item.locations))
        if backing:  # as the sources name it, the place most sources name first
            out.append(Item("where", ", ".join(place for place, _ in backing.most_common()), section="locations"))
    elif isinstance(item, m.Organisation):
        parts += [item.kind.replace("not-stated", "kind not stated"),
                  f"town {with_name(names, item.town)}" if item.town else "town not stated"]
        if item.roles:
            parts.append("roles " + ", ".join(item.roles))
        if item.parent:
            parts.append(f"part of {with_name(names, item.parent)}")
        if item.sites:
            out.append(Item("sites", ", ".join(dict.fromkeys(site.place for site in item.sites)), section="sites"))
        if item.description:
            out.append(Item("about", item.description, optional=True, section="fields"))
    elif isinstance(item, m.Person):
        parts += [item.role or "role not stated"]
        if item.organisation:
            parts.append(with_name(names, item.organisation))
        if item.also_known_as:
            parts.append("also written " + ", ".join(alias.name for alias in item.also_known_as))
    elif isinstance(item, m.Event):
        parts += [item.kind]
        if item.part_of:
            parts.append(f"part of {item.part_of}")
        if item.places:
            parts.append("in " + ", ".join(item.places))
        if item.participants:
            out.append(Item("participants", f"{len(item.participants)}: " + ", ".join(item.participants),
                            optional=True, section="related"))
    elif isinstance(item, m.Place):
        parts += [item.kind, *(x for x in (item.department, item.region, item.country) if x)]
    elif isinstance(item, m.Source):
        published = humanize.date(item.published.text) if item.published.known else "date unknown"
        parts += [item.publisher, source_kind_of(item), "published " + keep(published)
                  + (" (inferred)" if item.published_inferred else ""), item.language]
        if item.primary:
            parts.append("primary source")
        if item.outlet:
            parts.append(f"outlet {item.outlet}")
        if item.via:
            parts.append(f"read via {item.via}")
        if item.title:
            out.append(Item("title", item.title))
        if item.description:
            out.append(Item("about", item.description, optional=True, section="fields"))
        if item.url:
            out.append(Item("url", keep(item.url)))
        if item.published_note:
            out.append(Item("date note", item.published_note, optional=True, section="fields"))
    return [Item("what", " · ".join(parts), section="fields"), *out]


# status ---------------------------------------------------------------------------------

def status_line(item: Any, sources: dict[str, m.Source], voice_of: dict[str, str]) -> Item | None:
    """The status now as ``projects`` reads it (:func:`query.rows.status_course`): since when and
    who said so first, how many claims since and the latest, the claims since that differ, and
    the status before."""
    claims: tuple[m.StatusClaim, ...] = getattr(item, "status", ())
    if not claims:
        return None
    steps, began, last = status_course(claims, voice_of)
    assert began is not None and last is not None
    if not began.as_of.has_year:
        return Item("status", f"{last.value}: {_by([last], sources)} (every status claim is undated: "
                              f"{len(claims)})", section="status")
    text = f"{began.value} since {date_text(began.as_of.text)}: {_by([began], sources).rsplit(', ', 1)[0]}"
    since = steps[[s.claim for s in steps].index(began) + 1:]
    if since:
        text += f"; {plural(len(since), 'claim')} since, latest {_by([since[-1].claim], sources)}"
        differ = [s.claim for s in since if s.step == "differs"]
        if differ:
            text += f"; {len(differ)} of them differ" if len(differ) > 1 else "; 1 differs"
            text += ": " + "; ".join(f"{c.value} ({_by([c])})" for c in differ[-TIES_SHOWN:])
    return Item("status", text, section="status")


# figures --------------------------------------------------------------------------------

def _shown(claim: Claim) -> str:
    """A claim's value as a person reads it, unbreakable: ``> EUR 1 bn``, ``about 2025``."""
    if isinstance(claim.value, PartialDate):
        return keep(humanize.qualified_date(claim.qualifier, claim.value.text))
    return keep(humanize.quantity(claim.value, claim.qualifier, claim.unit))


def _latest(claims: Sequence[Claim]) -> list[Claim]:
    """The latest claim, and any other claim made on the same date (undated only when none is dated)."""
    last: Claim | None = latest(claims)
    assert last is not None
    return [c for c in claims if c.as_of.text == last.as_of.text] if last.as_of.has_year else [last]


def _group_label(key: tuple[Any, ...], keys: Sequence[tuple[Any, ...]], whole: str) -> str:
    """What sets one group of like claims apart from the others of the field."""
    _, unit, scope, planned, period = key
    parts = []
    if any(k[2] != scope for k in keys):
        parts.append(scope or whole)
    if any(k[1] != unit for k in keys):
        parts.append(unit or "no unit")
    if any(k[3] != planned for k in keys):
        parts.append("planned" if planned else "actual")
    if period:
        parts.append(f"for {humanize.date(period)}")
    return f" ({', '.join(parts)})" if parts else ""


def _endpoint(claims: Sequence[Claim]) -> Claim:
    """Of claims of one value, the one to show: an exact one if any, else the latest."""
    exact = [c for c in claims if (c.qualifier or "exact") == "exact"]
    last: Claim | None = latest(claims)
    assert last is not None
    return exact[0] if exact else last


def _group_text(claims: Sequence[Claim], label: str) -> str:
    """``range of 11 (whole project): EUR 850 M – EUR 2 bn``, or when every claim gives the same
    number, ``all 4 (USD) at USD 1 bn (about, up-to)`` (each qualifier it was given with)."""
    low = min(c.value for c in claims)
    high = max(c.value for c in claims)
    if low == high:
        qualifiers = list(dict.fromkeys(c.qualifier or "exact" for c in claims))
        if len(qualifiers) == 1:
            return f"{len(claims)}{label}: {_shown(claims[0])}"
        amount = keep(humanize.quantity(low, "exact", claims[0].unit))
        return f"{keep(f'all {len(claims)}')}{label} at {amount} ({', '.join(qualifiers)})"
    lo = _endpoint([c for c in claims if c.value == low])
    hi = _endpoint([c for c in claims if c.value == high])
    return f"range of {len(claims)}{label}: {_shown(lo)} – {_shown(hi)}"


#: How many kinds of source the sources line names (the others are counted).
KINDS_SHOWN = 3
#: Of the claims made on the latest date, how many are named (the others are counted).
TIES_SHOWN = 2


def figure_line(name: str, claims: Sequence[Claim], whole: str, optional: bool) -> Item:
    """A figure's latest claim(s) with source and date, then the range of each group of like
    claims (:func:`history.like`), the largest groups first."""
    last = _latest(claims)
    one_source = len({c.source for c in last}) == 1
    shown = "; ".join(_shown(c) + (f" ({c.scope})" if c.scope else "") + ("" if one_source else f" [{keep(c.source)}]")
                      for c in last[:TIES_SHOWN])
    if len(last) > TIES_SHOWN:
        shown += f"; {plural(len(last) - TIES_SHOWN, 'more claim')}"
    text = f"{shown} [{_by(last)}]" if one_source else f"{shown}, all {date_text(last[0].as_of.text)}"
    if len(claims) == 1:
        return Item(name, text + ", the only claim", optional=optional, section="figures")
    groups: dict[tuple[Any, ...], list[Claim]] = {}
    for claim in claims:
        groups.setdefault(like(claim), []).append(claim)
    keys = list(groups)
    ranked = sorted(keys, key=lambda k: -len(groups[k]))
    parts = [_group_text(groups[k], _group_label(k, keys, whole)) for k in ranked[:GROUPS_SHOWN]]
    rest = ranked[GROUPS_SHOWN:]
    if len(rest) == 1:
        parts.append(_group_text(groups[rest[0]], _group_label(rest[0], keys, whole)))
    elif rest:
        parts.append(f"{plural(sum(len(groups[k]) for k in rest), 'claim')} in "
                     f"{plural(len(rest), 'other group')}")
    text += f", latest of {plural(len(claims), 'claim')}; " + "; ".join(parts)
    return Item(name, text, optional=optional, section="figures")


def figure_lines(claims: Sequence[Claim], whole: str) -> list[Item]:
    by_field: dict[str, list[Claim]] = {}
    for claim in claims:
        if claim.unit is not None:
            by_field.setdefault(claim.field, []).append(claim)
    order = [f for f in KEY_FIGURES if f in by_field]
    order += sorted((f for f in by_field if f not in KEY_FIGURES), key=lambda f: -len(by_field[f]))
    return [figure_line(f, by_field[f], whole, optional=f not in KEY_FIGURES) for f in order]


# dates ----------------------------------------------------------------------------------

def change_text(rows: Sequence[dict[str, Any]], claim: Claim, before: Claim | None = None) -> str | None:
    """History's own word for how the claim differs from the earlier one it compares it with
    (whose source is named, unless it is ``before``, the claim told just before it: then the
    bracket naming it is left out). ``None`` when history does not compare the two."""
    row = next((r for r in rows if r["field"] == claim.field and r["source"] == claim.source
                and r["as_of"] == claim.as_of.text and r["id"] == claim.id), None)
    if row is None or not row.get("change") or str(row["change"]).startswith("not compared"):
        return None
    change = str(row["change"])
    against = row.get("compared_with")
    if against:
        earlier = next((r for r in rows if r["field"] == claim.field and (
            r["id"] == against or f"{r['source']} {r['as_of']}" == against)), None)
        if earlier is not None and before is not None and (earlier["source"], earlier["as_of"]) == (
                before.source, before.as_of.text):
            change = change.split(" [", 1)[0]
        elif earlier is not None and " [" not in change:
            change += f" from {keep(earlier['source'])}"
            if sum(1 for r in rows if r["field"] == claim.field and r["source"] == earlier["source"]) > 1:
                change += f" ({date_text(earlier['as_of'])})"
    return f"history: {change}"


def _entry(run: Sequence[Claim]) -> str:
    """One step of a date's story: the date claimed (each qualifier it was given in), who and when."""
    values = ", ".join(dict.fromkeys(_shown(c) for c in run))
    scope = f"{run[0].scope}; " if run[0].scope else ""
    if len(run) == 1:
        return f"{values} ({scope}{_by(run)})"
    first, last = run[0].as_of, run[-1].as_of
    end = last.end or last.start
    assert first.start is not None and end is not None
    start, stop = first.start.human(), end.human()
    if first.text == last.text or start == stop:
        when = keep(start)
    elif start.endswith(stop[-5:]) and stop[-5:-4] == " ":  # one year: "Jan – Dec 2022"
        when = keep(start[:-5]) + " – " + keep(stop)
    else:
        when = keep(start) + " – " + keep(stop)
    return f"{values} ({scope}{len(run)} claims, {when})"


def date_story(name: str, claims: Sequence[Claim], rows: Sequence[dict[str, Any]], optional: bool) -> Item:
    """The claims of a date about the whole entity in the order they were made, a run of the
    same date told once, history's word for the latest; then how many claims are about a part
    (a scope) and how many are undated (the section tells them)."""
    dated = sorted((c for c in claims if c.as_of.has_year), key=lambda c: c.as_of.sort_key())
    undated = [c for c in claims if not c.as_of.has_year]
    story = [c for c in dated if c.scope is None] or dated
    runs: list[list[Claim]] = []
    for claim in story:
        same = runs and runs[-1][-1].value.text == claim.value.text and runs[-1][-1].scope == claim.scope
        if same:
            runs[-1].append(claim)
        else:
            runs.append([claim])
    text = " → ".join(_entry(run) for run in runs)
    if len(runs) > 1:  # how the last date claimed stands with the one before, in history's word
        change = change_text(rows, story[-1], story[-2])
        if change:
            text += f"; {change}"
    parts = [c for c in dated if c not in story]
    if parts:
        scopes = ", ".join(dict.fromkeys(str(c.scope) for c in parts))
        text += f"; {plural(len(parts), 'claim')} about a part ({scopes})"
    if undated and not dated:
        text = ", ".join(_shown(c) + f" ({c.scope + '; ' if c.scope else ''}{keep(c.source)})" for c in undated)
    elif undated:
        text += f"; {len(undated)} undated"
    if len(claims) > 1:
        text = f"{len(claims)} claims as made: {text}"
    return Item(name, text, optional=optional, section="dates" if name == "dates" else "milestones")


def date_lines(claims: Sequence[Claim], rows: Sequence[dict[str, Any]]) -> list[Item]:
    by_field: dict[str, list[Claim]] = {}
    for claim in claims:
        if claim.unit is None and isinstance(claim.value, PartialDate):  # not a status, nor a title
            by_field.setdefault(claim.field, []).append(claim)
    several = [f for f in KEY_DATES if f in by_field]
    several += [f for f in by_field if f not in KEY_DATES and len(by_field[f]) > 1]
    items = [date_story(f, by_field[f], rows, optional=f not in KEY_DATES) for f in several]
    single = [f for f in by_field if f not in several]
    if single:
        items.append(Item("other dates", "; ".join(
            f"{f} {_entry(by_field[f])}" for f in single), optional=True, section="milestones"))
    return items


# related, disagreements, sources ---------------------------------------------------------

def related_line(pairs: Iterable[tuple[str, str]], said: set[str]) -> Item | None:
    grouped: dict[str, list[str]] = {}
    for relation, target in pairs:
        if relation not in said:
            grouped.setdefault(relation, []).append(target)
    if not grouped:
        return None
    return Item("related", "; ".join(f"{relation} {', '.join(dict.fromkeys(targets))}"
                                     for relation, targets in grouped.items()), optional=True, section="related")


def disagreements_line(rows: Sequence[dict[str, Any]], what: str = "") -> Item:
    """How many rows ``conflicts`` lists, computed from the claims or only recorded."""
    if not rows:
        return Item("disagreements", f"none{what}, computed or recorded")
    computed = sum(1 for r in rows if r["origin"] != "recorded")
    parts = [f"{computed} computed" if computed else "",
             f"{len(rows) - computed} recorded" if len(rows) > computed else ""]
    return Item("disagreements", f"{len(rows)}{what} ({', '.join(p for p in parts if p)}) · "
                + keep("normandie conflicts"))


def sources_line(ids: Iterable[str], sources: dict[str, m.Source]) -> Item:
    """How many sources, of which kinds, and the first and last of their publication dates:
    the earliest start and the latest start, "or later" when that one is a range (a source
    published "between 6 Feb and Dec 2026" was not published in December)."""
    known = [sources[i] for i in dict.fromkeys(ids) if i in sources]
    kinds = Counter(source_kind_of(s) for s in known)
    if len(kinds) == 1:
        text = f"{len(known)}, {next(iter(kinds))}"
    else:
        ranked = kinds.most_common()
        text = f"{len(known)}: " + ", ".join(f"{count} {kind}" for kind, count in ranked[:KINDS_SHOWN])
        rest = ranked[KINDS_SHOWN:]
        if len(rest) == 1:
            text += f", {rest[0][1]} {rest[0][0]}"
        elif rest:
            text += f", {sum(count for _, count in rest)} of {len(rest)} other kinds"
    dated = sorted((s for s in known if s.published.has_year), key=lambda s: s.published.sort_key())
    if dated:
        first = dated[0].published.start
        latest = max(dated, key=lambda s: s.published.start.first() if s.published.start else ())
        last = latest.published.start
        assert first is not None and last is not None
        later = " or later" if latest.published.end is not None else ""
        text += f"; published {keep(first.human())}" + (f" – {keep(last.human())}{later}" if last != first else later)
    undated = len(known) - len(dated)
    if undated:
        text += f"; {undated} undated"
    return Item("sources", text, section="citations")

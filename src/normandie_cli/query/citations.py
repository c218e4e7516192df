"""``--cite``: each row's sources, their URLs and the quote; citations as a person writes
them under a table. Standard library only."""

from __future__ import annotations

from collections.abc import Sequence

from .. import model as m
from ..registry import Row


def cite_rows(book: m.FactBook, rows: Sequence[Row]) -> list[Row]:
    """Each row with ``source`` (ids), ``source_url`` and ``quote`` (the primary source's words)."""
    sources = {s.id: s for s in book.sources}
    index = book.index()
    out = []
    for row in rows:
        ids = row.get("source")
        ids = [ids] if isinstance(ids, str) else list(ids or [])
        quote = row.get("quote")
        if quote is None and isinstance(row.get("id"), str):
            entity = index.get(row["id"])
            quote = next((c.quote for c in getattr(entity, "cite", ()) if c.quote and sources.get(c.source)
                          and sources[c.source].primary), None)
        urls = [sources[i].url for i in ids if i in sources and sources[i].url]
        out.append({**row, "source": ids, "source_url": urls,
                    "quote": quote})
    return out


def footnote(book: m.FactBook, source_id: str, quote: str | None) -> str:
    """A citation as a person writes it under a table."""
    source = next((s for s in book.sources if s.id == source_id), None)
    if source is None:
        return source_id
    title = f"“{source.title}”" if source.title else f"[{source.description or source.id}]"
    date = source.published.human() + (" (inferred)" if source.published_inferred else "")
    parts = [f"{source.publisher}, {title}", date if source.published.known else "date unknown"]
    if source.url:
        parts.append(source.url)
    text = ", ".join(parts) + "."
    if quote:
        text += f" « {quote} »"
    return f"{source_id}: {text}"


def add_citations(
    book: m.FactBook, rows: list[Row], columns: list[str], table: bool
) -> tuple[list[Row], list[str], list[str]]:
    """``--cite``: source, source_url and quote columns; for a table, numbered footnotes instead
    (returned as notes to print under it)."""
    cited = cite_rows(book, rows)
    if not table:
        extra = [name for name in ("source", "source_url", "quote") if name not in columns]
        return cited, [*columns, *extra], []
    primary = {s.id for s in book.sources if s.primary}
    numbers: dict[tuple[str, str | None], int] = {}
    out = []
    for row in cited:
        marks = []
        for source in row["source"]:
            key = (source, row["quote"] if source in primary else None)
            numbers.setdefault(key, len(numbers) + 1)
            marks.append(f"{source} [{numbers[key]}]")
        out.append({**row, "source": marks})
    notes = [f"[{n}] {footnote(book, source, quote)}" for (source, quote), n in numbers.items()]
    return out, columns if "source" in columns else [*columns, "source"], notes

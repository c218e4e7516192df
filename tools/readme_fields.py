"""Rewrite the README's field tables from the code (run from the repo root)."""
from normandie_cli import registry, render
p = "README.md"
s = open(p).read()
listings = {name: listing for name, listing in registry.LISTINGS.items() if name != "cache"}
for name, l in listings.items():
    head = f"### `normandie {name}`\n\n{l.summary}\n\n"
    table = render.fields_markdown(l)
    start = s.find(head, s.index("## JSON fields"))
    if start == -1:
        s = s.replace("## Exit codes", head + table + "\n## Exit codes", 1)
        continue
    body = start + len(head)
    end = s.index("\n\n", body)
    s = s[:body] + table.rstrip("\n") + s[end:]
open(p, "w").write(s)

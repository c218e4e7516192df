"""``normandie schema``: the JSON Schema of the fact-file format, for editors and checkers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import app


@app.command("schema")
def schema(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the schema to this file instead of standard output.",
        show_default=False)] = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of the fact-file format, normandie-facts/1.

    Editors with the YAML language server validate and complete a fact file against it; check
    a file with check-jsonschema. References between records are checked by validate.

    Example: normandie schema -o normandie-facts.schema.json
    """
    from ..render.schema import schema_text

    text = schema_text()
    if output is None:
        typer.echo(text, nl=False)
        return
    from ..errors import UsageError

    try:
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        raise UsageError(f"{output}: cannot write: {err.strerror or err}") from None

"""`storylens schema [--out FILE] [--check analysis.json]`: the JSON Schema of analysis.json."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer


def schema(
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the schema to FILE instead of printing it."),
    check: Optional[Path] = typer.Option(None, "--check", help="Validate this analysis.json against the schema."),
):
    """Print the JSON Schema (draft 2020-12) of analysis.json, or check a file against it."""
    from ..schema import json_schema, validate

    if check is not None:
        try:
            data = json.loads(check.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            typer.echo(f"cannot read {check}: {exc}", err=True)
            raise typer.Exit(2)
        errors = validate(data)
        for e in errors[:50]:
            typer.echo(e, err=True)
        if errors:
            typer.echo(f"{check}: {len(errors)} error(s) against schema {data.get('schema_version')!r}", err=True)
            raise typer.Exit(1)
        typer.echo(f"{check}: valid (schema {data.get('schema_version')})")
        return
    text = json.dumps(json_schema(), ensure_ascii=False, indent=1)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"schema written to {out}", err=True)


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)

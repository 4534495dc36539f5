"""Helpers shared by the listing commands."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import typer

from ..store import Store


def open_store(db: Path) -> Store:
    from ..store.check import database_problem

    problem = database_problem(db)
    if problem:
        typer.echo(problem, err=True)
        raise typer.Exit(2)
    return Store(db, readonly=True)


FORMATS = ("table", "csv", "json")


def read_rows(db: Path, fmt: str, query, *args) -> list[dict]:
    """Check the output format, then run `query(store, *args)` over the database opened read-only."""
    if fmt not in FORMATS:
        typer.echo(f"unknown format {fmt!r}: use table, csv or json", err=True)
        raise typer.Exit(2)
    store = open_store(db)
    try:
        return query(store, *args)
    finally:
        store.close()


def emit(rows: list[dict], fmt: str, columns: list[str], empty: str = "nothing found") -> None:
    """Print rows as a table (rich), CSV or JSON. No rows is not an error: `empty` goes to stderr,
    CSV still gets its header and JSON an empty list, so scripts read an empty result as such."""
    if not rows:
        typer.echo(empty, err=True)
        if fmt == "table":
            return
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v) for k, v in r.items()})
    else:
        from rich.console import Console
        from rich.table import Table

        t = Table(show_lines=False)
        for c in columns:
            t.add_column(c, overflow="fold")
        for r in rows:
            t.add_row(*[", ".join(map(str, r.get(c))) if isinstance(r.get(c), list) else ("" if r.get(c) is None else str(r.get(c)))
                        for c in columns])
        Console().print(t)

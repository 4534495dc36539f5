"""`storylens actors --db FILE [--name NAME] [--format table|json|csv]`: the canonical actors in a database."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .common import emit, read_rows

COLUMNS = ["id", "name", "type", "mentions", "articles", "country", "code", "roles", "aliases", "warnings"]


def actor_rows(store, name: str | None = None) -> list[dict]:
    """One row per actor, most mentioned first; `name` filters on name, id and aliases (case- and accent-blind)."""
    from ..link.names import fold

    arts = {r["actor_id"]: r["n"] for r in store.conn.execute(
        "SELECT actor_id, COUNT(DISTINCT article_id) AS n FROM mentions GROUP BY actor_id")}
    rows = []
    needle = fold(name).lower() if name else None
    for r in store.conn.execute("SELECT * FROM actors ORDER BY n_mentions DESC, id"):
        aliases = json.loads(r["aliases"] or "[]")
        if needle and not any(needle in fold(x).lower() for x in [r["name"], r["id"], *aliases]):
            continue
        rows.append({
            "id": r["id"], "name": r["name"], "type": r["type"], "mentions": r["n_mentions"],
            "articles": arts.get(r["id"], 0), "country": r["country"], "code": r["code"],
            "roles": json.loads(r["roles"] or "[]"), "aliases": aliases,
            "warnings": json.loads(r["warnings"] or "[]"),
        })
    return rows


def actors(
    db: Path = typer.Option(..., "--db", help="SQLite database written by `storylens analyze`."),
    name: Optional[str] = typer.Option(None, "--name", help="Only actors whose name, id or an alias contains this."),
    fmt: str = typer.Option("table", "--format", help="table, json or csv."),
):
    """List canonical actors with mention counts, aliases, roles, country and CAMEO-style code."""
    rows = read_rows(db, fmt, actor_rows, name)
    emit(rows, fmt, COLUMNS if fmt != "table" else [c for c in COLUMNS if c != "warnings"],
         empty="no actors" + (f" matching {name!r}" if name else ""))


def register(app: typer.Typer) -> None:
    app.command("actors")(actors)

"""`storylens positions --db FILE [--actor NAME] [--issue LABEL] [--changes] [--format table|json|csv]`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .common import emit, read_rows

COLUMNS = ["id", "actor_id", "actor_name", "issue", "stance", "value", "date", "voice", "reported_by", "outlet",
           "article_id", "start", "end", "text"]
TABLE_COLUMNS = ["actor_name", "issue", "stance", "value", "date", "voice", "reported_by", "outlet", "text"]
CHANGE_COLUMNS = ["kind", "actor_name", "issue", "change", "date_a", "outlet_a", "text_a", "date_b", "outlet_b", "text_b"]


def _actor_ids(store, actor: str) -> set[str]:
    from ..link.names import fold

    needle = fold(actor).lower()
    ids = set()
    for r in store.conn.execute("SELECT id, name, aliases FROM actors"):
        names = [r["id"], r["name"], *json.loads(r["aliases"] or "[]")]
        if any(needle in fold(n).lower() for n in names):
            ids.add(r["id"])
    return ids


def _has_table(store) -> bool:
    return store.conn.execute("SELECT 1 FROM sqlite_master WHERE name='positions'").fetchone() is not None


def position_rows(store, actor: str | None = None, issue: str | None = None) -> list[dict]:
    """Stored positions, oldest first per actor and issue; `actor` matches id, name or alias, `issue` the label
    (both case-blind substrings)."""
    if not _has_table(store):
        return []
    names = {r["id"]: r["name"] for r in store.conn.execute("SELECT id, name FROM actors")}
    rows = [dict(r) for r in store.conn.execute("SELECT * FROM positions")]
    if actor:
        ids = _actor_ids(store, actor)
        rows = [r for r in rows if r["actor_id"] in ids]
    if issue:
        rows = [r for r in rows if issue.strip().lower() in (r["issue"] or "").lower()]
    for r in rows:
        r["actor_name"] = names.get(r["actor_id"], r["actor_id"])
    rows.sort(key=lambda r: (r["actor_name"] or "", r["issue"] or "", r["date"] or "9999", r["article_id"], r["start"]))
    return rows


def change_rows(store, actor: str | None = None, issue: str | None = None) -> list[dict]:
    """Shifts (one actor's stance changing over time) and outlet conflicts, flat for the table and CSV."""
    from ..model import Position
    from ..positions.timeline import timelines, shifts, conflicts

    rows = position_rows(store, actor, issue)
    names = {r["actor_id"]: r["actor_name"] for r in rows}
    fields = set(Position.__dataclass_fields__)
    items = [Position(**{k: v for k, v in r.items() if k in fields}) for r in rows]
    out = []
    for line in timelines(items).values():
        for kind, found in (("shift", shifts(line)), ("conflict", conflicts(line))):
            for x in found:
                a, b = (x["before"], x["after"]) if kind == "shift" else (x["a"], x["b"])
                out.append({"kind": kind, "actor_id": x["actor_id"], "actor_name": names.get(x["actor_id"]),
                            "issue": x["issue"], "change": f"{a['stance']} → {b['stance']}",
                            "date_a": a["date"], "outlet_a": a["outlet"], "text_a": a["text"],
                            "article_a": a["article_id"], "start_a": a["start"], "end_a": a["end"],
                            "date_b": b["date"], "outlet_b": b["outlet"], "text_b": b["text"],
                            "article_b": b["article_id"], "start_b": b["start"], "end_b": b["end"]})
    return out


def register(app: typer.Typer) -> None:
    @app.command("positions")
    def positions(
        db: Path = typer.Option(..., "--db", help="SQLite database written by `storylens analyze`."),
        actor: Optional[str] = typer.Option(None, "--actor", help="Actor id, name or alias (substring, any case)."),
        issue: Optional[str] = typer.Option(None, "--issue", help="Issue label (substring, any case)."),
        changes: bool = typer.Option(False, "--changes", help="Show shifts over time and outlet conflicts instead."),
        fmt: str = typer.Option("table", "--format", help="table, json or csv."),
    ):
        """Who stands where on each issue: stance, condition or value, date, voice, and the sentence."""
        rows = read_rows(db, fmt, change_rows if changes else position_rows, actor, issue)
        if not rows and fmt == "table":
            typer.echo("no " + ("shifts or conflicts" if changes else "positions")
                       + (f" for actor {actor!r}" if actor else "") + (f" on issue {issue!r}" if issue else ""), err=True)
            raise typer.Exit(1)
        if changes:
            emit(rows, fmt, CHANGE_COLUMNS if fmt == "table" else list(rows[0]) if rows else CHANGE_COLUMNS)
        else:
            emit(rows, fmt, {"table": TABLE_COLUMNS}.get(fmt, COLUMNS))

"""`storylens events --db FILE [--actor NAME] [--type T] [--format table|csv|json] [--export FILE]`."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import emit, read_rows

COLUMNS = ["id", "type", "cameo", "mode", "source_text", "target_text", "trigger", "location", "date", "date_text",
           "reported_by", "outlet", "sentence"]


def query_events(store, actor: str | None = None, etype: str | None = None) -> list[dict]:
    """Stored events, optionally those involving an actor (id, canonical name, alias or text) or of a type."""
    sql = ("SELECT e.*, a.outlet AS outlet FROM events e LEFT JOIN articles a ON a.id = e.article_id WHERE 1=1")
    params: list = []
    if etype:
        sql += " AND upper(e.type) = ?"
        params.append(etype.strip().upper())
    if actor:
        like = f"%{actor.strip().lower()}%"
        ids = [r[0] for r in store.conn.execute(
            "SELECT id FROM actors WHERE lower(id) LIKE ? OR lower(name) LIKE ? OR lower(aliases) LIKE ?", (like, like, like))]
        marks = ",".join("?" * len(ids)) or "NULL"
        sql += (f" AND (e.source IN ({marks}) OR e.target IN ({marks}) OR lower(e.source_text) LIKE ?"
                " OR lower(e.target_text) LIKE ?)")
        params += ids + ids + [like, like]
    sql += " ORDER BY e.article_id, e.start, e.id"
    return [dict(r) for r in store.conn.execute(sql, params)]


def register(app: typer.Typer) -> None:
    @app.command("events")
    def events(
        db: Path = typer.Option(..., "--db", help="SQLite database written by `storylens analyze`."),
        actor: Optional[str] = typer.Option(None, "--actor", help="Only events with this actor as source or target."),
        etype: Optional[str] = typer.Option(None, "--type", help="Only this PLOVER event type (e.g. ASSAULT)."),
        fmt: str = typer.Option("table", "--format", help="table, csv or json."),
        export: Optional[Path] = typer.Option(None, "--export", help="Write one row per event to FILE.parquet or FILE.csv."),
    ):
        """List coded political events: who did what to whom, when and where."""
        rows = read_rows(db, fmt, query_events, actor, etype)
        if export is not None:
            from ..model import Event
            from ..store.export import write_csv, write_parquet

            fields = [f for f in Event.__dataclass_fields__]
            items = [Event(**{k: r.get(k) for k in fields}) for r in rows]
            suffix = export.suffix.lower()
            if suffix == ".parquet":
                write_parquet(items, export)
            elif suffix == ".csv":
                write_csv(items, export, fields)
            else:
                typer.echo("--export needs a .parquet or .csv file name", err=True)
                raise typer.Exit(2)
            typer.echo(f"{len(items)} events written to {export}", err=True)
            return
        emit(rows, fmt, COLUMNS)

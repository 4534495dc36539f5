"""`storylens timeline --db FILE [--by type|actor|both] [--story S] [--format table|csv|json]`:
events per day per PLOVER type and per actor, as data (the charts of the timeline page)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import emit, read_rows

BY = {"both": ("type", "actor"), "type": ("type",), "actor": ("actor",)}


def series_rows(store, by: str = "both", story: str | None = None) -> list[dict]:
    from ..publish.series import event_series

    an = store.load_analysis()
    members = None
    if story:
        found = next((s for s in an.stories if s.id == story), None)
        members = set(found.article_ids) if found else set()
    return event_series(an, BY[by], members)


def timeline(
    db: Path = typer.Option(..., "--db", help="SQLite database written by `storylens analyze`."),
    by: str = typer.Option("both", "--by", help="type (PLOVER type), actor, or both."),
    story: Optional[str] = typer.Option(None, "--story", help="Only the events of this story (its id, e.g. S1)."),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
):
    """Events per day per PLOVER type and per actor (an event counts for each actor on either side)."""
    from ..publish.series import COLUMNS

    if by not in BY:
        typer.echo(f"unknown --by {by!r}: use type, actor or both", err=True)
        raise typer.Exit(2)
    rows = read_rows(db, fmt, series_rows, by, story)
    emit(rows, fmt, COLUMNS, empty="no dated events" + (f" in story {story}" if story else ""))


def register(app: typer.Typer) -> None:
    app.command("timeline")(timeline)

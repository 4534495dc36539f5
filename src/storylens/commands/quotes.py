"""`storylens quotes --db FILE [--speaker NAME] [--kind K] [--format table|json|csv]`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ..vocab import QUOTE_KINDS
from .common import emit, read_rows

COLUMNS = ["id", "kind", "speaker", "speaker_name", "speaker_text", "text", "article_id", "start", "end", "cue"]
TABLE_COLUMNS = ["id", "kind", "speaker_name", "speaker_text", "cue", "text"]
KINDS = QUOTE_KINDS


def quote_rows(store, speaker: str | None = None, kind: str | None = None) -> list[dict]:
    """Quote rows with the speaker's actor name; `speaker` matches the actor's name or an alias,
    or the speaker text, case-insensitively and as a substring."""
    rows = [dict(r) for r in store.conn.execute(
        'SELECT q.*, a.name AS speaker_name, a.aliases AS speaker_aliases FROM quotes q '
        'LEFT JOIN actors a ON a.id = q.speaker ORDER BY q.article_id, q.start, q.id')]
    if kind:
        rows = [r for r in rows if r["kind"] == kind]
    if speaker:
        needle = speaker.casefold()

        def hit(r: dict) -> bool:
            aliases = json.loads(r["speaker_aliases"]) if r.get("speaker_aliases") else []
            names = [r.get("speaker_name") or "", r.get("speaker_text") or "", *aliases]
            return any(needle in n.casefold() for n in names)
        rows = [r for r in rows if hit(r)]
    for r in rows:
        r["speaker_aliases"] = json.loads(r["speaker_aliases"]) if r.get("speaker_aliases") else []
    return rows


def register(app: typer.Typer) -> None:
    @app.command("quotes")
    def quotes(
        db: Path = typer.Option(..., "--db", help="SQLite database written by `storylens analyze`."),
        speaker: Optional[str] = typer.Option(None, "--speaker", help="Actor name, alias or speaker text (substring, any case)."),
        kind: Optional[str] = typer.Option(None, "--kind", help="direct, partial, indirect, belief, intention or scare."),
        fmt: str = typer.Option("table", "--format", help="table, json or csv."),
    ):
        """List quotes with their speakers and their place in the article."""
        if kind and kind not in KINDS:
            typer.echo(f"--kind must be one of {', '.join(KINDS)}", err=True)
            raise typer.Exit(2)
        rows = read_rows(db, fmt, quote_rows, speaker, kind)
        emit(rows, fmt, {"table": TABLE_COLUMNS, "csv": COLUMNS}.get(fmt, COLUMNS),
             empty="no quotes" + (f" by {speaker!r}" if speaker else "") + (f" of kind {kind}" if kind else ""))

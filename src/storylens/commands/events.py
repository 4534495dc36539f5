"""`storylens events --db FILE [--actor NAME] [--type T] [--format table|csv|json|plover|gdelt] [--export FILE]`.

Event-data formats:
- plover: one PLOVER-style JSON record per line (event type, PLOVER mode and context from the
  CAMEO->PLOVER table, the event's modality, source and target actor text + CAMEO code + country, date,
  location, the sentence with its offsets in the article, article id, URL and outlet);
- gdelt: CSV with GDELT-style columns (date, actor codes, names and countries, event code, base and root
  code, quad class, Goldstein score from data/events/goldstein.tsv, location, source URL, sentence).
"""
from __future__ import annotations

import csv
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Optional

import typer

from .common import FORMATS, emit, read_rows

COLUMNS = ["id", "type", "cameo", "mode", "source_text", "source_code", "target_text", "target_code", "trigger",
           "location", "date", "date_text", "reported_by", "outlet", "sentence"]
EVENT_FORMATS = ("plover", "gdelt")
GDELT_COLUMNS = ["GLOBALEVENTID", "SQLDATE", "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor2Code",
                 "Actor2Name", "Actor2CountryCode", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
                 "GoldsteinScale", "PLOVERType", "Mode", "ActionGeo_FullName", "SOURCEURL", "ArticleID", "Sentence"]


def query_events(store, actor: str | None = None, etype: str | None = None) -> list[dict]:
    """Stored events, optionally those involving an actor (id, canonical name, alias or text) or of a type."""
    sql = ("SELECT e.*, a.outlet AS outlet, a.url AS url, a.published AS published FROM events e "
           "LEFT JOIN articles a ON a.id = e.article_id WHERE 1=1")
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


@lru_cache(maxsize=1)
def goldstein_table() -> dict[str, float]:
    from ..annotate.event_lexicon import DATA

    out = {}
    for line in (DATA / "goldstein.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, value = line.split("\t")[:2]
            out[code.strip()] = float(value)
    return out


def goldstein(cameo: str | None) -> float | None:
    table = goldstein_table()
    code = (cameo or "").strip()
    while code:
        if code in table:
            return table[code]
        code = code[:-1]
    return None


def quad_class(cameo: str | None) -> int | None:
    """GDELT QuadClass: 1 verbal cooperation (01-05), 2 material cooperation (06-08), 3 verbal conflict
    (09-13), 4 material conflict (14-20)."""
    if not cameo or not cameo[:2].isdigit():
        return None
    root = int(cameo[:2])
    return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4


def _event_date(r: dict) -> str | None:
    return r.get("date") or (r.get("published") or "")[:10] or None


def plover_record(r: dict) -> dict:
    from ..annotate.event_lexicon import lexicon

    pl = lexicon().plover_of(r.get("cameo")) or (r.get("type"), "", "")

    def actor(side: str) -> list[dict]:
        text, code = r.get(f"{side}_text"), r.get(f"{side}_code")
        if not text and not code:
            return []
        return [{"actorText": text, "code": code, "country": r.get(f"{side}_country"), "actorId": r.get(side)}]

    return {
        "id": r["id"], "date": _event_date(r), "dateText": r.get("date_text"),
        "event": r.get("type"), "mode": pl[1] or None, "context": [c for c in (pl[2] or "").split(",") if c],
        "modality": r.get("mode"), "cameo": r.get("cameo"),
        "source": actor("source"), "target": actor("target"),
        "eventText": r.get("trigger"), "eventLoc": {"name": r["location"]} if r.get("location") else None,
        "text": r.get("sentence"),
        "textInfo": {"articleId": r.get("article_id"), "start": r.get("start"), "end": r.get("end"),
                     "url": r.get("url"), "outlet": r.get("outlet")},
        "reportedBy": r.get("reported_by"), "confidence": r.get("confidence"),
    }


def gdelt_row(r: dict) -> dict:
    cameo = r.get("cameo") or ""
    date = _event_date(r)
    return {
        "GLOBALEVENTID": r["id"], "SQLDATE": date.replace("-", "") if date else "",
        "Actor1Code": r.get("source_code") or "", "Actor1Name": r.get("source_text") or "",
        "Actor1CountryCode": r.get("source_country") or "", "Actor2Code": r.get("target_code") or "",
        "Actor2Name": r.get("target_text") or "", "Actor2CountryCode": r.get("target_country") or "",
        "EventCode": cameo, "EventBaseCode": cameo[:3], "EventRootCode": cameo[:2],
        "QuadClass": quad_class(cameo) or "", "GoldsteinScale": goldstein(cameo) if goldstein(cameo) is not None else "",
        "PLOVERType": r.get("type") or "", "Mode": r.get("mode") or "",
        "ActionGeo_FullName": r.get("location") or "", "SOURCEURL": r.get("url") or "",
        "ArticleID": r.get("article_id") or "", "Sentence": r.get("sentence") or "",
    }


def emit_event_format(rows: list[dict], fmt: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "plover":
        for r in rows:
            out.write(json.dumps(plover_record(r), ensure_ascii=False) + "\n")
    else:
        w = csv.DictWriter(out, fieldnames=GDELT_COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow(gdelt_row(r))


def register(app: typer.Typer) -> None:
    @app.command("events")
    def events(
        db: Path = typer.Option(..., "--db", help="SQLite database written by `storylens analyze`."),
        actor: Optional[str] = typer.Option(None, "--actor", help="Only events with this actor as source or target."),
        etype: Optional[str] = typer.Option(None, "--type", help="Only this PLOVER event type (e.g. ASSAULT)."),
        fmt: str = typer.Option("table", "--format",
                                help="table, csv, json, plover (PLOVER JSON records, one per line) or gdelt (GDELT-style CSV)."),
        export: Optional[Path] = typer.Option(None, "--export", help="Write one row per event to FILE.parquet or FILE.csv."),
    ):
        """List coded political events: who did what to whom, when and where."""
        if fmt not in FORMATS + EVENT_FORMATS:
            typer.echo(f"unknown format {fmt!r}: use {', '.join(FORMATS + EVENT_FORMATS)}", err=True)
            raise typer.Exit(2)
        rows = read_rows(db, "json" if fmt in EVENT_FORMATS else fmt, query_events, actor, etype)
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
        if fmt in EVENT_FORMATS:
            if not rows:
                typer.echo("no events", err=True)
            emit_event_format(rows, fmt)
            return
        emit(rows, fmt, COLUMNS)

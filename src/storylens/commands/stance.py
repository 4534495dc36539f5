"""`storylens stance`: predict FNC-1 style stance files."""
from __future__ import annotations

import csv
from pathlib import Path

import typer


def read_pairs(bodies: Path, stances: Path) -> list[dict]:
    """Rows of the stances file (Headline, Body ID[, Stance]) with the body text attached."""
    csv.field_size_limit(1 << 30)
    with open(bodies, newline="", encoding="utf-8") as f:
        text = {row["Body ID"].strip(): row["articleBody"] for row in csv.DictReader(f)}
    rows = []
    with open(stances, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            bid = row["Body ID"].strip()
            if bid not in text:
                raise typer.BadParameter(f"Body ID {bid} is not in {bodies}")
            rows.append({"Headline": row["Headline"], "Body ID": bid, "body": text[bid]})
    return rows


def register(app: typer.Typer) -> None:
    @app.command("stance")
    def _cmd(
        bodies: Path = typer.Option(..., "--bodies", exists=True, dir_okay=False,
                                    help="CSV with columns 'Body ID', articleBody"),
        stances: Path = typer.Option(..., "--stances", exists=True, dir_okay=False,
                                     help="CSV with columns Headline, 'Body ID' (a Stance column is ignored)"),
        out: Path = typer.Option(..., "--out", dir_okay=False, help="predictions CSV: Headline, Body ID, Stance"),
        model: Path = typer.Option(None, "--model", help="stance artefact (default: the bundled model)"),
    ):
        """Stance (agree/disagree/discuss/unrelated) of each body toward each headline, FNC-1 format."""
        from ..compare.stance import load_model

        rows = read_pairs(bodies, stances)
        labels = load_model(model).predict([(r["Headline"], r["body"]) for r in rows])
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["Headline", "Body ID", "Stance"])
            for r, lab in zip(rows, labels):
                w.writerow([r["Headline"], r["Body ID"], lab])
        typer.echo(f"{len(rows)} predictions -> {out}", err=True)

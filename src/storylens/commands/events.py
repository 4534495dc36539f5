"""`storylens events`."""
from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("events")
    def _cmd():
        """Not built yet."""
        typer.echo("not built yet", err=True)
        raise typer.Exit(2)

"""`storylens stance`."""
from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("stance")
    def _cmd():
        """Not built yet."""
        typer.echo("not built yet", err=True)
        raise typer.Exit(2)

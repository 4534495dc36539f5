"""`storylens timeline --db FILE`: events per day per actor and per PLOVER type."""
from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass

"""`storylens serve --db FILE [--host 127.0.0.1] [--port 8765] [--token T]`.

Bound to 127.0.0.1 unless --host says otherwise; any host beyond the loopback interface needs
a token (--token or STORYLENS_TOKEN), which every request must then carry.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from ..publish.net import is_loopback

DEFAULT_HOST = "127.0.0.1"
__all__ = ["DEFAULT_HOST", "bind_check", "is_loopback", "serve", "register"]


def bind_check(host: str, token: str | None) -> str | None:
    """Why the server must not start with these settings, or None when it may."""
    if not is_loopback(host) and not token:
        return (f"refusing to listen on {host} without a token: anyone who can reach it could read the "
                "database. Pass --token T (or set STORYLENS_TOKEN), or leave --host at 127.0.0.1.")
    return None


def serve(
    db: Path = typer.Option(..., "--db", help="The storylens SQLite database (opened read-only)."),
    host: str = typer.Option(DEFAULT_HOST, "--host", help="Interface to bind; beyond localhost a token is required."),
    port: int = typer.Option(8765, "--port", help="TCP port."),
    token: Optional[str] = typer.Option(None, "--token", help="Require this token on every request "
                                        "(header X-Storylens-Token, Authorization: Bearer, or ?token=). "
                                        "Default: $STORYLENS_TOKEN."),
):
    """Serve the report's views and a JSON API over a database (read-only)."""
    token = token or os.environ.get("STORYLENS_TOKEN") or None
    why = bind_check(host, token)
    if why:
        typer.echo(why, err=True)
        raise typer.Exit(2)
    from ..store.check import database_problem

    problem = database_problem(db)
    if problem:
        typer.echo(problem, err=True)
        raise typer.Exit(2)
    try:
        import uvicorn

        from ..publish.app import create_app
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("fastapi", "uvicorn", "starlette", "pydantic"):
            raise
        typer.echo(f"serve needs the web extra ({exc.name} is missing): pip install 'storylens[web]'", err=True)
        raise typer.Exit(2)

    app = create_app(db, token=token, local_only=is_loopback(host))
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"serving {db} on http://{shown}:{port}/" + (" (token required)" if token else ""), err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)

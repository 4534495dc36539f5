"""Is this file a storylens database? Checked before a reader (web app, listing commands, Python API) opens it."""
from __future__ import annotations

import sqlite3
from pathlib import Path

# Tables every storylens database has; a file without them was written by something else.
REQUIRED_TABLES = ("articles", "actors", "quotes", "events", "stories", "runs")


def database_problem(path: str | Path) -> str | None:
    """A one-line reason why `path` is not a readable storylens database, or None when it is."""
    p = Path(path)
    if not p.exists():
        return f"no database at {p}"
    if p.is_dir():
        return f"{p} is a folder, not a storylens database"
    try:
        with p.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        return f"cannot read {p}: {exc.strerror or exc}"
    if head != b"SQLite format 3\x00":
        return f"{p} is not a storylens database (not an SQLite file)"
    try:
        conn = sqlite3.connect(p.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"{p} is not a storylens database ({exc})"
    missing = [t for t in REQUIRED_TABLES if t not in names]
    if missing:
        return f"{p} is not a storylens database (no {', '.join(missing)} table{'s' if len(missing) > 1 else ''})"
    return None

"""RSS and Atom feed files (feedparser): one article per entry, its content or else its summary."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator

from ..model import RawItem, Skip
from .htmltext import fragment_to_text
from .metadata import iso_date
from .source import BadInput, decode, read_bytes


def _entry_html(entry) -> str | None:
    bodies = [c.get("value", "") for c in entry.get("content", []) or []]
    bodies.append(entry.get("summary", "") or "")
    bodies = [b for b in bodies if b and b.strip()]
    return max(bodies, key=len) if bodies else None


def _published(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            return time.strftime("%Y-%m-%d", t)
    return iso_date(entry.get("published") or entry.get("updated"))


def read(path: Path, max_bytes: int = 50 * 1024 * 1024) -> Iterator[RawItem | Skip]:
    import feedparser

    try:
        data = read_bytes(path, max_bytes)
        decode(data)  # same empty / binary / undecodable checks as every other reader
    except BadInput as exc:
        yield Skip(str(path), str(exc))
        return
    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        why = parsed.get("bozo_exception")
        yield Skip(str(path), f"malformed feed: {str(why).splitlines()[0][:200]}" if why else "feed has no entries")
        return
    if parsed.get("bozo") and not any(_entry_html(e) for e in entries):
        why = str(parsed.get("bozo_exception") or "not well-formed").splitlines()[0][:200]
        yield Skip(str(path), f"malformed feed: {why}")
        return
    outlet = (parsed.get("feed") or {}).get("title") or None
    for i, entry in enumerate(entries, 1):
        record = f"entry {i}"
        html = _entry_html(entry)
        text = fragment_to_text(html) if html else ""
        if not text.strip():
            yield Skip(str(path), f"{record}: no content or summary")
            continue
        yield RawItem(source_path=str(path), kind="feed", text=text, html=html, url=entry.get("link"),
                      title=fragment_to_text(entry.get("title", "")) or None, author=entry.get("author") or None,
                      published=_published(entry), outlet=outlet, record=record)

"""HTML pages (.html, .htm, .xhtml): trafilatura main text plus title/author/date/site name/URL."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from ..model import RawItem, Skip
from .htmltext import extract_page
from .source import BadInput, decode, read_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-:.]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "ignore") if m else None


def html_item(source_path: str, html: str, kind: str = "html", url: str | None = None,
              record: str | None = None) -> RawItem:
    ex = extract_page(html, url=url)
    return RawItem(source_path=source_path, kind=kind, text=ex.text, html=html, url=ex.url or url,
                   title=ex.title, author=ex.author, published=ex.published, outlet=ex.outlet, record=record,
                   extractor=ex.extractor)


def read(path: Path, max_bytes: int = 50 * 1024 * 1024) -> Iterator[RawItem | Skip]:
    try:
        data = read_bytes(path, max_bytes)
        html = decode(data, declared_charset(data))
        yield html_item(str(path), html)
    except BadInput as exc:
        yield Skip(str(path), str(exc))

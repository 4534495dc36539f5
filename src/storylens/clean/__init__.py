"""Cleaning: boilerplate removal, metadata fields, near-duplicate detection."""
from __future__ import annotations

import hashlib

from ..model import Article, RawItem


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def clean_item(item: RawItem) -> Article:
    raw = item.text or ""
    h = content_hash(raw)
    return Article(id=h[:12], source_path=item.source_path, text=raw.strip(), raw=raw, url=item.url,
                   title=item.title, outlet=item.outlet, author=item.author, published=item.published,
                   kind=item.kind, record=item.record, content_hash=h)

"""Cleaning: boilerplate removal, metadata fields, near-duplicate detection."""
from __future__ import annotations

import hashlib

from ..model import Article, RawItem
from .boilerplate import clean_text
from .language import detect_language


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def clean_item(item: RawItem) -> Article:
    """RawItem → Article: boilerplate removed (each span recorded with its reason), metadata as fields.

    Metadata given by the reader (HTML meta tags, feed and JSON fields) wins over what the text
    suggests; the text fills the gaps.
    """
    raw = item.text or ""
    c = clean_text(raw, title=item.title, author=item.author)
    h = content_hash(c.text)
    return Article(id=h[:12], source_path=item.source_path, text=c.text, raw=raw, url=item.url,
                   title=item.title or c.title, outlet=item.outlet or c.outlet, author=item.author or c.author,
                   published=item.published or c.published, removed=c.removed, kind=item.kind,
                   record=item.record, content_hash=h, language=detect_language(c.text))

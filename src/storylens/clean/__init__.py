"""Cleaning: boilerplate removal, metadata fields, near-duplicate detection."""
from __future__ import annotations

import hashlib

from ..model import Article, RawItem
from .boilerplate import CONTENT_STEPS, clean_text
from .language import detect_language


# Steps left out on text that a main-text extractor produced: the content-judging steps and the
# repeated-paragraph step (chosen on the tune part of the extraction benchmark).
HTML_SKIP = CONTENT_STEPS + ("repeats",)


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def clean_item(item: RawItem) -> Article:
    """RawItem → Article: boilerplate removed (each span recorded with its reason), metadata as fields.

    Metadata given by the reader (HTML meta tags, feed and JSON fields) wins over what the text
    suggests; the text fills the gaps.
    """
    raw = item.text or ""
    # A main-text extractor has already judged the page's content; on its output only what is
    # boilerplate by layout is removed (see benchmarks/results/ingest.md for how this was chosen).
    skip = HTML_SKIP if item.extractor else ()
    c = clean_text(raw, title=item.title, author=item.author, skip=skip)
    h = content_hash(c.text)
    return Article(id=h[:12], source_path=item.source_path, text=c.text, raw=raw, url=item.url,
                   title=item.title or c.title, outlet=item.outlet or c.outlet, author=item.author or c.author,
                   published=item.published or c.published, removed=c.removed, kind=item.kind,
                   record=item.record, content_hash=h, language=detect_language(c.text))

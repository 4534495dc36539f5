"""The name an article's outlet goes by, everywhere (claims, framing, pages, exports).

The outlet the article names, else the host of its URL ("example-news.com"), else the name of
the file it came from, without extensions (with the record number for one record of a container
file, so records of one JSONL file still count as different sources).
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

_SUFFIXES = (".gz", ".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".xml")


def outlet_name(article) -> str:
    if article.outlet:
        return article.outlet
    if article.url:
        host = urlparse(article.url).netloc.lower()
        if host:
            return host[4:] if host.startswith("www.") else host
    name = Path(article.source_path or article.id).name
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if article.record:
        name = f"{name}#{article.record}"
    return name or article.id

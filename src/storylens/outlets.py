"""One name per outlet, the same in every stage and page.

An article's outlet is what the source said (``Article.outlet``); failing that, the host of its
URL (``www.`` dropped), which names the publisher; failing that, the name of the file it came
from (extension dropped, with the record number for one record of a container file, so
records of one JSONL file still count as different sources), which at least tells sources apart.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

_SUFFIXES = (".gz", ".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".xml", ".warc", ".rss", ".atom")


def outlet_name(article) -> str:
    if article is None:
        return "unknown outlet"
    if getattr(article, "outlet", None):
        return article.outlet
    url = getattr(article, "url", None)
    if url:
        host = urlparse(url).netloc.lower().split("@")[-1].split(":")[0]
        if host:
            return host[4:] if host.startswith("www.") else host
    name = Path(getattr(article, "source_path", None) or getattr(article, "id", "") or "").name
    while True:
        for suffix in _SUFFIXES:
            if name.lower().endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
                break
        else:
            break
    record = getattr(article, "record", None)
    if name and record:
        name = f"{name}#{record}"
    return name or getattr(article, "id", None) or "unknown outlet"

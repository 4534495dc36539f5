"""Plain-text scraped pages (.txt, .md), optionally gzip-compressed.

A "text" file that is in fact a saved web page, or text with markup pasted in, goes through the
HTML path instead, so that scripts and tags never reach the article text.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from ..model import RawItem, Skip
from .htmltext import fragment_to_text
from .source import BadInput, decode, read_bytes

_DOC = re.compile(r"^\s*(<!doctype html|<html\b|<\?xml[^>]*>\s*<html\b)", re.I)
_TAG = re.compile(r"</?(p|div|span|a|br|script|style|iframe|body|article|section|h[1-6]|li|ul|img)\b[^>]*>", re.I)


def read(path: Path, max_bytes: int = 50 * 1024 * 1024) -> Iterator[RawItem | Skip]:
    try:
        text = decode(read_bytes(path, max_bytes))
        if _DOC.match(text):
            from .html import html_item

            yield html_item(str(path), text)
            return
        if len(_TAG.findall(text[:200000])) >= 3:
            yield RawItem(source_path=str(path), kind="text", text=fragment_to_text(text), html=text)
            return
    except BadInput as exc:
        yield Skip(str(path), str(exc))
        return
    yield RawItem(source_path=str(path), kind="text", text=text)

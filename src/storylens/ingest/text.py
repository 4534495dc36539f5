"""Plain-text scraped pages (.txt, .md), optionally gzip-compressed."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..model import RawItem, Skip
from .source import BadInput, decode, read_bytes


def read(path: Path, max_bytes: int = 50 * 1024 * 1024) -> Iterator[RawItem | Skip]:
    try:
        text = decode(read_bytes(path, max_bytes))
    except BadInput as exc:
        yield Skip(str(path), str(exc))
        return
    yield RawItem(source_path=str(path), kind="text", text=text)

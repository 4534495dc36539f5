"""Plain-text scraped pages (.txt, .md)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..model import RawItem, Skip


def read(path: Path) -> Iterator[RawItem | Skip]:
    data = path.read_bytes()
    if not data.strip():
        yield Skip(str(path), "empty file")
        return
    yield RawItem(source_path=str(path), kind="text", text=data.decode("utf-8"))

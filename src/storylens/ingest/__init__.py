"""Readers: every supported file under the given paths becomes RawItems (or a Skip with a reason)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from ..model import RawItem, Skip
from . import text as text_reader

READERS = {".txt": text_reader.read, ".md": text_reader.read}


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for f in sorted(files):
                    if not f.startswith("."):
                        yield Path(root) / f
        else:
            yield p


def read_paths(paths: Iterable[str | Path], max_bytes: int = 50 * 1024 * 1024) -> Iterator[RawItem | Skip]:
    for path in iter_files(paths):
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            yield Skip(str(path), f"unsupported file type {path.suffix or '(none)'}")
            continue
        try:
            yield from reader(path)
        except Exception as exc:  # a broken file never stops the run
            yield Skip(str(path), f"unreadable: {type(exc).__name__}: {exc}"[:300])

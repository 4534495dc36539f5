"""Readers: every supported file under the given paths becomes RawItems (or a Skip with a reason).

Files are dispatched on their suffix (``.gz`` is looked through: ``a.jsonl.gz`` is JSON Lines);
a file without a known suffix is sniffed from its first bytes. Everything streams: one file, and
inside container files (JSON Lines, WARC) one record, at a time.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .. import registry as _registry
from ..model import RawItem, Skip
from . import feed, html, jsonl, text, warc
from .source import BadInput, logical_suffix, open_binary

Reader = Callable[..., Iterator[RawItem | Skip]]

# the registry's table (storylens.registry.reader adds to it); a reader registered by a plugin wins
READERS: dict[str, Reader] = _registry.READERS
for _suffix, _read in {
    ".txt": text.read, ".md": text.read, ".text": text.read,
    ".html": html.read, ".htm": html.read, ".xhtml": html.read, ".shtml": html.read,
    ".jsonl": jsonl.read, ".ndjson": jsonl.read, ".json": jsonl.read,
    ".rss": feed.read, ".atom": feed.read, ".xml": feed.read, ".rdf": feed.read,
    ".warc": warc.read, ".arc": warc.read,
}.items():
    READERS.setdefault(_suffix, _read)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    if not f.startswith("."):
                        yield Path(root) / f
        else:
            yield p


def sniff(path: Path) -> Reader | None:
    """Guess the reader from the first bytes, for files whose suffix says nothing."""
    try:
        with open_binary(path) as fh:
            head = fh.read(4096)
    except Exception:
        return None
    low = head.lstrip().lower()
    if low.startswith(b"warc/"):
        return warc.read
    if low.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")) and (b"<rss" in low or b"<feed" in low or b"<rdf" in low):
        return feed.read
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low[:512]:
        return html.read
    if low.startswith((b"{", b"[")):
        return jsonl.read
    return None


def reader_for(path: Path) -> Reader | None:
    if path.name.lower().endswith((".warc.gz", ".arc.gz")):
        return warc.read
    suffix = logical_suffix(path)
    if suffix in READERS:
        return READERS[suffix]
    return sniff(path) if path.is_file() else None


def read_paths(paths: Iterable[str | Path], max_bytes: int = 50 * 1024 * 1024) -> Iterator[RawItem | Skip]:
    for path in iter_files(paths):
        if not path.exists():
            yield Skip(str(path), "no such file or folder")
            continue
        try:
            reader = reader_for(path)
        except OSError as exc:
            yield Skip(str(path), f"unreadable: {exc.strerror or exc}")
            continue
        if reader is None:
            yield Skip(str(path), f"unsupported file type {path.suffix or '(no suffix)'}")
            continue
        try:
            yield from reader(path, max_bytes=max_bytes)
        except BadInput as exc:
            yield Skip(str(path), str(exc))
        except Exception as exc:  # a broken file never stops the run
            yield Skip(str(path), f"unreadable: {type(exc).__name__}: {str(exc)[:200]}")

"""Readers: every supported file under the given paths becomes RawItems (or a Skip with a reason).

Files are dispatched on their suffix (``.gz`` is looked through: ``a.jsonl.gz`` is JSON Lines);
a file without a known suffix is sniffed from its first bytes. Everything streams: one file, and
inside container files (JSON Lines, WARC) one record, at a time.
"""
from __future__ import annotations

import re
import zlib
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .. import registry as _registry
from ..model import RawItem, Skip
from . import feed, html, jsonl, text, warc
from .paths import _os_reason, one_line, source_name, walk
from .quality import not_news
from .source import BadInput, _stream_error, logical_suffix, open_binary

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
    """The files that :func:`read_paths` will open (for sizing a run; reasons are left out)."""
    return (p for p in walk(paths) if isinstance(p, Path))


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


# Per input file: at most this many record-level reasons are listed one by one; the rest are
# counted into one summary line.
MAX_LISTED_SKIPS = 3
# A container file (JSON Lines, JSON array, feed, WARC) yields at most this many records.
MAX_RECORDS = 1_000_000
# A container whose first records are all unusable is not a corpus of articles: stop reading it.
MAX_LEADING_BAD = 10_000


def read_paths(paths: Iterable[str | Path], max_bytes: int = 50 * 1024 * 1024) -> Iterator[RawItem | Skip]:
    """RawItems for everything readable under ``paths``, and one Skip (a one-line, printable reason)
    for every path, file or record that is not used."""
    for entry in walk(paths):
        if isinstance(entry, Skip):
            yield entry
            continue
        yield from _read_file(entry, max_bytes)


def _read_file(path: Path, max_bytes: int) -> Iterator[RawItem | Skip]:
    shown = source_name(path)
    try:
        with path.open("rb"):
            pass
        reader = reader_for(path)
    except OSError as exc:
        yield Skip(shown, _os_reason(exc))
        return
    if reader is None:
        yield Skip(shown, f"unsupported file type {path.suffix or '(no suffix)'}")
        return
    listed = records = bad = 0
    unlisted: Counter[str] = Counter()
    stopped = ""
    try:
        for got in reader(path, max_bytes=max_bytes):
            if isinstance(got, RawItem):
                got.source_path = shown
                why = not_news(got.text)
                if why:
                    got = Skip(shown, f"{got.record}: {why}" if got.record else why)
                else:
                    records += 1
                    yield got
            if isinstance(got, Skip):
                record, reason = _split_record(one_line(got.reason))
                if record:
                    records += 1
                    bad += 1
                if listed < MAX_LISTED_SKIPS or not record:
                    listed += 1
                    yield Skip(shown, f"{record}: {reason}" if record else reason)
                else:
                    unlisted[reason] += 1
            if records >= MAX_RECORDS:
                stopped = f"record limit: stopped after {records:,} records (at most {MAX_RECORDS:,} per file)"
                break
            if bad >= MAX_LEADING_BAD and bad == records:
                stopped = f"stopped after {bad:,} records, none of them a usable article"
                break
    except BadInput as exc:
        yield Skip(shown, one_line(str(exc)))
    except (OSError, EOFError, zlib.error) as exc:
        yield Skip(shown, _os_reason(exc) if getattr(exc, "errno", None) else one_line(str(_stream_error(exc))))
    except Exception as exc:  # a broken file never stops the run; the reason reaches the user
        yield Skip(shown, one_line(f"unreadable: {type(exc).__name__}: {exc}"))
    summary = [stopped] if stopped else []
    if unlisted:
        n = sum(unlisted.values())
        kinds = "; ".join(f"{r}: {c:,}" for r, c in unlisted.most_common(3))
        more = f"; {len(unlisted) - 3} other reasons" if len(unlisted) > 3 else ""
        summary.append(f"{n:,} more records skipped ({kinds}{more})")
    if summary:
        yield Skip(shown, "; ".join(summary))


_RECORD = re.compile(r"^((?:line|item|entry|offset) \d+(?: \([^)]*\))?): (.*)$")


def _split_record(reason: str) -> tuple[str | None, str]:
    """"line 7: malformed JSON (...)" → ("line 7", "malformed JSON (...)")."""
    m = _RECORD.match(reason)
    return (m.group(1), m.group(2)) if m else (None, reason)

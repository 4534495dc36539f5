"""WARC files (.warc, .warc.gz, as from Common Crawl's CC-News): one article per HTML response record.

Records are streamed; a record over the size limit, or one whose HTML is unusable, is skipped
with its offset, and the rest of the file is still read.
"""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import Iterator

from ..model import RawItem, Skip
from .html import html_item
from .source import BadInput, _stream_error, decode, is_gzip, open_binary

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        k, _, v = part.strip().partition("=")
        if k.lower() == "charset" and v:
            return v.strip("\"' ")
    return None


def read(path: Path, max_bytes: int = 50 * 1024 * 1024) -> Iterator[RawItem | Skip]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    if path.stat().st_size == 0:
        yield Skip(str(path), "empty file")
        return
    try:
        with open_binary(path) as fh:
            head = fh.read(16)
    except BadInput as exc:
        yield Skip(str(path), str(exc))
        return
    except (OSError, EOFError, zlib.error) as exc:
        yield Skip(str(path), str(_stream_error(exc)))
        return
    if not head.startswith((b"WARC/", b"filedesc://")):
        yield Skip(str(path), "malformed WARC: does not start with a WARC record header")
        return
    n_html = n_records = 0
    truncated_record = None
    try:
        with path.open("rb") as fh:
            it = ArchiveIterator(fh)
            for rec in it:
                n_records += 1
                if rec.rec_type not in ("response", "resource"):
                    _drain(rec)
                    if _cut_short(rec):
                        truncated_record = it.get_record_offset()
                    continue
                if rec.rec_type == "response":
                    ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else "") or ""
                    status = rec.http_headers.get_statuscode() if rec.http_headers else "200"
                else:
                    ctype = rec.rec_headers.get_header("Content-Type") or ""
                    status = "200"
                if status != "200" or not ctype.lower().startswith(_HTML_TYPES):
                    _drain(rec)
                    if _cut_short(rec):
                        truncated_record = it.get_record_offset()
                    continue
                n_html += 1
                url = rec.rec_headers.get_header("WARC-Target-URI")
                body = rec.content_stream().read(max_bytes + 1)
                too_large = len(body) > max_bytes
                _drain(rec)
                record = f"offset {it.get_record_offset()}"  # only after reading: it consumes the record
                if _cut_short(rec):
                    truncated_record = it.get_record_offset()
                    yield Skip(str(path), f"{record} ({url}): truncated record: the file ends inside it")
                    continue
                if too_large:
                    yield Skip(str(path), f"{record}: record too large (over the {max_bytes // (1024 * 1024)} MB limit)")
                    continue
                try:
                    html = decode(body, _charset(ctype))
                    yield html_item(str(path), html, kind="warc", url=url, record=record)
                except BadInput as exc:
                    yield Skip(str(path), f"{record} ({url}): {exc}")
                except Exception as exc:  # one bad record never loses the rest of the file
                    yield Skip(str(path), f"{record} ({url}): unreadable: {type(exc).__name__}: {str(exc)[:150]}")
    except ArchiveLoadFailed as exc:
        why = _truncation(path, n_records)
        yield Skip(str(path), why or f"malformed WARC: {str(exc).splitlines()[0][:200]}")
        return
    except Exception as exc:  # warcio fails in many ways on a broken archive
        why = _truncation(path, n_records)
        yield Skip(str(path), why or f"malformed or truncated WARC record after {n_records} records: "
                                     f"{type(exc).__name__}: {str(exc)[:200]}")
        return
    why = _truncation(path, n_records)
    if why:
        yield Skip(str(path), why)
    elif truncated_record is not None and n_html == 0:
        yield Skip(str(path), f"truncated WARC: the file ends inside the record at offset {truncated_record}")
    elif n_html == 0:
        yield Skip(str(path), "WARC has no HTML response records")


def _drain(rec) -> None:
    """Read the rest of a record, so that a short one can be recognised."""
    while rec.raw_stream.read(1 << 16):
        pass


def _cut_short(rec) -> bool:
    """The file ended before the record's declared Content-Length."""
    return getattr(rec.raw_stream, "limit", 0) > 0


def _truncation(path: Path, n_records: int) -> str | None:
    """For a gzip-compressed WARC: does the compressed stream end properly? warcio stops quietly at a
    cut-off member, which would hide the records lost after it."""
    import gzip
    import zlib

    if not is_gzip(path):
        return None
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
    except EOFError:
        return f"truncated WARC: the compressed file ends early ({n_records} records read before the cut)"
    except (OSError, zlib.error) as exc:
        return f"corrupt gzip data after {n_records} records: {exc}"
    return None

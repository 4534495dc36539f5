"""WARC files (.warc, .warc.gz, as from Common Crawl's CC-News): one article per HTML response record.

Records are streamed; a record over the size limit, or one whose HTML is unusable, is skipped
with its offset, and the rest of the file is still read.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..model import RawItem, Skip
from .html import html_item
from .source import BadInput, decode, open_binary

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
    except (OSError, EOFError) as exc:
        yield Skip(str(path), f"corrupt gzip data: {exc}")
        return
    if not head.startswith((b"WARC/", b"filedesc://")):
        yield Skip(str(path), "malformed WARC: does not start with a WARC record header")
        return
    n_html = 0
    try:
        with path.open("rb") as fh:
            it = ArchiveIterator(fh)
            for rec in it:
                if rec.rec_type not in ("response", "resource"):
                    continue
                if rec.rec_type == "response":
                    ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else "") or ""
                    status = rec.http_headers.get_statuscode() if rec.http_headers else "200"
                    if status != "200":
                        continue
                else:
                    ctype = rec.rec_headers.get_header("Content-Type") or ""
                if not ctype.lower().startswith(_HTML_TYPES):
                    continue
                n_html += 1
                url = rec.rec_headers.get_header("WARC-Target-URI")
                body = rec.content_stream().read(max_bytes + 1)
                record = f"offset {it.get_record_offset()}"  # only after reading: it consumes the record
                if len(body) > max_bytes:
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
        yield Skip(str(path), f"malformed WARC: {str(exc).splitlines()[0][:200]}")
        return
    except Exception as exc:  # warcio fails in many ways on a broken archive
        yield Skip(str(path), f"malformed WARC: {type(exc).__name__}: {str(exc)[:200]}")
        return
    if n_html == 0:
        yield Skip(str(path), "WARC has no HTML response records")

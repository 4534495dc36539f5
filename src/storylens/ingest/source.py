"""Opening input files: transparent gzip, size limits, and bytes → text with clear failure reasons.

Every problem is raised as :class:`BadInput` with a one-line reason; readers turn it into a
``Skip`` so that a broken file never stops a run.
"""
from __future__ import annotations

import codecs
import gzip
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16


class BadInput(Exception):
    """An input (file or record) that cannot be used; the message is the one-line reason."""


def is_gzip(path: Path) -> bool:
    if path.suffix.lower() == ".gz":
        return True
    with path.open("rb") as fh:
        return fh.read(2) == GZIP_MAGIC


def logical_suffix(path: Path) -> str:
    """The suffix that says what the content is: ``a.jsonl.gz`` → ``.jsonl``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def open_binary(path: Path) -> BinaryIO:
    """A binary stream of the file's content, decompressed when it is gzip."""
    if is_gzip(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _stream_error(exc: Exception) -> BadInput:
    """A read error as a true reason: a cut-off gzip stream is "truncated", a permission problem is
    not "corrupt data"."""
    if isinstance(exc, PermissionError):
        return BadInput("permission denied")
    if isinstance(exc, EOFError):
        return BadInput("truncated gzip data: the file ends before the end of the compressed stream")
    if isinstance(exc, gzip.BadGzipFile):
        return BadInput(f"not gzip data although the name or first bytes say so: {exc}")
    if isinstance(exc, zlib.error):
        return BadInput(f"corrupt gzip data: {exc}")
    if isinstance(exc, OSError):
        return BadInput(f"unreadable: {exc.strerror or exc}")
    return BadInput(f"unreadable: {type(exc).__name__}: {exc}")


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The whole (decompressed) content, refusing files larger than ``max_bytes``."""
    size = path.stat().st_size
    if size > max_bytes:
        raise BadInput(f"too large: {_mb(size)} over the {_mb(max_bytes)} limit")
    try:
        with open_binary(path) as fh:
            data = fh.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise _stream_error(exc) from None
    if len(data) > max_bytes:
        raise BadInput(f"too large: over the {_mb(max_bytes)} limit once decompressed")
    return data


# A streamed file (JSON Lines) may hold this many times the per-file limit once decompressed.
STREAM_FACTOR = 20


def iter_lines(path: Path, max_line_bytes: int,
               max_total_bytes: int | None = None) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each non-blank line, streaming; ``None`` for a line over the size limit.

    Reads in blocks, so that a file of millions of empty lines costs one scan, not one Python step
    per line. Stops with BadInput once more than ``max_total_bytes`` (default: STREAM_FACTOR × the
    line limit) have been decompressed.
    """
    limit = max_total_bytes if max_total_bytes is not None else STREAM_FACTOR * max_line_bytes
    total = 0
    n = 0                 # lines finished so far
    carry = b""           # the unfinished last line of the previous block
    oversized = False     # the current line is over the limit and is being drained
    try:
        with open_binary(path) as fh:
            while True:
                block = fh.read(1 << 20)
                if not block:
                    break
                total += len(block)
                if total > limit:
                    raise BadInput(f"too large: stopped at line {n + 1:,}, over the {_mb(limit)} limit "
                                   "of decompressed data per file")
                if not carry and not oversized and not block.strip():
                    n += block.count(b"\n")  # blank lines only
                    continue
                lines = block.split(b"\n")
                for i, part in enumerate(lines[:-1]):
                    n += 1
                    if oversized:
                        oversized = False
                        carry = b""
                        yield n, None
                        continue
                    line = carry + part if i == 0 else part
                    if i == 0:
                        carry = b""
                    if len(line) > max_line_bytes:
                        yield n, None
                    elif line.strip():
                        yield n, line
                tail = lines[-1]
                if not oversized:
                    carry = carry + tail if len(lines) == 1 else tail
                    if len(carry) > max_line_bytes:
                        oversized, carry = True, b""
            if oversized:
                yield n + 1, None
            elif carry.strip():
                yield n + 1, carry
    except (OSError, EOFError, zlib.error) as exc:
        raise _stream_error(exc) from None


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


# ---- bytes → text ------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the head: an image, archive, PDF, executable..."""
    head = data[:8192]
    if not head:
        return False
    if any(head.startswith(b) for b, _ in _BOMS[1:]):
        return False  # UTF-16/32 text legitimately contains NULs
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return ctrl / len(head) > 0.05


def looks_like_text(s: str) -> bool:
    """Decoded characters are mostly letters, digits, punctuation and spaces (not mojibake)."""
    if not s:
        return False
    sample = s[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or 0x80 <= ord(ch) < 0xA0
              or ch == "\ufffd")
    if bad / len(sample) >= 0.01:
        return False
    # Prose has spaces between words; a long run of accented letters with none is mojibake.
    return len(sample) < 200 or sum(ch.isspace() for ch in sample) / len(sample) >= 0.03


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes → str: BOM, then UTF-8, then a declared charset, then detection (only if it decodes cleanly
    and looks like text). Raises BadInput with the reason otherwise."""
    if not data.strip():
        raise BadInput("empty file")
    if looks_binary(data):
        raise BadInput("binary file (not text)")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                raise BadInput(f"undecodable: starts with a {enc} byte-order mark but is not valid {enc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    if declared:
        candidates.append(declared)
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200000]).best()
        if best is not None:
            candidates.append(best.encoding)
    except Exception:  # detection is a best effort
        pass
    candidates.append("cp1252")
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if looks_like_text(text):
            return text
    raise BadInput("undecodable: not valid UTF-8 and no other encoding gives clean text")

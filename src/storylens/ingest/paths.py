"""Walking the paths a user named: every path is either yielded to be read or reported with a true reason.

Symbolic links are followed, a folder is read once however many links lead to it, and a link that
leads back into a folder being walked is reported as a loop instead of being walked again. Hidden
folders (``.git``, ``.cache``) are listed with a reason and not entered; hidden files are read like
any other file. Anything that is not a regular file or folder (a named pipe, a socket, a device)
is reported without being opened, since reading one could block forever.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Iterable, Iterator

from ..model import Skip


def source_name(path: str | os.PathLike) -> str:
    """The path as stored and reported: as given, except that bytes the file-system encoding cannot
    decode (kept by Python as lone surrogates, which no database or JSON encoder accepts) become U+FFFD.
    Printing escapes it further (:func:`display_path`)."""
    s = os.fspath(path)
    if isinstance(s, bytes):
        s = os.fsdecode(s)
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if _has_surrogates(s) else s


def _has_surrogates(s: str) -> bool:
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in s)


def display_path(path: str | os.PathLike) -> str:
    """The path as one printable line: control characters (a newline in a file name), other
    non-printable characters and bytes that are not valid in the file-system encoding are escaped."""
    s = os.fspath(path)
    if isinstance(s, bytes):
        s = os.fsdecode(s)
    if s.isprintable():
        return s
    out = []
    for ch in s:
        o = ord(ch)
        if ch.isprintable():
            out.append(ch)
        elif 0xDC80 <= o <= 0xDCFF:  # an undecodable byte kept by surrogateescape
            out.append(f"\\x{o - 0xDC00:02x}")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o <= 0xFF:
            out.append(f"\\x{o:02x}")
        elif o <= 0xFFFF:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    return "".join(out)


def one_line(text: str, limit: int = 300) -> str:
    """A reason as one line (exception messages can quote file content or names); printing escapes
    what is left that is not printable (:func:`display_path`)."""
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[:limit - 1] + "…"


def _os_reason(exc: OSError, is_link: bool = False) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENOENT:
        return "broken symlink: its target does not exist" if is_link else "no such file or folder"
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long"
    return f"unreadable: {exc.strerror or exc}"


def _kind(st: os.stat_result) -> str | None:
    """Why a path that is neither a file nor a folder cannot be read (None for a regular file)."""
    if stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISFIFO(st.st_mode):
        return "not a regular file (a named pipe)"
    if stat.S_ISSOCK(st.st_mode):
        return "not a regular file (a socket)"
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return "not a regular file (a device)"
    return "not a regular file"


def walk(paths: Iterable[str | os.PathLike]) -> Iterator[Path | Skip]:
    """Files to read, in a stable order (a folder's files by name, then its sub-folders by name),
    and a Skip for every path that will not be read."""
    seen: dict[tuple[int, int], str] = {}  # folder identity → the path it was first read under
    for p in paths:
        p = Path(p)
        try:
            st = p.stat()
        except OSError as exc:
            yield Skip(source_name(p), _os_reason(exc, p.is_symlink()))
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk_dir(p, st, seen, ())
        else:
            why = _kind(st)
            if why:
                yield Skip(source_name(p), why)
            else:
                yield p


def _walk_dir(folder: Path, st: os.stat_result, seen: dict[tuple[int, int], str],
              ancestors: tuple[tuple[int, int], ...]) -> Iterator[Path | Skip]:
    key = (st.st_dev, st.st_ino)
    if key in ancestors:
        yield Skip(source_name(folder), f"symlink loop (leads back to {source_name(seen.get(key, '?'))})")
        return
    if key in seen:
        yield Skip(source_name(folder), f"folder already read as {source_name(seen[key])}")
        return
    seen[key] = str(folder)
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        yield Skip(source_name(folder), _os_reason(exc))
        return
    subdirs: list[tuple[Path, os.stat_result]] = []
    for name in names:
        p = folder / name
        try:
            est = p.stat()
        except OSError as exc:
            yield Skip(source_name(p), _os_reason(exc, p.is_symlink()))
            continue
        if stat.S_ISDIR(est.st_mode):
            if name.startswith("."):
                yield Skip(source_name(p), "hidden folder (name starts with a dot), not read")
            else:
                subdirs.append((p, est))
            continue
        why = _kind(est)
        if why:
            yield Skip(source_name(p), why)
        else:
            yield p
    for p, est in subdirs:
        yield from _walk_dir(p, est, seen, ancestors + (key,))

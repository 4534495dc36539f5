"""Binary copies of data built from the package's files, kept in the user's cache directory.

Some tables (the actor knowledge base) take half a CPU-second to build from their JSON and YAML
sources, and every process of a run builds them again: the main process and each worker. A pickle
of the built object reads back in a fifth of that. The copy is named by a hash of everything the
build reads (the data files, the code that builds it, the Python version), so a changed source
never meets a stale copy; a copy that cannot be read or written is simply built again.

The directory is STORYLENS_CACHE_DIR, else $XDG_CACHE_HOME/storylens, else ~/.cache/storylens;
STORYLENS_CACHE_DIR=off turns the copies off.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")


def cache_dir() -> Path | None:
    env = os.environ.get("STORYLENS_CACHE_DIR")
    if env is not None and env.strip().lower() in ("", "off", "0", "none"):
        return None
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):   # no home directory (a bare service account): no copies
            return None
    return Path(base) / "storylens"


def sources_key(sources: Iterable[Path], extra: str = "") -> str:
    """A hash of the sources' names and bytes, ``extra``, the Python version and the pickle protocol."""
    h = hashlib.sha256(f"{sys.version_info[:2]}|{pickle.HIGHEST_PROTOCOL}|{extra}".encode())
    for p in sources:
        p = Path(p)
        h.update(p.name.encode() + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:20]


@contextmanager
def no_gc():
    """The cyclic garbage collector off while many small objects are created: on a table of some
    hundred thousand tuples and sets it ran dozens of times for nothing (a load took 0.39 s with it,
    0.11 s without)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def cached_build(name: str, sources: Iterable[Path], build: Callable[[], T], extra: str = "") -> T:
    """``build()``, or its pickled copy from an earlier process when the sources (and ``extra``, e.g.
    the versions of the libraries whose classes the object holds) are unchanged."""
    where = cache_dir()
    if where is None:
        return build()
    path = where / f"{name}-{sources_key(sources, extra)}.pickle"
    try:
        with open(path, "rb") as f, no_gc():
            return pickle.load(f)
    except FileNotFoundError:
        pass
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
        pass   # unreadable or from another version of a class: built again and written over below
    obj = build()
    _write(where, path, name, obj)
    return obj


def _write(where: Path, path: Path, name: str, obj) -> None:
    try:
        where.mkdir(parents=True, exist_ok=True)
        # another process may write the same file at the same time: each writes its own temporary
        # file and renames it, so a reader never sees half a file
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=where)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        # copies made from other sources: left a week, since two installs may share the directory
        week_ago = time.time() - 7 * 86400
        for old in where.glob(f"{name}-*.pickle"):
            if old != path and old.stat().st_mtime < week_ago:
                old.unlink(missing_ok=True)
    except OSError:
        pass   # a read-only or full disk: every process builds the table itself, as without a cache


def package_versions(*names: str) -> str:
    """"name=version" of installed distributions, without importing them."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for n in names:
        try:
            out.append(f"{n}={version(n)}")
        except PackageNotFoundError:
            out.append(f"{n}=none")
    return ",".join(out)


def load_joblib(path: Path, name: str):
    """A joblib artefact, read through a plain pickle of the loaded objects after the first time.

    joblib reads with a pure-Python unpickler (0.5 CPU-s for the stance model) where the C unpickler
    reads the same objects from a plain pickle in 0.04 s. The artefact stays the one file the training
    script writes; the copy is keyed by its bytes and by the versions of the libraries its objects
    come from, so the objects are the ones joblib would give."""
    def build():
        import joblib

        with no_gc():
            return joblib.load(path)

    return cached_build(name, [Path(path)], build, extra=package_versions("scikit-learn", "numpy", "scipy", "joblib"))

"""The Python API: `storylens.analyze(...)` and `storylens.open(db)` (see docs/python-api.md).

Both return an :class:`AnalysisResult`: the dataclasses of storylens.model, the same objects that
analysis.json holds, with `to_dict()` (exactly analysis.json) and `to_pandas()` (one DataFrame per
table). `analyze` runs the same path as `storylens analyze`: read, clean, per-article stages, store,
cross-article stages.
"""
from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence, Union

from .model import Analysis, Skip

Input = Union[str, os.PathLike, Mapping[str, Any]]


def _tables() -> dict[str, type]:
    """The export's tables and their item dataclass, read from Analysis (so new tables appear here)."""
    hints = typing.get_type_hints(Analysis)
    return {f.name: typing.get_args(hints[f.name])[0] for f in dataclasses.fields(Analysis)}


TABLES = tuple(_tables())
_PATH_SUFFIXES = {".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".rss", ".atom", ".xml", ".warc", ".gz"}


@dataclass
class AnalysisResult:
    """One analysis: the export's tables as dataclasses, plus where it lives and what was skipped."""
    analysis: Analysis
    db: Path | None = None
    out: Path | None = None
    skipped: list[Skip] = field(default_factory=list)

    # The tables, as attributes: result.articles, result.quotes, ...
    def __getattr__(self, name: str):
        if name in TABLES:
            return getattr(self.analysis, name)
        raise AttributeError(name)

    def __repr__(self) -> str:
        counts = ", ".join(f"{t}={len(getattr(self.analysis, t))}" for t in TABLES)
        return f"AnalysisResult({counts}, skipped={len(self.skipped)}, db={str(self.db) if self.db else None!r})"

    def to_dict(self) -> dict:
        """Exactly what analysis.json holds (schema_version included)."""
        from .store.export import analysis_dict

        return analysis_dict(self.analysis)

    def to_json(self, path: str | os.PathLike | None = None) -> str:
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=1)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_pandas(self) -> dict:
        """One pandas DataFrame per table of the export, plus `mentions` (one row per actor mention).

        Columns are the export's field names; nested lists (an actor's aliases, a claim's stances)
        stay Python objects in their cells. Every table has its columns even when it is empty.
        """
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError("to_pandas() needs pandas: pip install 'storylens[pandas]'") from exc
        from . import model
        from .schema import exported_fields

        data = self.to_dict()
        frames = {}
        for table, kind in _tables().items():
            frames[table] = pd.DataFrame(data.get(table, []), columns=[f.name for f in exported_fields(kind)])
        mention_cols = ["actor_id"] + [f.name for f in exported_fields(model.Mention)]
        frames["mentions"] = pd.DataFrame(
            [{"actor_id": a["id"], **m} for a in data["actors"] for m in a["mentions"]], columns=mention_cols)
        return frames

    def query(self, sql: str, params: Sequence = ()) -> list[dict]:
        """Rows of a read-only SQL query over the database (tables as in docs/schema.md)."""
        if self.db is None:
            raise ValueError("this result has no database")
        from .store import Store

        store = Store(self.db, readonly=True)
        try:
            store.conn.execute("PRAGMA query_only=1")
            return [dict(r) for r in store.conn.execute(sql, tuple(params))]
        finally:
            store.close()


def _split_inputs(inputs: Input | Iterable[Input]) -> tuple[list[str], list[dict]]:
    """Paths to read, and in-memory articles (a text string or a dict with `text` and metadata)."""
    if isinstance(inputs, (str, os.PathLike, Mapping)):
        inputs = [inputs]
    paths, records = [], []
    for x in inputs:
        if isinstance(x, os.PathLike):
            if not Path(x).exists():
                raise FileNotFoundError(f"no such file or folder: {x}")
            paths.append(str(x))
        elif isinstance(x, Mapping):
            if not isinstance(x.get("text") or x.get("html"), str):
                raise ValueError("an article given as a dict needs a 'text' (or 'html') string")
            records.append(dict(x))
        elif isinstance(x, str):
            if "\n" not in x and len(x) < 4096 and Path(x).exists():
                paths.append(x)
            elif "\n" not in x and " " not in x.strip() and ("/" in x or Path(x).suffix.lower() in _PATH_SUFFIXES):
                raise FileNotFoundError(f"no such file or folder: {x}")
            else:
                records.append({"text": x})
        else:
            raise TypeError(f"cannot analyse a {type(x).__name__}: give paths, texts or dicts")
    return paths, records


def analyze(inputs: Input | Iterable[Input], *, out: str | os.PathLike | None = None,
            db: str | os.PathLike | None = None, report: bool = False, spacy_model: str | None = None,
            registry: str | os.PathLike | None = None, config=None) -> AnalysisResult:
    """Analyse files, folders, texts or article dicts; return the analysis as dataclasses.

    inputs: a path (str or Path) to a file or folder, an article's text, a dict with ``text`` and
    optional ``title``, ``url``, ``outlet``, ``author``, ``published``, or a list of these.
    out: folder for analysis.json (and report.html when ``report``); default: nothing written
    except the database. db: the SQLite store (default ``out/storylens.sqlite``, or a temporary
    file that is deleted afterwards). An existing store is added to, as with the command line.
    """
    from .config import Config
    from .pipeline import ingest_and_store, reanalyze
    from .store import Store
    from .store.export import write_json

    config = config or Config()
    if spacy_model:
        config.spacy_model = spacy_model
    if registry:
        config.registry = str(registry)
    paths, records = _split_inputs(inputs)
    out_dir = Path(out) if out is not None else None
    with tempfile.TemporaryDirectory(prefix="storylens-") as tmp:
        if records:
            # In-memory articles go through the JSON Lines reader, so they are cleaned and keyed
            # exactly as a file of the same records would be.
            inbox = Path(tmp) / "articles.jsonl"
            inbox.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
            paths.append(str(inbox))
        keep_db = db is not None or out_dir is not None
        db_path = Path(db) if db is not None else (out_dir / "storylens.sqlite" if out_dir else Path(tmp) / "storylens.sqlite")
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
        store = Store(db_path)
        try:
            summary = ingest_and_store(paths, store, config)
            analysis = reanalyze(store, config)
            if out_dir is not None:
                write_json(analysis, out_dir / "analysis.json")
                if report:
                    from .publish.report import write_report

                    write_report(store, out_dir / "report.html")
        finally:
            store.close()
        return AnalysisResult(analysis=analysis, db=db_path if keep_db else None, out=out_dir,
                              skipped=list(summary.skipped))


def open_store(db: str | os.PathLike) -> AnalysisResult:
    """The analysis stored in a storylens database (opened read-only)."""
    from .store import Store
    from .store.check import database_problem

    problem = database_problem(db)
    if problem:
        raise ValueError(problem)
    store = Store(db, readonly=True)
    try:
        analysis = store.load_analysis()
    finally:
        store.close()
    return AnalysisResult(analysis=analysis, db=Path(db))

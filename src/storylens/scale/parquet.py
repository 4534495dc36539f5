"""Partitioned Parquet output of the per-article results: OUT/parquet/{articles,mentions,quotes,events}/part-*.parquet.

One part file per stored batch, written next to the SQLite transaction of that batch, so the
Parquet tables hold exactly the articles the store received. Columns follow the dataclasses in
model.py (lists become JSON strings); quotes and events carry *local* entity ids
("<article_id>:E<n>"), which the mentions table resolves to the name and type seen in that article.
Global actor ids exist only after the cross-article stages (analysis.json, the store).
"""
from __future__ import annotations

import json
import typing
from dataclasses import fields
from pathlib import Path
from typing import Iterable

from ..model import Article, Document, Event, Quote, to_dict

TABLES = ("articles", "mentions", "quotes", "events")
_SKIP = {"articles": {"raw"}}  # the raw text stays in the store; `removed` spans carry their own text


def _arrow_type(hint):
    import pyarrow as pa

    args = set(typing.get_args(hint)) - {type(None)} or {hint}
    if args <= {int}:
        return pa.int64()
    if args <= {float} or args <= {int, float}:
        return pa.float64()
    if args <= {bool}:
        return pa.bool_()
    return pa.string()


def _dataclass_schema(cls, skip=()):
    import pyarrow as pa

    hints = typing.get_type_hints(cls)
    return pa.schema([(f.name, _arrow_type(hints[f.name])) for f in fields(cls)
                      if not f.name.startswith("_") and f.name not in skip])


def schemas() -> dict:
    import pyarrow as pa

    mention = pa.schema([("article_id", pa.string()), ("entity_id", pa.string()), ("entity_name", pa.string()),
                         ("entity_type", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
                         ("text", pa.string()), ("kind", pa.string())])
    return {"articles": _dataclass_schema(Article, _SKIP["articles"]), "mentions": mention,
            "quotes": _dataclass_schema(Quote), "events": _dataclass_schema(Event)}


def _flat(obj, keep) -> dict:
    d = to_dict(obj)
    return {k: (json.dumps(d[k], ensure_ascii=False) if isinstance(d.get(k), (list, dict)) else d.get(k)) for k in keep}


def rows(docs: Iterable[Document], schema: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {t: [] for t in TABLES}
    cols = {t: schema[t].names for t in TABLES}
    for doc in docs:
        out["articles"].append(_flat(doc.article, cols["articles"]))
        for e in doc.entities:
            for m in e.mentions:
                out["mentions"].append({"article_id": m.article_id, "entity_id": e.id, "entity_name": e.name,
                                        "entity_type": e.type, "start": m.start, "end": m.end, "text": m.text,
                                        "kind": m.kind})
        out["quotes"].extend(_flat(q, cols["quotes"]) for q in doc.quotes)
        out["events"].extend(_flat(v, cols["events"]) for v in doc.events)
    return out


class ParquetWriter:
    """Writes each batch of documents as one part file per table (atomically: temp file, then rename)."""

    def __init__(self, root: str | Path, prefix: str = "part"):
        self.root = Path(root)
        self.prefix = prefix
        self.schema = schemas()
        self.seq = 0
        for t in TABLES:
            (self.root / t).mkdir(parents=True, exist_ok=True)

    def write(self, docs: list[Document]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not docs:
            return
        name = f"{self.prefix}-{self.seq:06d}.parquet"
        self.seq += 1
        for table, items in rows(docs, self.schema).items():
            path = self.root / table / name
            tmp = path.with_name("." + name + ".tmp")  # dataset readers ignore dot files
            pq.write_table(pa.Table.from_pylist(items, schema=self.schema[table]), str(tmp))
            tmp.replace(path)


class ParquetTee:
    """A Store stand-in: stores each batch, then writes the same batch as Parquet parts."""

    def __init__(self, store, writer: ParquetWriter):
        self._store = store
        self._writer = writer

    def add_documents(self, docs, run_id=None) -> int:
        docs = list(docs)
        n = self._store.add_documents(docs, run_id)
        self._writer.write(docs)
        return n

    def __getattr__(self, name):
        return getattr(self._store, name)


def read_table(root: str | Path, table: str):
    """The whole table as a pyarrow Table (all part files)."""
    import pyarrow.dataset as ds

    return ds.dataset(str(Path(root) / table), format="parquet", schema=schemas()[table]).to_table()

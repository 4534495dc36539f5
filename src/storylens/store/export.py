"""Exports: analysis.json (the export contract), and per-table CSV / Parquet."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from ..model import Analysis, to_dict


def analysis_dict(an: Analysis) -> dict:
    from ..schema import SCHEMA_VERSION

    d = {"schema_version": SCHEMA_VERSION, **to_dict(an)}
    for a in d["articles"]:
        a.pop("raw", None)  # removed spans carry their own text; the raw copy stays in the store
    return d


def write_json(an: Analysis, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        write_json_lines(analysis_dict(an), fh)
    tmp.replace(path)
    return path


def write_json_lines(d: dict, fh) -> None:
    """One JSON object, each top-level list item on a line of its own: readable and greppable, and written
    by the C encoder (an indented dump goes through the pure-Python one, which costs seconds per run
    on a store of a few hundred articles)."""
    fh.write("{")
    for k, (key, value) in enumerate(d.items()):
        fh.write(("," if k else "") + "\n" + json.dumps(key) + ": ")
        if isinstance(value, list):
            fh.write("[")
            for i, item in enumerate(value):
                fh.write(("," if i else "") + "\n" + json.dumps(item, ensure_ascii=False))
            fh.write("\n]" if value else "]")
        else:
            fh.write(json.dumps(value, ensure_ascii=False))
    fh.write("\n}\n")


def flat_rows(items) -> list[dict]:
    """One flat row per dataclass; lists and dicts become JSON strings."""
    return [_flatten(to_dict(it)) for it in items]


def _flatten(d: dict) -> dict:
    return {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v) for k, v in d.items()}


def write_csv(items, path: str | Path, fields: list[str] | None = None) -> Path:
    rows = flat_rows(items)
    path = Path(path)
    fields = fields or (list(rows[0]) if rows else [])
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def write_parquet(items, path: str | Path) -> Path:
    _write_rows(flat_rows(items), Path(path))
    return path


def write_parquet_tables(an: Analysis, folder: str | Path) -> Path:
    """One Parquet file per table of the analysis (the keys of analysis.json), nested values as JSON text."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, items in analysis_dict(an).items():
        if isinstance(items, list):
            _write_rows([_flatten(it) for it in items], folder / f"{name}.parquet")
    return folder


def _write_rows(rows: list[dict], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), str(path))

"""Exports: analysis.json (the export contract), and per-table CSV / Parquet."""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Iterable, Iterator

from ..model import Analysis, _public_fields, to_dict


def analysis_dict(an: Analysis) -> dict:
    """What analysis.json holds, as one dict (see :func:`_analysis_items`)."""
    return {k: list(v) if isinstance(v, _Items) else v for k, v in _analysis_items(an)}


def write_json(an: Analysis, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        write_json_lines(_analysis_items(an), fh)
    tmp.replace(path)
    return path


def _article_dict(a) -> dict:
    d = to_dict(a)
    d.pop("raw", None)  # removed spans carry their own text; the raw copy stays in the store
    return d


def _analysis_items(an: Analysis) -> Iterator[tuple[str, object]]:
    """What :func:`analysis_dict` holds, key by key, each list converted one item at a time as it is
    written: a store of many thousand articles holds hundreds of thousands of quotes and events, and a
    converted copy of all of them at once would double the memory of the run's last step."""
    from ..schema import SCHEMA_VERSION

    yield "schema_version", SCHEMA_VERSION
    for name in _public_fields(Analysis):
        value = getattr(an, name)
        if isinstance(value, list):
            conv = _article_dict if name == "articles" else to_dict
            yield name, _Items(conv(x) for x in value)
        else:
            yield name, to_dict(value)


class _Items:
    """A list written item by item (see :func:`write_json_lines`)."""

    def __init__(self, items: Iterable):
        self.items = items

    def __iter__(self):
        return iter(self.items)


def write_json_lines(d, fh) -> None:
    """One JSON object, each top-level list item on a line of its own: readable and greppable, and written
    by the C encoder (an indented dump goes through the pure-Python one, which costs seconds per run
    on a store of a few hundred articles). ``d`` is a dict or an iterable of (key, value) pairs."""
    fh.write("{")
    for k, (key, value) in enumerate(d.items() if isinstance(d, dict) else d):
        fh.write(("," if k else "") + "\n" + json.dumps(key) + ": ")
        if isinstance(value, (list, _Items)):
            fh.write("[")
            n = 0
            for item in value:
                fh.write(("," if n else "") + "\n" + json.dumps(item, ensure_ascii=False))
                n += 1
            fh.write("\n]" if n else "]")
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

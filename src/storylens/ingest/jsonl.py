"""JSON Lines (.jsonl, .ndjson) and JSON (.json): one article per line or per array element.

Each article object needs ``text`` or ``html`` (a few common synonyms are accepted) and may carry
``url``, ``title``, ``published``, ``outlet`` and ``author``. A malformed line is skipped with its
line number; the other lines are still read.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from ..model import RawItem, Skip
from .htmltext import extract_page, fragment_to_text
from .metadata import iso_date
from .source import BadInput, decode, iter_lines, looks_binary, open_binary, read_bytes

_TEXT = ("text", "body", "content", "articleBody", "maintext")
_HTML = ("html", "raw_html", "content_html")
_URL = ("url", "link", "source_url")
_TITLE = ("title", "headline")
_DATE = ("published", "date", "published_at", "datePublished", "date_publish", "pubDate")
_OUTLET = ("outlet", "source", "site", "sitename", "publisher", "source_domain")
_AUTHOR = ("author", "authors", "byline")


def _first(obj: dict, keys) -> Any:
    for k in keys:
        v = obj.get(k)
        if v not in (None, "", []):
            return v
    return None


def _as_str(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, list):
        v = ", ".join(str(x.get("name", x)) if isinstance(x, dict) else str(x) for x in v if x)
    elif isinstance(v, dict):
        v = v.get("name") or v.get("title") or json.dumps(v)
    v = str(v).strip()
    return v or None


def item_from_object(obj: Any, source_path: str, record: str) -> RawItem:
    if not isinstance(obj, dict):
        raise BadInput(f"{record}: expected a JSON object, got {type(obj).__name__}")
    text, html = _first(obj, _TEXT), _first(obj, _HTML)
    url = _as_str(_first(obj, _URL))
    meta = dict(url=url, title=_as_str(_first(obj, _TITLE)), author=_as_str(_first(obj, _AUTHOR)),
                published=iso_date(_as_str(_first(obj, _DATE))), outlet=_as_str(_first(obj, _OUTLET)))
    if isinstance(text, str) and text.strip():
        body = fragment_to_text(text) if _looks_html(text) else text
        return RawItem(source_path=source_path, kind="jsonl", text=body, html=html if isinstance(html, str) else None,
                       record=record, **meta)
    if isinstance(html, str) and html.strip():
        try:
            ex = extract_page(html, url=url)
        except BadInput as exc:
            raise BadInput(f"{record}: {exc}") from None
        for k, v in dict(url=ex.url, title=ex.title, author=ex.author, published=ex.published, outlet=ex.outlet).items():
            if not meta.get(k):
                meta[k] = v
        return RawItem(source_path=source_path, kind="jsonl", text=ex.text, html=html, record=record,
                       extractor=ex.extractor, **meta)
    for keys in (_TEXT, _HTML):
        k = next((k for k in keys if obj.get(k) not in (None, "", [])), None)
        if k is not None and not isinstance(obj[k], str):
            v = obj[k]
            kind = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(
                type(v), type(v).__name__)
            raise BadInput(f"{record}: the {k!r} field is {kind}, not text")
    if any(isinstance(obj.get(k), str) for k in (*_TEXT, *_HTML)):
        raise BadInput(f"{record}: the text field is blank")
    raise BadInput(f"{record}: no text or html field")


def _looks_html(s: str) -> bool:
    head = s[:2000].lower()
    return "<p" in head or "<div" in head or "<br" in head or "<script" in head


def read(path: Path, max_bytes: int = 50 * 1024 * 1024) -> Iterator[RawItem | Skip]:
    suffix = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    try:
        if suffix and suffix[-1] == ".json":
            yield from _read_json(path, max_bytes)
        else:
            yield from _read_lines(path, max_bytes)
    except BadInput as exc:
        yield Skip(str(path), str(exc))


def _read_json(path: Path, max_bytes: int) -> Iterator[RawItem | Skip]:
    text = decode(read_bytes(path, max_bytes))
    stripped = text.lstrip()
    if not stripped.startswith(("[", "{")):
        raise BadInput("malformed JSON: does not start with an object or array")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # A .json file may in fact hold JSON Lines.
        if "\n" in stripped and stripped.startswith("{"):
            yield from _read_lines(path, max_bytes)
            return
        raise BadInput(f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if isinstance(data, dict):
        items = next((data[k] for k in ("articles", "items", "data", "results") if isinstance(data.get(k), list)), [data])
    elif isinstance(data, list):
        items = data
    else:
        raise BadInput("malformed JSON: top level is neither an object nor an array")
    if not items:
        raise BadInput("empty JSON: no articles")
    for i, obj in enumerate(items, 1):
        try:
            yield item_from_object(obj, str(path), f"item {i}")
        except BadInput as exc:
            yield Skip(str(path), str(exc))


def _read_lines(path: Path, max_bytes: int) -> Iterator[RawItem | Skip]:
    with open_binary(path) as fh:
        if looks_binary(fh.read(8192)):
            raise BadInput("binary file (not text)")
    seen = 0
    for n, line in iter_lines(path, max_bytes):
        if line is None:
            yield Skip(str(path), f"line {n}: too large (over the {max_bytes // (1024 * 1024)} MB limit)")
            continue
        if not line.strip():
            continue
        seen += 1
        try:
            s = decode(line)
            try:
                obj = json.loads(s)
            except json.JSONDecodeError as exc:
                raise BadInput(f"line {n}: malformed JSON ({exc.msg})") from None
            yield item_from_object(obj, str(path), f"line {n}")
        except BadInput as exc:
            msg = str(exc)
            yield Skip(str(path), msg if msg.startswith("line ") else f"line {n}: {msg}")
    if not seen:
        yield Skip(str(path), "empty file")

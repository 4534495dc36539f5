"""Per-document views shared by the comparison stages: outlet, sentences with their actors, quotes.

The compare stage runs on documents loaded back from the store, which carry no spaCy parse;
:class:`Parser` re-parses only the sentences a stage actually needs, once per run.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..model import Actor, Document, Sentence
from ..outlets import outlet_name

QUOTE_PAIRS = [("\u201c", "\u201d"), ('"', '"'), ("\u2018", "\u2019"), ("\u00ab", "\u00bb")]
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")


def outlet_of(article) -> str:
    """The outlet name (one rule for every stage and page: :func:`storylens.outlets.outlet_name`)."""
    return outlet_name(article)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of quoted material (inside the marks) in a piece of text."""
    spans = []
    for left, right in QUOTE_PAIRS:
        if left == right:
            pat = re.compile(re.escape(left) + r"([^" + re.escape(left) + r"\n]{1,600})" + re.escape(right))
        else:
            pat = re.compile(re.escape(left) + r"([^" + re.escape(right) + r"\n]{1,600})" + re.escape(right))
        for m in pat.finditer(text):
            # A closing single quote doubles as an apostrophe; skip spans that look like "Russia's ... Ukraine's".
            if left == "\u2018" and " " not in m.group(1).strip() and len(m.group(1)) > 25:
                continue
            spans.append((m.start(1), m.end(1)))
    return sorted(spans)


def _surname(name: str) -> str:
    toks = [t for t in re.split(r"[\s\-]+", name.lower()) if t]
    return toks[-1] if toks else ""


def actor_groups(actors: Sequence[Actor]) -> dict[str, str]:
    """Map actor id → representative id, merging transliteration variants of one person's name.

    The link stage owns canonical identity; this only folds together PERSON actors whose
    surnames differ by a letter or two (Zelensky / Zelenskiy) and whose given names, when
    both present, do not clash, so that framing and claims see one actor.
    """
    people = [a for a in actors if a.type == "PERSON"]
    rep: dict[str, str] = {a.id: a.id for a in actors}
    weight = {a.id: len(a.mentions) for a in actors}
    order = sorted(people, key=lambda a: (-weight[a.id], a.id))
    for i, a in enumerate(order):
        if rep[a.id] != a.id:
            continue
        sa = _surname(a.name)
        if len(sa) < 4:
            continue
        for b in order[i + 1:]:
            if rep[b.id] != b.id:
                continue
            sb = _surname(b.name)
            if len(sb) < 4 or sa[0] != sb[0]:
                continue
            if difflib.SequenceMatcher(None, sa, sb).ratio() < 0.87:
                continue
            ga, gb = a.name.split()[:-1], b.name.split()[:-1]
            if ga and gb and ga[0][0].lower() != gb[0][0].lower():
                continue
            rep[b.id] = a.id
    return rep


@dataclass
class DocView:
    doc: Document
    outlet: str
    mentions: list[tuple[int, int, str]]            # (start, end, actor id) sorted by start
    quotes: list[tuple[int, int, str | None]]       # (start, end, speaker actor id) of quoted text
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.doc.article.id

    @property
    def text(self) -> str:
        return self.doc.article.text

    def actors_in(self, start: int, end: int) -> list[str]:
        seen: list[str] = []
        for s, e, a in self.mentions:
            if s >= end:
                break
            if e > start and a not in seen:
                seen.append(a)
        return seen

    def actor_at(self, start: int, end: int) -> str | None:
        for s, e, a in self.mentions:
            if s >= end:
                break
            if e > start:
                return a
        return None

    def quote_at(self, start: int, end: int) -> tuple[int, int, str | None] | None:
        for q in self.quotes:
            if q[0] <= start and end <= q[1]:
                return q
        return None


def build_views(documents: Sequence[Document], rep: dict[str, str]) -> dict[str, DocView]:
    views = {}
    for d in documents:
        a = d.article
        mentions = []
        for ent in d.entities:
            if not ent.actor_id:
                continue
            aid = rep.get(ent.actor_id, ent.actor_id)
            for m in ent.mentions:
                if 0 <= m.start < m.end <= len(a.text):
                    mentions.append((m.start, m.end, aid))
        mentions.sort()
        quotes: list[tuple[int, int, str | None]] = []
        for q in d.quotes:
            if q.kind in ("direct", "partial", "scare") and 0 <= q.start < q.end <= len(a.text):
                quotes.append((q.start, q.end, rep.get(q.speaker, q.speaker) if q.speaker else None))
        # Quotation marks in the text count as quoted material even when the quote stage did not
        # pick them up (scare quotes, fragments); the speaker then stays unknown.
        for s, e in quoted_spans(a.text):
            if not any(qs <= s and e <= qe for qs, qe, _ in quotes):
                quotes.append((s, e, None))
        quotes.sort()
        sentences = _split_lines(d.sentences or _fallback_sentences(a.text), a.text)
        views[a.id] = DocView(d, outlet_of(a), mentions, quotes, sentences)
    return views


def _split_lines(sentences: list[Sentence], text: str) -> list[Sentence]:
    """Headings, captions and list items glued to a sentence across a line break become their own units."""
    out = []
    for s in sentences:
        if "\n" not in s.text:
            out.append(s)
            continue
        pos = s.start
        for part in re.split(r"(\n+)", text[s.start:s.end]):
            if part.strip() and "\n" not in part:
                lead = len(part) - len(part.lstrip())
                st = pos + lead
                en = pos + len(part.rstrip())
                out.append(Sentence(st, en, text[st:en]))
            pos += len(part)
    return out


_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u201c\"])|\n+")


def _fallback_sentences(text: str) -> list[Sentence]:
    out, pos = [], 0
    for m in _SENT_END.finditer(text):
        chunk = text[pos:m.start()]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append(Sentence(pos + lead, pos + len(chunk.rstrip()), chunk.strip()))
        pos = m.end()
    if text[pos:].strip():
        chunk = text[pos:]
        lead = len(chunk) - len(chunk.lstrip())
        out.append(Sentence(pos + lead, pos + len(chunk.rstrip()), chunk.strip()))
    return out


class Parser:
    """spaCy parses of single sentences, made on demand. With a ``cache`` (the store's ParseCache) a
    sentence parsed in an earlier run, or by the per-article stages, is read back instead of parsed
    again, and what this run parses is kept for the next.

    With a cache, at most ``keep`` parses are held in memory (the most recently used): a stage that
    announces the sentences of a whole store (:meth:`parse_many`) would otherwise hold a parse of
    each of them at once, and its memory would grow with the store. Announced sentences are parsed
    (those the store lacks) and written to the store at once, then read back in runs of ``READ``, in
    the order they were announced, as they are asked for. Without a cache every parse is kept."""

    KEEP = 4096
    READ = 256

    def __init__(self, model: str | None, cache=None, keep: int | None = None):
        self.model = model
        self.cache = cache
        self.keep = self.KEEP if keep is None else keep
        self._nlp = None
        self._cache: dict[str, object] = {}
        self._order: list[str] = []          # announced, held in the store, read back when asked for
        self._index: dict[str, int] = {}

    @property
    def nlp(self):
        if self._nlp is None:
            from ..annotate.nlp import load_nlp

            self._nlp = load_nlp(self.model) if self.model else load_nlp()
        return self._nlp

    def _hold(self, text: str, sdoc) -> None:
        self._cache[text] = sdoc
        if self.cache is not None:
            while len(self._cache) > self.keep:
                del self._cache[next(iter(self._cache))]

    def parse_many(self, texts: Iterable[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if self.cache is not None and len(todo) > self.keep:
            self._announce(todo)
            return
        if todo and self.cache is not None:
            from ..text.parses import unpack_doc

            for t, data in self.cache.get_many(todo).items():
                self._hold(t, unpack_doc(data))
            todo = [t for t in todo if t not in self._cache]
        if todo:
            fresh = {}
            for t, sdoc in zip(todo, self.nlp.pipe(todo, batch_size=64)):
                self._hold(t, sdoc)
                fresh[t] = sdoc
            if self.cache is not None:
                from ..text.parses import pack_doc

                self.cache.put_many({t: pack_doc(d) for t, d in fresh.items()})

    def _announce(self, todo: list[str]) -> None:
        """Parse what the store lacks and write it there; hold nothing (see the class)."""
        from ..text.parses import pack_doc

        have = self.cache.have_many(todo)
        missing = [t for t in todo if t not in have]
        fresh: dict[str, bytes] = {}
        for t, sdoc in zip(missing, self.nlp.pipe(missing, batch_size=64)):
            fresh[t] = pack_doc(sdoc)
            if len(fresh) >= self.READ:
                self.cache.put_many(fresh)
                fresh = {}
        self.cache.put_many(fresh)
        for t in todo:
            if t not in self._index:
                self._index[t] = len(self._order)
                self._order.append(t)

    def _read_from(self, i: int) -> None:
        from ..text.parses import unpack_doc

        run = [t for t in self._order[i:i + self.READ] if t not in self._cache]
        for t, data in self.cache.get_many(run).items():
            self._hold(t, unpack_doc(data))

    def __call__(self, text: str):
        sdoc = self._cache.pop(text, None)
        if sdoc is None and text in self._index:
            self._read_from(self._index[text])
            sdoc = self._cache.pop(text, None)
        if sdoc is None:
            self.parse_many([text])
            sdoc = self._cache.pop(text)
        self._cache[text] = sdoc     # most recently used last; the oldest go first
        return sdoc

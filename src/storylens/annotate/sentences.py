"""Sentence boundaries that respect quotation marks.

The parser often ends a sentence at a full stop inside a quotation (“We are ready. Moscow is
not,” Reiss said.) and starts the next one mid-quote, which puts a fragment such as
`Moscow is not,” Reiss said.` in summaries and claims. Boundaries that fall strictly inside a
quotation are removed here: a sentence never starts inside one.
"""
from __future__ import annotations

from ..model import Sentence
from .quote_marks import Ranges, find_mark_spans


def merge_quoted(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Join (start, end) sentence spans whose boundary lies inside a quotation (linear time)."""
    inner = Ranges((m.open + 1, m.close) for m in find_mark_spans(text) if not m.single)
    out: list[list[int]] = []
    for s, e in spans:
        if out and inner.contains(s) and "\n" not in text[out[-1][1]:s]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def quote_aware_sentences(sdoc) -> list[Sentence]:
    """The document's sentences from the parser, with no sentence starting inside a quotation."""
    text = sdoc.text
    spans = merge_quoted([(s.start_char, s.end_char) for s in sdoc.sents], text)
    return [Sentence(s, e, text[s:e]) for s, e in spans]

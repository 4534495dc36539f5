"""Is a piece of text news at all? Too short, mis-decoded or entity-encoded text is not stored.

The bar is deliberately low: one sentence of a few words is news (a wire alert, an event-coding
record). What is refused is what no reader could take for an article: a lone word or two, text
whose characters are mostly replacement marks or mojibake, and text that is mostly HTML entity
codes or a blob without word structure.
"""
from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
# UTF-8 read as cp1252/latin-1: "Ã©", "â€™", "Â " ... A lead byte rendered as one of these letters
# followed by a continuation byte rendered as punctuation or a symbol.
_MOJIBAKE = re.compile("[ÃÂâÅÐÑØÙ][\u0080-\u00bf\u2018-\u201e\u2020-\u2026\u2030\u2039\u203a\u20ac\u2122\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]")
_END = (".", "!", "?", "…", "\"", "”", "’", "»", ")", "。", "！", "？")
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")  # scripts written without spaces

# Fewest words for news: a sentence of three words ("Markets closed early.") or a headline-like
# line of six; below that, a line is a label, a button or a name.
MIN_WORDS_SENTENCE = 3
MIN_WORDS = 6
# Share of characters that are broken (replacement marks, C1 controls, mojibake pairs) above which the
# text is garbled.
MAX_BROKEN = 0.05
# Share of non-space characters inside HTML entity codes above which the text is entity-encoded.
MAX_ENTITY = 0.3


def not_news(text: str | None) -> str | None:
    """Why the text cannot be an article (one line), or None when it can."""
    s = (text or "").strip()
    if not s:
        return "no text"
    sample = s[:50000]
    nonspace = sum(1 for ch in sample if not ch.isspace()) or 1
    ent = sum(len(m.group(0)) for m in _ENTITY.finditer(sample))
    if ent / nonspace > MAX_ENTITY:
        return "garbled: mostly unexpanded HTML entity codes (&#...; / &name;)"
    broken = sum(1 for ch in sample if ch == "\ufffd" or 0x80 <= ord(ch) < 0xA0 or
                 (ord(ch) < 32 and ch not in "\t\n\r\f"))
    broken += 2 * len(_MOJIBAKE.findall(sample))
    if broken / nonspace > MAX_BROKEN:
        return "garbled: mostly undecodable or mis-decoded characters"
    wide = len(_WIDE.findall(sample))
    words = _WORD.findall(sample)
    if wide < 0.3 * nonspace:
        n = len(words)
        if n < MIN_WORDS_SENTENCE or (n < MIN_WORDS and not s.endswith(_END)):
            return f"too short to be news ({n} word{'s' if n != 1 else ''})"
        letters = sum(len(w) for w in words)
        if letters < 0.4 * nonspace:
            return "garbled: mostly symbols and digits, not words"
        if len(sample) > 200 and sum(ch.isspace() for ch in sample) / len(sample) < 0.03:
            return "garbled: no word structure (no spaces between words)"
    elif wide < 4:
        return f"too short to be news ({wide} characters)"
    return None

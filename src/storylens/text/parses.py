"""Compact, model-free copies of spaCy parses, so a sentence parsed once is never parsed again.

The cross-article stages (claims, framing, positions) read the parse of single sentences. A parse is
kept as the token strings and the annotations the stages read (tag, POS, morphology, lemma, head,
dependency label, entity IOB) and rebuilt as a ``spacy.tokens.Doc`` over an English vocabulary, which
needs no model: reading a stored parse costs a small fraction of parsing the sentence again.
"""
from __future__ import annotations

import json
import zlib
from functools import lru_cache


def pack_doc(doc) -> bytes:
    """A spaCy Doc (or Span) → bytes that :func:`unpack_doc` turns back into an equal Doc."""
    toks = list(doc)
    first = toks[0].i if toks else 0
    rows = [[t.text for t in toks],
            [bool(t.whitespace_) for t in toks],
            [t.tag_ for t in toks],
            [t.pos_ for t in toks],
            [str(t.morph) for t in toks],
            [t.lemma_ for t in toks],
            # a head outside a span (a sentence cut from its article) makes the token a root of the span
            [(t.head.i - first) if first <= t.head.i < first + len(toks) else (t.i - first) for t in toks],
            [t.dep_ if first <= t.head.i < first + len(toks) else "ROOT" for t in toks],
            [(t.ent_iob_ + "-" + t.ent_type_) if t.ent_iob_ in ("B", "I") else "O" for t in toks]]
    if toks and hasattr(doc, "doc"):
        rows[1][-1] = False     # a span's last token: its trailing space belongs to the article, not the sentence
        if rows[8][0].startswith("I-"):
            rows[8][0] = "B-" + rows[8][0][2:]   # a name that began before the span begins with it
    return zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


@lru_cache(maxsize=1)
def english_vocab():
    import spacy

    # a blank English pipeline's vocabulary gives the lexical attributes (lower_, is_punct, like_num)
    return spacy.blank("en").vocab


def unpack_doc(data: bytes, vocab=None):
    from spacy.tokens import Doc

    words, spaces, tags, pos, morphs, lemmas, heads, deps, ents = json.loads(zlib.decompress(data))
    if not words:
        return Doc(vocab or english_vocab(), words=[])
    return Doc(vocab or english_vocab(), words=words, spaces=spaces, tags=tags, pos=pos, morphs=morphs,
               lemmas=lemmas, heads=heads, deps=deps, ents=ents)

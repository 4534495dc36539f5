"""How related a block is to the article's main body: TF-IDF cosine to the body centroid.

The centroid is built from the long, sentence-like blocks of the body (callers pass the blocks
before a suspected trailing section, so that other stories cannot pull it their way). IDF is
computed over the article's own blocks, which down-weights words every block shares.
"""
from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

from .blocks import Block, words


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS   # spaCy is a dependency; only its word list is read

    return frozenset(STOP_WORDS)


def terms(text: str) -> list[str]:
    stop = _stop()
    out = []
    for w in words(text):
        lw = w.lower().replace("’", "'")
        if lw.endswith("'s"):
            lw = lw[:-2]
        if len(lw) < 3 or lw in stop or lw.isdigit():
            continue
        out.append(_stem(lw))
    return out


_SUFFIXES = ("ings", "ing", "edly", "ed", "es", "s", "ly")


def _stem(w: str) -> str:
    """A light suffix stripper, enough to match "meeting"/"meetings", "continue"/"continuing"."""
    if w.endswith("ss"):
        return w
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            w = w[:-len(suf)]
            break
    return w[:-1] if len(w) > 4 and w.endswith("e") else w


def _vec(tf: Counter, idf: dict[str, float]) -> dict[str, float]:
    v = {t: (1 + math.log(c)) * idf.get(t, 1.0) for t, c in tf.items()}
    n = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {t: x / n for t, x in v.items()}


def core_blocks(candidates: list[Block]) -> list[Block]:
    """The story's body: its long, sentence-like blocks."""
    return [b for b in candidates if b.n_words >= 20] or [b for b in candidates if b.n_words >= 8] or candidates


def relatedness(blocks: list[Block], candidates: list[Block], core: list[Block] | None = None) -> dict[int, float]:
    return {i: (c + s) / 2 for i, (c, s) in relatedness_parts(blocks, candidates, core).items()}


def relatedness_parts(blocks: list[Block], candidates: list[Block],
                      core: list[Block] | None = None) -> dict[int, tuple[float, float]]:
    """Block index → relatedness to the core blocks (excluding itself): the mean of the TF-IDF
    cosine to their centroid and the IDF-weighted share of the block's terms the core also uses
    (the share is what keeps short blocks, such as a one-sentence quote, from scoring at random)."""
    tfs = {b.index: Counter(terms(b.text)) for b in blocks}
    df: Counter = Counter()
    for tf in tfs.values():
        df.update(tf.keys())
    n = len(blocks)
    idf = {t: math.log((n + 1) / (d + 1)) + 1.0 for t, d in df.items()}
    pool = core if core is not None else candidates
    core = core_blocks(pool)
    core_ids = {b.index for b in core}
    pool_ids = {b.index for b in pool}
    total, vocab = Counter(), Counter()
    for b in core:
        total.update(tfs[b.index])
    for b in pool:
        vocab.update(tfs[b.index])
    # The centroid without the block itself is the full centroid minus the block's own counts;
    # only the block's terms change, so the norm is corrected term by term instead of rebuilt.
    def w(t: str, c: int) -> float:
        return (1 + math.log(c)) * idf[t] if c > 0 else 0.0

    full = {t: w(t, c) for t, c in total.items()}
    full_sq = sum(x * x for x in full.values())
    out = {}
    for b in blocks:
        tf = tfs[b.index]
        if not tf:
            out[b.index] = (0.0, 0.0)
            continue
        own_core = b.index in core_ids
        sq, dot = full_sq, 0.0
        bv = _vec(tf, idf)
        for t, x in bv.items():
            c = total.get(t, 0) - (tf[t] if own_core else 0)
            if own_core and total.get(t, 0):
                sq += w(t, c) ** 2 - full[t] ** 2
            dot += x * w(t, c)
        cos = dot / math.sqrt(sq) if sq > 1e-12 else 0.0
        wsum = sum(idf[t] for t in tf)
        own_pool = b.index in pool_ids
        share = sum(idf[t] for t in tf if vocab.get(t, 0) - (tf[t] if own_pool else 0) > 0) / wsum
        out[b.index] = (cos, share)
    return out

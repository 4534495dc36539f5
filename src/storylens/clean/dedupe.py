"""Near-duplicate articles with MinHash LSH over word shingles.

Two articles are near-duplicates when their word 3-gram sets are similar (estimated Jaccard at or
above the threshold) or when one is almost entirely contained in the other (a wire story
republished with a paragraph cut or added). 3-grams rather than longer shingles keep a copy with
a few words changed here and there above the threshold.
"""
from __future__ import annotations

import re

from datasketch import MinHash, MinHashLSH

_WORD = re.compile(r"\w+")
SHINGLE = 3
# Share of the shorter article's shingles found in the longer one that makes it a copy.
CONTAINMENT = 0.9


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


class Deduper:
    """Remembers articles seen so far; `check` says which earlier article a new one duplicates."""

    def __init__(self, threshold: float = 0.8, num_perm: int = 128):
        self.num_perm = num_perm
        self.threshold = threshold
        # Candidates come from a looser LSH band so that contained copies (lower Jaccard) are found too.
        self.lsh = MinHashLSH(threshold=min(threshold, 0.5), num_perm=num_perm)
        self._hashes: dict[str, MinHash] = {}
        self._sizes: dict[str, int] = {}

    def _minhash(self, sh: set[str]) -> MinHash:
        m = MinHash(num_perm=self.num_perm)
        m.update_batch([s.encode("utf-8") for s in sh])
        return m

    def add(self, article_id: str, text: str) -> None:
        if article_id in self._hashes:
            return
        sh = shingles(text)
        m = self._minhash(sh)
        self._hashes[article_id] = m
        self._sizes[article_id] = len(sh)
        self.lsh.insert(article_id, m)

    def check(self, text: str) -> str | None:
        """Id of the most similar earlier article that this text duplicates, or None."""
        sh = shingles(text)
        if not sh:
            return None
        m = self._minhash(sh)
        best, best_j = None, 0.0
        for cand in self.lsh.query(m):
            j = m.jaccard(self._hashes[cand])
            a, b = len(sh), self._sizes[cand]
            inter = j / (1 + j) * (a + b)  # |A ∩ B| from the Jaccard estimate and the set sizes
            contained = inter / max(1, min(a, b))
            if j < self.threshold and contained < CONTAINMENT:
                continue
            if j > best_j or (j == best_j and cand < (best or cand)):
                best, best_j = cand, j
        return best

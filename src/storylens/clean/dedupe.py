"""Near-duplicate articles with MinHash LSH over word shingles."""
from __future__ import annotations

import re

from datasketch import MinHash, MinHashLSH

_WORD = re.compile(r"\w+")


def shingles(text: str, k: int = 5) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


class Deduper:
    """Remembers articles seen so far; `check` says which earlier article a new one duplicates."""

    def __init__(self, threshold: float = 0.8, num_perm: int = 128):
        self.num_perm = num_perm
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.threshold = threshold
        self._hashes: dict[str, MinHash] = {}

    def _minhash(self, text: str) -> MinHash:
        m = MinHash(num_perm=self.num_perm)
        for s in shingles(text):
            m.update(s.encode("utf-8"))
        return m

    def add(self, article_id: str, text: str) -> None:
        if article_id in self._hashes:
            return
        m = self._minhash(text)
        self._hashes[article_id] = m
        self.lsh.insert(article_id, m)

    def check(self, text: str) -> str | None:
        """Id of the most similar earlier article above the threshold, or None."""
        m = self._minhash(text)
        best, best_j = None, 0.0
        for cand in self.lsh.query(m):
            j = m.jaccard(self._hashes[cand])
            if j >= self.threshold and (j > best_j or (j == best_j and cand < (best or cand))):
                best, best_j = cand, j
        return best

"""Near-duplicate articles with MinHash LSH over word shingles.

Two articles are near-duplicates when their word 3-gram sets are similar (estimated Jaccard at or
above the threshold) or when one is almost entirely contained in the other (a wire story
republished with a paragraph cut or added). 3-grams rather than longer shingles keep a copy with
a few words changed here and there above the threshold.

The index lives in the store when there is one (LSH bands as rows, signatures as blobs): a run
reads only the candidate rows of the articles it checks, so memory and start-up time do not grow
with the store. Articles stored before the index existed (or while a run was killed between storing
a batch and indexing it) are indexed on the next start.
"""
from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import MinHash

_WORD = re.compile(r"\w+")
SHINGLE = 3
# Share of the shorter article's shingles found in the longer one that makes it a copy.
CONTAINMENT = 0.9
# Items shorter than this many shingles (a sentence or two: wire alerts, event-data records) are
# only ever exact duplicates: a MinHash estimate over a few dozen shingles is noisy, and two short
# items that share most words can still report different events ("... met Kozyrev on Tuesday" /
# "... met Kozyrev on Friday"). Nor is a long article the copy of a short item it happens to quote.
MIN_SHINGLES = 40


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) chosen as datasketch's MinHashLSH chooses them (equal FP/FN weights)."""
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, 0.5, 0.5)


def band_keys(hashvalues: np.ndarray, b: int, r: int) -> list[tuple[int, int]]:
    out = []
    for i in range(b):
        digest = hashlib.blake2b(hashvalues[i * r:(i + 1) * r].astype("<u8").tobytes(), digest_size=8).digest()
        out.append((i, int.from_bytes(digest, "little", signed=True)))
    return out


class Deduper:
    """Remembers articles seen so far; `check` says which earlier article a new one duplicates.

    With ``store`` the index is the store's (read lazily, written by :meth:`flush`); without, it is in memory.
    """

    def __init__(self, threshold: float = 0.8, num_perm: int = 128, store=None):
        self.num_perm = num_perm
        self.threshold = threshold
        # Candidates come from a looser LSH band so that contained copies (lower Jaccard) are found too.
        self.b, self.r = _bands(min(threshold, 0.5), num_perm)
        self.store = store if store is not None and hasattr(store, "lsh_candidates") else None
        # added in this run (and not yet written to the store): id -> (signature, size, band keys)
        self._mem: dict[str, tuple[np.ndarray, int, list]] = {}
        self._mem_bands: dict[tuple[int, int], list[str]] = {}
        self._unflushed: list[str] = []
        if self.store is not None:
            self.store.lsh_backfill(self._signature_of)

    def _signature(self, sh: set[str]) -> np.ndarray:
        m = MinHash(num_perm=self.num_perm)
        m.update_batch([s.encode("utf-8") for s in sh])
        return m.hashvalues.astype(np.uint64)

    def _signature_of(self, text: str) -> tuple[np.ndarray, int, list]:
        sh = shingles(text)
        sig = self._signature(sh)
        return sig, len(sh), band_keys(sig, self.b, self.r)

    def add(self, article_id: str, text: str) -> None:
        if article_id in self._mem or (self.store is not None and self.store.lsh_has(article_id)):
            return
        sig, size, keys = self._signature_of(text)
        self._mem[article_id] = (sig, size, keys)
        for k in keys:
            self._mem_bands.setdefault(k, []).append(article_id)
        self._unflushed.append(article_id)

    def remove(self, article_id: str) -> None:
        """Forget an article (a superseded version): later articles are no longer compared with it."""
        item = self._mem.pop(article_id, None)
        if item is not None:
            for k in item[2]:
                ids = self._mem_bands.get(k, [])
                if article_id in ids:
                    ids.remove(article_id)
        if article_id in self._unflushed:
            self._unflushed.remove(article_id)
        if self.store is not None:
            self.store.lsh_remove(article_id)

    def flush(self, stored: set[str] | None = None) -> None:
        """Write the articles added since the last flush to the store's index, once they are stored
        (``stored``: their ids; None: all). Articles still being analysed stay in memory until then."""
        if self.store is None:
            return
        done = [aid for aid in self._unflushed if stored is None or aid in stored]
        if not done:
            return
        self.store.lsh_add([(aid, *self._mem[aid]) for aid in done])
        # from now on the store answers for them: memory stays flat however long the run
        gone = set(done)
        self._unflushed = [aid for aid in self._unflushed if aid not in gone]
        for aid in done:
            for k in self._mem.pop(aid)[2]:
                ids = self._mem_bands.get(k)
                if ids and aid in ids:
                    ids.remove(aid)
                    if not ids:
                        del self._mem_bands[k]

    def _candidates(self, keys: list) -> dict[str, tuple[np.ndarray, int]]:
        found: dict[str, tuple[np.ndarray, int]] = {}
        for k in keys:
            for aid in self._mem_bands.get(k, ()):
                found[aid] = self._mem[aid][:2]
        if self.store is not None:
            for aid, sig, size in self.store.lsh_candidates(keys):
                found.setdefault(aid, (sig, size))
        return found

    def check(self, text: str, exclude: set[str] | frozenset = frozenset()) -> str | None:
        """Id of the most similar earlier article that this text duplicates, or None."""
        sh = shingles(text)
        if len(sh) < MIN_SHINGLES:
            return None
        sig = self._signature(sh)
        best, best_j = None, 0.0
        for cand, (csig, csize) in sorted(self._candidates(band_keys(sig, self.b, self.r)).items()):
            if cand in exclude:
                continue
            j = float(np.count_nonzero(sig == csig)) / self.num_perm
            a, b = len(sh), csize
            if b < MIN_SHINGLES:
                continue
            inter = j / (1 + j) * (a + b)  # |A ∩ B| from the Jaccard estimate and the set sizes
            contained = inter / max(1, min(a, b))
            if j < self.threshold and contained < CONTAINMENT:
                continue
            if j > best_j or (j == best_j and cand < (best or cand)):
                best, best_j = cand, j
        return best

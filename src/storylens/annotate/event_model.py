"""Sentence-level CAMEO class prior for the event stage (a small learned model, no network, no GPU).

A TF-IDF (word uni/bigrams) + logistic-regression classifier over the CAMEO PentaClass
(0 statement / no material event, 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
4 material conflict), trained by scripts/train_event_model.py on the ConfliBERT CAMEO sentences and stored as
plain arrays in data/events/penta_model.npz. The dictionary coder decides the event type; this model only
vetoes a dictionary event whose class the sentence as a whole clearly does not support ("campaigned on a
promise" read as a military campaign). One call scores all of a document's candidate sentences.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL = Path(__file__).resolve().parents[1] / "data" / "events" / "penta_model.npz"
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern, so training and use agree

# PLOVER type -> CAMEO PentaClass, by the CAMEO root the type's codes fall under
TYPE_CLASS = {"AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "COOPERATE": 2, "AID": 2, "CONCEDE": 2, "RETREAT": 2,
              "INVESTIGATE": 2, "DEMAND": 3, "DISAPPROVE": 3, "REJECT": 3, "THREATEN": 3, "PROTEST": 3,
              "MOBILIZE": 4, "SANCTION": 4, "COERCE": 4, "ASSAULT": 4, "FIGHT": 4}


def cameo_class(cameo: str | None, etype: str | None = None) -> int:
    """PentaClass of a CAMEO code (01-02 -> 0, 03-05 -> 1, 06-09 -> 2, 10-14 -> 3, 15-20 -> 4)."""
    if cameo and cameo[:2].isdigit():
        root = int(cameo[:2])
        return 0 if root <= 2 else 1 if root <= 5 else 2 if root <= 9 else 3 if root <= 14 else 4
    return TYPE_CLASS.get(etype or "", 0)


def analyze(text: str) -> list[str]:
    words = _TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


class PentaModel:
    def __init__(self, vocab: list[str], idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray):
        self.index = {w: i for i, w in enumerate(vocab)}
        self.idf = idf.astype(np.float64)
        self.coef = coef.astype(np.float64)
        self.intercept = intercept.astype(np.float64)

    def proba(self, texts: list[str]) -> np.ndarray:
        """Class probabilities, one row per text (all texts in one matrix product)."""
        x = np.zeros((len(texts), len(self.idf)))
        for r, t in enumerate(texts):
            counts: dict[int, int] = {}
            for g in analyze(t):
                j = self.index.get(g)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            for j, c in counts.items():
                x[r, j] = (1.0 + math.log(c)) * self.idf[j]
            n = np.linalg.norm(x[r])
            if n > 0:
                x[r] /= n
        z = x @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: Path, note: str = "") -> None:
        vocab = sorted(self.index, key=self.index.get)
        np.savez_compressed(path, vocab=np.array(vocab), idf=self.idf.astype(np.float32),
                            coef=self.coef.astype(np.float32), intercept=self.intercept.astype(np.float32),
                            note=np.array(note))


def load(path: Path = MODEL) -> PentaModel | None:
    if not path.exists():
        return None
    z = np.load(path, allow_pickle=False)
    return PentaModel([str(w) for w in z["vocab"]], z["idf"], z["coef"], z["intercept"])


@lru_cache(maxsize=1)
def model() -> PentaModel | None:
    """The shipped model, or None when the data file is absent (the coder then runs dictionary-only)."""
    return load()

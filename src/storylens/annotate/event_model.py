"""The event stage's learned decision: which sentences hold an event, of which class and type.

Two multinomial logistic-regression heads over one feature vector per sentence, the MiniLM sentence
embedding (storylens/embeddings.py, the packaged int8 ONNX all-MiniLM-L6-v2) joined with TF-IDF word
uni/bigrams:
- the class head gives the CAMEO PentaClass (0 statement / no event, 1 verbal cooperation, 2 material
  cooperation, 3 verbal conflict, 4 material conflict);
- the type head gives the PLOVER event type.
Trained by scripts/train_event_model.py on ../shared/data (ConfliBERT CAMEO sentences, the tune part of
the PLOVER gold records, PETRARCH2's unit-test sentences) and stored as plain arrays (no pickle) in
data/events/event_model.npz, together with the decision thresholds the script tuned (see `Params`).
The dictionary coder proposes candidates (trigger, CAMEO code, actors); events.py uses these
probabilities to keep, re-type or drop them, and to add an event the dictionary missed.
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL = Path(__file__).resolve().parents[1] / "data" / "events" / "event_model.npz"
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern, so training and use agree

# PLOVER type -> CAMEO PentaClass, by the CAMEO root the type's codes fall under
TYPE_CLASS = {"AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "COOPERATE": 2, "AID": 2, "CONCEDE": 2, "RETREAT": 2,
              "INVESTIGATE": 3, "DEMAND": 3, "DISAPPROVE": 3, "REJECT": 3, "THREATEN": 3, "PROTEST": 4,
              "MOBILIZE": 4, "SANCTION": 3, "COERCE": 4, "ASSAULT": 4, "FIGHT": 4}
# the CAMEO code an event gets when the model, not a dictionary pattern, chose its type
TYPE_CODE = {"AGREE": "030", "CONSULT": "040", "SUPPORT": "050", "COOPERATE": "060", "AID": "070",
             "CONCEDE": "080", "RETREAT": "087", "INVESTIGATE": "090", "DEMAND": "100", "DISAPPROVE": "110",
             "REJECT": "120", "THREATEN": "130", "PROTEST": "140", "MOBILIZE": "150", "SANCTION": "160",
             "COERCE": "170", "ASSAULT": "180", "FIGHT": "190"}


def cameo_class(cameo: str | None, etype: str | None = None) -> int:
    """PentaClass of a CAMEO code (01-02 -> 0, 03-05 -> 1, 06-08 -> 2, 09-13 and 16 -> 3, other 14-20 -> 4), the Phoenix /
    GDELT quad classes with statements apart: investigating is verbal conflict and protest material
    conflict, as the ConfliBERT annotators label them too ("investigat..." sentences: 21 of 29 in
    class 3; protests and demonstrations: mostly class 4), and reducing relations (CAMEO 16: sanctions,
    embargoes, aid cuts, expulsions) is verbal conflict, as the ConfliBERT annotators label it (tune
    sentences whose dictionary event is a SANCTION: 43 of 54 in class 3, 1 in class 4)."""
    if cameo and cameo[:2].isdigit():
        root = int(cameo[:2])
        return 0 if root <= 2 else 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 or root == 16 else 4
    return TYPE_CLASS.get(etype or "", 0)


def analyze(text: str) -> list[str]:
    words = _TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


@dataclass
class Params:
    """Decision thresholds (probabilities of the heads), tuned by the training script on the tune parts.
    none_at: a sentence whose class-0 probability reaches this keeps no event;
    veto: a dictionary event whose class has less than this probability is re-typed or dropped;
    retype_at: ... re-typed (to the best type of the top class) when the top class has at least this;
    fallback_at: a sentence with no dictionary event gets one on its main verb when an event class has
    at least this probability (its type from the type head, its actors from the parse);
    type_margin: a kept event takes the type head's choice within its class when that type's probability
    exceeds the dictionary type's by this margin;
    matched_veto: the veto for an event a dictionary pattern (not a verb's default alone) coded: a phrase
    pattern is specific evidence, and on news in another style than the training sentences the class
    head re-types such events more often wrongly than rightly (0 = never re-typed)."""
    none_at: float = 0.6
    veto: float = 0.1
    retype_at: float = 0.5
    fallback_at: float = 0.6
    type_margin: float = 0.3
    matched_veto: float = 0.1
    prior_bonus: float = 99.0
    phrase_weight: float = 0.0
    default_bonus: float = 99.0


# prior_bonus / phrase_weight (the trigger-phrase head, see EventModel.phrase_proba): an event the dictionary
# typed takes the type t maximising  log P(class of t) + log Q(t) + phrase_weight * log R(t)
# + prior_bonus * [t is the dictionary's type], the heads' readings of the sentence and of the trigger
# phrase against the dictionary's; the fallback event and a vetoed event take their type within the
# chosen class by  log Q(t) + phrase_weight * log R(t). default_bonus is prior_bonus for an event only a
# verb's default code typed (no dictionary pattern matched: weaker evidence). 99 / 0: the dictionary's
# type stands.


class EventModel:
    def __init__(self, vocab: list[str], idf: np.ndarray, class_coef: np.ndarray, class_intercept: np.ndarray,
                 type_coef: np.ndarray, type_intercept: np.ndarray, types: list[str], params: Params,
                 emb_dim: int = 384, phrase_coef: np.ndarray | None = None,
                 phrase_intercept: np.ndarray | None = None):
        self.index = {w: i for i, w in enumerate(vocab)}
        self.idf = idf.astype(np.float64)
        self.class_coef = class_coef.astype(np.float64)
        self.class_intercept = class_intercept.astype(np.float64)
        self.type_coef = type_coef.astype(np.float64)
        self.type_intercept = type_intercept.astype(np.float64)
        self.types = list(types)
        self.params = params
        self.emb_dim = emb_dim
        # the trigger-phrase head: PLOVER type of a trigger phrase ("open hearing into legality") from
        # its MiniLM embedding alone, trained on the CAMEO dictionary's phrases and the PLOVER records'
        # event phrases
        self.phrase_coef = None if phrase_coef is None else phrase_coef.astype(np.float64)
        self.phrase_intercept = None if phrase_intercept is None else phrase_intercept.astype(np.float64)

    @property
    def uses_phrases(self) -> bool:
        return self.phrase_coef is not None and self.params.phrase_weight > 0

    def phrase_proba(self, vectors: np.ndarray) -> np.ndarray:
        """Type probabilities (n×len(types)) of trigger phrases from their sentence-encoder vectors."""
        if self.phrase_coef is None or not len(vectors):
            return np.full((len(vectors), len(self.types)), 1.0 / len(self.types))
        return self._softmax(np.asarray(vectors, dtype=np.float64) @ self.phrase_coef.T + self.phrase_intercept)

    def tfidf(self, texts: list[str]) -> np.ndarray:
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
        return x

    def features(self, texts: list[str], vectors: np.ndarray | None = None) -> np.ndarray:
        if self.emb_dim == 0:
            return self.tfidf(texts)    # a TF-IDF-only model: no sentence encoder runs at all
        if vectors is None:
            from ..embeddings import embed

            vectors = embed(texts)
        return np.hstack([np.asarray(vectors, dtype=np.float64), self.tfidf(texts)])

    @staticmethod
    def _softmax(z: np.ndarray) -> np.ndarray:
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def proba(self, texts: list[str], vectors: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(class probabilities n×5, type probabilities n×len(types)), all texts in one call."""
        if not texts:
            return np.zeros((0, 5)), np.zeros((0, len(self.types)))
        x = self.features(texts, vectors)
        return (self._softmax(x @ self.class_coef.T + self.class_intercept),
                self._softmax(x @ self.type_coef.T + self.type_intercept))

    def save(self, path: Path, note: str = "") -> None:
        vocab = sorted(self.index, key=self.index.get)
        extra = {} if self.phrase_coef is None else {
            "phrase_coef": self.phrase_coef.astype(np.float32), "phrase_intercept": self.phrase_intercept.astype(np.float32)}
        np.savez_compressed(path, vocab=np.array(vocab), idf=self.idf.astype(np.float32), **extra,
                            class_coef=self.class_coef.astype(np.float32),
                            class_intercept=self.class_intercept.astype(np.float32),
                            type_coef=self.type_coef.astype(np.float32),
                            type_intercept=self.type_intercept.astype(np.float32),
                            types=np.array(self.types), params=np.array(json.dumps(asdict(self.params))),
                            emb_dim=np.array(self.emb_dim), note=np.array(note))


def load(path: Path = MODEL) -> EventModel | None:
    if not path.exists():
        return None
    z = np.load(path, allow_pickle=False)
    return EventModel([str(w) for w in z["vocab"]], z["idf"], z["class_coef"], z["class_intercept"],
                      z["type_coef"], z["type_intercept"], [str(t) for t in z["types"]],
                      Params(**json.loads(str(z["params"]))), int(z["emb_dim"]),
                      z["phrase_coef"] if "phrase_coef" in z.files else None,
                      z["phrase_intercept"] if "phrase_intercept" in z.files else None)


@lru_cache(maxsize=1)
def model() -> EventModel | None:
    """The shipped model (or the file STORYLENS_EVENT_MODEL names, e.g. the TF-IDF-only
    event_model_tfidf.npz, which runs no sentence encoder), or None when the file is absent (the coder
    then runs dictionary-only)."""
    env = os.environ.get("STORYLENS_EVENT_MODEL")
    return load(Path(env)) if env else load()

"""What two articles share, as numbers learned models turn into "same topic" / "same story".

Each article becomes an :class:`ArticleRep`: a MiniLM vector of its title and lead, TF-IDF
weights of its body and of its lead (IDF from a background news corpus shipped as data, so an
article's representation never changes when others arrive), the actors it names split by kind
(people and organisations, places), the event triggers, event types and dates the event coder
found, the years and numbers it states, and its publication date.

Two questions, two models (trained by ``scripts/train_stories.py`` on ECB+ topics 1-35 with
cross-validation by topic):

- *Same topic?* :meth:`RepIndex.features` compares every article of one list with every article
  of another, all vectorised (sparse incidence products), so placing 50 new articles costs time
  linear in the number of stored ones; a logistic regression turns the features into P(same topic).
- *Same story, given the topic?* :class:`TopicView` describes each pair of a topic's members
  relative to that topic: similarities with the topic's own document frequencies discounting what
  all its articles share (a crisis's names and vocabulary), and how far a pair stands above the
  topic's usual similarity. Gradient-boosted trees learn P(same story) from pairs inside ECB+
  topics, where each topic holds two different real-world events of one kind.
"""
from __future__ import annotations

import datetime as _dt
import gzip
import math
import re
from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from sys import intern
from typing import Sequence

import numpy as np
from scipy import sparse

DATA = Path(__file__).resolve().parents[1] / "data" / "stories"
MODEL_PATH = DATA / "grouping.joblib"
IDF_PATH = DATA / "idf.tsv.gz"

LEAD_SENTENCES = 5       # title + this many substantial sentences make the embedded lead
LEAD_TERMS = 3           # sentences whose terms (with the title) make the lead TF-IDF vector
TOP_TERMS = 6            # the same, for the top of the article the story model reads
MAIN_ACTORS = 8
DATE_SLACK = 3           # days: two event dates this close count as the same time
PERSON_TYPES = {"PERSON", "ORG", "NORP"}
PLACE_TYPES = {"GPE", "LOC", "FAC"}

FEATURES = [
    "tfidf_body", "tfidf_lead", "embed_lead", "actors_main", "actors_cos", "places", "triggers",
    "event_types", "dates_both", "dates_near", "years", "numbers", "len_min", "len_max",
]
# Features of a pair relative to the topic both articles are in: what every article of a running
# crisis shares (its names, places, its vocabulary) says nothing about which event of the crisis an
# article reports, so the story decision also sees the pair's similarity with the topic's own common
# terms discounted, and how far the pair stands above the topic's usual similarity.
TOPIC_FEATURES = [
    "rel_tfidf_body", "rel_tfidf_top", "rel_actors", "rel_places", "rel_triggers", "rel_types",
    "excess_tfidf_body", "excess_tfidf_top", "excess_embed", "excess_rel_body", "topic_size",
]
STORY_FEATURES = FEATURES + TOPIC_FEATURES
# What the story model reads. Only features relative to the topic, and of those only what the articles
# lead with (title and first sentences) and the event types and triggers: an article's story is the
# event it leads with, while its body also recounts the crisis's earlier events, so body overlap
# within one topic speaks of the crisis rather than of the event. Raw similarities are left out:
# in the training corpus, articles of one topic that share many names are nearly always one story,
# which is not true of a long crisis where every article names the same people and places.
STORY_COLUMNS = [
    "rel_tfidf_top", "rel_triggers", "rel_types", "excess_tfidf_top", "excess_embed",
]
# P(same story) may only grow with these (monotonic constraints of the trees), so that values
# outside what the training topics showed (a topic of three short articles) are read sensibly.
STORY_INCREASING = {"rel_tfidf_top", "rel_triggers", "rel_types", "excess_tfidf_top", "excess_embed", "rel_tfidf_body", "excess_tfidf_body"}

_TOKEN = re.compile(r"[a-z0-9][a-z0-9'\u2019-]*[a-z0-9]|[a-z0-9]")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_WORDS = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")


@lru_cache(maxsize=1)
def stopwords() -> frozenset:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "told", "according", "reported", "news", "new"}


@lru_cache(maxsize=1)
def background_idf() -> tuple[dict[str, float], float]:
    """Word → IDF over a background news corpus; unseen words get the rarest weight."""
    idf: dict[str, float] = {}
    if IDF_PATH.exists():
        with gzip.open(IDF_PATH, "rt", encoding="utf-8") as f:
            for line in f:
                w, _, v = line.rstrip("\n").partition("\t")
                if w and v:
                    idf[w] = float(v)
    top = idf.pop("<unseen>", None) or max(idf.values(), default=1.0)
    return idf, top


def tokens(text: str) -> list[str]:
    stop = stopwords()
    return [t for t in _TOKEN.findall(text.lower()) if t not in stop and not t.isdigit() and len(t) > 1]


def tfidf(text: str) -> dict[str, float]:
    """Sublinear TF × background IDF, L2-normalised."""
    idf, top = background_idf()
    counts: dict[str, int] = {}
    for t in tokens(text):
        counts[t] = counts.get(t, 0) + 1
    vec = {t: (1.0 + math.log(n)) * idf.get(t, top) for t, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    # every article of the store keeps three of these at once: one shared copy of each term, not one per article
    return {intern(t): v / norm for t, v in vec.items()}


def _stem(trigger: str) -> str:
    # A crude stem so that "arrested" / "arrest" / "arrests" meet; triggers are single words or short phrases.
    t = trigger.lower().strip().split()[-1] if trigger.strip() else ""
    return t[:5]


def _ordinal(iso: str | None) -> int | None:
    if not iso:
        return None
    try:
        return _dt.date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return None


@dataclass
class ArticleRep:
    id: str
    vec: np.ndarray
    actors: frozenset                                   # main actors (most mentioned)
    terms: dict = field(default_factory=dict)           # body TF-IDF
    lead: dict = field(default_factory=dict)            # lead TF-IDF
    top: dict = field(default_factory=dict)             # TF-IDF of the title and first TOP_TERMS sentences
    actor_counts: dict = field(default_factory=dict)    # actor id → mentions (people, organisations)
    places: frozenset = frozenset()
    triggers: frozenset = frozenset()
    types: frozenset = frozenset()
    days: frozenset = frozenset()                       # event dates as day ordinals
    years: frozenset = frozenset()
    numbers: frozenset = frozenset()
    published: int | None = None
    length: int = 0


def lead_units(view, n: int | None = None) -> list[str]:
    """Title plus the first substantial sentences."""
    n = LEAD_SENTENCES if n is None else n
    units = []
    title = (view.doc.article.title or "").strip()
    if title:
        units.append(title)
    for s in view.sentences:
        if len(units) >= n + (1 if title else 0):
            break
        t = s.text.strip()
        if len(_WORDS.findall(t)) < 5 or t == title:
            continue
        units.append(t)
    if not units:
        units.append(view.text[:1000] or view.id)
    return units


def describe(view, vec: np.ndarray, types: dict[str, str]) -> ArticleRep:
    """Everything but the embedding (computed in one batch by the caller)."""
    counts: dict[str, int] = {}
    places: set[str] = set()
    people: dict[str, int] = {}
    for _, _, a in view.mentions:
        counts[a] = counts.get(a, 0) + 1
        kind = types.get(a, "")
        if kind in PLACE_TYPES:
            places.add(a)
        elif kind in PERSON_TYPES or not kind:
            people[a] = people.get(a, 0) + 1
    main = frozenset(sorted(counts, key=lambda a: (-counts[a], a))[:MAIN_ACTORS])
    triggers, etypes, days = set(), set(), set()
    for e in view.doc.events:
        if e.trigger:
            triggers.add(_stem(e.trigger))
        if e.type:
            etypes.add(e.type)
        if e.location:
            places.add("loc:" + e.location.lower().strip())
        d = _ordinal(e.date)
        if d is not None:
            days.add(d)
    title = (view.doc.article.title or "").strip()
    lead_text = " ".join([title] + [s.text for s in view.sentences[:LEAD_TERMS]])
    top_text = " ".join([title] + [s.text for s in view.sentences[:TOP_TERMS]])
    text = view.text
    return ArticleRep(
        id=view.id, vec=vec, actors=main, terms=tfidf(title + "\n" + text), lead=tfidf(lead_text),
        top=tfidf(top_text),
        actor_counts=people, places=frozenset(places), triggers=frozenset(triggers), types=frozenset(etypes),
        days=frozenset(days), years=frozenset(map(intern, _YEAR.findall(text))),
        numbers=frozenset(intern(n) for n in _NUMBER.findall(text) if not _YEAR.fullmatch(n)),
        published=_ordinal(view.doc.article.published), length=len(_WORDS.findall(text)),
    )


def represent(views: Sequence, types: dict[str, str] | None = None, config=None) -> dict[str, ArticleRep]:
    from ..embeddings import embed

    types = types or {}
    units = [lead_units(v) for v in views]
    flat = [u for us in units for u in us]
    vecs = embed(flat, config=config) if flat else np.zeros((0, 384), np.float32)
    reps, i = {}, 0
    for v, us in zip(views, units):
        m = vecs[i:i + len(us)].mean(axis=0)
        i += len(us)
        m = m / max(float(np.linalg.norm(m)), 1e-12)
        # kept at the half precision the store saves it in (compare._pack), so that a later run, which
        # reads it back, groups and titles the stories exactly as this one did
        reps[v.id] = describe(v, m.astype(np.float16).astype(np.float32), types)
    return reps


# ---- vectorised pair features ---------------------------------------------------------------

def _incidence(dicts: Sequence[dict]) -> sparse.csr_matrix:
    # typed arrays, not lists of Python numbers: over a whole store these hold millions of entries
    vocab: dict = {}
    rows, cols, vals = array("q"), array("q"), array("d")
    for i, d in enumerate(dicts):
        for k, v in d.items():
            rows.append(i)
            cols.append(vocab.setdefault(k, len(vocab)))
            vals.append(v)
    return sparse.csr_matrix((np.asarray(vals, np.float32), (np.frombuffer(rows, np.int64), np.frombuffer(cols, np.int64))),
                             shape=(len(dicts), max(1, len(vocab))))


def _unit(d: dict) -> dict:
    n = math.sqrt(sum(v * v for v in d.values())) or 1.0
    return {k: v / n for k, v in d.items()}


def _spread(days: frozenset) -> frozenset:
    return frozenset(d + k for d in days for k in range(-DATE_SLACK, DATE_SLACK + 1))


class RepIndex:
    """Sparse matrices of a list of articles, built once, from which any block of pair features is cut."""

    _COS = ("terms", "lead", "actor_counts")
    _SETS = ("actors", "places", "triggers", "types", "years", "numbers")

    def __init__(self, reps: Sequence[ArticleRep]):
        self.reps = list(reps)
        self.pos = {r.id: i for i, r in enumerate(self.reps)}
        self.emb = np.vstack([r.vec for r in self.reps]) if self.reps else np.zeros((0, 384), np.float32)
        self.cos = {
            "terms": _incidence([r.terms for r in self.reps]),
            "lead": _incidence([r.lead for r in self.reps]),
            "top": _incidence([r.top for r in self.reps]),
            "actor_counts": _incidence([_unit(r.actor_counts) for r in self.reps]),
        }
        self.sets = {k: _incidence([{x: 1.0 for x in getattr(r, k)} for r in self.reps]) for k in self._SETS}
        self.sets["near"] = _incidence([{x: 1.0 for x in _spread(r.days)} for r in self.reps])
        self.size = {k: np.asarray(m.sum(axis=1)).ravel().astype(np.float32) for k, m in self.sets.items()}
        self.has_days = np.array([bool(r.days) for r in self.reps])
        self.pub = np.array([r.published if r.published is not None else -1 for r in self.reps], np.float32)
        self.loglen = np.log1p(np.array([r.length for r in self.reps], np.float32))

    def _dot(self, m: sparse.csr_matrix, ia, ib) -> np.ndarray:
        return np.asarray((m[ia] @ m[ib].T).todense(), dtype=np.float32)

    def _jac(self, key: str, ia, ib) -> np.ndarray:
        inter = self._dot(self.sets[key], ia, ib)
        union = self.size[key][ia][:, None] + self.size[key][ib][None, :] - inter
        return np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0).astype(np.float32)

    def features(self, ia: np.ndarray, ib: np.ndarray, emb: np.ndarray | None = None) -> np.ndarray:
        """Features of every (ia[i], ib[j]) pair: array of shape (len(ia), len(ib), len(FEATURES)).
        ``emb``: the pairs' embedding similarities when the caller has them (see :func:`_blocks`)."""
        ia, ib = np.asarray(ia, int), np.asarray(ib, int)
        n, m = len(ia), len(ib)
        if not n or not m:
            return np.zeros((n, m, len(FEATURES)), np.float32)
        both = self.has_days[ia][:, None] & self.has_days[ib][None, :]
        la, lb = self.loglen[ia][:, None], self.loglen[ib][None, :]
        feats = [
            self._dot(self.cos["terms"], ia, ib),
            self._dot(self.cos["lead"], ia, ib),
            self.emb[ia] @ self.emb[ib].T if emb is None else emb,
            self._jac("actors", ia, ib),
            self._dot(self.cos["actor_counts"], ia, ib),
            self._jac("places", ia, ib),
            self._jac("triggers", ia, ib),
            self._jac("types", ia, ib),
            both,
            self._dot(self.sets["near"], ia, ib) > 0,
            self._jac("years", ia, ib),
            self._jac("numbers", ia, ib),
            np.minimum(la, lb),
            np.maximum(la, lb),
        ]
        return np.stack([np.broadcast_to(np.asarray(f, np.float32), (n, m)) for f in feats], axis=-1)


    def published_gap(self, ia, ib) -> np.ndarray:
        """Days between publication dates of every (ia[i], ib[j]) pair; NaN where either date is unknown."""
        pa, pb = self.pub[np.asarray(ia, int)][:, None], self.pub[np.asarray(ib, int)][None, :]
        return np.where((pa >= 0) & (pb >= 0), np.abs(pa - pb), np.nan).astype(np.float32)


def _discount(m: sparse.csr_matrix, n: int) -> sparse.csr_matrix:
    """Rows of ``m`` with each column weighted by how few of the ``n`` rows use it, re-normalised.

    The weight is the topic's own IDF, log((n + 1) / df) / log(n + 1): 1 for a term only one
    article has, near 0 for a term every article of the topic has."""
    m = m.tocsr().astype(np.float32)
    df = np.asarray((m > 0).sum(axis=0)).ravel().astype(np.float32)
    w = np.log((n + 1) / np.maximum(df, 1.0)) / math.log(n + 1)
    m = m @ sparse.diags(w.astype(np.float32))
    norm = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sparse.diags((1.0 / np.maximum(norm, 1e-9)).astype(np.float32)) @ m


class TopicView:
    """Pair features of the articles of one topic relative to that topic (:data:`TOPIC_FEATURES`).

    Built from the topic's members (positions in ``index``); every quantity is linear in the topic
    size (document frequencies, sums of vectors), so any block of pairs can be cut from it."""

    def __init__(self, index: RepIndex, members: Sequence[int]):
        self.index = index
        self.members = np.asarray(members, int)
        n = self.n = len(self.members)
        sub = self.members
        self.rel = {
            "terms": _discount(index.cos["terms"][sub], n),
            "lead": _discount(index.cos["top"][sub], n),
            "actors": _discount(index.cos["actor_counts"][sub], n),
            "places": _discount(index.sets["places"][sub], n),
            "triggers": _discount(index.sets["triggers"][sub], n),
            "types": _discount(index.sets["types"][sub], n),
        }
        self.base = {"terms": index.cos["terms"][sub], "lead": index.cos["top"][sub]}
        self.emb = index.emb[sub]
        # each member's mean similarity to the other members: sum of vectors, minus itself
        self.mean = {
            "terms": self._mean_sparse(self.base["terms"]),
            "lead": self._mean_sparse(self.base["lead"]),
            "rel_terms": self._mean_sparse(self.rel["terms"]),
            "embed": self._mean_dense(self.emb),
        }

    def _mean_sparse(self, m: sparse.csr_matrix) -> np.ndarray:
        if self.n < 2:
            return np.zeros(self.n, np.float32)
        total = np.asarray(m.sum(axis=0)).ravel()
        selfsim = np.asarray(m.multiply(m).sum(axis=1)).ravel()
        return ((m @ total - selfsim) / (self.n - 1)).astype(np.float32)

    def _mean_dense(self, e: np.ndarray) -> np.ndarray:
        if self.n < 2:
            return np.zeros(self.n, np.float32)
        total = e.sum(axis=0)
        return ((e @ total - (e * e).sum(axis=1)) / (self.n - 1)).astype(np.float32)

    @staticmethod
    def _dot(m, ia, ib) -> np.ndarray:
        return np.asarray((m[ia] @ m[ib].T).todense(), dtype=np.float32)

    def features(self, ia, ib, names: Sequence[str] | None = None, emb: np.ndarray | None = None) -> np.ndarray:
        """Features ``names`` (default :data:`STORY_FEATURES`) of every (ia[i], ib[j]) pair, shape
        (len(ia), len(ib), len(names)); ``ia``, ``ib`` are positions among the members. Only the
        features asked for are computed."""
        names = list(STORY_FEATURES if names is None else names)
        ia, ib = np.asarray(ia, int), np.asarray(ib, int)
        n, m = len(ia), len(ib)
        if not n or not m:
            return np.zeros((n, m, len(names)), np.float32)
        ga, gb = self.members[ia], self.members[ib]
        cache: dict[str, np.ndarray] = {}

        def excess(sim, key):
            return sim - (self.mean[key][ia][:, None] + self.mean[key][ib][None, :]) / 2

        def base_all():
            if "_base" not in cache:
                cache["_base"] = self.index.features(ga, gb, emb=emb)
            return cache["_base"]

        def rel_terms():
            if "_rel_terms" not in cache:
                cache["_rel_terms"] = self._dot(self.rel["terms"], ia, ib)
            return cache["_rel_terms"]

        def body():
            return self.index._dot(self.index.cos["terms"], ga, gb)

        def embed():
            return self.index.emb[ga] @ self.index.emb[gb].T if emb is None else emb

        make = {
            "tfidf_body": body,
            "embed_lead": embed,
            "rel_tfidf_body": rel_terms,
            "rel_tfidf_top": lambda: self._dot(self.rel["lead"], ia, ib),
            "rel_actors": lambda: self._dot(self.rel["actors"], ia, ib),
            "rel_places": lambda: self._dot(self.rel["places"], ia, ib),
            "rel_triggers": lambda: self._dot(self.rel["triggers"], ia, ib),
            "rel_types": lambda: self._dot(self.rel["types"], ia, ib),
            "excess_tfidf_body": lambda: excess(body(), "terms"),
            "excess_tfidf_top": lambda: excess(self._dot(self.base["lead"], ia, ib), "lead"),
            "excess_embed": lambda: excess(embed(), "embed"),
            "excess_rel_body": lambda: excess(rel_terms(), "rel_terms"),
            "topic_size": lambda: np.full((n, m), math.log1p(self.n), np.float32),
        }
        cols = []
        for name in names:
            if name in make:
                cols.append(make[name]())
            else:
                cols.append(base_all()[..., FEATURES.index(name)])
        return np.stack([np.asarray(c, np.float32) for c in cols], axis=-1)


def pair_features(a: Sequence[ArticleRep], b: Sequence[ArticleRep]) -> np.ndarray:
    """Features of every (a[i], b[j]) pair: array of shape (len(a), len(b), len(FEATURES))."""
    idx = RepIndex(list(a) + list(b))
    return idx.features(np.arange(len(a)), np.arange(len(a), len(a) + len(b)))


# ---- the learned decision -------------------------------------------------------------------

@lru_cache(maxsize=2)
def load_model(path: str | None = None) -> dict:
    # after the first run, from a plain pickle of the same objects (storylens.filecache)
    from ..filecache import load_joblib

    return load_joblib(Path(path or MODEL_PATH), "story-grouping")


PAIR_CELLS = 1 << 19       # pairs whose features are computed at once (see _blocks)


def _blocks(feature_fn, ia, ib, clf, model: dict, block: int, first: int = 0, emb_fn=None) -> np.ndarray:
    """Probabilities of ``clf`` block by block; the feature rows start with tfidf_body and embed_lead
    (which pick the candidate pairs), the classifier reads the columns from ``first`` on.

    A block's features (and their copies: the columns, the stacked array, the candidate rows) are
    block x len(ib) pairs, and against every stored article that grew with the store (256 x 9,000 pairs
    of 14 features: 130 MB each), so past PAIR_CELLS pairs a block's features are computed a run of
    its rows at a time. Every feature of a pair depends on that pair alone, except in the last bits the
    embedding similarity, a matrix product whose rounding depends on how many rows it has: it is
    computed for the whole block as before (``emb_fn(rows, ib)``) and handed to ``feature_fn``."""
    from ..scale.worker import one_openmp_thread

    ia, ib = np.asarray(ia, int), np.asarray(ib, int)
    out = np.zeros((len(ia), len(ib)), np.float32)
    sub = max(1, PAIR_CELLS // max(1, len(ib)))
    for i in range(0, len(ia), block):
        rows = ia[i:i + block]
        if sub >= len(rows) or emb_fn is None:
            parts = [(0, feature_fn(rows, ib))]
        else:
            emb = emb_fn(rows, ib)
            parts = ((j, feature_fn(rows[j:j + sub], ib, emb=emb[j:j + sub])) for j in range(0, len(rows), sub))
        # the classifier sees the block's candidate pairs in one call, as before: its products, too,
        # round by the number of rows
        cands, rows_in = [], []
        for _, f in parts:
            flat = f.reshape(-1, f.shape[-1])
            cand = (flat[:, 0] >= model.get("min_tfidf", 0.02)) | (flat[:, 1 if first else 2] >= model.get("min_embed", 0.2))
            cands.append(cand)
            rows_in.append(flat[cand][:, first:])
            del f, flat
        cand = np.concatenate(cands)
        if cand.any():
            x = np.concatenate(rows_in) if len(rows_in) > 1 else rows_in[0]
            del rows_in
            p = np.zeros(len(cand), np.float32)
            with one_openmp_thread():   # same probabilities; see one_openmp_thread
                p[cand] = clf.predict_proba(x)[:, 1]
            out[i:i + len(rows)] = p.reshape(len(rows), len(ib))
    return out


def topic_probabilities(index: RepIndex, ia, ib, model: dict | None = None, block: int = 256) -> np.ndarray:
    """P(same topic) for every (ia[i], ib[j]) pair of ``index``, shape (len(ia), len(ib)).

    Pairs that share almost no weighted words and whose leads are far apart in embedding space
    are not scored (probability 0): they are most pairs of a large corpus, and the model gives
    them ~0 anyway."""
    model = model or load_model()
    return _blocks(index.features, ia, ib, model["topic"], model, block,
                   emb_fn=lambda a, b: index.emb[a] @ index.emb[b].T)


def story_probabilities(view: TopicView, ia=None, ib=None, model: dict | None = None,
                        block: int = 256, max_gap_days: float | None = None) -> np.ndarray:
    """P(same story) for pairs of members of one topic (positions among ``view.members``).

    ``max_gap_days``: articles published further apart than this (when both dates are known) are
    never the same story. ECB+ carries no publication dates, so the learned model cannot weigh
    them; the gap is a stated rule instead, off when None."""
    model = model or load_model()
    ia = np.arange(view.n) if ia is None else np.asarray(ia, int)
    ib = np.arange(view.n) if ib is None else np.asarray(ib, int)
    names = ["tfidf_body", "embed_lead"] + list(model.get("story_features", STORY_COLUMNS))
    p = _blocks(lambda a, b, emb=None: view.features(a, b, names, emb=emb), ia, ib, model["story"], model, block,
                first=2, emb_fn=lambda a, b: view.index.emb[view.members[a]] @ view.index.emb[view.members[b]].T)
    if max_gap_days is not None and len(ia) and len(ib):
        gap = view.index.published_gap(view.members[ia], view.members[ib])
        p = np.where(np.nan_to_num(gap, nan=0.0) > max_gap_days, 0.0, p).astype(np.float32)
    return p


def pair_probabilities(index: RepIndex, ia, ib, model: dict | None = None,
                       block: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """(P(same topic), P(same story)) for every (ia[i], ib[j]) pair, the story part taking all of
    ``ia`` and ``ib`` as one topic."""
    model = model or load_model()
    ia, ib = np.asarray(ia, int), np.asarray(ib, int)
    members = np.unique(np.concatenate([ia, ib]))
    at = {int(m): k for k, m in enumerate(members)}
    view = TopicView(index, members)
    ps = story_probabilities(view, [at[int(x)] for x in ia], [at[int(x)] for x in ib], model, block)
    return topic_probabilities(index, ia, ib, model, block), ps


def candidates(flat: np.ndarray, model: dict) -> np.ndarray:
    return (flat[:, 0] >= model.get("min_tfidf", 0.02)) | (flat[:, 2] >= model.get("min_embed", 0.2))

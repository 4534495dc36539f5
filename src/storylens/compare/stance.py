"""Stance of a text body toward a headline or claim: agree / disagree / discuss / unrelated.

Two stages over features computed here:

1. related vs unrelated (gradient-boosted trees), from lexical overlap (TF-IDF cosine, BM25, n-gram hits)
   and MiniLM sentence similarity between the claim and the body's sentences;
2. agree / disagree / discuss for related pairs. The shipped artefact uses :class:`BlendStage2`: the average
   of a class-balanced logistic regression over the body's word/bigram TF-IDF, the claim's words and the pair
   scalars, and class-balanced trees over the pair scalars alone. The pair scalars are cues in the body
   sentences closest to the claim (refuting, hedging, negation and affirming lexicons in
   ``data/stance/*.txt``, contradiction cues), similarities, questions and quotes.
   :class:`GeneralStage2` is the alternative built for new claims (only words seen with many training
   claims, trees over the scalars and projected MiniLM interactions, a `disagree` decision weight); it did
   better inside the training claims but not on the benchmark's held-out claims, so it is not shipped.
   On pairs called related, stage 2's probabilities are averaged with the stance reader's
   (:mod:`storylens.compare.stance_reader`, a fine-tuned cross-encoder over the claim and :func:`claim_passage`;
   ``StanceModel.reader_weight``), and `disagree` has a decision weight (``StanceModel.disagree_weight``).

The trained artefact (``data/stance/model.joblib``) is rebuilt by ``scripts/train_stance.py``; the same
feature code runs at training and at prediction time so the two cannot drift apart.

Public API: :func:`load_model`, :func:`predict`, :func:`predict_proba`, :data:`LABELS`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

# (lead sentences, closest sentences) of the reader's passage; a reader artefact says which it was trained on
from .stance_reader import PASSAGE

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "stance"
DEFAULT_MODEL = DATA_DIR / "model.joblib"

LABELS = ("agree", "disagree", "discuss", "unrelated")
RELATED = ("agree", "disagree", "discuss")
LEXICONS = ("refuting", "hedging", "negation", "affirming")

TOP_K = 3          # body sentences kept as "the part of the body that talks about the claim"
MAX_SENTENCES = 60  # long bodies: later sentences rarely decide the stance and cost embedding time
LEAD_CHARS = 255   # the FNC-1 baseline's notion of the lead

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n+")


# ---------------------------------------------------------------- text helpers

def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'").replace("‘", "'"))


def split_sentences(text: str) -> list[str]:
    """Rule-based splitter: good enough to find the sentences that talk about a claim."""
    out = [s.strip() for s in _SENT_SPLIT.split(text or "")]
    out = [s for s in out if len(s) > 1]
    return out or [text.strip() or "."]


@lru_cache(maxsize=1)
def antonyms() -> dict[str, frozenset]:
    out: dict[str, set] = {}
    for line in (DATA_DIR / "antonyms.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        a, _, b = line.strip().lower().partition("\t")
        if a and b:
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in out.items()}


def _phrase_hits(toks: Sequence[str], name: str) -> int:
    words, phrases = lexicon(name)
    joined = " " + " ".join(toks) + " "
    return sum(t in words for t in toks) + sum(joined.count(f" {p} ") for p in phrases)


_NUM = re.compile(r"^\d+(?:[.,]\d+)?$")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}")


def negation_scope(toks: Sequence[str], targets: set, window: int = 4) -> int:
    """Claim words that a negation cue governs (within a few tokens before them) in a token list."""
    neg_words, _ = lexicon("negation")
    n = 0
    for i, t in enumerate(toks):
        if t in targets and any(x in neg_words or x.endswith("n't") for x in toks[max(0, i - window):i]):
            n += 1
    return n


def contradiction_cues(h: "_Text", b: "_Body", top) -> list[float]:
    """Signs that the body states the opposite of the claim, independent of the claim's topic."""
    stop = _stop_words()
    head_content = {t for t in h.toks if t not in stop and len(t) > 2}
    top_toks = [t for i in top for t in b.sent_toks[i]]
    ant = antonyms()
    opposite = set().union(*[ant.get(t, frozenset()) for t in h.toks]) if h.toks else set()
    top_set, body_set = set(top_toks), set(b.toks)
    head_nums = {t for t in h.toks if _NUM.match(t)}
    top_nums = {t for t in top_toks if _NUM.match(t)}
    names = {m.group(0).lower() for m in _NAME.finditer(h.raw)}
    missing = sum(1 for n in names if n not in body_set) / max(len(names), 1)
    head_ref, head_will = _phrase_hits(h.toks, "refusal"), _phrase_hits(h.toks, "willingness")
    top_ref, top_will = _phrase_hits(top_toks, "refusal"), _phrase_hits(top_toks, "willingness")
    refute_words, _ = lexicon("refuting")
    debunk_near = 0
    for i in top:
        st = b.sent_toks[i]
        if names & set(st) and any(t in refute_words for t in st):
            debunk_near += 1
    return [
        float(negation_scope(top_toks, head_content)), float(negation_scope(h.toks, head_content)),
        float(len(opposite & top_set)), float(len(opposite & body_set)),
        float(bool(head_nums) and bool(top_nums) and not (head_nums & top_nums)), float(len(head_nums & top_nums)),
        float(missing), float(head_will > 0 and top_ref > 0 and head_ref == 0),
        float(head_ref > 0 and top_will > 0 and top_ref == 0), float(top_ref), float(debunk_near),
    ]


@lru_cache(maxsize=None)
def lexicon(name: str) -> tuple[frozenset, tuple[str, ...]]:
    """(single words, multi-word phrases) of a lexicon file."""
    words, phrases = set(), []
    for line in (DATA_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip().lower()
        if not line or line.startswith("#"):
            continue
        toks = tokens(line)
        if len(toks) == 1:
            words.add(toks[0])
        elif toks:
            phrases.append(" ".join(toks))
    return frozenset(words), tuple(phrases)


def lexicon_counts(toks: Sequence[str]) -> np.ndarray:
    joined = " " + " ".join(toks) + " "
    out = np.zeros(len(LEXICONS), dtype=np.float32)
    for i, name in enumerate(LEXICONS):
        words, phrases = lexicon(name)
        out[i] = sum(t in words for t in toks) + sum(joined.count(f" {p} ") for p in phrases)
    return out


def _ngrams(toks: Sequence[str], n: int) -> set:
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def _stop_words() -> frozenset:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


# ---------------------------------------------------------------- embeddings

class _MiniLM:
    """all-MiniLM-L6-v2 (int8 ONNX) without torch: mean-pooled, L2-normalised sentence vectors.

    The stance artefact's own reading of the encoder (128 tokens, batches padded to their longest text,
    its own pooling) so its features stay fixed whatever the rest of the product does with its
    embeddings; the ONNX session and the tokenizer are the product's (storylens.embeddings), opened
    once per process.
    """

    def __init__(self, max_length: int = 128):
        from ..embeddings import default_model_path, default_tokenizer_path, get_encoder

        self.enc = get_encoder(default_model_path(), default_tokenizer_path())
        self.max_length = max_length
        self.sess = self.enc.session

    def __call__(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        # sorting by length keeps padding (and so wasted compute) small
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            feed = self.enc.feeds(self.enc.tokenize([texts[i] for i in idx], self.max_length))
            hidden = self.sess.run(None, feed)[0]
            m = feed["attention_mask"][..., None].astype(np.float32)
            vec = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
            vec /= np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-9)
            out[idx] = vec
        return out


@lru_cache(maxsize=1)
def _embedder() -> _MiniLM:
    return _MiniLM()


def embed(texts: Sequence[str], cache: dict | None = None) -> np.ndarray:
    """Sentence vectors; ``cache`` (text -> vector) lets the training script reuse earlier work."""
    texts = list(texts)
    if cache is None:
        return _embedder()(texts) if texts else np.zeros((0, 384), np.float32)
    missing = list(dict.fromkeys(t for t in texts if t not in cache))
    if missing:
        for t, v in zip(missing, _embedder()(missing)):
            cache[t] = v
    return np.stack([cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)


# ---------------------------------------------------------------- per-text analysis

@dataclass
class _Text:
    raw: str
    toks: list
    content: set
    bigrams: set
    trigrams: set
    lex: np.ndarray
    tfidf: object = None  # 1 x V sparse row
    emb: np.ndarray = None


@dataclass
class _Body(_Text):
    sents: list = field(default_factory=list)
    sent_toks: list = field(default_factory=list)
    sent_lex: np.ndarray = None
    sent_tfidf: object = None
    sent_emb: np.ndarray = None
    lead_toks: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)


def _analyse_text(text: str, stop: frozenset) -> _Text:
    toks = tokens(text)
    return _Text(raw=text, toks=toks, content={t for t in toks if t not in stop}, bigrams=_ngrams(toks, 2),
                 trigrams=_ngrams(toks, 3), lex=lexicon_counts(toks))


def analyse_headlines(heads: Sequence[str], vectorizer, cache: dict | None = None) -> list[_Text]:
    stop = _stop_words()
    out = [_analyse_text(h, stop) for h in heads]
    X = vectorizer.transform(heads)
    E = embed(heads, cache)
    for i, t in enumerate(out):
        t.tfidf, t.emb = X[i], E[i]
    return out


def analyse_bodies(bodies: Sequence[str], vectorizer, cache: dict | None = None) -> list[_Body]:
    stop = _stop_words()
    out, all_sents, spans = [], [], []
    for text in bodies:
        base = _analyse_text(text, stop)
        sents = split_sentences(text)[:MAX_SENTENCES]
        b = _Body(**base.__dict__)
        b.sents = sents
        b.sent_toks = [tokens(s) for s in sents]
        b.sent_lex = np.stack([lexicon_counts(t) for t in b.sent_toks])
        b.lead_toks = tokens(text[:LEAD_CHARS])
        counts: dict = {}
        for t in b.toks:
            counts[t] = counts.get(t, 0) + 1
        b.counts = counts
        spans.append((len(all_sents), len(all_sents) + len(sents)))
        all_sents.extend(sents)
        out.append(b)
    X = vectorizer.transform(bodies)
    S = vectorizer.transform(all_sents)
    E = embed(all_sents, cache)
    for i, (b, (s, e)) in enumerate(zip(out, spans)):
        b.tfidf = X[i]
        b.sent_tfidf = S[s:e]
        b.sent_emb = E[s:e]
        m = b.sent_emb.mean(0)
        b.emb = m / max(float(np.linalg.norm(m)), 1e-9)
    return out


# ---------------------------------------------------------------- pair features

SCALAR_NAMES = (
    "tfidf_cos", "tfidf_max_sent", "tfidf_lead", "emb_body", "emb_max_sent", "emb_top3", "emb_lead",
    "emb_first_sent", "overlap_frac", "jaccard", "idf_overlap", "idf_overlap_top", "bm25",
    "bigram_hits", "bigram_frac", "trigram_hits", "lead_overlap", "head_len", "body_len_log",
    "n_sents_log", "best_sent_pos", "unseen_head_frac",
    *(f"head_{x}" for x in LEXICONS), *(f"top_{x}" for x in LEXICONS), *(f"body_{x}" for x in LEXICONS),
    *(f"body_any_{x}" for x in LEXICONS), *(f"lead_{x}" for x in LEXICONS),
    "neg_mismatch", "refute_top_minus_body", "head_question", "head_quote", "top_question",
    "top_quote", "n_top_refute_sents", "n_top_hedge_sents",
    # contradiction cues (claim-independent): what the body says against the claim's own words
    "neg_scope_top", "neg_scope_head", "antonym_top", "antonym_body", "num_conflict", "num_shared",
    "names_missing", "refusal_vs_will", "will_vs_refusal", "refusal_top", "debunk_near_name",
)


def closest_sentences(h: _Text, b: _Body, k: int = TOP_K) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(TF-IDF cosine, MiniLM cosine) of each body sentence with the claim, and the indices of the
    ``k`` sentences closest to it by their sum."""
    sent_tcos = (b.sent_tfidf @ h.tfidf.T).toarray().ravel()
    sent_ecos = b.sent_emb @ h.emb
    return sent_tcos, sent_ecos, np.argsort(-(sent_ecos + sent_tcos))[:k]


def claim_passage(h: _Text, b: _Body, spec: tuple[int, int] = PASSAGE) -> str:
    """The part of the body the reader (storylens.compare.stance_reader) sees: the lead sentences and the
    sentences closest to the claim, in the body's order. Bodies are long and their stance usually sits in
    the lead or next to the claim's own words; one function serves training and prediction."""
    lead, k = spec
    _, _, top = closest_sentences(h, b, k)
    keep = sorted({*range(min(lead, len(b.sents))), *(int(i) for i in top)})
    return " ".join(b.sents[i] for i in keep)


def pair_features(h: _Text, b: _Body, idf: dict, avg_len: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(scalar features, headline vector, top-sentence vector) for one pair."""
    tcos = float(h.tfidf.multiply(b.tfidf).sum())
    sent_tcos, sent_ecos, top = closest_sentences(h, b)
    n = len(b.sents)
    lead_n = min(3, n)
    top_vec = b.sent_emb[top].mean(0)
    top_vec /= max(float(np.linalg.norm(top_vec)), 1e-9)

    hc = h.content or set(h.toks)
    body_set = set(b.toks)
    hits = [t for t in hc if t in body_set]
    idf_h = sum(idf.get(t, 1.0) for t in hc) or 1.0
    top_toks = set(t for i in top for t in b.sent_toks[i])
    k1, bb = 1.2, 0.75
    blen = max(len(b.toks), 1)
    bm25 = 0.0
    for t in hc:
        tf = b.counts.get(t, 0)
        if tf:
            bm25 += idf.get(t, 1.0) * tf * (k1 + 1) / (tf + k1 * (1 - bb + bb * blen / avg_len))
    lead_set = set(b.lead_toks)

    top_lex = b.sent_lex[top].sum(0)
    body_lex = b.sent_lex.sum(0) / n
    body_any = (b.sent_lex.sum(0) > 0).astype(np.float32)
    lead_lex = b.sent_lex[:lead_n].sum(0)
    head_neg = h.lex[2] > 0
    top_neg = top_lex[2] > 0
    top_text = " ".join(b.sents[i] for i in top)

    scal = np.array([
        tcos, float(sent_tcos.max()), float(sent_tcos[:lead_n].max()),
        float(h.emb @ b.emb), float(sent_ecos.max()), float(np.sort(sent_ecos)[-TOP_K:].mean()),
        float(sent_ecos[:lead_n].max()), float(sent_ecos[0]),
        len(hits) / max(len(hc), 1), len(hc & body_set) / max(len(hc | body_set), 1),
        sum(idf.get(t, 1.0) for t in hits) / idf_h,
        sum(idf.get(t, 1.0) for t in hc if t in top_toks) / idf_h,
        bm25 / (idf_h * (k1 + 1)),
        len(h.bigrams & b.bigrams), len(h.bigrams & b.bigrams) / max(len(h.bigrams), 1),
        len(h.trigrams & b.trigrams), len(hc & lead_set) / max(len(hc), 1),
        len(h.toks), math.log1p(len(b.toks)), math.log1p(n), float(top[0]) / max(n - 1, 1),
        sum(1 for t in hc if t not in idf) / max(len(hc), 1),
        *h.lex, *top_lex, *body_lex, *body_any, *lead_lex,
        float(head_neg != top_neg), float(top_lex[0] / TOP_K - body_lex[0]),
        float("?" in h.raw), float(sum(h.raw.count(q) for q in "\"'“‘")),
        float(top_text.count("?")), float(top_text.count('"') + top_text.count("“")),
        float(sum(b.sent_lex[i][0] > 0 for i in top)), float(sum(b.sent_lex[i][1] > 0 for i in top)),
        *contradiction_cues(h, b, top),
    ], dtype=np.float32)
    return scal, h.emb, top_vec


def _analyse_pairs(pairs, vectorizer, cache) -> tuple[dict, dict]:
    heads = list(dict.fromkeys(h for h, _ in pairs))
    bodies = list(dict.fromkeys(b for _, b in pairs))
    return (dict(zip(heads, analyse_headlines(heads, vectorizer, cache))),
            dict(zip(bodies, analyse_bodies(bodies, vectorizer, cache))))


def claim_passages(pairs: Sequence[tuple[str, str]], vectorizer, cache: dict | None = None,
                   spec: tuple[int, int] = PASSAGE) -> list[str]:
    """:func:`claim_passage` of each (claim, body) pair."""
    H, B = _analyse_pairs(pairs, vectorizer, cache)
    return [claim_passage(H[h], B[b], spec) for h, b in pairs]


def featurise(pairs: Sequence[tuple[str, str]], vectorizer, idf: dict, avg_len: float,
              cache: dict | None = None, passages: list | None = None,
              passage_spec: tuple[int, int] = PASSAGE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(scalars, claim vectors, top-sentence vectors); ``passages``, when given, receives each pair's
    :func:`claim_passage` from the same analysis."""
    H, B = _analyse_pairs(pairs, vectorizer, cache)
    rows = [pair_features(H[h], B[b], idf, avg_len) for h, b in pairs]
    if passages is not None:
        passages.extend(claim_passage(H[h], B[b], passage_spec) for h, b in pairs)
    if not rows:
        return np.zeros((0, len(SCALAR_NAMES)), np.float32), np.zeros((0, 384), np.float32), np.zeros((0, 384), np.float32)
    return (np.stack([r[0] for r in rows]), np.stack([r[1] for r in rows]), np.stack([r[2] for r in rows]))


# ---------------------------------------------------------------- stage 2

class TextStage2:
    """agree / disagree / discuss: logistic regression over the body's word and bigram TF-IDF, the claim's
    word TF-IDF and the standardised pair scalars (cue counts in the closest sentences, similarities).

    Body words carry most of the signal ("hoax", "denied", "reportedly"); the class weights are balanced
    because `disagree` is ~8% of related pairs.
    """

    def __init__(self, C: float = 1.0, max_body_features: int = 30000, use_emb: bool = False):
        self.C, self.max_body_features, self.use_emb = C, max_body_features, use_emb

    def _dense(self, scal, hv, tv):
        d = scal if not self.use_emb else np.hstack([scal, hv * tv, tv - hv])
        return np.clip(self.scaler.transform(d), -5, 5)

    def _X(self, heads, bodies, scal, hv, tv):
        import scipy.sparse as sp

        ub = list(dict.fromkeys(bodies))
        pos = {b: i for i, b in enumerate(ub)}
        Xb = self.vb.transform(ub)[[pos[b] for b in bodies]]
        return sp.hstack([Xb, self.vh.transform(list(heads)),
                          sp.csr_matrix(self._dense(scal, hv, tv))]).tocsr()

    def fit(self, heads, bodies, scal, hv, tv, y):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        self.vb = TfidfVectorizer(tokenizer=tokens, lowercase=False, token_pattern=None, ngram_range=(1, 2),
                                  min_df=3, max_features=self.max_body_features, sublinear_tf=True,
                                  dtype=np.float32).fit(list(dict.fromkeys(bodies)))
        self.vh = TfidfVectorizer(tokenizer=tokens, lowercase=False, token_pattern=None, min_df=2,
                                  sublinear_tf=True, dtype=np.float32).fit(list(dict.fromkeys(heads)))
        self.scaler = StandardScaler().fit(scal if not self.use_emb else np.hstack([scal, hv * tv, tv - hv]))
        self.lr = LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000)
        self.lr.fit(self._X(heads, bodies, scal, hv, tv), np.asarray(y))
        self.classes_ = self.lr.classes_
        return self

    def predict_proba(self, heads, bodies, scal, hv, tv) -> np.ndarray:
        return self.lr.predict_proba(self._X(heads, bodies, scal, hv, tv))


class BlendStage2:
    """Average of :class:`TextStage2` and class-balanced trees over the pair scalars alone.

    The text model is the stronger one on claims seen in training, but much of its `disagree` signal is
    claim-specific vocabulary; the scalar trees only see claim-independent cues and catch more `disagree`
    on unseen claims. Averaging was better than either on a claim-disjoint split (benchmarks/stance_fnc1.py
    --claim-split).
    """

    def __init__(self, text_weight: float = 0.5):
        self.text_weight = text_weight

    def fit(self, heads, bodies, scal, hv, tv, y):
        from sklearn.ensemble import HistGradientBoostingClassifier

        self.text = TextStage2().fit(heads, bodies, scal, hv, tv, y)
        self.trees = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, class_weight="balanced",
                                                    random_state=0).fit(scal, np.asarray(y))
        assert list(self.text.classes_) == list(self.trees.classes_)
        self.classes_ = self.text.classes_
        return self

    def predict_proba(self, heads, bodies, scal, hv, tv) -> np.ndarray:
        w = self.text_weight
        return w * self.text.predict_proba(heads, bodies, scal, hv, tv) + (1 - w) * self.trees.predict_proba(scal)


class _VocabTokens:
    """Tokenizer that keeps only a fixed vocabulary (a picklable callable, unlike a lambda)."""

    def __init__(self, vocab: Iterable[str]):
        self.vocab = frozenset(vocab)

    def __call__(self, text: str) -> list[str]:
        return [t for t in tokens(text) if t in self.vocab]


def claim_general_vocab(texts: Sequence[str], groups: Sequence, min_groups: int) -> frozenset:
    """Words that occur in the texts of at least ``min_groups`` different claims."""
    seen: dict = {}
    for text, g in set(zip(texts, groups)):
        for t in set(tokens(text)):
            seen.setdefault(t, set()).add(g)
    return frozenset(t for t, gs in seen.items() if len(gs) >= min_groups)


class GeneralStage2:
    """agree / disagree / discuss built to carry over to claims never seen in training.

    The earlier text model (:class:`TextStage2`) learnt the vocabulary of the training claims: on a new
    claim its topic words are noise, and `disagree` was mostly recognised by the claim a body was about.
    Here the logistic regression sees only words that occur with at least ``min_claims`` different training
    claims (debunking, hedging and reporting vocabulary survives, topic words do not), and the trees see the
    pair scalars plus a ``n_components``-dimensional projection of the claim/closest-sentences embedding
    interactions ``[u*v, |u-v|]``. ``groups`` (a claim id per training pair) defines what counts as a claim;
    without it every pair counts as its own claim.
    """

    def __init__(self, text_weight: float = 0.6, min_claims: int = 8, n_components: int = 32, C: float = 1.0):
        self.text_weight, self.min_claims, self.n_components, self.C = text_weight, min_claims, n_components, C

    @staticmethod
    def _inter(hv, tv):
        return np.hstack([hv * tv, np.abs(tv - hv)])

    def _text_X(self, heads, bodies, scal):
        import scipy.sparse as sp

        ub = list(dict.fromkeys(bodies))
        pos = {b: i for i, b in enumerate(ub)}
        Xb = self.vb.transform(ub)[[pos[b] for b in bodies]]
        dense = np.clip(self.scaler.transform(scal), -5, 5)
        return sp.hstack([Xb, self.vh.transform(list(heads)), sp.csr_matrix(dense)]).tocsr()

    def _tree_X(self, scal, hv, tv):
        return np.hstack([scal, self.pca.transform(self._inter(hv, tv))])

    def fit(self, heads, bodies, scal, hv, tv, y, groups=None):
        from sklearn.decomposition import PCA
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        heads, bodies, y = list(heads), list(bodies), np.asarray(y)
        groups = list(groups) if groups is not None else list(range(len(heads)))
        body_vocab = claim_general_vocab(bodies, groups, self.min_claims)
        head_vocab = claim_general_vocab(heads, groups, self.min_claims)
        self.vb = TfidfVectorizer(tokenizer=_VocabTokens(body_vocab), lowercase=False, token_pattern=None,
                                  ngram_range=(1, 2), min_df=3, max_features=30000, sublinear_tf=True,
                                  dtype=np.float32).fit(list(dict.fromkeys(bodies)))
        self.vh = TfidfVectorizer(tokenizer=_VocabTokens(head_vocab), lowercase=False, token_pattern=None,
                                  min_df=2, sublinear_tf=True, dtype=np.float32).fit(list(dict.fromkeys(heads)))
        self.scaler = StandardScaler().fit(scal)
        self.lr = LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000)
        self.lr.fit(self._text_X(heads, bodies, scal), y)
        self.pca = PCA(self.n_components, random_state=0).fit(self._inter(hv, tv))
        self.trees = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, class_weight="balanced",
                                                    random_state=0).fit(self._tree_X(scal, hv, tv), y)
        assert list(self.lr.classes_) == list(self.trees.classes_)
        self.classes_ = self.lr.classes_
        return self

    def parts(self, heads, bodies, scal, hv, tv) -> tuple[np.ndarray, np.ndarray]:
        """(text model, trees) probabilities, for choosing the blend weight without refitting."""
        return (self.lr.predict_proba(self._text_X(list(heads), list(bodies), scal)),
                self.trees.predict_proba(self._tree_X(scal, hv, tv)))

    def predict_proba(self, heads, bodies, scal, hv, tv) -> np.ndarray:
        pt, pr = self.parts(heads, bodies, scal, hv, tv)
        return self.text_weight * pt + (1 - self.text_weight) * pr


# ---------------------------------------------------------------- model

@dataclass
class StanceModel:
    vectorizer: object
    idf: dict
    avg_len: float
    stage1: object          # binary: P(related)
    stage2: object          # 3-class over RELATED, classes_ in RELATED order
    threshold: float = 0.5  # P(related) above which a pair is called related
    meta: dict = field(default_factory=dict)
    # labels only: P(disagree) is multiplied by this before the argmax. `disagree` is rare and the
    # class-balanced models still under-call it on new claims; probabilities are left as fitted so callers
    # that threshold P(disagree) themselves (compare/claims.py) keep their calibration.
    disagree_weight: float = 1.0
    # share of the stance reader (compare/stance_reader.py, a cross-encoder over the claim and the passage
    # closest to it) in the agree/disagree/discuss probabilities; 0 (older pickles) leaves stage 2 alone.
    # The reader reads only pairs whose P(related) reaches `reader_min_related`: the others are unrelated.
    reader_weight: float = 0.0
    reader_min_related: float = 0.2

    def predict_proba(self, pairs: Sequence[tuple[str, str]], batch_size: int = 256) -> np.ndarray:
        """Rows follow :data:`LABELS` (agree, disagree, discuss, unrelated)."""
        pairs = list(pairs)
        out = np.zeros((len(pairs), 4))
        # one body usually meets many claims: keep its pairs in one batch and its sentence vectors for the call
        order = sorted(range(len(pairs)), key=lambda i: pairs[i][1])
        cache: dict = {}
        reader = self.reader()
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            chunk = [pairs[i] for i in idx]
            passages: list | None = [] if reader is not None else None
            feats = featurise(chunk, self.vectorizer, self.idf, self.avg_len, cache, passages=passages,
                              passage_spec=reader.passage if reader is not None else PASSAGE)
            out[idx] = self.proba_from_features(chunk, *feats, passages=passages)
        return out

    def reader(self):
        """The stance reader this model blends in, or None (no weight, no artefact, or switched off)."""
        from .stance_reader import load_reader, reader_path

        path = reader_path() if getattr(self, "reader_weight", 0.0) > 0 else None
        return load_reader(str(path)) if path else None

    def proba_from_features(self, pairs: Sequence[tuple[str, str]], scal: np.ndarray, hv: np.ndarray,
                            tv: np.ndarray, passages: Sequence[str] | None = None) -> np.ndarray:
        if len(scal) == 0:
            return np.zeros((0, 4))
        # an artefact trained before the contradiction cues reads only the features it knows
        width = getattr(self.stage1, "n_features_in_", scal.shape[1])
        scal = scal[:, :width]
        from ..scale.worker import one_openmp_thread

        with one_openmp_thread():   # same probabilities; see one_openmp_thread
            p_rel = self.stage1.predict_proba(scal)[:, 1]
            p3 = self.stage2.predict_proba([h for h, _ in pairs], [b for _, b in pairs], scal, hv, tv)
        reader = self.reader() if passages is not None else None
        if reader is not None:
            rows = np.where(p_rel >= self.reader_min_related)[0]
            if len(rows):
                w = self.reader_weight
                p3[rows] = (1 - w) * p3[rows] + w * reader.predict_proba(
                    [pairs[i][0] for i in rows], [passages[i] for i in rows])
        return np.column_stack([p3 * p_rel[:, None], 1.0 - p_rel])

    def predict(self, pairs: Sequence[tuple[str, str]], batch_size: int = 256) -> list[str]:
        return self.labels_from_proba(self.predict_proba(pairs, batch_size))

    def labels_from_proba(self, P: np.ndarray) -> list[str]:
        # a pickle made before the field existed reads the class default (1.0)
        w = np.array([1.0, self.disagree_weight, 1.0])
        labels = []
        for row in P:
            p_rel = row[:3].sum()
            if p_rel < self.threshold:
                labels.append("unrelated")
            else:
                labels.append(RELATED[int(np.argmax(row[:3] * w))])
        return labels


def fit_text_stats(texts: Sequence[str], max_features: int = 20000):
    """TF-IDF space (and BM25 idf / average length) learnt from the training headlines and bodies."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(tokenizer=tokens, lowercase=False, token_pattern=None,
                          stop_words=sorted(_stop_words()), sublinear_tf=True, min_df=2,
                          max_features=max_features, dtype=np.float32)
    vec.fit(texts)
    idf = {w: float(vec.idf_[i]) for w, i in vec.vocabulary_.items()}
    avg_len = float(np.mean([len(tokens(t)) for t in texts])) if texts else 1.0
    return vec, idf, avg_len


def default_stage1():
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=300, learning_rate=0.1, max_leaf_nodes=31,
                                          l2_regularization=1.0, random_state=0)


def fit_from_features(pairs: Sequence[tuple[str, str]], scal: np.ndarray, hv: np.ndarray, tv: np.ndarray,
                      labels: Sequence[str], vectorizer, idf: dict, avg_len: float, stage1=None, stage2=None,
                      meta: dict | None = None, groups: Sequence | None = None,
                      disagree_weight: float = 1.0) -> StanceModel:
    """``groups``: a claim id per pair, for stage-2 models that keep only claim-general words."""
    y = np.asarray(labels)
    rel = y != "unrelated"
    s1 = stage1 if stage1 is not None else default_stage1()
    s1.fit(scal, rel.astype(int))
    s2 = stage2 if stage2 is not None else BlendStage2()
    rp = [p for p, r in zip(pairs, rel) if r]
    args = ([h for h, _ in rp], [b for _, b in rp], scal[rel], hv[rel], tv[rel], y[rel])
    if isinstance(s2, GeneralStage2):
        s2.fit(*args, groups=None if groups is None else [g for g, r in zip(groups, rel) if r])
    else:
        s2.fit(*args)
    assert tuple(s2.classes_) == RELATED, s2.classes_
    return StanceModel(vectorizer=vectorizer, idf=idf, avg_len=avg_len, stage1=s1, stage2=s2,
                       meta=dict(meta or {}), disagree_weight=disagree_weight)


_LOADED: dict = {}


def load_model(path: str | Path | None = None) -> StanceModel:
    """Load (once per path) the artefact written by ``scripts/train_stance.py`` (after the first run, from
    a plain pickle of the same objects in the user's cache directory: see storylens.filecache)."""
    from ..filecache import load_joblib

    p = Path(path) if path else DEFAULT_MODEL
    key = str(p.resolve())
    if key not in _LOADED:
        if not p.exists():
            raise FileNotFoundError(f"no stance model at {p}; build it with scripts/train_stance.py")
        _LOADED[key] = load_joblib(p, "stance-model")
    return _LOADED[key]


def predict(pairs: Iterable[tuple[str, str]], model: StanceModel | str | Path | None = None) -> list[str]:
    """(headline or claim, body) pairs -> one of :data:`LABELS` each."""
    m = model if isinstance(model, StanceModel) else load_model(model)
    return m.predict(list(pairs))


def predict_proba(pairs: Iterable[tuple[str, str]], model: StanceModel | str | Path | None = None) -> np.ndarray:
    m = model if isinstance(model, StanceModel) else load_model(model)
    return m.predict_proba(list(pairs))

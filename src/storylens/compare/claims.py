"""Claims of a story aligned across its articles, each article's stance, and contradictions.

Two kinds of claim groups:

* **Willingness claims** (lexicon ``data/claims/predicates.tsv``): every sentence that says an
  actor is, or is not, willing to talk / meet / compromise is a finding (actor, frame,
  polarity after negation). Findings about the same actor and frame are one claim whatever the
  wording; an article agrees with the claim when its findings have the claim's polarity,
  disagrees when they have the opposite one, and discusses it when it only reports what a
  third party says, hedges, or says both.
* **Paraphrase claims**: the other check-worthy sentences (naming an actor, with an event, a
  quote or a figure) clustered across articles by embedding similarity plus shared actors, so
  the same fact told in different words is one claim. A member sentence that negates what the
  claim asserts disagrees: a verb both use is negated on one side only, or, when they share no
  verb, the trained stance model (compare/stance.py) says "disagree". Hedged or attributed
  members discuss.

Contradictions are pairs of articles, preferably from different outlets, with agree vs disagree
stances on one claim; both spans are kept.
"""
from __future__ import annotations

import csv
import logging
import re
from functools import lru_cache
from typing import Sequence

import numpy as np

from ..model import Claim, ClaimStance, Contradiction, Sentence, Story
from .context import DocView, Parser, words
from ..embeddings import embed
from .lexicon import Finding, claims_file, find, load_entries, load_words

PARAPHRASE_JOIN = 0.75        # average combined similarity for two sentences to state one claim
RELEVANCE = 0.30              # minimal cosine of a sentence to its story to be a candidate claim
MAX_SINGLE = 12               # single-article paraphrase claims kept per story (most central first)
# Candidate sentences of one story that are grouped into claims, most relevant × checkable first: the
# grouping is quadratic in this number, and a story of thousands of articles would not fit in memory.
MAX_CANDIDATES = 3000
# Agreeing accounts each dissenting account is paired with in contradictions (the most confident first):
# without a bound, a claim in 1,000 articles gives hundreds of thousands of pairs.
MAX_PARTNERS = 25
LEAD_WEIGHT = 2.0             # the headline / first sentence states what the article stands for
ATTRIBUTED_WEIGHT = 0.6
HEDGED_WEIGHT = 0.5
_NUMBER = re.compile(r"\b\d[\d,.]*\b")


@lru_cache(maxsize=4)
def _statements(path: str) -> dict[tuple[str, int], str]:
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader([ln for ln in f if ln.strip() and not ln.startswith("#")], delimiter="\t"))
    return {(r["frame"], 1 if r["polarity"].strip() == "+" else -1): r["statement"] for r in rows}


@lru_cache(maxsize=4)
def _cue_prefixes(path: str) -> re.Pattern:
    heads = sorted({e.cue[0][: max(3, len(e.cue[0]) - 2)] for e in load_entries(path)})
    return re.compile(r"\b(?:" + "|".join(map(re.escape, heads)) + r")", re.I)


def _sentence_index(view: DocView, s: Sentence) -> int:
    for i, t in enumerate(view.sentences):
        if t.start == s.start:
            return i
    return 99


def willingness_findings(views: Sequence[DocView], parser: Parser, person_ids: set[str],
                         sentences: dict[str, list[Sentence]] | None = None) -> list[Finding]:
    path = claims_file("predicates.tsv")
    entries = load_entries(path)
    pre = _cue_prefixes(path)
    todo = []
    for v in views:
        for s in (sentences or {}).get(v.id, v.sentences):
            if pre.search(s.text) and (v.actors_in(s.start, s.end) or _has_pronoun(s.text)):
                todo.append((v, s))
    parser.parse_many(s.text for _, s in todo)
    out: list[Finding] = []
    for v, s in todo:
        out.extend(find(v, s, parser(s.text), entries, person_ids))
    return out


def _has_pronoun(text: str) -> bool:
    return re.search(r"\b(he|she|they|his|her|their)\b", text, re.I) is not None


def _finding_weight(f: Finding) -> tuple[float, bool]:
    """(weight, endorsed): endorsed when the article says it in its own voice or quotes the actor itself."""
    w = 1.0
    endorsed = True
    if f.attributed_to and f.attributed_to != f.actor:
        w *= ATTRIBUTED_WEIGHT
        endorsed = False
    if f.hedged:
        w *= HEDGED_WEIGHT
        endorsed = False
    if _sentence_index(f.view, f.sentence) == 0:
        w *= LEAD_WEIGHT
    return w, endorsed


def _article_position(findings: list[Finding]) -> tuple[str, Finding, float]:
    """An article's position on a willingness claim: '+', '-' or 'discuss', its best finding, confidence."""
    pos = neg = 0.0
    endorsed = {1: 0.0, -1: 0.0}
    best: dict[int, tuple[float, Finding]] = {}
    for f in findings:
        w, e = _finding_weight(f)
        if f.polarity > 0:
            pos += w
        else:
            neg += w
        if e:
            endorsed[f.polarity] += w
        if f.polarity not in best or w > best[f.polarity][0]:
            best[f.polarity] = (w, f)
    if pos and neg:
        if pos >= 2 * neg and endorsed[1]:
            return "+", best[1][1], pos / (pos + neg)
        if neg >= 2 * pos and endorsed[-1]:
            return "-", best[-1][1], neg / (pos + neg)
        top = 1 if pos >= neg else -1
        return "discuss", best[top][1], 0.5
    pol = 1 if pos else -1
    f = best[pol][1]
    if not endorsed[pol]:
        return "discuss", f, 0.5
    return ("+" if pol > 0 else "-"), f, min(1.0, 0.6 + 0.2 * (pos + neg))


def _stance_of(view: DocView, s: Sentence, stance: str, start: int | None = None, end: int | None = None) -> ClaimStance:
    a, b = (start, end) if start is not None else (s.start, s.end)
    return ClaimStance(article_id=view.id, stance=stance, start=a, end=b, text=view.text[a:b], outlet=view.outlet)


def willingness_claims(story: Story, views: dict[str, DocView], findings: list[Finding],
                       actor_names: dict[str, str], next_id) -> tuple[list[Claim], list[tuple]]:
    statements = _statements(claims_file("frames.tsv"))
    groups: dict[tuple[str, str], dict[str, list[Finding]]] = {}
    seen: set[tuple] = set()
    # one sentence states one position: "X's refusal ... has stalled ..." is a single finding
    for f in sorted(findings, key=lambda f: (not _finding_weight(f)[1], -_finding_weight(f)[0])):
        key = (f.frame, f.actor, f.view.id, f.sentence.start)
        if f.actor is None or key in seen:
            continue
        seen.add(key)
        groups.setdefault((f.frame, f.actor), {}).setdefault(f.view.id, []).append(f)
    claims, conf = [], []
    for (frame, actor), per_article in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        positions = {aid: _article_position(fs) for aid, fs in per_article.items()}
        # one vote per outlet (several articles of one outlet count once), confidence breaks ties
        votes = {"+": 0.0, "-": 0.0}
        by_outlet: dict[tuple[str, str], float] = {}
        for aid, (p, _, c) in positions.items():
            if p in votes:
                key = (views[aid].outlet, p)
                by_outlet[key] = max(by_outlet.get(key, 0.0), c)
        for (_, p), c in by_outlet.items():
            votes[p] += 1.0 + 0.01 * c
        if not votes["+"] and not votes["-"]:
            # only reported or hedged: the claim is what they report
            top = max(positions.values(), key=lambda x: x[2])[1].polarity
        elif votes["+"] != votes["-"] and abs(votes["+"] - votes["-"]) >= 0.5:
            top = 1 if votes["+"] > votes["-"] else -1
        else:
            # as many outlets each way: the weight of everything said, reported and hedged included
            signed = sum(f.polarity * _finding_weight(f)[0] for fs in per_article.values() for f in fs)
            top = 1 if signed >= 0 else -1
        name = actor_names.get(actor, actor)
        text = statements.get((frame, top), f"{name}: {frame} {'+' if top > 0 else '-'}").format(actor=name)
        stances, confidence = [], {}
        for aid in story.article_ids:
            if aid not in positions:
                continue
            p, f, c = positions[aid]
            st = "discuss" if p == "discuss" else ("agree" if (p == "+") == (top > 0) else "disagree")
            stances.append(_stance_of(views[aid], f.sentence, st))
            confidence[aid] = c
        # what each article states in its own voice, each way: an article that says both ("pushes back
        # against the talks" ... "has repeatedly called for direct talks") stands against either side
        said: dict[str, ClaimStance] = {}
        for aid in story.article_ids:
            best: dict[int, tuple[float, Finding]] = {}
            for f in per_article.get(aid, []):
                w, endorsed = _finding_weight(f)
                if endorsed and (f.polarity not in best or w > best[f.polarity][0]):
                    best[f.polarity] = (w, f)
            for pol, (_, f) in best.items():
                said[f"{aid}|{'agree' if (pol > 0) == (top > 0) else 'disagree'}"] = \
                    _stance_of(views[aid], f.sentence, "agree" if (pol > 0) == (top > 0) else "disagree")
        confidence["_said"] = said
        rep = next((positions[s.article_id][1] for s in stances if s.stance == "agree"), None) or \
            positions[stances[0].article_id][1]
        claim = Claim(id=next_id(), story_id=story.id, text=text, stances=stances, article_id=rep.view.id,
                      start=rep.sentence.start, end=rep.sentence.end, actors=[actor],
                      outlets=sorted({s.outlet for s in stances if s.outlet}))
        claims.append(claim)
        conf.append(confidence)
    return claims, conf


def _negation_parity(text: str, negators: frozenset) -> int:
    toks = [t.lower().replace("\u2019", "'") for t in re.findall(r"[A-Za-z']+|n't", text)]
    n = sum(1 for t in toks if t in negators or t.endswith("n't"))
    return n % 2


def check_worthy(view: DocView, s: Sentence, event_spans: list[tuple[int, int]]) -> float:
    """How much a sentence states something checkable: actors, events, quotes, figures."""
    t = s.text.strip()
    n = len(words(t))
    if n < 7 or n > 80 or t.endswith("?"):
        return 0.0
    # a plain declarative sentence of some length states something; names, events, quotes and
    # figures make it more checkable
    score = 0.2 if n >= 10 else 0.0
    actors = view.actors_in(s.start, s.end)
    if actors:
        score += 0.4 + 0.1 * min(len(actors), 3)
    if any(a < s.end and b > s.start for a, b in event_spans):
        score += 0.4
    if any(q[0] < s.end and q[1] > s.start for q in view.quotes):
        score += 0.2
    if _NUMBER.search(t):
        score += 0.1
    if re.search(r"\b(I|I'm|I\u2019m|me|my|you)\b", t):
        return 0.0     # the writer's own opinion or an address to the reader is not a checkable claim
    return max(score, 0.0)


def _paired_similarity(vecs: np.ndarray, actor_sets: list[frozenset], article_ids: list[str]) -> np.ndarray:
    """Cosine plus a small bonus for shared actors (0.05 × Jaccard of the two actor sets);
    -1 between two sentences of one article, which can never state one claim twice.
    Matrix form: a story of a few hundred articles has thousands of candidate sentences."""
    cos = vecs @ vecs.T
    sim = cos.copy()
    names = sorted(set().union(*actor_sets)) if actor_sets else []
    if names:
        col = {a: k for k, a in enumerate(names)}
        inc = np.zeros((len(actor_sets), len(names)), dtype=np.float32)
        for i, acts in enumerate(actor_sets):
            for a in acts:
                inc[i, col[a]] = 1.0
        inter = inc @ inc.T
        sizes = inc.sum(axis=1)
        union = sizes[:, None] + sizes[None, :] - inter
        with np.errstate(divide="ignore", invalid="ignore"):
            bonus = np.where(union > 0, np.float32(0.05) * inter / union, np.float32(0.0))
        sim += bonus.astype(sim.dtype, copy=False)
        del inter, union, bonus
    codes = {a: k for k, a in enumerate(dict.fromkeys(article_ids))}
    art = np.array([codes[a] for a in article_ids])
    sim[art[:, None] == art[None, :]] = -1.0
    np.fill_diagonal(sim, np.diagonal(cos))
    return sim


def paraphrase_claims(story: Story, views: dict[str, DocView], skip: set[tuple[str, int]],
                      centroid: np.ndarray, next_id, config=None,
                      pending: list | None = None) -> tuple[list[Claim], list[dict]]:
    """Paraphrase claim groups of one story. Pairs for the stance model go to ``pending`` as
    (stance, (claim text, member sentence)) so that the model runs once over all stories."""
    negators = load_words(claims_file("negation_words.txt"))
    hedges = load_words(claims_file("hedges.txt"))
    cands: list[tuple[DocView, Sentence, float]] = []
    for aid in story.article_ids:
        v = views[aid]
        spans = [(e.start, e.end) for e in v.doc.events]
        for s in v.sentences:
            if (aid, s.start) in skip:
                continue
            w = check_worthy(v, s, spans)
            if w > 0:
                cands.append((v, s, w))
    if not cands:
        return [], []
    vecs = embed([s.text for _, s, _ in cands], config=config)
    rel = vecs @ centroid
    keep = [i for i in range(len(cands)) if rel[i] >= RELEVANCE]
    if len(keep) > MAX_CANDIDATES:
        keep = sorted(sorted(keep, key=lambda i: -float(rel[i]) * cands[i][2])[:MAX_CANDIDATES])
    cands = [cands[i] for i in keep]
    vecs, rel = vecs[keep], rel[keep]
    if not cands:
        return [], []
    actor_sets = [frozenset(v.actors_in(s.start, s.end)) for v, s, _ in cands]
    sim = _paired_similarity(vecs, actor_sets, [v.id for v, _, _ in cands])
    n = len(cands)
    from .stories import agglomerate

    groups = agglomerate(sim, PARAPHRASE_JOIN) if n > 1 else [[0]]
    multi, single = [], []
    for g in groups:
        # one sentence per article: the one closest to the rest of the group
        best: dict[str, int] = {}
        if len(g) > 1:
            block = sim[np.ix_(g, g)].astype(np.float64)
            scores = (block.sum(axis=1) - np.diagonal(block)) / (len(g) - 1)
        else:
            scores = np.zeros(1)
        for i, score in zip(g, scores.tolist()):
            aid = cands[i][0].id
            if aid not in best or score > best[aid][1]:
                best[aid] = (i, score)
        members = [i for i, _ in best.values()]
        (multi if len(members) > 1 else single).append(members)
    single.sort(key=lambda m: -(float(rel[m[0]]) * cands[m[0]][2]))
    claims, confs = [], []
    for members in multi + single[:MAX_SINGLE]:
        if len(members) > 1:
            totals = (vecs[members] @ vecs[members].T).astype(np.float64).sum(axis=1).tolist()
            medoid = max(zip(members, totals), key=lambda it: (it[1], -it[0]))[0]
        else:
            medoid = members[0]
        rv, rs, _ = cands[medoid]
        rep_parity = _negation_parity(rs.text, negators)
        stances, conf = [], {}
        for i in sorted(members, key=lambda i: story.article_ids.index(cands[i][0].id)):
            v, s, _ = cands[i]
            st, c = "agree", 0.6 + 0.3 * float(vecs[i] @ vecs[medoid])

            if st == "agree" and (any(w.lower() in hedges for w in words(s.text)) or
                                  (v.quote_at(s.start, s.end) is None and _reported(s.text))):
                st = "discuss"
            stance = _stance_of(v, s, st)
            stances.append(stance)
            if i != medoid and pending is not None and _negation_parity(s.text, negators) != rep_parity:
                # the same fact with a negation on one side only: decided by predicate and stance model
                pending.append((stance, (rs.text, s.text)))
            conf[v.id] = min(c, 1.0)
        actors = sorted(set().union(*[actor_sets[i] for i in members]))
        claims.append(Claim(id=next_id(), story_id=story.id, text=rs.text, stances=stances, article_id=rv.id,
                            start=rs.start, end=rs.end, actors=actors,
                            outlets=sorted({s.outlet for s in stances if s.outlet})))
        confs.append(conf)
    return claims, confs


_REPORTED = re.compile(r"\b(said|says|claimed|claims|according to|reportedly|alleged|allegedly|told)\b", re.I)


def predicate_conflict(parser: Parser, a: str, b: str) -> bool | None:
    """True when a verb both sentences use is negated in one only ("will direct" / "will not direct");
    False when they share verbs and agree on them; None when they share no verb."""
    negators = load_words(claims_file("negation_words.txt"))

    def verbs(text):
        out = {}
        for t in parser(text):
            if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass"):
                neg = any(c.dep_ == "neg" or c.lower_ in negators for c in t.children)
                out[t.lemma_.lower()] = out.get(t.lemma_.lower(), False) or neg
        return out

    va, vb = verbs(a), verbs(b)
    shared = (set(va) & set(vb)) - {"be", "have", "do", "say"}
    if not shared:
        return None
    return any(va[v] != vb[v] for v in shared)


def apply_stance_model(pending: list, stance_fn, parser: Parser) -> int:
    """Decide the pending pairs (one side negated): a disagreement when a shared verb is negated on
    one side only, or, when they share no verb, when the stance model says "disagree"."""
    if not pending:
        return 0
    labels = stance_fn([pair for _, pair in pending]) if stance_fn is not None else [None] * len(pending)
    changed = 0
    for (stance, (claim_text, text)), label in zip(pending, labels):
        conflict = predicate_conflict(parser, claim_text, text)
        if conflict or (conflict is None and label == "disagree"):
            if stance.stance != "disagree":
                stance.stance = "disagree"
                changed += 1
    return changed


def _reported(text: str) -> bool:
    return _REPORTED.search(text) is not None


def contradictions(claims: list[Claim], confs: list[dict]) -> list[Contradiction]:
    """Every pair of articles (from different outlets when there are several) that state opposite things
    about one claim, each side with its own span. For willingness claims the sides are the statements
    each article makes in its own voice, so an article that reports both positions is paired with both."""
    out = []
    for claim, conf in zip(claims, confs):
        said = conf.get("_said")
        if said is not None:
            agree = [v for k, v in sorted(said.items()) if k.endswith("|agree")]
            disagree = [v for k, v in sorted(said.items()) if k.endswith("|disagree")]
        else:
            agree = [s for s in claim.stances if s.stance == "agree"]
            disagree = [s for s in claim.stances if s.stance == "disagree"]
        for d in disagree:
            # pair each dissenting account with every agreeing one from another outlet (else any other article)
            partners = [a for a in agree if a.outlet != d.outlet] or \
                [a for a in agree if a.article_id != d.article_id]
            if len(partners) > MAX_PARTNERS:
                # a claim carried by hundreds of articles: the dissenting account is paired with the agreeing
                # accounts stated most confidently (every account is still in the claim's stances)
                partners = sorted(partners, key=lambda a: (-conf.get(a.article_id, 0.5), a.article_id))[:MAX_PARTNERS]
            for a in partners:
                score = round(min(conf.get(a.article_id, 0.5), conf.get(d.article_id, 0.5)), 3)
                out.append(Contradiction(claim_id=claim.id, story_id=claim.story_id, a=a, b=d, score=score,
                                         reason=f"{a.outlet} supports “{claim.text}”; {d.outlet} says the opposite"))
    out.sort(key=lambda c: (-c.score, c.claim_id, c.a.article_id, c.b.article_id))
    return out


DISAGREE_MIN = 0.75  # stance-model probability of "disagree" needed to overrule the cues


def load_stance_fn():
    """The trained stance model as fn(pairs) -> labels, or None when it is missing or broken.

    When the model gives probabilities, "disagree" is only passed on at DISAGREE_MIN or more:
    a false contradiction costs the user more than a missed one.
    """
    log = logging.getLogger(__name__)
    try:
        from . import stance as stance_mod
    except Exception as exc:
        log.warning("stance model not loaded (%s: %s): contradictions come from the rules alone", type(exc).__name__, exc)
        return None
    fn = getattr(stance_mod, "predict", None)
    proba = getattr(stance_mod, "predict_proba", None)
    labels = tuple(getattr(stance_mod, "LABELS", ("agree", "disagree", "discuss", "unrelated")))
    if not callable(fn):
        log.warning("stance model has no predict(): contradictions come from the rules alone")
        return None
    probe = [("Talks resumed on Monday.", "Talks resumed on Monday after a pause.")]
    try:
        out = fn(probe)
        if not out or out[0] not in ("agree", "disagree", "discuss", "unrelated"):
            return None
        if callable(proba):
            p = np.asarray(proba(probe))
            if p.ndim != 2 or p.shape[1] != len(labels) or "disagree" not in labels:
                proba = None
    except Exception as exc:
        log.warning("stance model broken (%s: %s): contradictions come from the rules alone", type(exc).__name__, exc)
        return None

    def safe(pairs):
        pairs = list(pairs)
        try:
            if callable(proba):
                p = np.asarray(proba(pairs))
                k = labels.index("disagree")
                return [labels[int(np.argmax(row))] if labels[int(np.argmax(row))] != "disagree" or row[k] >= DISAGREE_MIN
                        else "discuss" for row in p]
            out = list(fn(pairs))
            return out if len(out) == len(pairs) else [None] * len(pairs)
        except Exception as exc:
            log.warning("stance model failed on %d pairs (%s: %s): they get no stance", len(pairs), type(exc).__name__, exc)
            return [None] * len(pairs)
    return safe

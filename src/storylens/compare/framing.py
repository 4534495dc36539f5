"""Framing per article and actor: responsibility, tone and loaded terms (own voice vs attributed).

* ``responsibility`` (−1..1): how much the article casts the actor as the obstacle: the agent of the
  stalling / refusal the story is about, in the article's own voice. Cues from
  ``data/framing/responsibility.tsv`` (the actor as agent of blocking / stalling verbs, or as the
  target of blame) and the willingness predicates of ``data/claims/predicates.tsv`` (refusing to
  talk counts toward obstacle, being ready to talk against it). Negation flips a cue; cues the
  article attributes to someone else count less than its own voice.
  Score = (obstacle − cooperative) / (obstacle + cooperative + 1).
* ``tone`` (−1..1): lexicon (``data/framing/tone.tsv``) over the article's own-voice words in the
  sentences that mention the actor.
* ``loaded_terms``: words from ``data/framing/loaded_terms.tsv`` said about the actor, with
  ``voice`` = outlet when the article uses them itself, or attributed (inside quotation marks
  or in a clause governed by a reporting verb) with ``attributed_to``.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from typing import Sequence

from ..model import Framing, LoadedTerm, Sentence, Story, SummarySentence
from .context import DocView, Parser
from .lexicon import (PRONOUNS, Finding, Resolver, _attribution, claims_file, find, framing_file, load_entries,
                      load_words)

ATTRIBUTED = 0.5      # someone else's accusation, reported: counts half
SELF_STATED = 0.7     # the actor's own claim about itself ("X says he is ready")
MAX_EVIDENCE = 5
# Attacking or invading casts an actor as a belligerent, not as the one who stalls the outcome
# the story follows (talks, a deal): it counts a quarter of a stalling or refusal cue.
AGGRESS_WEIGHT = 0.25


@lru_cache(maxsize=4)
def _table(path: str, key: str, value: str) -> dict[str, str]:
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader([ln for ln in f if ln.strip() and not ln.startswith("#")], delimiter="\t"))
    return {r[key].strip().lower(): r[value].strip() for r in rows}


@lru_cache(maxsize=4)
def _loaded_pattern(path: str) -> re.Pattern:
    terms = sorted(_table(path, "term", "lean"), key=len, reverse=True)
    parts = []
    for t in terms:
        if t.endswith("*"):
            parts.append(re.escape(t[:-1]) + r"[\w-]*")
        else:
            parts.append(re.escape(t))
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.I)


_PRONOUN = re.compile(r"\b(he|she|his|her|they|their)\b", re.I)


@lru_cache(maxsize=1)
def _cue_pattern() -> re.Pattern:
    """Word stems of every framing lexicon, for a cheap look before parsing a sentence."""
    stems = {e.cue[0] for e in responsibility_entries()}
    stems |= set(_table(framing_file("tone.tsv"), "word", "score"))
    stems |= {t.rstrip("*").split()[0] for t in _table(framing_file("loaded_terms.tsv"), "term", "lean")}
    heads = sorted({w[: max(3, len(w) - 2)] for w in stems if w})
    return re.compile(r"\b(?:" + "|".join(map(re.escape, heads)) + r")", re.I)


def responsibility_entries():
    return load_entries(framing_file("responsibility.tsv")) + load_entries(claims_file("predicates.tsv"))


def obstacle_sign(f: Finding) -> float:
    """+1 when the finding casts its actor as the obstacle, −1 as cooperative, 0 when neutral."""
    frame = f.frame
    if frame == "aggress":
        return AGGRESS_WEIGHT if f.polarity > 0 else 0.0
    if frame in ("obstruct", "blame"):
        return 1.0 if f.polarity > 0 else -0.5
    if frame == "cooperate":
        return -1.0 if f.polarity > 0 else 0.5
    # willingness frames: unwilling = obstacle
    return -1.0 if f.polarity > 0 else 1.0


def _weight(f: Finding) -> float:
    w = 1.0
    if f.attributed_to and f.attributed_to != f.actor:
        w *= ATTRIBUTED
    elif f.attributed_to == f.actor:
        w *= SELF_STATED
    if f.hedged:
        w *= 0.6
    return w


def responsibility(findings: Sequence[Finding]) -> tuple[float, list[Finding]]:
    obst = coop = 0.0
    used = []
    # one cue read by two lexicons ("stalled" as obstruction and as unwillingness) counts once,
    # and one sentence takes one position per frame ("ready for talks ... will only talk to X")
    picked: list[Finding] = []
    for key_of in (lambda f: (f.actor, getattr(f, "cue_start", id(f))),
                   lambda f: (f.actor, f.frame, getattr(getattr(f, "sentence", None), "start", id(f)))):
        strongest: dict[tuple, Finding] = {}
        for f in (picked or findings):
            key = key_of(f)
            if key not in strongest or abs(obstacle_sign(f) * _weight(f)) > abs(obstacle_sign(strongest[key]) * _weight(strongest[key])):
                strongest[key] = f
        picked = list(strongest.values())
    for f in picked:
        s = obstacle_sign(f) * _weight(f)
        if s > 0:
            obst += s
        elif s < 0:
            coop -= s
        if s:
            used.append(f)
    return round((obst - coop) / (obst + coop + 1.0), 3), used


def sentence_tone_hits(view: DocView, s: Sentence, sdoc) -> list[float]:
    """Tone-lexicon scores of the sentence's own-voice words (quoted material is someone else's)."""
    lex = _table(framing_file("tone.tsv"), "word", "score")
    out = []
    for t in sdoc:
        sc = lex.get(t.lemma_.lower()) or lex.get(t.lower_)
        if not sc:
            continue
        a = s.start + t.idx
        if view.quote_at(a, a + len(t.text)) is not None:
            continue
        val = float(sc)
        if any(c.dep_ == "neg" for c in t.children) or any(c.dep_ == "neg" for c in t.head.children):
            val = -val / 2
        out.append(val)
    return out


def tone(hits: Sequence[float]) -> float:
    if not hits:
        return 0.0
    return round(max(-1.0, min(1.0, sum(hits) / (len(hits) + 2.0))), 3)


def _term_target(tok, resolver: Resolver, reporting: frozenset) -> str | None:
    """The actor a loaded word is said about, from the parse: "a lack of seriousness from Moscow",
    "portrayed X as a Nazi", "X is a puppet", "the Kyiv regime"."""
    for t in tok.subtree:
        if t.dep_ == "pobj" and t.head.lower_ in ("from", "of", "by") and t.i != tok.i:
            aid, _ = resolver.actor_of(t)
            if aid:
                return aid
            if t.pos_ == "PROPN":
                return ""
    cur = tok
    for _ in range(4):
        if cur.dep_ not in ("conj", "appos", "pobj", "prep", "attr", "oprd", "amod", "acomp", "compound", "dobj") \
                or cur.head.i == cur.i:
            break
        cur = cur.head
        kids = {c.dep_: c for c in cur.children if c.i != tok.i}
        order = ("dobj", "nsubjpass", "nsubj") if cur.lemma_.lower() in reporting else ("nsubj", "nsubjpass", "dobj")
        for dep in order:
            c = kids.get(dep)
            if c is not None and c.i != tok.i:
                aid, _ = resolver.actor_of(c)
                if aid:
                    return aid
    return None


def loaded_terms(view: DocView, s: Sentence, sdoc, person_ids: set[str]) -> list[tuple[str | None, LoadedTerm]]:
    """Loaded terms in a sentence, each with the actor it is said about (nearest mention) and its voice."""
    pat = _loaded_pattern(framing_file("loaded_terms.tsv"))
    reporting = load_words(claims_file("reporting.txt"))
    resolver = Resolver(view, s, sdoc, person_ids)
    out = []
    sent_mentions = [(ms, me, a) for ms, me, a in view.mentions if ms >= s.start and me <= s.end]
    for m in pat.finditer(s.text):
        start, end = s.start + m.start(), s.start + m.end()
        about = None
        inside = [a for ms, me, a in sent_mentions if ms >= start and me <= end]
        tok0 = next((t for t in sdoc if t.idx <= m.start() < t.idx + len(t.text)), None)
        target = _term_target(tok0, resolver, reporting) if tok0 is not None else None
        if inside:
            about = inside[0]
        elif target is not None:
            about = target or None   # "" = the phrase names its own referent, not one of our actors
        elif sent_mentions:
            about = min(sent_mentions, key=lambda x: min(abs(x[0] - end), abs(x[1] - start)))[2]
        else:
            # "the Kyiv regime" with no name in the sentence: a pronoun nearby may still tell
            for t in sdoc:
                if t.lower_ in PRONOUNS:
                    about, _ = resolver.actor_of(t)
                    if about:
                        break
        q = view.quote_at(start, end)
        tok = next((t for t in sdoc if t.idx <= m.start() < t.idx + len(t.text)), None)
        who = _attribution(tok, sdoc, resolver, reporting) if tok is not None else None
        if q is not None:
            voice, attributed_to = "attributed", q[2] or who or "unnamed source"
        elif who is not None:
            voice, attributed_to = "attributed", who
        else:
            voice, attributed_to = "outlet", None
        out.append((about, LoadedTerm(term=view.text[start:end], start=start, end=end, voice=voice,
                                      attributed_to=attributed_to)))
    return out


def frame_story(story: Story, views: dict[str, DocView], key_actors: Sequence[str], parser: Parser,
                person_ids: set[str], relevant: dict[str, list[Sentence]]) -> list[Framing]:
    entries = responsibility_entries()
    pat = _loaded_pattern(framing_file("loaded_terms.tsv"))
    keys = set(key_actors)
    cues = _cue_pattern()
    rows: list[Framing] = []
    for aid in story.article_ids:
        v = views[aid]
        sents = relevant.get(aid, v.sentences)
        # only sentences that name an actor (or point at one) and hold a lexicon word are worth a parse
        todo = [s for s in sents if (v.actors_in(s.start, s.end) or _PRONOUN.search(s.text)) and cues.search(s.text)]
        parser.parse_many(s.text for s in todo)
        findings: list[Finding] = []
        terms: dict[str, list[LoadedTerm]] = {}
        term_sents: dict[str, list[Sentence]] = {}
        mention_sents: dict[str, list[Sentence]] = {}
        tone_hits: dict[int, list[float]] = {}
        for s in todo:
            sdoc = parser(s.text)
            tone_hits[s.start] = sentence_tone_hits(v, s, sdoc)
            findings.extend(f for f in find(v, s, sdoc, entries, person_ids) if f.actor in keys)
            for a in v.actors_in(s.start, s.end):
                mention_sents.setdefault(a, []).append(s)
            if pat.search(s.text):
                for about, lt in loaded_terms(v, s, sdoc, person_ids):
                    if about in keys:
                        terms.setdefault(about, []).append(lt)
                        term_sents.setdefault(about, []).append(s)
        for actor in key_actors:
            mine = [f for f in findings if f.actor == actor]
            if actor not in mention_sents and not mine:
                continue
            score, used = responsibility(mine)
            evidence, seen = [], set()
            for s in [f.sentence for f in used] + term_sents.get(actor, []):
                if s.start in seen or len(evidence) >= MAX_EVIDENCE:
                    continue
                seen.add(s.start)
                evidence.append(SummarySentence(text=s.text, article_id=aid, start=s.start, end=s.end))
            rows.append(Framing(story_id=story.id, article_id=aid, actor_id=actor, responsibility=score,
                                tone=tone([h for s in mention_sents.get(actor, []) for h in tone_hits[s.start]]),
                                loaded_terms=terms.get(actor, []), evidence=evidence, outlet=v.outlet))
    return rows

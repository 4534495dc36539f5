"""Stance statements found on the parse: who is for or against what, on what condition, in whose voice.

A stance cue (data/positions/cues.tsv) is matched on each sentence's spaCy parse. Its holder is
the cue's subject or possessor (pronouns resolved from context; "we" inside a quote is the quote's
speaker; an event coded on the cue lends its source when the parse has none). What it is about is
the cue's complement (object, infinitive, clause or prepositional object). Negation on the parse
flips the sign; a condition marker (data/positions/conditions.tsv: "only", "if", "unless",
"first") attached to the cue or its complement makes the stance conditional and gives the value.
A complement that names a place, a quantified choice ("any format") or a quoted phrase gives the
value of a plain stance. Voice: ``own`` when the statement is the holder's (its quote, its
reported speech, or a speech act it performed), ``reported`` when the outlet characterises it or
someone else attributes it.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from ..model import Actor, Document, Sentence

DATA = Path(__file__).resolve().parents[1] / "data" / "positions"
HOLDER_TYPES = {"PERSON", "ORG", "GPE", "NORP"}
FIRST_PERSON = {"i", "we", "us", "me", "our"}
COMMIT_AUX = {"will", "shall", "would", "'ll", "wo", "gonna"}
COMPLEMENT_DEPS = {"dobj", "xcomp", "ccomp", "attr", "oprd", "nsubjpass", "acl", "pcomp"}
COMPLEMENT_PREPS = {"for", "to", "on", "with", "against", "in", "about", "toward", "towards", "into", "of", "over"}
VENUE_PREPS = {"in", "at", "like", "to"}
PLACE_ENTS = {"GPE", "LOC", "FAC"}
QUANTIFIERS = {"any", "all", "every", "no", "either"}
MAX_OBJECT_TOKENS = 30
_QUOTES = "\"“”‘’«»'"
_HOLDER_WORD = re.compile(r"\b(?:he|she|they|we|i|his|her|their|our)\b", re.I)


@dataclass(frozen=True)
class Cue:
    lemmas: tuple[str, ...]
    stance: int                 # +1 supports, -1 opposes
    pos: str
    kind: str                   # speech | attitude | action


@dataclass
class Found:
    """One stance statement before issue labelling."""
    actor_id: str
    stance: str
    value: str | None
    article_id: str
    start: int
    end: int
    object: str
    cue: str
    masked: str                 # the object with actor names replaced by their kind, for issue labelling
    core: str                   # the same for the object's head phrase (no place, manner or time modifiers)
    voice: str
    reported_by: str | None
    date: str | None
    outlet: str


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        lines = [ln for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@lru_cache(maxsize=4)
def load_cues(path: str = str(DATA / "cues.tsv")) -> dict[str, tuple[Cue, ...]]:
    idx: dict[str, list[Cue]] = {}
    for r in _rows(Path(path)):
        c = Cue(tuple(r["cue"].lower().split()), 1 if r["stance"].strip() == "+" else -1,
                r["pos"].strip().upper(), r["kind"].strip().lower())
        idx.setdefault(c.lemmas[0], []).append(c)
    return {k: tuple(v) for k, v in idx.items()}


@lru_cache(maxsize=4)
def load_conditions(path: str = str(DATA / "conditions.tsv")) -> dict[str, str]:
    return {r["word"].strip().lower(): r["how"].strip().lower() for r in _rows(Path(path))}


@lru_cache(maxsize=4)
def load_words(path: str) -> frozenset:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(ln.strip().lower() for ln in lines if ln.strip() and not ln.startswith("#"))


@lru_cache(maxsize=4)
def _prefilter(path: str = str(DATA / "cues.tsv")) -> re.Pattern:
    heads = sorted({k[: max(3, len(k) - 2)] for k in load_cues(path)})
    return re.compile(r"\b(?:" + "|".join(map(re.escape, heads)) + r")", re.I)


def _lemma(tok) -> str:
    return tok.lemma_.lower()


def _pos_ok(tok, pos: str) -> bool:
    if pos == "VERB":
        return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")
    if pos == "ADJ":
        return tok.pos_ == "ADJ" or tok.tag_ in ("JJ", "VBN")
    if pos == "NOUN":
        return tok.pos_ in ("NOUN", "PROPN")
    if pos == "ADP":
        return tok.pos_ == "ADP"
    if pos == "AUX":
        return tok.dep_ == "aux" or tok.tag_ == "MD"
    return True


def _match(sdoc, tok, cues: dict[str, tuple[Cue, ...]]) -> list[tuple[Cue, list[int]]]:
    """Cues starting at tok (a multi-word cue may have one adverb in between: "rule it out" is not matched)."""
    found = []
    for key in dict.fromkeys((_lemma(tok), tok.lower_)):
        for c in cues.get(key, ()):
            if not _pos_ok(tok, c.pos):
                continue
            idx, j = [tok.i], tok.i + 1
            ok = True
            for part in c.lemmas[1:]:
                while j < len(sdoc) and sdoc[j].pos_ == "ADV" and _lemma(sdoc[j]) != part and j - idx[-1] <= 2:
                    j += 1
                if j >= len(sdoc) or (_lemma(sdoc[j]) != part and sdoc[j].lower_ != part):
                    ok = False
                    break
                idx.append(j)
                j += 1
            if ok:
                found.append((c, idx))
    longest = max((len(c.lemmas) for c, _ in found), default=0)
    return [(c, i) for c, i in found if len(c.lemmas) == longest]


def _committed(tok) -> bool:
    """An action verb states a position only when the holder commits to it (will / would / shall)."""
    for c in tok.children:
        if c.dep_ == "aux" and (c.lower_.replace("’", "'") in COMMIT_AUX or _lemma(c) in COMMIT_AUX):
            return True
    return False


def _complements(sdoc, idx: list[int], cue: Cue) -> list:
    """Tokens heading what the cue is about: objects, infinitives, clauses, prepositional objects."""
    out = []
    for k in idx:
        tok = sdoc[k]
        children = list(tok.children)
        if tok.dep_ == "acomp" and k == idx[0]:
            # "is “open” to negotiations": the parser may hang the complement on the copula
            children += [c for c in tok.head.children if c.dep_ == "prep" and c.i > tok.i]
        for c in children:
            if cue.pos == "NOUN" and c.i not in idx and not (
                    c.dep_ == "prep" or c.dep_ in ("acl", "advcl") and any(g.lower_ == "to" for g in c.children
                                                                          if g.dep_ == "aux")):
                continue
            if c.dep_ == "advcl" and cue.pos == "NOUN":
                out.append(c)
                continue
            if c.i in idx:
                # the particle of a multi-word cue ("call for") hands over its own object
                out.extend(g for g in c.children if g.dep_ in ("pobj", "pcomp"))
                continue
            if c.dep_ in COMPLEMENT_DEPS and not (c.dep_ == "acl" and c.i < tok.i):
                out.append(c)
            elif c.dep_ == "advcl" and c.tag_ == "VBG" and c.i > tok.i and not any(g.dep_ == "mark" for g in c.children):
                # "ruled out sending troops": the parser often hangs the gerund object as an adverbial
                out.append(c)
            elif c.dep_ == "prep" and c.lower_ in COMPLEMENT_PREPS and c.i > tok.i:
                out.extend(g for g in c.children if g.dep_ in ("pobj", "pcomp"))
            elif c.dep_ == "pobj" and tok.pos_ == "ADP":
                out.append(c)
    # "the proposal he rejected": the noun the relative clause hangs on
    head = sdoc[idx[0]]
    if not out and head.dep_ == "relcl" and head.head.pos_ in ("NOUN", "PROPN"):
        out.append(head.head)
    return out


def _object_tokens(comps, cues: dict[str, tuple[Cue, ...]] | None = None) -> list:
    if cues:
        # "downplayed calls for a meeting": the meeting is what the stance is about
        inner = []
        for c in comps:
            if c.pos_ == "NOUN" and any(x.pos == "NOUN" for x in cues.get(_lemma(c), ())):
                sub = [g for p in c.children if p.dep_ == "prep" and p.lower_ in COMPLEMENT_PREPS
                       for g in p.children if g.dep_ in ("pobj", "pcomp")]
                inner.extend(sub or [c])
            else:
                inner.append(c)
        comps = inner
    toks = []
    for c in comps:
        toks.extend(_pruned_subtree(c))
    toks = sorted({t.i: t for t in toks}.values(), key=lambda t: t.i)
    # keep one contiguous stretch: a pruned modifier in the middle ends the object
    for k in range(1, len(toks)):
        if toks[k].i != toks[k - 1].i + 1 and k >= 1:
            toks = toks[:k]
            break
    # a dash or semicolon starts the writer's aside ("—diplomatic language for not anytime soon")
    cut = next((k for k, t in enumerate(toks) if k >= 2 and t.text in ("—", "–", ";", "--")), None)
    if cut is not None:
        toks = toks[:cut]
    if len(toks) > MAX_OBJECT_TOKENS:
        cut = next((k for k, t in enumerate(toks) if k >= 4 and t.text in (",", ";", "—", "–")), MAX_OBJECT_TOKENS)
        toks = toks[:cut]
    while toks and (toks[-1].is_punct or toks[-1].lower_ in ("and", "but", "or")):
        toks = toks[:-1]
    while toks and toks[0].is_punct and toks[0].text not in _QUOTES:
        toks = toks[1:]
    return toks


PRUNE_DEPS = {"advcl", "parataxis", "relcl"}
TIME_ENTS = {"DATE", "TIME"}


def _pruned_subtree(tok) -> list:
    """tok's subtree without time adverbials and side clauses ("on Monday", "a day after ...")."""
    out = [tok]
    for c in tok.children:
        if c.dep_ in PRUNE_DEPS and c.i > tok.i:
            continue
        if c.dep_ == "prep" and any(g.ent_type_ in TIME_ENTS for g in c.children if g.dep_ == "pobj"):
            continue
        if c.dep_ in ("npadvmod", "tmod") and any(g.ent_type_ in TIME_ENTS for g in c.subtree):
            continue
        out.extend(_pruned_subtree(c))
    return out


CORE_PREPS = {"of", "between", "with", "on", "for", "from", "into"}


def _core(obj) -> set[int]:
    """Token ids of the object's head phrase: prepositional modifiers other than argument-like ones dropped."""
    ids = {t.i for t in obj}
    drop: set[int] = set()
    for t in obj:
        if t.dep_ == "prep" and t.lower_ not in CORE_PREPS and t.head.i in ids:
            drop |= {x.i for x in t.subtree}
        # "suggested that European countries send troops": the clause's act, not its subject, is the issue
        if t.dep_ in ("nsubj", "mark") and t.head.i in ids and t.head.pos_ in ("VERB", "AUX") and t.head.i != obj[0].i:
            drop |= {x.i for x in t.subtree}
        if t.is_punct or t.dep_ in ("det", "aux") and t.lower_ in ("to", "a", "an", "the"):
            drop.add(t.i)
    return ids - drop


def _modal_head(tok, cue: Cue, reporting: frozenset) -> list[int] | None:
    """The verb a deontic modal governs: "must address" → address; "need to talk" → talk. None for
    "must tell you" (a turn of speech), "should boost the numbers" (a prediction: no one acts) and the
    perfect "have"."""
    if cue.pos == "AUX":
        head = tok.head
        while head.dep_ in ("aux", "auxpass") and head.head.i != head.i:
            head = head.head   # "must be prepared": the parser may hang "must" on "be"
        if tok.dep_ != "aux" or head.i == tok.i or head.pos_ not in ("VERB", "AUX") or _lemma(head) in reporting:
            return None
        if _lemma(tok) != "must":
            subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
            if subj is None or not (subj.pos_ in ("PROPN", "PRON") or subj.ent_type_ in ("PERSON", "ORG", "GPE", "NORP")):
                return None
        return [head.i]
    if tok.dep_ == "aux":
        return None
    x = next((c for c in tok.children if c.dep_ == "xcomp" and any(g.lower_ == "to" for g in c.children)), None)
    return [x.i] if x is not None and _lemma(x) not in reporting else None


def _thing_subject(head, view, base: int) -> bool:
    """The clause's subject is neither an actor nor a pronoun ("the meetings must be prepared")."""
    subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return (subj is not None and subj.pos_ in ("NOUN",) and subj.ent_type_ not in ("PERSON", "ORG", "GPE", "NORP")
            and view.actor_at(base + subj.idx, base + subj.idx + len(subj.text)) is None)


CLAUSE_CHAIN = {"acomp", "xcomp", "attr", "oprd", "aux", "auxpass"}


def _negated(tok, negators: frozenset) -> bool:
    """Negation inside the cue's own clause ("not ready to", "won't talk", "did not rule out", "no
    interest in"). A negation above a clause boundary ("has not shown that he is interested") makes
    the statement uncertain, not opposite, so it does not count."""
    flips = 0
    cur = tok
    for _ in range(4):
        for c in cur.children:
            # "not ready", "no interest", "little interest", "never agreed"
            if c.dep_ in ("neg", "det", "advmod", "amod", "preconj") and (_lemma(c) in negators or c.lower_ in negators):
                flips += 1
        if cur.dep_ == "pcomp" and (_lemma(cur.head) in negators or cur.head.lower_ in negators):
            flips += 1   # "without offering any concessions"
        if cur.dep_ not in CLAUSE_CHAIN or cur.head.i == cur.i:
            break
        cur = cur.head
    return flips % 2 == 1


def _under_negation(tok, negators: frozenset) -> bool:
    """A stance in a clause that a negated verb governs ("has not shown that he is interested") is not asserted."""
    cur = tok
    while cur.dep_ in CLAUSE_CHAIN and cur.head.i != cur.i:
        cur = cur.head
    for anc in list(cur.ancestors)[:4]:
        if anc.pos_ in ("VERB", "AUX") and any(c.dep_ in ("neg", "dobj", "advmod") and (_lemma(c) in negators or
                                                                                      c.lower_ in negators)
                                               for c in anc.children):
            return True
    return False


def _only_names(obj, view, base: int) -> bool:
    """"agreed with Matthews": an object that is nothing but actors names no issue."""
    content = [t for t in obj if not (t.is_punct or t.pos_ in ("DET", "CCONJ", "ADP", "PART"))]
    return bool(content) and all(view.actor_at(base + t.idx, base + t.idx + len(t.text)) or t.ent_type_ in
                                 ("PERSON", "ORG", "GPE", "NORP") or t.pos_ == "PRON" for t in content)


def _governed_by_cue(tok, cue_tokens: set[int]) -> bool:
    """"ready to talk", "refusal to engage": the inner word is part of the outer cue's object."""
    cur = tok
    for _ in range(3):
        if cur.head.i == cur.i or cur.dep_ not in ("xcomp", "acl", "advcl", "pobj", "pcomp", "prep", "dobj", "ccomp"):
            return False
        cur = cur.head
        if cur.i in cue_tokens:
            return True
    return False


def _concessive(mark) -> bool:
    """"even if" and "even before" concede rather than set a condition."""
    return mark.i > 0 and mark.doc[mark.i - 1].lower_ == "even"


def _condition(sdoc, head, obj_toks, conditions: dict[str, str]) -> tuple[int, ...] | None:
    """Token ranges (inclusive pairs) of the condition attached to the cue or its complement, if any."""
    scope = {head.i} | {t.i for t in obj_toks}
    clause_heads = [head] + ([head.head] if head.dep_ in ("acomp", "attr") and head.head.i != head.i else [])
    # restrictions: "only to Trump", "will talk only to Trump"
    for t in sdoc:
        how = conditions.get(t.lower_)
        if how == "restrict" and (t.head.i in scope or t.head in clause_heads) and not (t.i > 0 and sdoc[t.i - 1].lower_ == "not"):
            target = t.head
            if target.i == head.i or target in clause_heads:
                after = [c for c in head.children if c.i > t.i and c.dep_ in ("prep", "dobj", "xcomp", "dative")]
                if not after:
                    continue
                # "will only talk directly to X": the value is "only" with what it restricts
                lo, hi = after[0].left_edge.i, max(x.i for x in after[0].subtree)
                for c in sdoc[hi + 1: hi + 2]:
                    if c.text == "," and hi + 2 < len(sdoc) and sdoc[hi + 2].lower_ == "not":
                        hi = max([hi + 2] + [x.i for x in sdoc[hi + 2].head.subtree if x.i > hi + 2 and x.i - hi < 10])
                return (t.i, t.i, lo, hi)
            else:
                lo, hi = t.i, max(x.i for x in target.subtree)
            for c in sdoc[hi + 1: hi + 2]:
                # "only to Trump, not Zelensky": the excluded alternative belongs to the value
                if c.text == "," and hi + 2 < len(sdoc) and sdoc[hi + 2].lower_ == "not":
                    tail = sdoc[hi + 2]
                    hi = max([hi + 2] + [x.i for x in tail.head.subtree if x.i > hi + 2 and x.i - hi < 10])
            return lo, hi
        if how == "first" and t.dep_ == "advmod" and (t.head.i in scope or t.head in clause_heads):
            return (min(scope), max(scope)) if obj_toks else (t.i, t.i)
    # clauses: "if the terms suit him", "before agreeing to meet", "unless ..."
    for h in clause_heads + list(obj_toks[:1]):
        for c in h.children:
            if c.dep_ == "advcl":
                marks = [m for m in c.children if m.dep_ == "mark"]
                if marks and conditions.get(marks[0].lower_) == "clause" and not _concessive(marks[0]):
                    sub = list(c.subtree)
                    return sub[0].i, sub[-1].i
            if c.dep_ == "prep" and conditions.get(c.lower_) == "clause" and not _concessive(c):
                sub = list(c.subtree)
                return sub[0].i, sub[-1].i
    return None


def _plain_value(sdoc, obj_toks) -> tuple[int, int] | None:
    """The choice a plain stance names: a quantified option, a place, or a quoted phrase."""
    ids = {t.i for t in obj_toks}
    for t in obj_toks:
        if t.dep_ == "pobj" and any(c.lower_ in QUANTIFIERS for c in t.children if c.dep_ == "det"):
            sub = [x for x in t.subtree if x.i in ids]
            return sub[0].i, sub[-1].i
    for ent in sdoc.ents:
        if ent.label_ in PLACE_ENTS and ent.start in ids and ent.root.dep_ == "pobj" \
                and ent.root.head.lower_ in VENUE_PREPS:
            return ent.start, ent.end - 1
    return None


def _span_text(text: str, start: int, end: int) -> str:
    return text[start:end].strip().strip(_QUOTES + ".,;: ").strip()


KIND_WORDS = {"PERSON": "the leader", "GPE": "the country", "ORG": "the organisation", "NORP": "the people"}


def _masked(view, start: int, end: int, actors: dict[str, Actor]) -> str:
    """The object with each actor mention replaced by its kind: an issue is about the act, not the names."""
    text = view.text
    parts, pos = [], start
    for s, e, aid in view.mentions:
        if s < pos or e > end:
            continue
        ac = actors.get(aid)
        parts.append(text[pos:s])
        parts.append(KIND_WORDS.get(ac.type if ac else "", "them"))
        pos = e
    parts.append(text[pos:end])
    return re.sub(r"\s+", " ", "".join(parts)).strip(_QUOTES + ".,;: ")


class _Quotes:
    """Every quote of the article (direct, partial and indirect) with its speaker's actor id."""

    def __init__(self, doc: Document, rep: dict[str, str]):
        self.items = sorted((q.start, q.end, rep.get(q.speaker, q.speaker) if q.speaker else None, q.speaker_text)
                            for q in doc.quotes if q.kind in ("direct", "partial", "indirect"))

    def at(self, start: int, end: int):
        best = None
        for s, e, sp, st in self.items:
            if s <= start and end <= e and (sp or st):
                if best is None or (e - s) < (best[1] - best[0]):
                    best = (s, e, sp, st)
        return best


def _same_side(speaker: str | None, holder: str, actors: dict[str, Actor]) -> bool:
    """A government's own voice: its holder, or a person of the same country speaking for a state actor."""
    if speaker is None:
        return False
    if speaker == holder:
        return True
    h, s = actors.get(holder), actors.get(speaker)
    return (h is not None and s is not None and h.type in ("GPE", "ORG") and s.type == "PERSON"
            and h.country is not None and h.country == s.country and bool(s.roles))


def sentence_positions(view, sentence: Sentence, sdoc, quotes: _Quotes, events, actors: dict[str, Actor],
                       person_ids: set[str], date: str | None) -> list[Found]:
    from ..compare.lexicon import Resolver, _agent_token, _attribution

    cues = load_cues()
    conditions = load_conditions()
    negators = load_words(str(DATA.parent / "claims" / "negators.txt"))
    reporting = load_words(str(DATA / "reporting.txt"))
    resolver = Resolver(view, sentence, sdoc, person_ids)
    base = sentence.start
    text = view.text
    matches = []
    for tok in sdoc:
        for cue, idx in _match(sdoc, tok, cues):
            matches.append((cue, idx))
    cue_tokens = set()
    for cue, idx in matches:
        if cue.kind != "modal":
            cue_tokens |= set(idx)
        elif _modal_head(sdoc[idx[0]], cue, reporting) is not None:
            # a bare "have" or "need" governs nothing; a modal that takes a verb does
            cue_tokens |= set(idx) | set(_modal_head(sdoc[idx[0]], cue, reporting))
    out: list[Found] = []
    seen: set[tuple] = set()
    for cue, idx in matches:
        own = set(idx)
        modal_i = idx[0]
        if cue.kind == "modal":
            idx = _modal_head(sdoc[idx[0]], cue, reporting)
            if idx is None:
                continue
            own |= set(idx)
        head = sdoc[idx[0]]
        if cue.kind == "action" and not _committed(head):
            continue
        if _governed_by_cue(head, cue_tokens - own):
            continue
        obj = _object_tokens(_complements(sdoc, idx, cue), cues) if cue.kind != "modal" else []
        if cue.kind == "modal":
            # what must be done is the whole governed clause, its subject included
            obj = _object_tokens([head])
            while obj and obj[0].dep_ == "mark":
                obj = obj[1:]
        elif obj and cue.kind == "action":
            # "will talk to X": the act itself is what the holder stands for
            obj = sorted({t.i: t for t in [*(sdoc[i] for i in idx), *obj]}.values(), key=lambda t: t.i)
        if not obj or _only_names(obj, view, base):
            continue
        # holder: the cue's subject or possessor
        agent = _agent_token(head)
        cs, ce = base + head.idx, base + sdoc[idx[-1]].idx + len(sdoc[idx[-1]].text)
        q = quotes.at(cs, ce)
        holder = None
        if cue.kind == "modal":
            # a demand on someone is the position of whoever makes it
            said_by = q[2] if q is not None else _attribution(head, sdoc, resolver, reporting)
            if agent is not None and agent.lower_ in FIRST_PERSON | {"you"} or said_by is not None:
                holder = said_by if said_by in actors else None
            agent = None if holder is None else agent
            if holder is None:
                continue
        elif agent is not None:
            holder, _ = resolver.actor_of(agent)
            if holder is None and agent.lower_ in FIRST_PERSON and q is not None:
                holder = q[2]
        if holder is None and agent is None:
            # no subject on the parse ("Putinsays he…" glued by a scrape): the event coded on the cue knows it
            for e in events:
                if e.source and e.start <= cs < e.end and (e.trigger or "").lower() in (head.lower_, _lemma(head)):
                    holder = e.source
                    break
        if holder is None or holder not in actors or actors[holder].type not in HOLDER_TYPES:
            continue
        # stance, condition, value
        if _under_negation(head, negators):
            continue
        pol = -cue.stance if _negated(head, negators) else cue.stance
        cond = _condition(sdoc, head, obj, conditions)
        if cond is not None:
            stance = "conditional"
            value = " ".join(_span_text(sdoc.text, sdoc[a].idx, sdoc[b].idx + len(sdoc[b].text))
                             for a, b in zip(cond[::2], cond[1::2]))
            if pol < 0 and sdoc[cond[0]].lower_ not in conditions:
                stance = "opposes"
        elif cue.kind == "modal" and pol > 0 and _thing_subject(head, view, base):
            # "any agreement must address the root causes": a requirement on a thing is a condition on it
            rest = [t for t in obj if t.i > modal_i and t.dep_ not in ("aux", "auxpass", "punct")]
            stance = "conditional"
            value = _span_text(sdoc.text, rest[0].idx, obj[-1].idx + len(obj[-1].text)) if rest else None
        else:
            stance = "supports" if pol > 0 else "opposes"
            pv = _plain_value(sdoc, obj)
            value = _span_text(sdoc.text, sdoc[pv[0]].idx, sdoc[pv[1]].idx + len(sdoc[pv[1]].text)) if pv else None
        # span: from the holder when it is named before the cue, to the end of the object / condition
        lo = head.i
        if agent is not None and agent.i < head.i and (head.i - agent.i) <= 12:
            lo = min(t.i for t in agent.subtree) if len(list(agent.subtree)) < 10 else agent.i
        if cue.kind == "modal":
            lo = min(lo, obj[0].i)
        hi = max([obj[-1].i] + ([cond[-1]] if cond else []))
        start, end = base + sdoc[lo].idx, base + sdoc[hi].idx + len(sdoc[hi].text)
        dash = text.find("—", start + 1, end)
        if dash > 0:
            # the tokenizer may glue a dash to its neighbours ("care”—diplomatic")
            end = dash
            value = value.split("—")[0].strip(_QUOTES + " ") if value else value
        while end > start and text[end - 1] in ",;:. ":
            end -= 1
        obj_text = _span_text(sdoc.text, obj[0].idx, obj[-1].idx + len(obj[-1].text)).split("—")[0].strip()
        key = (holder, start, obj_text)
        if key in seen or not obj_text:
            continue
        seen.add(key)
        # voice: whose statement is it?
        speaker = q[2] if q is not None else None
        attributed = _attribution(head, sdoc, resolver, reporting) if speaker is None else speaker
        if q is not None and not q[2]:
            attributed = attributed or q[3]
        if _same_side(attributed, holder, actors):
            voice, by = "own", view.outlet
        elif attributed:
            voice, by = "reported", attributed
        elif cue.kind == "speech" and cue.pos == "VERB" and agent is not None and agent.dep_ != "poss":
            voice, by = "own", view.outlet
        else:
            voice, by = "reported", view.outlet
        ev_date = next((e.date for e in events if e.date and e.start <= cs < e.end), None)
        masked = _masked(view, base + obj[0].idx, base + obj[-1].idx + len(obj[-1].text), actors)
        core_ids = _core(obj)
        core = " ".join(_masked(view, base + t.idx, base + t.idx + len(t.text), actors) if t.ent_type_ else t.text
                        for t in obj if t.i in core_ids)
        out.append(Found(holder, stance, value or None, view.id, start, end, obj_text,
                         " ".join(sdoc[i].text for i in idx), masked, core, voice, by, ev_date or date, view.outlet))
    return out


def find_positions(documents: Sequence[Document], actors: Sequence[Actor], parser=None) -> list[Found]:
    """Stance statements of every document, in document and text order (no issue labels yet)."""
    from ..compare.context import Parser, actor_groups, build_views

    parser = parser or Parser(None)
    rep = actor_groups(actors)
    by_id = {a.id: a for a in actors}
    # a merged transliteration variant speaks as its representative
    for a in actors:
        if rep.get(a.id, a.id) != a.id and rep[a.id] not in by_id:
            rep[a.id] = a.id
    person_ids = {rep.get(a.id, a.id) for a in actors if a.type == "PERSON"}
    docs = [d for d in documents if d.article.text and not d.article.duplicate_of]
    views = build_views(docs, rep)
    pre = _prefilter()
    quotes_of = {d.article.id: _Quotes(d, rep) for d in docs}
    todo = []
    for d in docs:
        v = views[d.article.id]
        for s in v.sentences:
            # a position needs a holder the sentence can name: an actor, a pronoun, or a quote's speaker
            if pre.search(s.text) and (v.actors_in(s.start, s.end) or _HOLDER_WORD.search(s.text)
                                       or quotes_of[d.article.id].at(s.start, s.start + 1)):
                todo.append((d, v, s))
    parser.parse_many(s.text for _, _, s in todo)
    out: list[Found] = []
    for d, v, s in todo:
        quotes = quotes_of[d.article.id]
        events = [replace(e, source=rep.get(e.source, e.source)) for e in d.events
                  if e.start <= s.start < e.end or s.start <= e.start < s.end]
        out.extend(sentence_positions(v, s, parser(s.text), quotes, events, by_id, person_ids, d.article.published))
    return out

"""Predicate lexicons (data files) matched on spaCy parses: who is (un)willing, who obstructs, who is blamed.

A lexicon row names a cue (a lemma or lemma sequence), the complements it must govern (so
"refuse to talk" counts and "refuse a visa" does not), a polarity and whose argument it
concerns (the agent: subject / possessor; or the target: the object). :func:`find` returns
one :class:`Finding` per match with the actor it is about, whether it is negated or hedged,
and whether the sentence attributes it to someone (reported speech or quotation).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..model import Sentence
from .context import DocView

DATA = Path(__file__).resolve().parents[1] / "data"
PRONOUNS = {"he", "she", "him", "her", "his", "hers", "they", "them", "their"}
CLIMB_SUBJECT = {"xcomp", "conj", "acomp", "attr", "oprd", "advcl", "pcomp", "prep", "pobj", "dobj"}
CLIMB_NEGATION = {"xcomp", "acomp", "attr", "oprd", "ccomp", "advcl", "acl", "pobj", "prep", "dobj", "pcomp", "relcl", "aux"}
NEG_DEPS = {"neg", "det", "advmod", "amod", "preconj"}


@dataclass(frozen=True)
class Entry:
    frame: str
    polarity: int
    role: str
    cue: tuple[str, ...]
    needs: frozenset | None
    pos: str


@dataclass
class Finding:
    frame: str
    polarity: int                 # after negation
    actor: str | None             # actor id the finding is about
    actor_text: str
    view: DocView
    sentence: Sentence
    cue_start: int                # absolute offsets of the cue in the article text
    cue_end: int
    negated: bool
    hedged: bool
    attributed_to: str | None     # actor id or text of whoever the sentence attributes it to
    in_quote: bool
    entry: Entry

    @property
    def cue(self) -> str:
        return self.view.text[self.cue_start:self.cue_end]


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        lines = [ln for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@lru_cache(maxsize=16)
def load_entries(path: str) -> tuple[Entry, ...]:
    out = []
    for r in _rows(Path(path)):
        needs = r["needs"].strip()
        out.append(Entry(r["frame"].strip(), 1 if r["polarity"].strip() == "+" else -1, r["role"].strip(),
                         tuple(r["cue"].lower().split()), None if needs == "*" else frozenset(needs.lower().split("|")),
                         (r.get("pos") or "ANY").strip().upper()))
    return tuple(out)


@lru_cache(maxsize=16)
def load_words(path: str) -> frozenset:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(ln.strip().lower() for ln in lines if ln.strip() and not ln.startswith("#"))


def claims_file(name: str) -> str:
    return str(DATA / "claims" / name)


def framing_file(name: str) -> str:
    return str(DATA / "framing" / name)


_INDEXES: dict[int, tuple] = {}


def _index(entries) -> dict[str, list[Entry]]:
    # find() runs once per candidate sentence with the same (cached) entry tuple: build its index once
    hit = _INDEXES.get(id(entries))
    if hit is not None and hit[0] is entries:
        return hit[1]
    idx: dict[str, list[Entry]] = {}
    for e in entries:
        idx.setdefault(e.cue[0], []).append(e)
    if len(_INDEXES) > 64:
        _INDEXES.clear()
    _INDEXES[id(entries)] = (entries, idx)
    return idx


def _pos_ok(tok, pos: str) -> bool:
    if pos == "ANY":
        return True
    if pos == "VERB":
        return tok.pos_ in ("VERB", "AUX")
    if pos == "ADJ":
        return tok.pos_ == "ADJ" or tok.tag_ in ("JJ", "VBN")
    if pos == "NOUN":
        return tok.pos_ in ("NOUN", "PROPN")
    return True


def _lemma(tok) -> str:
    return tok.lemma_.lower()


def _match_cue(sent, i: int, cue: tuple[str, ...]):
    """Token indices covering cue starting at i (one adverb or particle may sit in between)."""
    idx = [i]
    j = i + 1
    for part in cue[1:]:
        while j < len(sent) and sent[j].pos_ == "ADV" and _lemma(sent[j]) != part and j - idx[-1] <= 2:
            j += 1
        if j >= len(sent) or (_lemma(sent[j]) != part and sent[j].lower_ != part):
            return None
        idx.append(j)
        j += 1
    return idx


def _governs(tok, needs: frozenset, window: int = 10) -> bool:
    for t in tok.subtree:
        if t.i != tok.i and abs(t.i - tok.i) <= window and (_lemma(t) in needs or t.lower_ in needs):
            return True
    # adjectives and light verbs often take their complement through the clause they head
    if tok.dep_ in ("acomp", "attr") and tok.head.i != tok.i:
        for t in tok.head.subtree:
            if t.i > tok.i and t.i - tok.i <= window and (_lemma(t) in needs or t.lower_ in needs):
                return True
    return False


def _negated(tok, negators: frozenset) -> bool:
    flips = 0
    cur, steps = tok, 0
    while True:
        for c in cur.children:
            if (c.dep_ in NEG_DEPS or c.dep_ == "neg") and (_lemma(c) in negators or c.lower_ in negators):
                flips += 1
        if steps > 0 and _lemma(cur) in negators:
            flips += 1
        if cur.dep_ not in CLIMB_NEGATION or cur.head.i == cur.i or steps >= 4:
            break
        # A reporting verb's own negation ("did not say") is about the report, not the claim.
        cur, steps = cur.head, steps + 1
    return flips % 2 == 1


def _agent_token(tok):
    """Subject (or possessor) of the predicate tok, climbing through complements and conjuncts."""
    cur, steps = tok, 0
    while cur is not None and steps <= 4:
        for c in cur.children:
            if c.dep_ in ("nsubj", "poss", "csubj"):
                return c
            if c.dep_ == "agent":
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
        if cur.dep_ == "nsubjpass" or cur.head.i == cur.i:
            return None
        head = cur.head
        infinitival = any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children)
        if cur.dep_ == "relcl" and not infinitival:
            return head
        if cur.pos_ in ("NOUN", "PROPN"):
            # "X showed reluctance": a noun cue takes the subject of the verb it is the object of
            if cur.dep_ in ("dobj", "attr") and head.pos_ in ("VERB", "AUX"):
                cur, steps = head, steps + 1
                continue
            return None
        if cur.dep_ in ("acl", "relcl"):
            # "X has no reason to rush": infinitive on a noun that is the object of X's verb
            if head.dep_ in ("dobj", "attr") and head.head.pos_ in ("VERB", "AUX"):
                cur, steps = head.head, steps + 1
                continue
            return None
        if cur.dep_ in ("prep", "pobj") and head.pos_ not in ("VERB", "AUX", "ADJ"):
            return None
        if cur.dep_ not in CLIMB_SUBJECT:
            return None
        if (cur.dep_ == "xcomp" or cur.dep_ == "prep" and cur.lower_ == "into") and head.pos_ == "VERB":
            # object control: "pressed Kyiv to talk", "manipulate Trump into mediating"
            obj = next((c for c in head.children if c.dep_ == "dobj" and c.i != cur.i), None)
            if obj is not None and obj.pos_ in ("PROPN", "PRON"):
                return obj
        cur, steps = head, steps + 1
    return None


def _target_token(tok):
    for c in tok.children:
        if c.dep_ in ("dobj", "nsubjpass"):
            return c
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("on", "at", "for"):
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _np_span(tok) -> tuple[int, int]:
    """Character span of a noun phrase head with its compounds / names (no clauses)."""
    left = [t for t in tok.lefts if t.dep_ in ("compound", "amod", "nmod", "det", "poss", "flat")]
    start = min([tok.idx] + [t.idx for t in left])
    return start, tok.idx + len(tok.text)


class Resolver:
    """Maps a token to the actor it refers to, resolving simple pronouns from context."""

    def __init__(self, view: DocView, sentence: Sentence, sdoc, person_ids: set[str]):
        self.view, self.sentence, self.sdoc, self.person_ids = view, sentence, sdoc, person_ids

    def actor_of(self, tok) -> tuple[str | None, str]:
        base = self.sentence.start
        s, e = _np_span(tok)
        aid = self.view.actor_at(base + s, base + e)
        text = self.view.text[base + s: base + e]
        if aid is None:
            # A name that spaCy split off ("Zelenskiy's"), or a flat name: try the token alone.
            aid = self.view.actor_at(base + tok.idx, base + tok.idx + len(tok.text))
        if aid is None and tok.lower_ in PRONOUNS:
            aid = self._antecedent(tok)
            if aid:
                text = f"{tok.text} ({aid})"
        return aid, text

    def _antecedent(self, tok) -> str | None:
        base = self.sentence.start
        plural = tok.lower_ in ("they", "them", "their")
        before = [(s, a) for s, e, a in self.view.mentions if base <= s < base + tok.idx]
        # prefer an actor that is the subject of a verb governing the pronoun ("X said he ...")
        for anc in tok.ancestors:
            for c in anc.children:
                if c.dep_ == "nsubj" and c.i < tok.i:
                    aid = self.view.actor_at(base + c.idx, base + c.idx + len(c.text))
                    if aid and (plural or aid in self.person_ids):
                        return aid
        for s, a in reversed(before):
            if plural or a in self.person_ids:
                return a
        # else the first fitting actor of the closest earlier sentence that has one (usually its subject)
        for prev in reversed([s for s in self.view.sentences if s.end <= base][-3:]):
            for s, e, a in self.view.mentions:
                if prev.start <= s < prev.end and (plural or a in self.person_ids):
                    return a
        return None


def _attribution(tok, sdoc, resolver: Resolver, reporting: frozenset) -> str | None:
    """Who the clause holding tok is attributed to (subject of a governing reporting verb)."""
    cur = tok
    while cur.head.i != cur.i:
        head = cur.head
        if cur.dep_ in ("ccomp", "xcomp", "advcl", "parataxis", "dobj", "oprd", "attr", "pobj", "prep") \
                and _lemma(head) in reporting and head.pos_ in ("VERB", "AUX"):
            subj = _agent_token(head)
            if subj is None or subj.pos_ in ("PRON", "DET") and subj.lower_ not in PRONOUNS:
                return None
            aid, text = resolver.actor_of(subj)
            if aid is None and _unnamed_source(subj):
                return None
            return aid or text
        cur = head
    for t in sdoc:
        if t.lower_ == "according" and t.i + 1 < len(sdoc) and sdoc[t.i + 1].lower_ == "to":
            for g in sdoc[t.i + 1].children:
                if g.dep_ == "pobj":
                    aid, text = resolver.actor_of(g)
                    if aid is None and _unnamed_source(g):
                        return None
                    return aid or text
    return None


def _unnamed_source(tok) -> bool:
    """A reporter's unnamed source ("diplomatic sources", "people familiar with the talks"): what it
    says is the outlet's own reporting, not a party's claim."""
    return tok.pos_ != "PROPN" and (_lemma(tok) in _sourcing() or tok.lower_ in _sourcing())


def _sourcing() -> frozenset:
    return load_words(claims_file("sourcing.txt"))


CONTRAST = {"but", "however", "yet", "although", "though"}


def _hedged(head, sdoc, hedges: frozenset) -> bool:
    """Modal or speculative wording around the cue, a restriction ("only"), or a caveat after it."""
    for t in [head, *list(head.ancestors)[:3]]:
        for c in [t, *[c for c in t.children if c.dep_ in ("aux", "advmod", "mark")]]:
            if _lemma(c) in hedges or (c is not t and c.lower_ == "only"):
                return True
    # "X says he is ready for talks, but ..." : the sentence itself qualifies the statement
    return any(t.lower_ in CONTRAST and t.dep_ in ("cc", "mark", "advmod") for t in sdoc[head.i + 1:])


def find(view: DocView, sentence: Sentence, sdoc, entries, person_ids: set[str]) -> list[Finding]:
    negators = load_words(claims_file("negators.txt"))
    hedges = load_words(claims_file("hedges.txt"))
    reporting = load_words(claims_file("reporting.txt"))
    idx = _index(entries)
    resolver = Resolver(view, sentence, sdoc, person_ids)
    hedged_sentence = sentence.text.rstrip().endswith("?")
    out: list[Finding] = []
    seen: set[tuple] = set()
    for tok in sdoc:
        matched = []
        lemma, lower = _lemma(tok), tok.lower_
        cands = idx.get(lemma, [])
        if lower != lemma:
            cands = cands + idx.get(lower, [])
        for e in cands:
            if not _pos_ok(tok, e.pos):
                continue
            span = _match_cue(sdoc, tok.i, e.cue)
            if span is not None:
                matched.append((e, span))
        # "push back against talks" is not also "push for talks": the longest cue wins
        longest = max((len(e.cue) for e, _ in matched), default=0)
        for e, span in matched:
            if len(e.cue) < longest:
                continue
            head = sdoc[span[0]]
            if e.needs is not None and not any(_governs(sdoc[k], e.needs) for k in span):
                continue
            arg = _agent_token(head) if e.role == "agent" else _target_token(head)
            if arg is None:
                continue
            aid, atext = resolver.actor_of(arg)
            if aid is None:
                continue
            neg = _negated(head, negators)
            hedged = hedged_sentence or _hedged(head, sdoc, hedges)
            if e.frame == "engage" and e.polarity > 0 and not neg and _excludes(head, resolver, aid, negators):
                # "will only talk to Trump, not Zelensky": willingness that shuts out a party is a refusal
                neg, hedged = True, hedged_sentence
            cs = sentence.start + head.idx
            ce = sentence.start + sdoc[span[-1]].idx + len(sdoc[span[-1]].text)
            key = (e.frame, aid, cs)
            if key in seen:
                continue
            seen.add(key)
            q = view.quote_at(cs, ce)
            attributed = q[2] if q and q[2] else None
            if attributed is None:
                attributed = _attribution(head, sdoc, resolver, reporting)
            if attributed is None and q is not None:
                attributed = "quoted"
            out.append(Finding(e.frame, -e.polarity if neg else e.polarity, aid, atext, view, sentence, cs, ce,
                               neg, hedged, attributed, q is not None, e))
    return _drop_complements(out, sdoc)


def _excludes(head, resolver: "Resolver", agent: str, negators: frozenset) -> bool:
    """The predicate names a party it will *not* deal with: "talk directly to A, not B", "meet A but not B"."""
    for t in head.subtree:
        if t.i == head.i or not (t.dep_ in ("neg", "advmod", "preconj", "cc") and
                                 (_lemma(t) in negators or t.lower_ == "not")):
            continue
        nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
        if nxt is not None and nxt.lower_ in ("only", "just", "merely", "least"):
            continue     # "not only A" includes A
        if t.head.i == head.i:
            continue     # negates the predicate itself, handled as negation
        for cand in [t.head, *t.head.children, *t.children]:
            if cand.i in (t.i, head.i) or cand.pos_ not in ("PROPN", "NOUN"):
                continue
            other, _ = resolver.actor_of(cand)
            if other and other != agent:
                return True
    return False


def _drop_complements(found: list[Finding], sdoc) -> list[Finding]:
    """"refusal to engage" is one negative finding, not also a positive one for "engage"."""
    heads = {f.cue_start - f.sentence.start: f for f in found}
    by_idx = {t.idx: t for t in sdoc}
    keep = []
    for f in found:
        tok = by_idx.get(f.cue_start - f.sentence.start)
        inner = False
        if tok is not None:
            for steps, anc in enumerate(tok.ancestors):
                if steps >= 3:
                    break
                other = heads.get(anc.idx)
                if other is not None and other is not f and other.entry.needs and \
                        (_lemma(tok) in other.entry.needs or tok.lower_ in other.entry.needs):
                    inner = True
                    break
        if not inner:
            keep.append(f)
    return keep

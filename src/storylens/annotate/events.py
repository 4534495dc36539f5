"""Political events (PLOVER types, CAMEO codes): who did what to whom, when and where.

Method: CAMEO verb-pattern coding over the spaCy dependency parse.
1. Triggers are verbs in the PETRARCH2 CAMEO verb dictionary (plus a few hand-written defaults and
   patterns) and event nouns ("strikes", "talks", "sanctions") that have an actor attached.
2. The verb's dictionary patterns are matched against the words of its own subtree; the best match gives
   the CAMEO code, which the CAMEO→PLOVER table turns into a PLOVER type. Codes with no PLOVER type
   (public statements, appeals) are not events.
3. A trigger inside the argument structure of another trigger ("refused to meet", "threatened to impose
   tariffs") is part of that event, not a second one: this keeps extra events per sentence low.
4. Source = grammatical subject (following control and coordination, passive agents); target = the first
   actor among the objects and prepositional arguments. Actors map to the article's local entities.
5. Mode from the path between trigger and clause root: negation, modal/conditional (hypothetical),
   intent governors and future auxiliaries (intended), reporting verbs and quotes (reported). An intended
   or modal act is a statement of intent and a refused one a rejection (data/events/intent_types.tsv:
   "will provide aid" -> AGREE, "would boycott" -> THREATEN, "won't meet" -> REJECT); mode keeps the modality.
6. Coordination: a party excluded from the act ("will talk only to Trump, not Zelensky") is the target of
   a refusal; coordinated sources ("X and Y agreed") each get the event.
7. The learned decision (event_model.py, trained by scripts/train_event_model.py): per sentence (and,
   in a long sentence, per trigger clause) a class head and a type head over the MiniLM embedding and
   TF-IDF keep, re-type or drop the dictionary's candidates ("no event" for statements), and add an
   event on the main verb when the dictionary has none but an event class is clear. Optionally (a model
   trained with `--phrase-head 1`; the shipped one is not) a third head reads the trigger phrase (the
   trigger with its arguments' words, `trigger_phrase`) and a dictionary event's type is weighed against
   the heads' readings of its sentence and its phrase, with a tuned bonus for the dictionary's type.
   All of a document's sentences go to the model in one call.
8. Every event carries the CAMEO actor codes and countries of both sides (source_code, target_code,
   source_country, target_country), also when there is no canonical actor.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..model import Document, Event
from .dates import resolve_date
from .event_actors import _AGENT_NOUNS as AGENT_NOUNS
from .event_actors import ActorIndex, ActorRef, code_from_words, phrase_tokens, resolve_actor
from . import event_model
from .event_lexicon import Lexicon, lexicon
from .event_model import TYPE_CLASS, TYPE_CODE, cameo_class

_ARG_DEPS = {"xcomp", "ccomp", "dobj", "pobj", "prep", "pcomp", "acomp", "oprd", "attr", "nsubjpass",
             "compound", "amod", "poss", "dative", "agent", "nsubj", "csubj", "advmod", "npadvmod", "appos"}
_TARGET_PREPS = ("against", "with", "to", "on", "at", "toward", "towards", "from", "for", "into", "over",
                 "upon", "in", "near", "between")
_LOC_PREPS = {"in", "near", "at", "outside", "around", "across", "into", "inside", "from", "on", "towards", "toward"}
_PLACE_PREPS = {"near", "in", "at", "outside", "around", "across", "inside", "along"}
_MATERIAL = {"FIGHT", "ASSAULT", "COERCE", "MOBILIZE"}
# verbal acts (meetings, statements): a place they happen in is a venue, not a party
_VENUE_TYPES = {"AGREE", "CONSULT", "SUPPORT", "DEMAND", "DISAPPROVE", "REJECT", "THREATEN"}


@dataclass
class Candidate:
    tok: object
    lemma: str
    code: str
    type: str
    kind: str          # verb | noun
    matched: bool      # a dictionary pattern (not just the verb's default) chose the code
    extra: object = None  # particle token of a multiword verb


def _tok_words(tok) -> tuple[str, str]:
    return tok.lower_, tok.lemma_.lower()


def _word_match(word: str, tok, lex: Lexicon) -> bool:
    low, lem = _tok_words(tok)
    if word.startswith("&"):
        s = lex.synsets.get(word)
        return bool(s) and (low in s or lem in s)
    return low == word or lem == word or (low.endswith("s") and low[:-1] == word)


_FUNCTION_WORDS = {"on", "with", "to", "for", "against", "at", "in", "into", "from", "over", "about", "by", "off", "out",
                   "up", "down", "away", "back", "of", "toward", "towards", "upon", "through", "across", "after"}
_MAX_GAP = 6  # pattern words may skip a few words (determiners, adjectives), not whole clauses


def _match_seq(words: list[str], toks: list, lex: Lexicon) -> bool:
    i = 0
    for w in words:
        limit = min(len(toks), i + _MAX_GAP + 1)
        while i < limit and not _word_match(w, toks[i], lex):
            i += 1
        if i == limit:
            return False
        i += 1
    return True


def _bag(toks) -> set[str]:
    out = set()
    for t in toks:
        low, lem = _tok_words(t)
        out.add(low)
        out.add(lem)
        if low.endswith("s"):
            out.add(low[:-1])
    return out


def _could_match(words: list[str], bag: set[str], lex: Lexicon) -> bool:
    """Cheap order-free test before the ordered match (most patterns fail here)."""
    for w in words:
        if w.startswith("&"):
            s = lex.synsets.get(w)
            if not s or s.isdisjoint(bag):
                return False
        elif w not in bag:
            return False
    return True


def _code_verb(tok, lemma: str, lex: Lexicon) -> tuple[str | None, bool]:
    entries = lex.verbs.get(lemma)
    if not entries:
        return None, False
    sub = [t for t in tok.subtree if t.i != tok.i and t.dep_ not in ("relcl", "advcl")]
    post = [t for t in sub if t.i > tok.i][:25]
    pre = [t for t in sub if t.i < tok.i][-8:]
    # a passive's grammatical subject is its logical object: "no agreement has been reached"
    passive = [t for c in tok.children if c.dep_ == "nsubjpass" for t in c.subtree]
    if passive:
        post = passive + post
    post_bag, pre_bag = _bag(post), _bag(pre)
    child_words = {c.lower_ for c in tok.children if c.dep_ in ("prep", "prt", "agent", "dative")}
    best, best_score = None, 0
    default = None
    for pats, dflt, own in entries:
        if default is None:
            default = dflt
        for p in pats:
            score = len(p.pre) + len(p.post)
            if score <= best_score or not p.post:
                # subject-only patterns (e.g. '&MILITARY *') would override a verb's own meaning
                if not (p.pre and not p.post and not own and score > best_score):
                    continue
            if not (_could_match(p.post, post_bag, lex) and _could_match(p.pre, pre_bag, lex)):
                continue
            if p.post and all(w in _FUNCTION_WORDS for w in p.post) and (own or not all(w in child_words for w in p.post)):
                # a bare preposition pattern ("* ON") must be the verb's own preposition, and never
                # overrides a verb's own code ("negotiate with" stays a negotiation)
                continue
            if _match_seq(p.post, post, lex) and _match_seq(p.pre, pre, lex):
                best, best_score = p, score
    if best is not None:
        return best.code, True
    return default, False


def _candidate(tok, lex: Lexicon) -> Candidate | None:
    pos = tok.pos_
    if pos == "VERB":
        if tok.dep_ in ("amod", "compound"):
            return None  # a participle describing a noun ("newly appointed minister", "Israeli-occupied")
        lemma = tok.lemma_.lower()
        if lemma not in lex.verbs and lemma not in lex.multiword:
            return None
        if lemma in lex.cues["speech"]:
            return None  # reporting verbs frame events; they are not events themselves
        extra = None
        for c in tok.children:
            if c.dep_ in ("prt", "prep") and lemma in lex.multiword and c.lower_ in lex.multiword[lemma]:
                lemma2 = f"{lemma} {c.lower_}"
                if lemma2 in lex.verbs:
                    lemma, extra = lemma2, c
                    break
        code, matched = _code_verb(tok, lemma, lex)
        if not code:
            return None
        pl = lex.plover_of(code)
        if pl is None:
            return None
        return Candidate(tok, lemma, code, pl[0], "verb", matched, extra)
    if pos == "NOUN":
        lemma = tok.lemma_.lower()
        entry = lex.nouns.get(lemma)
        if entry is None:
            return None
        code, mods = entry
        for c in tok.children:
            if c.dep_ in ("compound", "amod") and c.lemma_.lower() in mods:
                code = mods[c.lemma_.lower()]
        pl = lex.plover_of(code)
        if pl is None:
            return None
        return Candidate(tok, lemma, code, pl[0], "noun", False)
    return None


def _governor(tok, cands: dict[int, Candidate]) -> Candidate | None:
    """The trigger whose argument structure contains this one, if any."""
    cur = tok
    while cur.head.i != cur.i:
        if cur.dep_ not in _ARG_DEPS:
            return None
        cur = cur.head
        if cur.i in cands:
            return cands[cur.i]
    return None


_SUBORDINATE = {"advcl", "relcl", "acl", "parataxis", "csubj"}
_MILITARY_WORDS = {"troops", "forces", "force", "army", "military", "soldiers", "soldier", "aircraft", "jets", "tanks",
                   "navy", "drones", "drone", "warplanes", "artillery", "militia", "militiamen", "helicopters",
                   "guerrillas", "rebels", "fighters", "units", "brigade", "battalion", "missiles"}


def _subordinate(tok, speech: set[str]) -> bool:
    """Whether the trigger sits in an adverbial, relative or participial clause (background, not the news)."""
    cur = tok
    while cur.head.i != cur.i:
        if cur.dep_ == "ccomp" and cur.head.lemma_.lower() in speech:
            return False  # what someone said is news even when the saying sits in a relative clause
        if cur.dep_ in _SUBORDINATE:
            head = cur.head
            if cur.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("while", "whereas") for m in cur.children):
                return False  # "X seized a town, while Y launched strikes": two reports side by side
            # the clause a reporting verb introduces after the fact ("..., officials said") is not background
            return not (cur.dep_ == "parataxis" and head.pos_ == "VERB")
        cur = cur.head
    return False


def _chain(tok, lex: Lexicon) -> list:
    """Trigger and its governing words up to the clause that reports it (reporting verb excluded)."""
    out = [tok]
    cur = tok
    speech = lex.cues["speech"]
    while cur.head.i != cur.i and cur.dep_ in _ARG_DEPS | {"conj"}:
        head = cur.head
        if head.lemma_.lower() in speech and cur.dep_ in ("ccomp", "xcomp", "dobj", "conj"):
            break
        if cur.dep_ == "conj" and head.pos_ == "VERB":
            # a coordinated verb shares auxiliaries and negation only when it has none of its own
            if any(c.dep_ in ("aux", "nsubj", "neg") for c in cur.children):
                break
        out.append(head)
        cur = head
    return out


def _stative(tok, lex: Lexicon) -> bool:
    """"X is opposed to", "X is committed to": an adjectival passive stating the subject's own attitude
    (no agent), not an act done to the subject."""
    if tok.lemma_.lower() not in lex.cues.get("stative", ()):
        return False
    kids = list(tok.children)
    return any(c.dep_ == "auxpass" for c in kids) and any(c.dep_ == "nsubjpass" for c in kids) \
        and not any(c.dep_ == "agent" for c in kids)


def _subject(tok, lex: Lexicon):
    cur = tok
    for _ in range(5):
        if _stative(cur, lex):
            return next(c for c in cur.children if c.dep_ == "nsubjpass")
        subs = [c for c in cur.children if c.dep_ in ("nsubj", "csubj")]
        if subs:
            # a misparse can give a verb two subjects; the nominal one nearest the verb is the real one
            nominal = [c for c in subs if c.pos_ in ("PROPN", "NOUN", "PRON")]
            subj = (nominal or subs)[-1]
            if cur.dep_ == "relcl" and subj.lower_ in ("who", "which", "that"):
                return cur.head  # "Ushakov, who emphasized ...": the relative pronoun stands for its noun
            return subj
        for c in cur.children:
            if c.dep_ == "agent":
                for p in c.children:
                    if p.dep_ == "pobj":
                        return p
        if cur.dep_ == "relcl":
            return cur.head
        if cur.dep_ == "acl" and cur.pos_ == "VERB" and cur.head.pos_ in ("NOUN", "PROPN") \
                and (cur.tag_ == "VBG" or any(c.dep_ == "dobj" for c in cur.children)):
            # a participle with its own object acts for the noun it modifies ("forces carrying out
            # strikes"); a passive one ("the man arrested") has no object and the noun is its patient.
            # When that noun is itself an object ("approved a resolution criticizing X"), the act is
            # the governing clause's subject's
            if cur.head.dep_ in ("dobj", "pobj") and cur.head.head.pos_ in ("VERB", "ADP"):
                cur = cur.head.head if cur.head.dep_ == "dobj" else cur.head.head.head
                continue
            return cur.head
        if cur.dep_ in ("xcomp", "conj", "acomp", "pcomp", "advcl", "oprd") or \
                (cur.dep_ in ("dobj", "pobj", "prep") and cur.pos_ in ("VERB", "NOUN")):
            cur = cur.head
            continue
        break
    return None


def _passive_subject(tok):
    for c in tok.children:
        if c.dep_ == "nsubjpass":
            return c
    return None


def _search_actor(root, index, date, exclude: ActorRef | None, speaker, depth: int = 3):
    """First actor in root's subtree (breadth-first, not entering relative or adverbial clauses)."""
    frontier = [root]
    for _ in range(depth + 1):
        nxt = []
        for t in frontier:
            a = resolve_actor(t, index, date, speaker)
            if a is not None and not _same(a, exclude):
                return a
            nxt.extend(c for c in t.children if c.dep_ not in ("relcl", "advcl", "acl", "parataxis", "conj", "appos", "punct")
                       and not (c.dep_ == "prep" and c.lower_ in _PLACE_PREPS))
        frontier = nxt
    return None


def _same(a: ActorRef | None, b: ActorRef | None) -> bool:
    if a is None or b is None:
        return False
    if a.entity and a.entity == b.entity:
        return True
    return a.start < b.end and b.start < a.end


def _target(tok, index, date, source: ActorRef | None, speaker, lex: Lexicon, venue: bool = False):
    """The first coded actor among the trigger's arguments; an uncoded one ("its troops") only if none is."""
    found: list[ActorRef] = []
    _targets(tok, index, date, source, speaker, lex, found, 0, venue)
    hit = next((a for a in found if a.code), None)
    if hit is None and source is not None:
        # (only for an act with a known actor: a place alone does not make an event)
        # "provide aid to refugees fleeing the war in Liberia", "a curfew in Algiers", "Serbia's
        # suppression": the nearest coded actor or place anywhere in the act's own phrase
        hit = _deep_target(tok, index, date, source, speaker, venue=venue)
    return hit or (found[0] if found else None)


_DEEP_SKIP = {"nsubj", "nsubjpass", "csubj", "punct", "cc", "mark", "aux", "auxpass", "neg", "det", "parataxis"}
_TIME_PREPS = {"before", "after", "since", "during", "following", "until", "till", "amid", "ahead"}


def _deep_target(tok, index, date, source: ActorRef | None, speaker, depth: int = 5, venue: bool = False):
    frontier = [c for c in tok.children if c.dep_ not in _DEEP_SKIP and not (c.dep_ == "prep" and c.lower_ in _TIME_PREPS)
                and not (venue and c.dep_ == "prep" and c.lower_ in _PLACE_PREPS
                         and any(p.dep_ == "pobj" and _is_place(p) for p in c.children))]
    for _ in range(depth):
        nxt = []
        for t in frontier:
            if t.pos_ in ("PROPN", "NOUN", "ADJ", "PRON"):
                a = resolve_actor(t, index, date, speaker)
                if a is not None and a.code and not _same(a, source):
                    return a
            # "just before the Istanbul talks": a time phrase names no party to the act
            nxt.extend(c for c in t.children if c.dep_ not in _DEEP_SKIP
                       and not (c.dep_ == "prep" and c.lower_ in _TIME_PREPS))
        frontier = nxt
    return None


def _is_place(tok) -> bool:
    return tok.ent_type_ in ("GPE", "LOC", "FAC")


def _targets(tok, index, date, source, speaker, lex, found: list, _depth: int, venue: bool = False):
    """venue: the act is verbal (a meeting, a statement), so a place the trigger itself happens in is no
    party to it (a place inside a complement act, "threatened to impose a curfew in Algiers", still is)."""
    def take(a):
        if a is not None and not any(_same(a, b) for b in found):
            found.append(a)
        return a is not None and a.code is not None

    if tok.pos_ == "VERB" and _depth == 0 and not _stative(tok, lex):
        ps = _passive_subject(tok)
        if ps is not None:
            if take(_search_actor(ps, index, date, source, speaker, 2)):
                return
    if _depth > 0 and tok.pos_ in ("VERB", "AUX"):
        # "demanded that Hamas renounce ...", "refused to allow UN planes to land": the party the
        # complement clause is about is what the act is directed at
        for c in tok.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in ("it", "there", "that", "which", "who"):
                if take(_search_actor(c, index, date, source, speaker, 2)):
                    return
    kids = list(tok.children)
    for c in kids:
        if c.dep_ in ("dobj", "dative", "attr", "oprd"):
            if take(_search_actor(c, index, date, source, speaker, 3)):
                return
    for prep in _TARGET_PREPS:
        for c in kids:
            if c.dep_ == "prep" and c.lower_ == prep:
                for p in c.children:
                    if p.dep_ == "pobj":
                        if venue and prep in _PLACE_PREPS and _is_place(p):
                            continue  # "met in Budapest": where a meeting or statement took place
                        if take(_search_actor(p, index, date, source, speaker, 2)):
                            return
    if _depth < 2:
        for c in kids:
            if c.dep_ in ("xcomp", "ccomp", "pcomp") and c.lemma_.lower() not in lex.cues["speech"]:
                _targets(c, index, date, source, speaker, lex, found, _depth + 1)
            if any(a.code for a in found):
                return
            if c.dep_ == "prep":
                for p in c.children:
                    if p.dep_ == "pcomp":
                        _targets(p, index, date, source, speaker, lex, found, _depth + 1)


def _noun_source(tok, index, date, speaker, lex: Lexicon):
    for c in tok.children:
        if c.dep_ in ("poss", "compound", "amod", "nmod"):
            a = resolve_actor(c, index, date, speaker)
            if a is not None:
                return a
        if c.dep_ == "prep" and c.lower_ == "by":
            for p in c.children:
                if p.dep_ == "pobj":
                    a = resolve_actor(p, index, date, speaker)
                    if a is not None:
                        return a
    head = tok.head
    gov = None
    if tok.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in ("ADJ", "VERB", "AUX"):
        gov = head.head   # "open to negotiations with Trump"
    elif tok.dep_ in ("xcomp", "attr", "oprd") and head.pos_ in ("ADJ", "VERB", "AUX"):
        gov = head        # "ready to talks"
    if gov is not None:
        # the clause's subject holds the talks
        s = _subject(gov, lex)
        if s is not None:
            return resolve_actor(s, index, date, speaker)
    if tok.dep_ in ("dobj",) and head.pos_ == "VERB":
        s = _subject(head, lex)
        if s is not None:
            return resolve_actor(s, index, date, speaker)
    return None


def _speech_frame(tok, lex: Lexicon, index, date):
    """(speaker ActorRef or None, speaker text) when the trigger sits in a reporting verb's complement."""
    speech = lex.cues["speech"]
    cur = tok
    while cur.head.i != cur.i:
        head = cur.head
        if head.lemma_.lower() in speech and cur.dep_ in ("ccomp", "xcomp", "dobj", "conj", "parataxis"):
            s = _subject(head, lex)
            if s is not None:
                a = _search_actor(s, index, date, None, None, 1)
                return a, (a.text if a else s.text)
            return None, None
        if head.lemma_.lower() in speech and cur.dep_ in ("nsubj",):
            return None, None
        cur = head
    # "X said" after the clause: the reporting verb is the root and the event clause its ccomp (handled
    # above) or a parataxis; "according to X"
    for t in tok.sent:
        if t.lower_ == "according" and t.i + 2 < t.sent.end and t.doc[t.i + 1].lower_ == "to":
            for p in t.doc[t.i + 1].children:
                if p.dep_ == "pobj":
                    a = resolve_actor(p, index, date, None)
                    return a, (a.text if a else p.text)
    return None, None


def _modality(tok, cand: Candidate, lex: Lexicon) -> tuple[str, str | None]:
    """(mode, statement key): the key names the statement an intended, modal or refused act amounts to
    ("intended", "hypothetical", "negated"; see data/events/intent_types.tsv), None for a plain act, a
    past negation ("has not met") or an act inside an if-clause (the condition is not a statement)."""
    chain = _chain(tok, lex)
    conditional = False
    neg, modal, cond, intent, negverb = (lex.cues["neg"], lex.cues["modal"], lex.cues["conditional"],
                                         lex.cues["intent"], lex.cues["negverb"])
    negated = hypothetical = intended = False
    for i, x in enumerate(chain):
        for c in x.children:
            low = c.lower_.replace("’", "'")
            if c.dep_ == "neg" or (c.dep_ == "advmod" and low in ("never",)):
                negated = True
            if c.dep_ in ("aux", "auxpass") and c.lemma_.lower() in modal and low not in ("will", "shall", "'ll"):
                hypothetical = True
            if c.dep_ in ("aux",) and low in ("will", "shall", "'ll", "wo"):
                intended = True
            if c.dep_ == "mark" and low in cond:
                hypothetical = conditional = True
            # "no meeting was agreed", "no formal agreement has been reached"
            if c.dep_ in ("nsubj", "nsubjpass", "dobj") and any(d.dep_ == "det" and d.lower_ == "no" for d in c.children):
                negated = True
        if x.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in cond for m in x.children):
            hypothetical = conditional = True
        if i > 0:
            lem = x.lemma_.lower()
            if lem in negverb and chain[i - 1].dep_ in ("xcomp",):
                negated = True
            if lem in intent or x.lower_ in intent:
                intended = True
            # "he is open / ready to talks" parsed with the preposition on the copula, not the adjective
            if lem == "be" and any(c.dep_ == "acomp" and c.lemma_.lower() in intent for c in x.children):
                intended = True
    if cand.kind == "noun" and any(d.dep_ == "det" and d.lower_ == "no" for d in tok.children):
        negated = True
    if negated:
        # "won't talk", "would not meet", "is not ready to negotiate": a refusal
        return "negated", ("negated" if (intended or hypothetical) and not conditional else None)
    if hypothetical:
        return "hypothetical", (None if conditional else "hypothetical")
    if intended:
        return "intended", "intended"
    return "asserted", None


def _military(source: ActorRef | None, tok) -> bool:
    if tok.lemma_.lower() in ("shell", "bomb", "invade", "bombard", "airstrike", "offensive", "invasion", "seize", "capture"):
        return True
    if source is None:
        return False
    if source.code and ("MIL" in source.code[3:] or len(source.code) == 3 and source.code.isalpha()
                        and not source.code.startswith(("IGO", "NGO"))):
        return True
    return any(w in _MILITARY_WORDS for w in source.text.lower().split())


def _military_target(target: ActorRef | None) -> bool:
    """Force used on an armed side ("struck Russian aircraft", "hit Iraqi troops") is fighting."""
    if target is None:
        return False
    if target.code and "MIL" in target.code[3:]:
        return True
    return any(w in _MILITARY_WORDS for w in target.text.lower().split())


def _civilian(tok, target: ActorRef | None, lex: Lexicon) -> bool:
    """Whether what the force was used on is civilian: the target actor or the attacked thing itself."""
    words = set(target.text.lower().split()) if target is not None else set()
    for c in tok.children:
        if c.dep_ in ("dobj", "nsubjpass"):
            words.update(t.lower_ for t in c.subtree)
    return not words.isdisjoint(lex.cues["civilian"])


def _obligation(tok, lex: Lexicon) -> bool:
    """The trigger's own clause carries 'must' / 'should' / 'has to'."""
    for x in _chain(tok, lex)[:3]:
        for c in x.children:
            if c.dep_ == "aux" and c.lower_ in ("must", "should"):
                return True
    return False


def _in_quote(doc: Document, start: int):
    for q in doc.quotes or []:
        if q.start <= start < q.end:
            return q
    return None


def _location(tok, ents, exclude: list[ActorRef]) -> str | None:
    sub = {t.i for t in tok.subtree}
    for ent in ents:
        if ent.label_ not in ("GPE", "LOC", "FAC") or ent.root.i not in sub:
            continue
        if any(e is not None and e.start < ent.end_char and ent.start_char < e.end for e in exclude):
            continue
        # "near Kharkiv", "near the city of Kharkiv"
        cur = ent.root
        for _ in range(3):
            if cur.dep_ != "pobj":
                break
            if cur.head.lower_ in _LOC_PREPS:
                return ent.text
            if cur.head.lower_ != "of":
                break
            cur = cur.head.head
            if cur.lower_ in _LOC_PREPS:
                return ent.text  # "outside of the city of Basra"
    return None


def _date(tok, ents, published: str | None) -> tuple[str | None, str | None]:
    dates = [e for e in ents if e.label_ == "DATE"]
    if not dates:
        return None, None
    sub = {t.i for t in tok.subtree}
    inside = [e for e in dates if e.root.i in sub]
    pick = inside[0] if inside else (dates[0] if len(dates) == 1 else None)
    if pick is None:
        return None, None
    return resolve_date(pick.text, published), pick.text


def _sentence_country(ents) -> str | None:
    """The one country the sentence's place and nationality names point to ("Algiers", "Mozambique",
    "Cairo's"), or None when they name none or several."""
    codes = set()
    for e in ents:
        if e.label_ in ("GPE", "NORP", "LOC"):
            code = code_from_words([t.text for t in e])
            if code and len(code) >= 3 and code[:3].isalpha() and not code.startswith(("IGO", "NGO", "X")):
                codes.add(code[:3])
    return codes.pop() if len(codes) == 1 else None


def _titled(ref: ActorRef, lex: Lexicon) -> bool:
    return not lex.cues["title"].isdisjoint(w.strip(",.").lower() for w in ref.text.replace("-", " - ").split())


def _titled_country(ref: ActorRef | None, sent, ents, lex: Lexicon) -> None:
    """A titled person the actor tables do not know gets the government code of the one country the
    sentence names ("President Abdelaziz Bouteflika ... curfew in Algiers" -> DZAGOV), unless the
    phrase names a nationality of its own that no table places ("The Dravonian Foreign Minister
    criticised Russia" is no Russian minister)."""
    if ref is None or ref.code or not ref.text or not _titled(ref, lex):
        return
    if any(e.label_ in ("GPE", "NORP") and e.start_char < ref.end and ref.start < e.end_char for e in ents):
        return
    country = _sentence_country(ents)
    if country:
        ref.code = country + "GOV"


def _domestic_country(ref: ActorRef | None, ents, lex: Lexicon) -> None:
    """A target the tables cannot code (a group, a movement, a person without a title: "Shona rebels",
    "police") is, as event data code unidentified domestic actors, of the one country the sentence
    places itself in ("The Mozambique government accepted demands from Shona rebels" -> MOZ): the act
    reaches it where the sentence is. Not a source: who acts may act from elsewhere ("European leaders
    offered Geneva", "world leaders work to resolve the crisis in Ukraine"). A titled actor is left to
    _titled_country (an unplaceable nationality there names another state)."""
    if ref is None or ref.code or not ref.text or _titled(ref, lex):
        return
    country = _sentence_country(ents)
    if country:
        ref.code = country


def _other_conjunct(doc, target: ActorRef, index, date, source: ActorRef) -> ActorRef | None:
    """A conjunct of the target phrase's head coded differently from the source, or None."""
    head = next((t for t in doc if t.idx == target.start), None) if target.start is not None else None
    if head is None:
        return None
    head = next((t for t in doc[head.i:] if t.idx + len(t.text) >= target.end), head)
    for cj in head.conjuncts:
        r = resolve_actor(cj, index, date)
        if r is not None and r.code and r.code != source.code:
            return r
    return None


def _in_capacity(s_tok, source: ActorRef | None, index, date) -> ActorRef | None:
    """"Kenzo Oshima, the United Nations Emergency Relief Coordinator, demanded ...": the appositive
    states the capacity the person acts in, and its code is the actor's (the subject stays the actor's
    text, also when the tables know nothing else of it)."""
    for c in s_tok.children:
        if c.dep_ == "appos":
            role = resolve_actor(c, index, date)
            if role is None or not role.code:
                continue
            if source is None:
                span = phrase_tokens(s_tok)
                return ActorRef(span.text, span.start_char, span.end_char, role.entity, role.code)
            if role.code != source.code:
                return replace(source, code=role.code)
    return source


def _passive_place(tok, ents, index, date, speaker, target, location):
    """An agentless passive ("was arrested in Rwanda", "were killed outside the Iraqi city of Basra")
    names no doer; event data code the state where it happened as the source, and the patient, when
    the tables give it no code, as belonging to that state. Returns (source, target, location)."""
    loc = _location(tok, ents, [])
    loc_tok = next((e.root for e in ents if e.text == loc), None) if loc else None
    place = resolve_actor(loc_tok, index, date) if loc_tok is not None else None
    if place is None or not place.code or not place.code[:3].isalpha() or place.code.startswith(("IGO", "NGO", "X")):
        return None, target, location
    source = replace(place, code=place.code[:3])
    ps = _passive_subject(tok)
    patient = _search_actor(ps, index, date, None, speaker, 2)
    if patient is None and ps.pos_ in ("NOUN", "PROPN"):
        span = phrase_tokens(ps)
        patient = ActorRef(span.text, span.start_char, span.end_char)
    if target is None or _same(target, place):
        target = patient
    if target is not None and not target.code:
        target = replace(target, code=source.code)
    return source, target, loc


_REPORTING_MODES = ("reported", "negated", "hypothetical", "intended")


def _build_event(doc: Document, sent, c: Candidate, index: ActorIndex, lex: Lexicon, published: str | None, ents):
    """(token index, Event, source, target, in a background clause, kind) for one trigger, or None when
    the trigger has no actor to code."""
    tok = c.tok
    speaker, speaker_text = _speech_frame(tok, lex, index, published)
    quote = _in_quote(doc, tok.idx)
    if quote is not None and (quote.speaker_entity or quote.speaker_text):
        reporter = quote.speaker_entity
        reported_by = quote.speaker_entity or quote.speaker_text
        if speaker is None and quote.speaker_text:
            speaker = ActorRef(quote.speaker_text, quote.speaker_start or 0, quote.speaker_end or 0, quote.speaker_entity)
    else:
        reporter = speaker.entity if speaker else None
        reported_by = (speaker.entity or speaker.text) if speaker else speaker_text
    if c.kind == "verb":
        s_tok = _subject(tok, lex)
        source = None
        if s_tok is not None:
            source = resolve_actor(s_tok, index, published, speaker)
            if source is None:
                source = _search_actor(s_tok, index, published, None, speaker, 2)
        if s_tok is not None:
            source = _in_capacity(s_tok, source, index, published)
        target = _target(tok, index, published, source, speaker, lex, venue=c.type in _VENUE_TYPES)
    else:
        source = _noun_source(tok, index, published, speaker, lex)
        target = _target(tok, index, published, source, speaker, lex)
    if source is not None and target is not None and source.code and target.code == source.code:
        # "talks between Moscow and Kyiv" after "Putin explored": the other party of the pair
        other = _other_conjunct(sent.doc, target, index, published, source)
        if other is not None:
            target = other
    for ref in (source, target):
        _titled_country(ref, sent, ents, lex)
    _domestic_country(target, ents, lex)
    location = _location(tok, ents, [source, target])
    if source is None and c.kind == "verb" and _passive_subject(tok) is not None:
        source, target, location = _passive_place(tok, ents, index, published, speaker, target, location)
    if target is None and location and c.type in _MATERIAL:
        # "seized a town near Kharkiv": the place's country is what the force acted against
        loc_tok = next((e.root for e in ents if e.text == location), None)
        target = resolve_actor(loc_tok, index, published) if loc_tok is not None else None
        if _same(target, source):
            target = None
    etype, code = c.type, c.code
    if etype == "FIGHT" and (code in ("190", "19") and not (_military(source, tok) or _military_target(target))
                             or _civilian(tok, target, lex)):
        # conventional military force needs an armed actor on both sides; killings and bombings by
        # others, or force used against civilians, are assaults
        etype, code = "ASSAULT", "180"
    if speaker is not None and _obligation(tok, lex) and not _same(speaker, source):
        # "X said Y must do Z": X demands Z of Y (CAMEO 10)
        etype, code = "DEMAND", "100"
        source, target = speaker, source or target
    if source is None and target is None and speaker is not None and etype not in _MATERIAL | {"ASSAULT"}:
        source = speaker  # "X said no meeting was agreed": the speaker's side is the party
    if source is None and target is None:
        return None
    if c.kind == "noun" and source is None:
        return None
    if c.kind == "noun" and tok.dep_ in ("dobj", "nsubjpass", "pobj") and tok.head.lemma_.lower() in lex.cues["reverse"]:
        return None  # "lifted the blockade", "ended the strikes": not the act itself
    mode, statement = _modality(tok, c, lex)
    if statement is not None:
        hit = lex.intent.get((code, statement)) or lex.intent.get((etype, statement))
        if hit is not None:
            etype, code = hit
    if etype == "DEMAND" and code == "100" and mode == "hypothetical":
        mode = "reported"
    if mode == "asserted" and (quote is not None or reported_by):
        mode = "reported"
    date, date_text = _date(tok, ents, published)
    conf = (0.8 if c.matched else 0.6 if c.kind == "verb" else 0.5) - (0.2 if source is None else 0.0)
    trigger = tok.text if c.extra is None else f"{tok.text} {c.extra.text}"
    return (tok.i, Event(
        id="", article_id=doc.article.id, sentence=sent.text, start=sent.start_char, end=sent.end_char,
        type=etype, cameo=code, mode=mode,
        source_text=source.text if source else None, target_text=target.text if target else None,
        trigger=trigger, location=location, date=date, date_text=date_text,
        # the reporter's text stays in reported_by only when no entity names them; the link stage fills the id
        reported_by=reported_by if mode in _REPORTING_MODES and reported_by and not reporter else None,
        reported_by_entity=reporter if mode in _REPORTING_MODES else None,
        confidence=round(conf, 2),
        source_entity=source.entity if source else None, target_entity=target.entity if target else None,
        source_code=source.code if source else None, target_code=target.code if target else None,
        source_country=source.country if source else None, target_country=target.country if target else None,
    ), source, target, _subordinate(tok, lex.cues["speech"]), c.kind)


def _excluded_party(z):
    """The party a phrase sets against the one an act is directed at ("to Trump, not Zelensky", "with
    Macron, not with Scholz", "but not with Hezbollah"): the token naming it, or None."""
    if z.dep_ not in ("appos", "conj", "prep") or z.pos_ not in ("PROPN", "NOUN", "ADP"):
        return None
    negated = any(c.dep_ == "neg" and c.i < z.i for c in z.children)
    j = z.left_edge.i - 1
    while not negated and j >= 0 and z.doc[j].lower_ in (",", "but", "and"):
        j -= 1
    if not negated and j >= 0 and z.doc[j].lower_ in ("not", "never") and z.doc[j].head.i in (z.head.i, z.i):
        negated = True
    if not negated:
        return None
    if z.pos_ == "ADP":
        return next((c for c in z.children if c.dep_ == "pobj"), None)
    return z


def _with(x, source: ActorRef | None, target: ActorRef | None, etype: str | None = None, code: str | None = None):
    i, e, _, _, sub, kind = x
    ne = replace(e, source_text=source.text if source else None, target_text=target.text if target else None,
                 source_entity=source.entity if source else None, target_entity=target.entity if target else None,
                 source_code=source.code if source else None, target_code=target.code if target else None,
                 source_country=source.country if source else None,
                 target_country=target.country if target else None)
    if etype:
        ne.type, ne.cameo = etype, code
    # the learned decision judges the act once: a party added by coordination follows its act
    ne._base, ne._base_type = e, e.type
    return (i, ne, source, target, sub, kind)


def _coordinated(sdoc, x, index: ActorIndex, lex: Lexicon, published: str | None) -> list:
    """Events the coordination around one coded act adds:
    - a party excluded from the act ("will talk only to Trump, not Zelensky") is the target of a refusal
      (the act's negated statement in data/events/intent_types.tsv, REJECT by default);
    - coordinated sources ("Russia and China agreed", "Hungarian and Romanian officials met") each get
      the event."""
    i, e, source, target, _, kind = x
    tok = sdoc[i]
    out = []
    if target is not None:
        for z in tok.subtree:
            z = _excluded_party(z)
            if z is None:
                continue
            r = resolve_actor(z, index, published)
            if r is None or _same(r, target) or _same(r, source):
                continue
            etype, code = (lex.intent.get((e.cameo, "negated")) or lex.intent.get((e.type, "negated"))
                           or ("REJECT", "120"))
            out.append(_with(x, source, r, etype, code))
    if source is None:
        return out
    s_tok = _subject(tok, lex) if kind == "verb" else None
    others: list[ActorRef] = []
    if s_tok is not None:
        for cj in s_tok.conjuncts:
            r = resolve_actor(cj, index, published)
            if r is not None and not _same(r, source) and not _same(r, target):
                others.append(r)
        # "Hungarian and Romanian officials": each nationality of the same group
        if source.code and len(source.code) > 3:
            seen = {source.code[:3]}
            for m in s_tok.children:
                if m.dep_ not in ("amod", "nmod"):
                    continue
                for cj in (m, *m.conjuncts):
                    code = code_from_words([cj.text])
                    if code and len(code) == 3 and code not in seen:
                        seen.add(code)
                        others.append(ActorRef(f"{cj.text} {s_tok.text}", cj.idx, s_tok.idx + len(s_tok.text),
                                               None, code + source.code[3:]))
    # each party gets the act; a mutual act with no other target stays without one, as PLOVER codes
    # "the United States and Jordan agreed" (both sources, no target)
    out.extend(_with(x, p, target) for p in others)
    return out


def _base_form(word: str) -> set[str]:
    """Candidate base forms of an inflected verb, for where the lemmatiser stumbles ("staged" -> "stag")."""
    out = {word}
    for suf in ("ing", "ed", "es", "s", "d"):
        if word.endswith(suf) and len(word) > len(suf) + 2:
            stem = word[:-len(suf)]
            out |= {stem, stem + "e"}
    return out


def _light_verbs(cands: dict[int, Candidate], lex: Lexicon) -> None:
    """A light verb with an event noun as its object ("issued an ultimatum", "launched a wave of
    strikes") is the noun's act: the verb keeps the trigger and the actors, the noun gives the code."""
    light = lex.cues.get("light", set())
    for n in list(cands.values()):
        # "staged a hunger strike": a light verb the dictionary does not list still carries the act
        v = n.tok.head
        if n.kind == "noun" and n.tok.dep_ == "dobj" and v.pos_ == "VERB" and v.i not in cands \
                and (v.lemma_.lower() in light or _base_form(v.lower_) & light):
            cands[v.i] = Candidate(v, v.lemma_.lower(), n.code, n.type, "verb", True)
    for c in list(cands.values()):
        if c.kind != "verb" or c.lemma.split()[0] not in light:
            continue
        for d in c.tok.children:
            if d.dep_ != "dobj":
                continue
            # "a wave of strikes", "a series of attacks": the act is what the quantity is of
            heads = [d] + [p for x in d.children if x.dep_ == "prep" and x.lower_ == "of" for p in x.children if p.dep_ == "pobj"]
            n = next((cands[h.i] for h in heads if h.i in cands and cands[h.i].kind == "noun"), None)
            if n is not None:
                c.code, c.type, c.matched = n.code, n.type, True
                break


def _sentence_events(doc: Document, sent, index: ActorIndex, lex: Lexicon, published: str | None):
    cands: dict[int, Candidate] = {}
    for t in sent:
        c = _candidate(t, lex)
        if c is not None:
            cands[t.i] = c
    _light_verbs(cands, lex)
    out = []
    ents = list(sent.ents) if cands else []
    for c in cands.values():
        if _governor(c.tok, cands) is not None:
            continue
        x = _build_event(doc, sent, c, index, lex, published, ents)
        if x is None:
            continue
        extra = _coordinated(sent.doc, x, index, lex, published)
        out.append(x)
        out.extend(extra)
    out.sort(key=lambda x: x[0])
    # background clauses yield an event only when the sentence has no main-clause event
    main = [x for x in out if not x[4]]
    if main:
        out = main
    # a noun event repeating the type of a verb event in the same sentence is the same event
    verb_types = {e.type for _, e, _, _, sub, kind in out if kind == "verb"}
    out = [x for x in out if not (x[5] == "noun" and x[1].type in verb_types)]
    for x in out:
        x[1]._clause = _clause_text(sent, sent.doc[x[0]], lex)
        x[1]._matched = cands[x[0]].matched if x[0] in cands else False
        # the trigger phrase is written out only if the decision weighs it (event_model.uses_phrases)
        x[1]._trigger_i = x[0]
        # a type set by a rule over the parse (intent, obligation, force on civilians) is not the
        # trigger's own reading, so the trigger-phrase head does not re-type it
        x[1]._ruled = x[0] in cands and x[1].type != cands[x[0]].type
    return [(e, s, t) for _, e, s, t, _, _ in out]


_PHRASE_DEPS = {"prt", "dobj", "prep", "pobj", "xcomp", "attr", "dative", "acomp", "oprd", "agent", "pcomp",
                "compound", "amod", "nsubjpass"}
_PHRASE_POS = {"NOUN", "VERB", "ADJ", "ADP", "ADV", "PART"}
_PHRASE_LEN = 7
_DANGLING = {"of", "in", "to", "on", "at", "into", "against", "with", "from", "for", "by", "over", "during"}


def trigger_phrase(tok) -> str:
    """The trigger with the words of its own arguments, without names, numbers and function words
    ("opened hearing into legality of interrogation techniques" -> "open hearing into legality of
    interrogation"): what the act is, in the form of the CAMEO dictionary's phrases ("accuse of war
    crimes"), which the trigger-phrase head is trained on."""
    words = [tok.lemma_.lower()]
    stack = [c for c in tok.children if c.dep_ in _PHRASE_DEPS]
    picked = []
    while stack:
        t = stack.pop(0)
        if t.dep_ == "prep" and any(c.dep_ == "pobj" and (c.pos_ == "PROPN" or c.ent_type_) for c in t.children):
            continue  # "in central Iran", "on Monday": a place or a time, not what the act is
        picked.append(t)
        stack.extend(c for c in t.children if c.dep_ in _PHRASE_DEPS)
    for t in sorted(picked, key=lambda t: t.i):
        if t.pos_ in _PHRASE_POS and t.is_alpha and not t.ent_type_ and t.lower_ not in ("not", "n't"):
            words.append(t.lower_)
        if len(words) >= _PHRASE_LEN:
            break
    while len(words) > 1 and words[-1] in _DANGLING:
        words.pop()
    return " ".join(words)


_CLAUSE_SHARE = 0.7  # a clause shorter than this share of its sentence is also judged on its own


def _clause_text(sent, tok, lex: Lexicon) -> str | None:
    """The trigger's own clause (its subtree, with its subject when that stands outside) when it is a
    clearly smaller part of a long sentence: "It would be the same old quarrel, the envoy wrote: the
    minister will only meet the mediators, not the rebels" is a statement as a whole but a refusal in
    its clause."""
    head = tok
    while head.dep_ in ("xcomp", "dobj", "pobj", "prep", "acomp", "pcomp") and head.head.i != head.i \
            and head.head.lemma_.lower() not in lex.cues["speech"]:
        head = head.head
    idx = {t.i for t in head.subtree}
    subj = _subject(head, lex) if head.pos_ in ("VERB", "AUX") else None
    if subj is not None and subj.i not in idx:
        idx |= {t.i for t in subj.subtree}
    if len(idx) >= _CLAUSE_SHARE * len(sent):
        return None
    doc = sent.doc
    return " ".join(doc[i].text for i in sorted(idx))


def _main_verb(sent, lex: Lexicon):
    """The verb a sentence reports: its root, or the clause a reporting root introduces."""
    root = sent.root
    if root.lemma_.lower() in lex.cues["speech"]:
        for c in root.children:
            if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX"):
                return c
        return None
    return root if root.pos_ == "VERB" else None


_PARTY_LABELS = {"PERSON", "ORG", "GPE", "NORP"}


def _could_hold_event(sent, lex: Lexicon) -> bool:
    """A main verb and a party the actor stage can code (a named one, or "troops", "officials" ...)."""
    if _main_verb(sent, lex) is None:
        return False
    return any(e.label_ in _PARTY_LABELS for e in sent.ents) or \
        any(t.lemma_.lower() in AGENT_NOUNS or t.lower_ in AGENT_NOUNS for t in sent)


def _set_type(e: Event, etype: str) -> None:
    if e.type != etype:
        e.type, e.cameo = etype, TYPE_CODE[etype]


def decide(doc: Document, per_sentence: list[tuple[object, list]], model, probs=None, phrase_probs=None) -> None:
    """The learned decision over the dictionary's candidates, sentence by sentence (in place):
    no event where the class head says the sentence is a statement; an event whose class the head rules
    out is re-typed to the head's class (or dropped when no class is clear); within its class an event
    takes the type head's choice when that is clearly better; a sentence with no candidate gets one on
    its main verb when an event class is clear. An event's confidence is its class probability, so the
    sentence's most confident event is the one the model supports most. With the trigger-phrase head on
    (Params.prior_bonus, phrase_weight) a dictionary event's type is weighed against the heads' readings
    of its sentence and its trigger phrase. `probs` = (class, type) probabilities per sentence and
    `phrase_probs` = {trigger phrase: type probabilities}, computed here in one call when not given."""
    if not per_sentence:
        return
    clause_probs: dict[int, tuple] = {}
    lex = lexicon()
    if probs is None:
        # only sentences with a candidate, or with a main verb and a named party (where the model could
        # add an event), go to the model: the rest cannot hold an event
        fallback = model.params.fallback_at <= 1.0  # the model may add an event where the dictionary has none
        need = [k for k, (sent, evs) in enumerate(per_sentence) if evs or fallback and _could_hold_event(sent, lex)]
        texts = [per_sentence[k][0].text for k in need]
        clauses = [(id(x[0]), x[0]._clause) for _, evs in per_sentence for x in evs if getattr(x[0], "_clause", None)]
        texts_all = texts + [c for _, c in clauses]
        vectors = None
        phrases = _phrases(per_sentence, need, lex) if getattr(model, "uses_phrases", False) and model.emb_dim else []
        if phrases:
            from ..embeddings import embed

            v = np.asarray(embed(texts_all + phrases))
            vectors = v[:len(texts_all)]
            phrase_probs = dict(zip(phrases, model.phrase_proba(v[len(texts_all):])))
        Pn, Qn = model.proba(texts_all, vectors) if vectors is not None else model.proba(texts_all)
        n = len(texts)
        # an event in a long sentence is judged on its sentence and its own clause together
        for k, (key, _) in enumerate(clauses):
            clause_probs[key] = (Pn[n + k], Qn[n + k])
        P = np.zeros((len(per_sentence), 5))
        P[:, 0] = 1.0
        Q = np.zeros((len(per_sentence), len(model.types)))
        P[need], Q[need] = Pn[:n], Qn[:n]
    else:
        P, Q = probs
    prm = model.params
    tcol = {t: i for i, t in enumerate(model.types)}

    w = getattr(prm, "phrase_weight", 0.0) if phrase_probs else 0.0

    def type_score(q, phrase: str | None) -> np.ndarray:
        sc = np.log(np.asarray(q, dtype=np.float64) + 1e-6)
        r = phrase_probs.get(phrase) if w and phrase else None
        return sc + w * np.log(r + 1e-6) if r is not None else sc

    def phrase_of(sent, e) -> str | None:
        i = getattr(e, "_trigger_i", None)
        return trigger_phrase(sent.doc[i]) if w and i is not None else None

    def best_type(q, cls: int, phrase: str | None = None) -> str | None:
        opts = [t for t in model.types if TYPE_CLASS.get(t) == cls]
        sc = type_score(q, phrase)
        return max(opts, key=lambda t: sc[tcol[t]]) if opts else None

    for k, (sent, evs) in enumerate(per_sentence):
        ps, qs = P[k], Q[k]
        top = 1 + int(np.argmax(ps[1:]))
        kept = []
        for x in evs:
            e = x[0]
            p, q = ps, qs
            no_event = ps[0]
            if id(e) in clause_probs:
                pc, qc = clause_probs[id(e)]
                p, q = (ps + pc) / 2, (qs + qc) / 2
                # a statement as a whole can hold an act in its clause (see _clause_text), and a clause
                # cut out of a report can read as a bare statement: either reading of an act keeps the event
                no_event = min(ps[0], pc[0])
            base = getattr(e, "_base", None)
            if base is not None:
                if any(y[0] is base for y in kept):
                    if e.type == getattr(e, "_base_type", None):
                        e.type, e.cameo = base.type, base.cameo
                    e.confidence = round(0.9 * (base.confidence or 0), 3)
                    kept.append(x)
                continue
            if no_event >= prm.none_at:
                continue
            cls = cameo_class(e.cameo, e.type)
            if p[cls] < (prm.matched_veto if getattr(e, "_matched", False) else prm.veto):
                top_e = 1 + int(np.argmax(p[1:]))
                if p[top_e] < prm.retype_at:
                    continue
                _set_type(e, best_type(q, top_e, phrase_of(sent, e)))
            elif e.type in tcol:
                bt = best_type(q, cls)
                if bt and q[tcol[bt]] - q[tcol[e.type]] >= prm.type_margin:
                    _set_type(e, bt)
                elif (bonus := getattr(prm, "prior_bonus" if getattr(e, "_matched", False) else "default_bonus",
                                       99.0)) < 90 and not getattr(e, "_ruled", False):
                    sc = type_score(q, phrase_of(sent, e)) + np.log(
                        np.array([p[TYPE_CLASS[t]] for t in model.types]) + 1e-6)
                    sc[tcol[e.type]] += bonus
                    _set_type(e, model.types[int(np.argmax(sc))])
            e.confidence = round(float(p[cameo_class(e.cameo, e.type)]), 3)
            kept.append(x)
        if not kept and ps[top] >= prm.fallback_at and ps[0] < prm.none_at:
            p, q = ps, qs
            verb = _main_verb(sent, lex)
            etype = best_type(q, top, trigger_phrase(verb) if verb is not None and w else None)
            if verb is not None and etype:
                c = Candidate(verb, verb.lemma_.lower(), TYPE_CODE[etype], etype, "verb", False)
                index = ActorIndex(doc.entities)
                x = _build_event(doc, sent, c, index, lex, doc.article.published, list(sent.ents))
                if x is not None:
                    e = x[1]
                    e.confidence = round(float(p[cameo_class(e.cameo, e.type)]), 3)
                    kept.append((e, x[2], x[3]))
        evs[:] = kept


def _phrases(per_sentence, need: list[int], lex: Lexicon) -> list[str]:
    """The trigger phrases the decision may weigh: of every candidate, and of the main verb of a
    sentence without one (where a fallback event may go)."""
    out = set()
    for k in need:
        sent, evs = per_sentence[k]
        out.update(trigger_phrase(sent.doc[x[0]._trigger_i]) for x in evs
                   if getattr(x[0], "_trigger_i", None) is not None)
        if not evs:
            verb = _main_verb(sent, lex)
            if verb is not None:
                out.add(trigger_phrase(verb))
    return sorted(out)


def dictionary_events(doc: Document) -> list[tuple[object, list]]:
    """(sentence, [(Event, source ref, target ref)]) for every sentence: the dictionary's candidates."""
    sdoc = doc._spacy
    if sdoc is None:
        return []
    lex = lexicon()
    index = ActorIndex(doc.entities)
    published = doc.article.published
    return [(sent, _sentence_events(doc, sent, index, lex, published)) for sent in sdoc.sents]


def code_events(doc: Document, prior="default", probs=None) -> list[tuple[Event, ActorRef | None, ActorRef | None]]:
    """Events of one parsed document with the actor references (codes) behind source and target.
    prior: the learned decision model (event_model.EventModel); "default" loads the shipped one, None
    codes with the dictionary alone. probs: precomputed (class, type) probabilities per sentence."""
    per_sentence = dictionary_events(doc)
    if prior == "default":
        prior = event_model.model()
    if prior is not None:
        decide(doc, per_sentence, prior, probs)
    out = [x for _, evs in per_sentence for x in evs]
    for n, (e, _, _) in enumerate(out):
        e.id = f"{doc.article.id}:V{n}"
        e.__dict__.pop("_base", None)
        e.__dict__.pop("_base_type", None)
        e.__dict__.pop("_clause", None)
        e.__dict__.pop("_matched", None)
        e.__dict__.pop("_trigger_i", None)
        e.__dict__.pop("_ruled", None)
    return out


def extract_events(doc: Document) -> None:
    """Fill doc.events from the parse, entities and quotes of one article."""
    doc.events = [e for e, _, _ in code_events(doc)]

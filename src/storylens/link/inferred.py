"""States, capitals and places the knowledge base does not know, inferred from one article.

New or small states, breakaway republics, regions and towns are missing from any dictionary,
and the small spaCy model often tags such a single unknown word PERSON. How the article uses
the word tells what it is:

- a state: "<X> President Lena Vasko", "<X>'s defence ministry", "Foreign Minister of <X>",
  "the presidents of <X> and <Y>", or a demonym adjective sharing its stem ("Dravonian" ↔
  "Dravonia": the suffixes in ``supplement.yaml``, ``demonym_suffixes``/``state_name_endings``);
- a demonym alone ("Aldorian Foreign Minister Tomas Keller") is still a state whose name the
  article does not give;
- a capital: "<Y>, the Aldorian capital", "Aldoria has offered its capital, <Y>", "the capital
  of <X>, <Y>"; like Moscow for the Kremlin, a capital that acts stands for the government;
- a place: "talks in <X>", "the post at <X>" (the prepositions in ``place_preps``).

A state outside ISO-3166 gets a placeholder country code in the ISO-3166 user-assigned range
XAA–XZZ: "X", the first letter of the name, then its next consonant ("Dravonia" → XDR,
"Aldoria" → XAL). The demonym's stem starts the same way, so "Dravonian" gets XDR too. No
X-code is a real country (Phoenix has none), so :func:`is_placeholder` marks them; two
invented states with the same first letters would share a code (the linker then warns).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from . import kb as KB
from ..text import POSSESSIVE as _POSS
from .names import fold, translit_key

__all__ = ["Gazetteer", "PLACEHOLDER", "demonym_stems", "infer", "is_placeholder", "key", "name_stems",
           "placeholder_code"]

PLACEHOLDER = re.compile(r"X[A-Z]{2}")
_VOWELS = set("AEIOUY")


@lru_cache(maxsize=1)
def _lex() -> dict:
    sup = yaml.safe_load((KB.DATA / "supplement.yaml").read_text(encoding="utf-8"))
    return {
        "heads": {w.lower() for w in sup.get("state_heads") or []},
        "weak": {w.lower() for w in sup.get("weak_state_heads") or []},
        "dem": sorted(sup.get("demonym_suffixes") or [], key=len, reverse=True),
        "endings": sorted(sup.get("state_name_endings") or [], key=len, reverse=True),
        "preps": {w.lower() for w in sup.get("place_preps") or []},
        "not_names": {w.lower() for w in sup.get("not_state_names") or []},
    }


def is_placeholder(code: str | None) -> bool:
    """True for a placeholder country code (or a code built on one, e.g. XDRGOV)."""
    return bool(code) and bool(PLACEHOLDER.fullmatch(code[:3])) and code[:3] not in KB.load_kb().country_names


def placeholder_code(name: str) -> str:
    """"X" + first letter + next consonant of the name (the next letter when there is none)."""
    letters = re.sub(r"[^A-Z]", "", fold(name).upper())
    if not letters:
        return "XXX"
    rest = [c for c in letters[1:] if c not in _VOWELS] or list(letters[1:]) or ["X"]
    for c in rest:
        code = "X" + letters[0] + c
        if code not in KB.load_kb().country_names:
            return code
    return "X" + letters[0] + rest[0]


def key(text: str) -> str:
    """Case- and accent-insensitive key of a name ("TALSK" and "Talsk" are one place)."""
    return re.sub(r"['’]s$", "", fold(text).strip()).lower()


def demonym_stems(word: str) -> set[str]:
    w = key(word)
    return {w[: -len(s)] for s in _lex()["dem"] if w.endswith(s) and len(w) - len(s) >= 4}


def name_stems(word: str) -> set[str]:
    w = key(word)
    out = {w}
    out |= {w[: -len(s)] for s in _lex()["endings"] if w.endswith(s) and len(w) - len(s) >= 4}
    return out


@dataclass
class Gazetteer:
    """What one article says about names the knowledge base does not know."""
    states: dict = field(default_factory=dict)      # key of a state name or demonym → code
    names: dict = field(default_factory=dict)       # code → the state's name as written
    demonyms: dict = field(default_factory=dict)    # code → a demonym as written
    capitals: dict = field(default_factory=dict)    # key of a capital → code of its state
    places: set = field(default_factory=set)        # keys of places (towns, regions, capitals)

    def country_of(self, text: str) -> str | None:
        k = key(text)
        return self.states.get(k) or self.capitals.get(k)

    def is_state_name(self, text: str) -> bool:
        k = key(text)
        code = self.states.get(k)
        return code is not None and key(self.names.get(code, "")) == k

    def is_place(self, text: str) -> bool:
        return key(text) in self.places

    def display(self, code: str) -> str:
        """The state's name; its demonym when the article never names it ("Aldorian state")."""
        if code in self.names:
            return self.names[code]
        if code in self.demonyms:
            return f"the {self.demonyms[code]} state"
        return code


def _cap(tok) -> bool:
    t = tok.text
    return bool(t) and t[0].isupper() and t.isalpha()


def infer(sdoc, person_keys: set[str], title_words: set[str], org_words: set[str] = frozenset()) -> Gazetteer:
    """Read the cues above from a spaCy doc; `person_keys` are transliteration keys of the
    article's personal-name words, which are never places; `org_words` ("council", "party")
    end organisation names and are never places either ("outside the Council")."""
    g = Gazetteer()
    cand = [t for t in sdoc if _eligible(sdoc, t, person_keys, title_words)]
    score, written = _state_scores(sdoc, cand)
    dem_tokens = [t for t in cand if demonym_stems(t.text) and _alone(sdoc, t) and (
        t.ent_type_ == "NORP" or t.pos_ == "ADJ" or (t.i + 1 < len(sdoc) and sdoc[t.i + 1].is_lower))]
    dem_keys = {key(t.text) for t in dem_tokens}
    for t in dem_tokens:
        match = sorted(k for k in written if k not in dem_keys and _stem_match(t.text, k))
        if match:
            score[match[0]] = score.get(match[0], 0.0) + 2
    for k, s in sorted(score.items()):
        if s >= 2 and k not in dem_keys:
            code = placeholder_code(written[k])
            g.states[k] = code
            g.names[code] = written[k] if not written[k].isupper() else written[k].title()
    _demonym_states(sdoc, dem_tokens, g, title_words)
    _capitals_and_places(sdoc, cand, g, org_words)
    return g


def _eligible(sdoc, t, person_keys: set[str], title_words: set[str]) -> bool:
    """A capitalised proper noun the knowledge base does not know: a candidate state or place name."""
    if not _cap(t) or len(t.text) < 3 or t.lower_ in title_words or t.lower_ in _lex()["heads"]:
        return False
    if translit_key(t.text) in person_keys or KB.country_of(t.text) or KB.metonym_code(t.text):
        return False
    if t.text.isupper() and t.i > 0 and sdoc[t.i - 1].text != "\n":
        return False   # acronyms; an upper-case dateline word starts the text
    return t.pos_ == "PROPN" or bool(t.ent_type_)


def _alone(sdoc, t, in_list: bool = False) -> bool:
    """The whole name, not the tail of "European Community", "Planning and Investment [Minister]" or
    "Nicaragua's Sandinista [government]", nor the head of "Kingdom of Morocco"; portfolio and
    rank words ("Federal Minister") are not names either."""
    if t.lower_ in _lex()["not_names"]:
        return False
    prev = sdoc[t.i - 1] if t.i > 0 else None
    if prev is not None and (prev.text in _POSS or _cap(prev) and not prev.is_stop and "\n" not in prev.whitespace_):
        return False
    if not in_list and prev is not None and prev.lower_ in ("and", "&") and t.i > 1 and _cap(sdoc[t.i - 2]):
        return False
    nxt = sdoc[t.i + 1] if t.i + 1 < len(sdoc) else None
    return not (nxt is not None and nxt.lower_ == "of" and t.i + 2 < len(sdoc) and _cap(sdoc[t.i + 2]))


def _state_scores(sdoc, cand: list) -> tuple[dict[str, float], dict[str, str]]:
    """How strongly the syntax says each candidate is a state ("<X> President", "<X>'s defence
    ministry", "Foreign Minister of <X>"), and how the article writes it."""
    lex = _lex()
    heads = lex["heads"]
    score: dict[str, float] = {}
    written: dict[str, str] = {}
    for t in cand:
        k = key(t.text)
        if not t.text.isupper() or k not in written:
            written[k] = t.text
        s = 0.0
        nxt = sdoc[t.i + 1] if t.i + 1 < len(sdoc) else None
        if not _alone(sdoc, t, in_list=True) or t.pos_ == "ADJ":
            score.setdefault(k, 0.0)
            continue
        if nxt is not None and nxt.lower_ in heads and not _cap_run_person(sdoc, t) and _alone(sdoc, t):
            # "<X> President" counts fully unless the model saw an organisation ("Acme President").
            weak = nxt.lower_ in lex["weak"] and not (nxt.lower_ == "president" and t.ent_type_ != "ORG")
            s += 1 if weak else 2
        elif nxt is not None and nxt.text in _POSS:
            for j in range(t.i + 2, min(t.i + 5, len(sdoc))):
                w = sdoc[j]
                if w.lower_ in heads:
                    s += 1 if w.lower_ in lex["weak"] else 2
                    break
                if w.is_punct or (w.pos_ not in ("ADJ", "NOUN", "PROPN")):
                    break
        # "Foreign Minister of <X>", "the presidents of <X> and <Y>".
        h = t
        while h.dep_ == "conj" and h.head is not h:
            h = h.head
        if h.dep_ == "pobj" and h.head.lower_ == "of" and h.head.head.lower_ in heads:
            s += 2
        score[k] = max(score.get(k, 0.0), s)
    return score, written


def _demonym_states(sdoc, dem_tokens: list, g: Gazetteer, title_words: set[str]) -> None:
    """Demonyms of the states found ("Dravonian" → Dravonia's code), or of a state the article never
    names ("Aldorian Foreign Minister")."""
    heads = _lex()["heads"]
    for t in dem_tokens:
        k = key(t.text)
        if k in g.states:
            continue
        stems = demonym_stems(t.text)
        named = sorted(n for n in g.names.values() if _stem_match(t.text, n))
        if named:
            code = g.states[key(named[0])]
        elif t.lower_.endswith(("ian", "ese", "ish")) and _before_state_head(sdoc, t, heads | title_words):
            code = placeholder_code(sorted(stems, key=len)[0])
        else:
            continue
        g.states[k] = code
        g.states.setdefault(re.sub(r"s$", "", k), code)
        sing = re.sub(r"s$", "", t.text) if k.endswith(("ians", "ans")) else t.text
        g.demonyms.setdefault(code, sing)


def _capitals_and_places(sdoc, cand: list, g: Gazetteer, org_words: set[str]) -> None:
    """Capitals and places. The model's GPE/LOC label counts only for a word it never tags PERSON
    in the article: a lone surname it once calls GPE stays a person."""
    preps = _lex()["preps"]
    person_tagged = {key(t.text) for t in cand if t.ent_type_ == "PERSON"}
    for t in cand:
        k = key(t.text)
        if k in g.states:
            continue
        if t.lower_ in org_words:
            continue
        single = t.ent_iob_ == "B" and (t.i + 1 >= len(sdoc) or sdoc[t.i + 1].ent_iob_ != "I")
        if t.dep_ == "pobj" and t.head.lower_ in preps \
                or single and t.ent_type_ in ("GPE", "LOC") and k not in person_tagged:
            g.places.add(k)
        code = _capital_of(sdoc, t, g)
        if code:
            g.capitals[k] = code
            g.places.add(k)


def _stem_match(demonym: str, name: str) -> bool:
    """"Dravonian" ↔ "Dravonia", "Morvainian" ↔ "Morvaine", "Kessarese" ↔ "Kessar"; not "Christian" ↔ "Christ"."""
    d, n = key(demonym), key(name)
    if d == n:
        return False
    stems = demonym_stems(demonym)
    if n in stems:
        return d.endswith(("ese", "i", "is"))
    return bool(stems & (name_stems(name) - {n}))


def _before_state_head(sdoc, t, words: set) -> bool:
    """The demonym qualifies a state noun or title: "Aldorian Foreign Minister", "Aldorian officials"."""
    for j in range(t.i + 1, min(t.i + 4, len(sdoc))):
        w = sdoc[j]
        if w.lower_ in words or w.lower_.rstrip("s") in words:
            return True
        if not (w.pos_ in ("ADJ", "NOUN", "PROPN") and w.is_alpha):
            return False
    return False


def _cap_run_person(sdoc, t) -> bool:
    """Inside a multi-word PERSON span: "Lena Vasko President"? never a state cue."""
    return t.ent_type_ == "PERSON" and t.ent_iob_ == "I"


def _capital_of(sdoc, t, g: Gazetteer) -> str | None:
    """"<Y>, the Aldorian capital", "its capital, <Y>", "the capital of <X>, <Y>" → the state's code."""
    n = len(sdoc)

    def state_before(i: int) -> str | None:
        # The state words that qualify "capital" at index i: "the Aldorian capital", "Aldoria's capital",
        # "its capital" (its = the subject of the verb), "the capital of Aldoria".
        j = i - 1
        while j >= 0 and sdoc[j].pos_ == "ADJ" and not sdoc[j].text[:1].isupper():
            j -= 1
        if j >= 0 and sdoc[j].text in _POSS:
            j -= 1
        if j >= 0 and key(sdoc[j].text) in g.states:
            return g.states[key(sdoc[j].text)]
        if j >= 0 and sdoc[j].lower_ in ("its", "their"):
            verb = sdoc[i].head
            for c in verb.children:
                if c.dep_ in ("nsubj", "nsubjpass") and key(c.text) in g.states:
                    return g.states[key(c.text)]
        if i + 2 < n and sdoc[i + 1].lower_ == "of" and key(sdoc[i + 2].text) in g.states:
            return g.states[key(sdoc[i + 2].text)]
        return None

    # "<Y>, the ... capital" / "<Y>, capital of <X>"
    if t.i + 2 < n and sdoc[t.i + 1].text == ",":
        for i in range(t.i + 2, min(t.i + 6, n)):
            if sdoc[i].lower_ == "capital":
                code = state_before(i)
                if code:
                    return code
                break
            if sdoc[i].is_punct:
                break
    # "... capital, <Y>"
    if t.i >= 2 and sdoc[t.i - 1].text == "," and sdoc[t.i - 2].lower_ == "capital":
        return state_before(t.i - 2)
    if t.i >= 4 and sdoc[t.i - 1].text == "," and sdoc[t.i - 3].lower_ == "of" and sdoc[t.i - 4].lower_ == "capital":
        return state_before(t.i - 4)
    return None

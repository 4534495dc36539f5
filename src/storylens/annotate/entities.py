"""Actors inside one article: named-entity spans, repaired, grouped into local entities.

Steps (all over the spaCy parse of ``Article.text``, so nothing outside the cleaned text
can become an entity; :func:`extract_entities` runs them in order):

1. Spans (:func:`_candidates`, :func:`_relabel`, :func:`_missed_mentions`): take
   PERSON/ORG/GPE/NORP/FAC spans and repair the small model's typical slips: spans
   running over a line break or a possessive, titles inside the span, a first name split
   off as ORG ("Yury"/ORG + "Ushakov"/PERSON), scraping artefacts that glue the next word
   onto a name ("Putinsays"), "Putin–Zelensky" compounds, surnames mislabelled ORG/GPE.
   States, capitals and places the knowledge base does not know are inferred from the
   article's syntax (link/inferred.py: "<X> President ...", "Dravonian" ↔ "Dravonia",
   "<Y>, the Aldorian capital", "in <X>") and correct the model's labels ("Kessel"/PERSON).
   What the article says about them travels as a value (:class:`ArticleNames`), never as
   module state, so articles can be processed in any order or in parallel threads.
2. Classify each span (:func:`_group_non_people`): person, country, state actor by metonym
   ("the Kremlin", "Moscow insists"), other organisation; adjectival demonyms and place-only
   cities are dropped. "the Northern Council ... the Council": the head noun alone joins the
   full name. An inferred state's acting sectors ("Dravonian troops", "Morvaine's defence
   ministry") are mentions of its sector actors (XDRMIL, XMRGOVMIL).
3. Group mentions (:func:`_group_people`): surname-only and first-name-only mentions join the
   one full name they fit; descriptions ("the Ukrainian president", "Ukraine's leader") join
   the one person in the article whose role and country fit.
4. Roles from titles in apposition ("Finland's President Alexander Stubb", "Kremlin aide
   Yury Ushakov", "Medinsky, a former culture minister"); country and CAMEO-style code from
   the knowledge base, else from the role's country.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from ..link import inferred as INF
from ..link import kb as KB
from ..link.names import NAME_PARTICLES, fold, name_key, translit_key
from ..model import Document, Entity, Mention
from ..text import POSSESSIVE as _POSS

ACTOR_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC"}
_CAMEL = re.compile(r"[a-z][A-Z][a-z]")   # "StageKey": words glued by scraping
_ACTOR_DEPS = {"nsubj", "nsubjpass", "poss", "agent", "dobj", "dative", "csubj"}
_LOCATIVE_PREPS = {"in", "at", "near", "from", "to", "into", "across", "around", "outside", "inside", "via",
                   "through", "throughout", "towards", "toward", "over", "of", "like"}
_DETS = {"the", "a", "an"}
_PRONOUN_POSS = {"his", "her", "their", "its", "our", "my", "your"}
_ORG_WORDS = {"house", "center", "centre", "institute", "university", "party", "council", "ministry", "agency",
              "news", "media", "service", "organization", "organisation", "company", "group", "bank", "court",
              "bridge", "fund", "times", "post", "press", "union", "league", "forum", "foundation", "office",
              "committee", "army", "force", "forces", "summit", "march", "project", "network", "club", "space",
              "assembly", "commission", "alliance", "coalition"}


@dataclass
class Cand:
    """A candidate actor span over spaCy tokens, before classification."""
    start: int          # token index
    end: int            # token index (exclusive)
    label: str


class _M(NamedTuple):
    """A mention of a local entity, in characters of the cleaned text."""
    start: int
    end: int
    text: str
    kind: str


class _RoleKey(NamedTuple):
    """What a title says about a person: the title, the country it names, the institution code it names."""
    title: str
    iso: str | None
    qualifier: str | None


class _Role(NamedTuple):
    text: str           # "President of Finland"
    key: _RoleKey


class _PersonSpan(NamedTuple):
    """A personal-name span: its characters (glued words trimmed) and its name words without honorifics."""
    cand: Cand | None
    start: int
    end: int
    words: list


class _Patron(NamedTuple):
    title: str          # "aide"
    key: tuple          # the entity key of the person whose aide this is


@dataclass
class _Ent:
    key: tuple
    type: str
    mentions: list = field(default_factory=list)       # [_M]
    roles: list = field(default_factory=list)
    role_keys: list = field(default_factory=list)      # [_RoleKey]
    patrons: list = field(default_factory=list)        # [_Patron]: "his aide"
    affiliations: list = field(default_factory=list)   # entity keys of organisations: "X of Chatham House"
    name: str | None = None
    country: str | None = None
    code: str | None = None
    first: int = 0


class _Entities:
    """The local entities of one article, keyed, in order of creation."""

    def __init__(self, text: str):
        self.text = text
        self.ents: dict[tuple, _Ent] = {}
        self.order: list[tuple] = []

    def add(self, key: tuple, typ: str, s: int, e: int, kind: str) -> _Ent:
        en = self.ents.get(key)
        if en is None:
            en = self.ents[key] = _Ent(key=key, type=typ, first=s)
            self.order.append(key)
        if self.text[s:e].strip() and not any(m.start == s for m in en.mentions):
            en.mentions.append(_M(s, e, self.text[s:e], kind))
        return en

    def __getitem__(self, key: tuple) -> _Ent:
        return self.ents[key]

    def in_order(self) -> list[_Ent]:
        return [self.ents[k] for k in self.order]

    def people(self) -> list[_Ent]:
        return [en for en in self.in_order() if en.type == "PERSON"]


# ---- names the knowledge base does not know ------------------------------------------------------

@dataclass(frozen=True)
class ArticleNames:
    """The knowledge base plus what one article says about states, capitals and places the knowledge
    base does not know (link/inferred.py). One value per article, passed to every step that reads names."""
    gaz: INF.Gazetteer = field(default_factory=INF.Gazetteer)

    def country_of(self, text: str) -> str | None:
        return KB.country_of(text) or self.gaz.country_of(text)

    def metonym_code(self, text: str) -> str | None:
        code = KB.metonym_code(text)
        if code is None and INF.key(text) in self.gaz.capitals:
            code = self.gaz.capitals[INF.key(text)] + "GOV"
        return code

    def is_country_name(self, text: str) -> bool:
        return KB.is_country_name(text) or self.gaz.is_state_name(text)

    def placey(self, text: str) -> bool:
        """A country, capital, metonym or place, known or inferred: never a personal name."""
        return bool(self.country_of(text) or self.metonym_code(text) or self.gaz.is_place(text))

    def country_name(self, iso: str | None) -> str | None:
        return self.gaz.display(iso) if INF.is_placeholder(iso) else KB.country_name(iso)

    def format_role(self, title: str, iso: str | None = None, qualifier: str | None = None) -> str:
        if INF.is_placeholder(iso) and iso not in self.gaz.names and iso in self.gaz.demonyms:
            return f"{self.gaz.demonyms[iso]} {KB.format_role(title)}"     # "Aldorian Foreign Minister"
        if INF.is_placeholder(iso):
            return f"{KB.format_role(title)} of {self.gaz.display(iso)}"
        return KB.format_role(title, iso, qualifier)

    def state_actor(self, code: str, label: str | None = None) -> dict:
        if not INF.is_placeholder(code):
            return KB.state_actor(code)
        iso, sector = code[:3], code[3:]
        if not sector:
            return {"name": self.gaz.display(iso), "type": "GPE", "country": iso, "code": iso, "roles": []}
        label = KB.SECTOR_NAMES.get(sector) or label or KB.SECTOR_NAMES.get(sector[:3]) or sector.title()
        return {"name": f"{label} of {self.gaz.display(iso)}", "type": "ORG", "country": iso, "code": code,
                "roles": []}


_KB_ONLY = ArticleNames()   # before the article's own cues are read


# ---- step 1: spans ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _first_names() -> frozenset:
    """First-name keys seen at least twice among the knowledge base's people."""
    c = Counter(k[0] for k in KB.load_kb().persons)
    return frozenset(k for k, n in c.items() if n >= 2)


@lru_cache(maxsize=1)
def _title_words() -> frozenset:
    return frozenset(w for t in KB.load_kb().titles for w in t.split())


def _is_cap(tok) -> bool:
    t = tok.text
    return bool(t) and t[0].isupper() and any(c.isalpha() for c in t)


def _plain_name_token(tok, names: ArticleNames) -> bool:
    """A capitalised word that could be part of a personal name."""
    t = tok.text
    if not _is_cap(tok) or any(c.isdigit() for c in t) or tok.is_space:
        return False
    lw = t.lower()
    kb = KB.load_kb()
    if lw in _title_words() or lw in kb.honorifics or lw in _ORG_WORDS:
        return False
    if names.country_of(t) or names.metonym_code(t):
        return False
    return True


def _raw_spans(sdoc) -> list[Cand]:
    out = []
    for ent in sdoc.ents:
        if ent.label_ not in ACTOR_LABELS:
            continue
        s, e = ent.start, ent.end
        # A span never crosses a line break or a possessive.
        for i in range(s, e):
            if "\n" in sdoc[i].text or (sdoc[i].text in _POSS and i > s) or (sdoc[i].text in "()[]" and i > s):
                e = i
                break
        while s < e and (sdoc[s].lower_ in _DETS or sdoc[s].is_punct):
            s += 1
        while e > s and (sdoc[e - 1].is_punct or sdoc[e - 1].is_space) and sdoc[e - 1].text not in {"."}:
            e -= 1
        if s >= e:
            continue
        toks = sdoc[s:e]
        if any(c.isdigit() for c in toks.text) or not toks[0].text[:1].isalpha() or not any(_is_cap(t) for t in toks):
            continue
        if ent.label_ == "PERSON" and any(t.is_lower and t.is_alpha and t.text not in NAME_PARTICLES for t in toks):
            continue   # "The Strike at": a headline, not a name
        out.append(Cand(s, e, ent.label_))
    return out


def _split_titles(sdoc, cands: list[Cand]) -> list[Cand]:
    """"President Vladimir Putin"/PERSON or "Kremlin aide Yury Ushakov"/ORG: keep the name after the title."""
    tw = _title_words()
    hon = KB.load_kb().honorifics
    out = []
    for c in cands:
        last_title = None
        for i in range(c.start, c.end):
            lw = sdoc[i].lower_.rstrip(".")
            if lw in tw or lw in hon:
                last_title = i
        if last_title is not None and last_title + 1 < c.end and all(_is_cap(sdoc[j]) for j in range(last_title + 1, c.end)) \
                and sdoc[last_title + 1].lower_ not in _ORG_WORDS:
            if c.label in ("PERSON", "ORG", "FAC", "NORP", "GPE") and c.end - last_title - 1 >= 1:
                out.append(Cand(last_title + 1, c.end, "PERSON" if c.label != "PERSON" and c.end - last_title - 1 >= 2 or c.label == "PERSON" else c.label))
                continue
        if last_title is not None and last_title == c.end - 1 and c.label != "PERSON" and c.end - c.start <= 3 \
                and not any(t.lower_ == "of" for t in sdoc[c.start:c.end]):
            # "Kremlin aide" alone: a role qualifier, not an actor ("Office of the President" is one).
            continue
        out.append(c)
    return out


def _merge_split_names(sdoc, cands: list[Cand], names: ArticleNames) -> list[Cand]:
    """"Yury"/ORG + "Ushakov"/PERSON → "Yury Ushakov"/PERSON (a first name split off by the model)."""
    cands = sorted(cands, key=lambda c: c.start)
    out: list[Cand] = []
    for c in cands:
        prev = out[-1] if out else None
        if (prev is not None and c.label == "PERSON" and prev.end == c.start and prev.label != "PERSON"
                and _plain_name_token(sdoc[prev.end - 1], names)
                and (translit_key(sdoc[prev.end - 1].text) in _first_names() or prev.end - prev.start == 1)):
            c = Cand(prev.end - 1, c.end, "PERSON")
            prev.end -= 1
            if prev.end <= prev.start or sdoc[prev.end - 1].lower_ in _title_words():
                out.pop()
        out.append(c)
    return out


def _surname_text(sdoc, text: str, c: Cand) -> str:
    s, e = _glued(sdoc, text, c)
    return text[s:e].split()[-1] if text[s:e].split() else ""


def _glued(sdoc, text: str, c: Cand) -> tuple:
    """"Putinsays": return char offsets trimmed to "Putin" when "Putin" occurs on its own elsewhere."""
    tok = sdoc[c.end - 1]
    for suf in KB.load_kb().glued_suffixes:
        if tok.text.endswith(suf) and len(tok.text) - len(suf) >= 3 and tok.text[0].isupper():
            stem = tok.text[: -len(suf)]
            if re.search(r"\b" + re.escape(stem) + r"\b", text):
                return (sdoc[c.start].idx, tok.idx + len(stem))
    return (sdoc[c.start].idx, tok.idx + len(tok.text))


# ---- step 2/3: classification and grouping ---------------------------------------------------

_PLACE_LINKS = {"on", "at", "in", "near"}   # "Brenna on Morvaine's border": a place, then where it is
_BUILDING_LOCATIVES = {"in", "at", "inside", "outside", "near", "into", "around", "on", "across"}


def _actor_like(span, building: bool = False) -> bool:
    """Does the place name act (subject, possessor, object of a verb) rather than locate?

    A building that stands for a government ("the Kremlin") acts unless it is where
    something happens ("talks at the White House"); a city acts only in an actor's slot."""
    root = span.root
    if building:
        head = root
        while head.dep_ == "conj" and head.head is not head:
            head = head.head
        return not (head.dep_ == "pobj" and head.head.lower_ in _BUILDING_LOCATIVES)
    if root.dep_ == "pobj" and root.head.lower_ == "to" and root.head.head.lower_ == "according":
        return True
    nxt = span.doc[span.end] if span.end < len(span.doc) else None
    if nxt is not None and nxt.text in _POSS:
        return True
    dep = root.dep_
    if dep == "conj":
        head = root.head
        while head.dep_ == "conj" and head.head is not head:
            head = head.head
        dep = head.dep_
        if dep == "pobj":
            return head.head.lower_ not in _LOCATIVE_PREPS
    if dep in _ACTOR_DEPS:
        return True
    if dep == "pobj":
        return root.head.lower_ in {"by", "with", "between", "against"}
    return False


def _person_tokens(sdoc, c: Cand) -> list:
    hon = KB.load_kb().honorifics
    return [t for t in sdoc[c.start:c.end] if t.lower_.rstrip(".") not in hon]


# ---- the steps ---------------------------------------------------------------------------------

def extract_entities(doc: Document) -> None:
    """Fill doc.entities (local ids "<article_id>:E<n>") from the spaCy parse of the cleaned text."""
    sdoc = _parsed(doc)
    text = doc.article.text
    date = doc.article.published

    cands = _merge_split_names(sdoc, _split_titles(sdoc, _raw_spans(sdoc)), _KB_ONLY)
    names = _article_names(sdoc, cands)
    cands = _relabel(sdoc, text, cands, names)
    cands, glued_prefix = _missed_mentions(sdoc, text, cands, names)

    ents = _Entities(text)
    person_spans = _group_non_people(sdoc, cands, ents, names, date)
    _group_people(person_spans + [_PersonSpan(None, s, e, words) for s, e, words in glued_prefix], ents)
    _state_groups(sdoc, ents, names)
    _person_roles(sdoc, ents, names)
    _names_and_codes(ents, names, date)
    _national_roles_and_patrons(ents, names)
    _place_countries(sdoc, ents)
    _descriptions(sdoc, text, ents, names)
    doc.entities = _emit(doc.article.id, text, ents)


def _parsed(doc: Document):
    if doc._spacy is None:
        from ..config import Config
        from .nlp import load_nlp
        doc._spacy = load_nlp(Config().spacy_model)(doc.article.text)
    return doc._spacy


def _full_people(sdoc, cands: list[Cand]) -> list[Cand]:
    return [c for c in cands if c.label == "PERSON" and len(_person_tokens(sdoc, c)) >= 2]


def _surnames(sdoc, text: str, cands: list[Cand], names: ArticleNames) -> set:
    """Surname keys of the article's full names and of its lone person words."""
    out = {translit_key(_surname_text(sdoc, text, c)) for c in _full_people(sdoc, cands)}
    out |= {translit_key(sdoc[c.start].text) for c in cands if c.label == "PERSON" and c.end - c.start == 1
            and not names.placey(sdoc[c.start].text) and sdoc[c.start].pos_ == "PROPN"}
    out.discard("")
    return out


def _article_names(sdoc, cands: list[Cand]) -> ArticleNames:
    """States, capitals and places the knowledge base does not know, from how the article uses them;
    the words of the article's full personal names are never places."""
    person_keys = {translit_key(t.text) for c in _full_people(sdoc, cands) for t in _person_tokens(sdoc, c)}
    return ArticleNames(INF.infer(sdoc, person_keys, _title_words() | KB.load_kb().honorifics, _ORG_WORDS))


def _relabel(sdoc, text: str, cands: list[Cand], names: ArticleNames) -> list[Cand]:
    """Correct the model's labels and boundaries with what the article's names tell."""
    full_people = _full_people(sdoc, cands)
    surnames = _surnames(sdoc, text, cands, names)
    fixed: list[Cand] = []
    for c in cands:
        span = sdoc[c.start:c.end]
        if c.label != "PERSON" and c.end - c.start == 1 and translit_key(span.text) in surnames \
                and not names.country_of(span.text) and not names.metonym_code(span.text):
            c.label = "PERSON"   # "Trump"/ORG, "Etyemezian"/NORP
        if (c.label == "PERSON" and names.placey(span.text)
                or c.label in ("ORG", "FAC", "NORP") and c.end - c.start == 1 and not KB.country_of(span.text)
                and not KB.metonym_code(span.text) and (names.gaz.is_place(span.text) or names.gaz.is_state_name(span.text))) \
                and translit_key(span.text) not in {translit_key(_person_tokens(sdoc, f)[-1].text) for f in full_people}:
            c.label = "GPE"      # "Kyiv"/PERSON, "Kessel"/ORG used as "in Kessel"
        cut = next((i for i in range(c.start + 1, c.end - 1) if sdoc[i].lower_ in _PLACE_LINKS
                    and names.placey(sdoc[i + 1].text)), None)
        if c.label in ("ORG", "FAC", "GPE", "LOC") and cut is not None:
            c.end = cut          # "Brenna on Morvaine's [border]"/FAC: the place before the preposition
            span = sdoc[c.start:c.end]
            if c.end - c.start == 1 and names.gaz.is_place(span.text):
                c.label = "GPE"
        if c.label != "PERSON" and 2 <= c.end - c.start <= 3 and all(_plain_name_token(t, names) for t in span) \
                and c.end + 1 < len(sdoc) and sdoc[c.end].text == "," and sdoc[c.end + 1].lower_ == "who":
            c.label = "PERSON"   # "Marta Kovac"/GPE ", who runs a shop"
        if c.label in ("ORG", "FAC") and 2 <= c.end - c.start <= 3 and all(_plain_name_token(t, names) for t in span) \
                and translit_key(span[0].text) in _first_names():
            c.label = "PERSON"   # "Tatiana Stanovaya"/FAC
        if c.label == "PERSON" and c.end - c.start >= 3 and translit_key(sdoc[c.start].text) not in _first_names() \
                and translit_key(sdoc[c.start + 1].text) in _first_names():
            c.start += 1         # "Exchequer Rachel Reeves"
        if c.label == "PERSON" and c.end - c.start >= 2:
            # "Zelensky Rejects": a name never starts with another person's surname.
            first = translit_key(sdoc[c.start].text)
            others = {translit_key(_person_tokens(sdoc, f)[-1].text) for f in full_people if f is not c}
            if first in others and translit_key(sdoc[c.end - 1].text) not in others | {first}:
                c.end = c.start + 1
        if c.label in ("PERSON", "ORG", "NORP") and c.end - c.start == 3 and sdoc[c.start + 1].text in {"-", "–", "—"}:
            a, b = sdoc[c.start].text, sdoc[c.end - 1].text
            if translit_key(a) in surnames | _kb_surnames(a) and translit_key(b) in surnames | _kb_surnames(b):
                fixed.append(Cand(c.start, c.start + 1, "PERSON"))     # "Putin–Zelensky"
                fixed.append(Cand(c.end - 1, c.end, "PERSON"))
                continue
        if c.label == "PERSON" and c.end - c.start == 1 and sdoc[c.start].pos_ not in ("PROPN", "NOUN"):
            continue   # "Symbolically"/PERSON at the start of a sentence
        fixed.append(c)
    return fixed


def _missed_mentions(sdoc, text: str, cands: list[Cand], names: ArticleNames) -> tuple[list[Cand], list]:
    """Mentions the model missed: known surnames and building metonyms anywhere in the text. Returns the
    candidates (sorted) and the names glued to the word before them ("CommentPutin") as
    (start, end, [name word]) in characters."""
    surnames = _surnames(sdoc, text, cands, names)
    glued_prefix: list = []
    covered = set()
    for c in cands:
        covered.update(range(c.start, c.end))
    for t in sdoc:
        if t.i in covered or not _is_cap(t):
            continue
        k = translit_key(t.text)
        if names.country_of(t.text):
            continue
        if k in surnames and t.pos_ in ("PROPN", "NOUN", "ADJ", "VERB") \
                and not (t.i + 1 < len(sdoc) and _plain_name_token(sdoc[t.i + 1], names)):
            cands.append(Cand(t.i, t.i + 1, "PERSON"))
        elif names.metonym_code(t.text) and not names.country_of(t.text):
            cands.append(Cand(t.i, t.i + 1, "ORG"))
        elif _CAMEL.search(t.text) and translit_key(re.split(r"(?<=[a-z])(?=[A-Z])", t.text)[-1]) in surnames:
            tail = re.split(r"(?<=[a-z])(?=[A-Z])", t.text)[-1]
            glued_prefix.append((t.idx + len(t.text) - len(tail), t.idx + len(t.text), [tail]))
        else:
            for suf in KB.load_kb().glued_suffixes:
                if t.text.endswith(suf) and translit_key(t.text[: -len(suf)]) in surnames and len(t.text) > len(suf) + 2:
                    cands.append(Cand(t.i, t.i + 1, "PERSON"))
                    break
    cands.sort(key=lambda c: c.start)
    return cands, glued_prefix


def _acronyms(sdoc, cands: list[Cand]) -> dict[str, tuple]:
    """"Shanghai Cooperation Organization (SCO)": the acronym is the same organisation."""
    out: dict[str, tuple] = {}
    for c in cands:
        if c.label in ("ORG", "FAC") and c.end + 2 < len(sdoc) and sdoc[c.end].text == "(" and sdoc[c.end + 2].text == ")":
            acr = sdoc[c.end + 1].text
            initials = "".join(t.text[0] for t in sdoc[c.start:c.end] if t.text[:1].isupper())
            if acr.isupper() and len(acr) >= 2 and initials == acr:
                out[acr] = ("org", fold(sdoc[c.start:c.end].text).lower())
    return out


def _org_heads(sdoc, cands: list[Cand]) -> dict[str, tuple]:
    """"the Northern Council ... the Council": the head noun alone is the one organisation so named."""
    by_head: dict[str, set] = {}
    for c in cands:
        if c.label in ("ORG", "FAC") and c.end - c.start >= 2 and sdoc[c.end - 1].lower_ in _ORG_WORDS:
            by_head.setdefault(sdoc[c.end - 1].text, set()).add(("org", fold(sdoc[c.start:c.end].text).lower()))
    return {h: next(iter(ks)) for h, ks in by_head.items() if len(ks) == 1}


def _group_non_people(sdoc, cands: list[Cand], ents: _Entities, names: ArticleNames, date) -> list[_PersonSpan]:
    """Countries, state actors, places and organisations become entities; personal-name spans are
    returned for :func:`_group_people`."""
    text = ents.text
    kbd = KB.load_kb()
    acronyms = _acronyms(sdoc, cands)
    heads = _org_heads(sdoc, cands)
    person_spans: list[_PersonSpan] = []
    for c in cands:
        span = sdoc[c.start:c.end]
        if c.label == "PERSON":
            s, e = _glued(sdoc, text, c)
            words = [w for w in text[s:e].split() if w.lower().rstrip(".") not in kbd.honorifics]
            if words:
                person_spans.append(_PersonSpan(c, s, e, words))
            continue
        s, e = span.start_char, span.end_char
        mc = names.metonym_code(span.text)
        iso = names.country_of(span.text)
        if c.label == "NORP":
            # Adjectival demonyms qualify a noun ("Russian officials"); only nouns ("the Russians") act.
            if span.root.dep_ in ("amod", "compound", "nmod") or span.root.pos_ == "ADJ" or not span.text.endswith("s"):
                continue
            if iso:
                ents.add(("country", iso), "GPE", s, e, "metonym")
            else:
                ents.add(("norp", fold(span.text).lower()), "NORP", s, e, "name")
            continue
        if mc and (_actor_like(span, building=True) if not iso else _actor_like(span)):
            if iso and sdoc[c.start].dep_ in ("compound", "amod") and sdoc[c.start].head.lower_ in _title_words():
                continue
            if not iso and c.end < len(sdoc) and sdoc[c.end].lower_ in _title_words():
                continue   # "Kremlin aide": part of a role
            ents.add(("state", mc), "ORG", s, e, "metonym")
            continue
        if mc and not iso:
            continue   # the building as a place: "talks at the White House"
        if iso:
            if names.is_country_name(span.text):
                if span.root.dep_ in ("amod",) and span.text.lower().endswith(("ian", "ese", "ish", "ic")):
                    continue
                ents.add(("country", iso), "GPE", s, e, "name")
            elif _actor_like(span) and c.label == "GPE":
                ents.add(("place", fold(span.text).lower()), "GPE", s, e, "name").country = iso
            continue
        if c.label == "GPE":
            if _actor_like(span):
                ents.add(("place", fold(span.text).lower()), "GPE", s, e, "name")
            continue
        # Organisations; structures ("the Kerch Bridge") and scraped table/headline runs are not actors.
        if span[-1].lower_ in kbd.facility_words or sum(bool(_CAMEL.search(t.text)) for t in span) >= 2 \
                or any(t.pos_ in ("VERB", "AUX") and (not t.text[:1].isupper() or t.i > span.start and t.tag_ in ("VBZ", "VBD"))
                       for t in span):
            continue
        key = acronyms.get(span.text) or heads.get(span.text) or ("org", fold(span.text).lower())
        _code_organisation(span, ents.add(key, "ORG", s, e, "name"), names, date)
    return person_spans


def _code_organisation(span, en: _Ent, names: ArticleNames, date) -> None:
    state = next((names.gaz.country_of(t.text) for t in span if names.gaz.country_of(t.text) and t.text[:1].isupper()), None)
    if en.code is None and state and not names.metonym_code(span.text):
        # "Dravonian Foreign Ministry": an institution of a state the knowledge base does not know.
        sector = KB.agent_suffix(span[-1].text)
        en.country, en.code = state, (state + sector if sector else None)
    if en.code is None:
        r = KB.lookup(span.text, date)
        # A country word inside an organisation's name ("Carnegie Russia Eurasia Center") says little.
        if r and r.get("type") not in ("PERSON", "GPE") and r.get("code") and (r.get("kb") is not None or len(r["code"]) > 3):
            en.code, en.country = r["code"], r["country"]
            if r.get("kb") is not None and not span.text.isupper():
                en.name = r["name"]


def _group_people(person_spans: list[_PersonSpan], ents: _Entities) -> None:
    """Full names first (same surname and first name or its initial: one person), then single words:
    a surname joins the one full name with it, a first name the one full name it starts."""
    full = [p for p in person_spans if len(name_key(" ".join(p.words))) == 2]
    single = [p for p in person_spans if len(name_key(" ".join(p.words))) == 1]
    person_keys: dict[tuple, tuple] = {}
    for p in full:
        k = name_key(" ".join(p.words))
        key = None
        for pk in person_keys:
            if len(pk) == 2 and pk[1] == k[1] and (pk[0] == k[0] or pk[0][:1] == k[0][:1] and min(len(pk[0]), len(k[0])) == 1):
                key = person_keys[pk]
        key = key or ("person", k)
        person_keys.setdefault(k, key)
        ents.add(key, "PERSON", p.start, p.end, "name")
    by_surname: dict[str, set] = {}
    by_first: dict[str, set] = {}
    for k, key in person_keys.items():
        if len(k) == 2:
            by_surname.setdefault(k[1], set()).add(key)
            by_first.setdefault(k[0], set()).add(key)
    for p in single:
        k = name_key(" ".join(p.words))[0]
        if len(by_surname.get(k, ())) == 1:
            ents.add(next(iter(by_surname[k])), "PERSON", p.start, p.end, "surname")
        elif not by_surname.get(k) and len(by_first.get(k, ())) == 1:
            ents.add(next(iter(by_first[k])), "PERSON", p.start, p.end, "name")
        elif not by_surname.get(k):
            ents.add(("person", (k,)), "PERSON", p.start, p.end, "surname")


def _person_roles(sdoc, ents: _Entities, names: ArticleNames) -> None:
    """Roles in apposition, patrons ("his aide") and affiliations ("X of Chatham House") of each person."""
    mention_owner = {}
    for en in ents.in_order():
        for m in en.mentions:
            mention_owner[m.start] = en.key
    for en in ents.people():
        for m in en.mentions:
            if m.kind != "name" and m.kind != "surname":
                continue
            span = sdoc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            for role in _roles_for(sdoc, span, names):
                if role.text not in en.roles:
                    en.roles.append(role.text)
                en.role_keys.append(role.key)
            # "Putin sent his aide Vladimir Medinsky": the aide of the person named before, in the same sentence.
            if span.start >= 2 and sdoc[span.start - 1].lower_ in _title_words() and sdoc[span.start - 2].lower_ in ("his", "her"):
                sent_start = span.sent.start_char
                prev = [(ms, k) for ms, k in mention_owner.items()
                        if sent_start <= ms < m.start and k != en.key and ents[k].type == "PERSON"]
                if prev:
                    en.patrons.append(_Patron(sdoc[span.start - 1].lower_, max(prev)[1]))
            for child in span.root.children:
                if child.dep_ == "prep" and child.lower_ == "of" and child.i == span.end:
                    for obj in child.children:
                        if obj.dep_ == "pobj":
                            owner = next((o.key for o in ents.in_order() if o.type == "ORG" and any(
                                x.start <= obj.idx < x.end for x in o.mentions)), None)
                            if owner is not None:
                                en.affiliations.append(owner)


def _names_and_codes(ents: _Entities, names: ArticleNames, date) -> None:
    """Each entity's display name, country and CAMEO-style code."""
    for en in ents.in_order():
        if en.type == "PERSON":
            _code_person(en, date)
        elif en.key[0] == "state":
            sa = names.state_actor(en.key[1], en.name)
            en.name, en.country, en.code = sa["name"], sa["country"], sa["code"]
        elif en.key[0] == "country":
            en.name, en.country, en.code = names.country_name(en.key[1]), en.key[1], en.key[1]
        elif en.name is None:
            en.name = max(en.mentions, key=lambda m: len(m.text)).text


def _code_person(en: _Ent, date) -> None:
    """Name, country and code of a person: the knowledge base when it knows the name, else the title's country."""
    name_mentions = [m for m in en.mentions if m.kind == "name"] or en.mentions
    best = max(name_mentions, key=lambda m: (len(m.text.split()), -m.start))
    en.name = _clean_name(best.text)
    known = KB.person_entry(en.name, date) if len(en.name.split()) >= 2 else KB.lookup(en.name, date)
    if known and len(en.name.split()) == 1 and date and not KB.live(known, date):
        known = None     # a lone "Hussein" is not the king who died in 1999
    if known and known.get("type") == "PERSON":
        en.country, en.code = known["country"], known["code"]
        if len(en.name.split()) == 1 and len(known["name"].split()) >= 2:
            en.name = known["name"]
        stale = (not KB.live(known, date)) if date else (en.code or "")[3:6] in ("ELI", "")
        if en.country and en.role_keys and stale and not any("former" in r.lower() for r in en.roles):
            # The dictionaries stop in 2014: a current title in the text beats a stale code.
            en.code = en.country + (KB.agent_suffix(en.role_keys[0].title) or "GOV")
    if en.country is None:
        for rk in en.role_keys:
            if rk.iso:
                en.country = rk.iso
                en.code = rk.iso + (KB.agent_suffix(rk.title) or "GOV")
                break
            if rk.qualifier:
                en.country, en.code = KB.iso_of_code(rk.qualifier), rk.qualifier
                break


@lru_cache(maxsize=1)
def _national_titles() -> frozenset:
    """Titles that name a national office ("Prime Minister", "Foreign Minister")."""
    kbd = KB.load_kb()
    return frozenset(set(kbd.title_equivalents.get("leader", [])) | {
        t for t in kbd.titles if "minister" in t or t in ("vice president", "foreign secretary", "secretary of state")})


def _national_roles_and_patrons(ents: _Entities, names: ArticleNames) -> None:
    """"Prime Minister Viktor Orban" with Orban known as Hungarian: Prime Minister of Hungary; an aide's
    role names the patron and takes the patron's country; affiliations are roles too."""
    national = _national_titles()
    for en in ents.in_order():
        if en.type == "PERSON" and en.country:
            for rk in en.role_keys:
                bare = names.format_role(rk.title)
                if rk.iso is None and rk.qualifier is None and rk.title in national and bare in en.roles:
                    en.roles[en.roles.index(bare)] = names.format_role(rk.title, en.country)
            en.roles = list(dict.fromkeys(en.roles))
        for title, patron in en.patrons:
            p = ents[patron]
            role = f"{title} to {p.name}"
            if role not in en.roles:
                en.roles = [r for r in en.roles if r.lower() != title] + [role]
            if en.country is None and p.country:
                en.country, en.code = p.country, (p.code if p.code and len(p.code) > 3 else p.country + "GOV")
        for org in en.affiliations:
            if ents[org].name and ents[org].name not in en.roles:
                en.roles.append(ents[org].name)


def _emit(aid: str, text: str, ents: _Entities) -> list[Entity]:
    """Local entities in order of first mention, ids "<article_id>:E<n>"."""
    out = []
    kept = [en for en in ents.in_order() if en.mentions]
    for n, en in enumerate(sorted(kept, key=lambda en: min(m.start for m in en.mentions))):
        mentions = sorted({m.start: m for m in en.mentions}.values())
        out.append(Entity(
            id=f"{aid}:E{n}", name=en.name or mentions[0].text, type=en.type,
            mentions=[Mention(aid, m.start, m.end, m.text, m.kind) for m in mentions if text[m.start:m.end] == m.text],
            roles=en.roles, country=en.country, code=en.code))
    return out


@lru_cache(maxsize=4096)
def _kb_surnames(word: str) -> set:
    kb = KB.load_kb()
    hits = [i for i in kb.phrases.get(KB.norm_phrase(word), []) if kb.entries[i].type == "PERSON"]
    return {translit_key(word)} if hits else set()


def _clean_name(name: str) -> str:
    name = re.sub(r"['’]s$", "", name.strip())
    return re.sub(r"\s+", " ", name)


def _state_groups(sdoc, ents: _Entities, names: ArticleNames) -> None:
    """"Dravonian troops moved", "Morvaine's defence ministry said": a sector of a state the knowledge
    base does not know, acting; a mention of that state's sector actor (Military of ..., Government of ...).
    Known states are left to the events stage's phrase coding, as before."""
    owner = {m.start: en for en in ents.in_order() for m in en.mentions}
    for t in sdoc:
        iso = names.gaz.states.get(INF.key(t.text))
        if not iso or not t.text[:1].isupper():
            continue
        if t.idx in owner and owner[t.idx].key != ("country", iso):
            continue
        head = t.head
        if t.dep_ not in ("amod", "compound", "poss", "nmod") or not head.is_lower or head.i <= t.i:
            continue
        if head.dep_ not in _ACTOR_DEPS and not (head.dep_ == "pobj" and head.head.lower_ == "by"):
            continue
        words = [w for w in sdoc[t.i + 1:head.i + 1] if w.text not in _POSS]
        if not words or not all(w.is_alpha for w in words):
            continue
        phrase = " ".join(w.text for w in words)
        sector = KB.agent_suffix(phrase)
        if not sector:
            continue
        s, e = t.idx, head.idx + len(head.text)
        label = None if sector in KB.SECTOR_NAMES else " ".join(w.lower_ for w in words).capitalize()
        if t.idx in owner:
            # "Morvaine's defence ministry said": the ministry acts, not the country.
            owner[t.idx].mentions = [m for m in owner[t.idx].mentions if m.start != t.idx]
        en = ents.add(("state", iso + sector), "ORG", s, e, "description")
        if en.name is None and label:
            en.name = label     # "Defence ministry" (GOVMIL) names the actor "Defence ministry of Morvaine"


def _place_countries(sdoc, ents: _Entities) -> None:
    """An unknown town where the article's officials of one state speak or act ("Speaking in Kessel,
    Reiss told...", "Hrast told reporters in Talsk") is taken to lie in that state. Weak evidence:
    only places with no other country, only verbs the place phrase attaches to directly, and only
    when every such official in the article belongs to the same state."""
    places = {en.key[1]: en for en in ents.in_order() if en.key[0] == "place" and en.country is None}
    if not places:
        return
    officials = [(m.start, m.end, en) for en in ents.people() if en.country and en.role_keys for m in en.mentions]
    votes: dict = {}
    for t in sdoc:
        k = fold(t.text).lower()
        if k not in places or t.dep_ != "pobj" or t.head.lower_ not in ("in", "at"):
            continue
        verb = t.head.head
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        if verb.dep_ == "advcl" and not any(c.dep_.startswith("nsubj") for c in verb.children):
            verb = verb.head      # "Speaking in Kessel, Reiss told reporters"
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None:
            continue
        who = next((en for s, e, en in officials if s <= subj.idx < e), None)
        if who is not None:
            votes.setdefault(k, set()).add(who.country)
    for k, countries in votes.items():
        if len(countries) == 1:
            places[k].country = next(iter(countries))


# ---- roles -------------------------------------------------------------------------------------

def _roles_for(sdoc, span, names: ArticleNames) -> list[_Role]:
    """Titles in apposition to a person mention."""
    kb = KB.load_kb()
    tw = _title_words()
    out = []
    # Before the name: "Finland's President", "Russian Foreign Minister", "Kremlin aide", "his aide".
    j = span.start - 1
    toks = []
    while j >= 0:
        t = sdoc[j]
        lw = t.lower_.rstrip(".")
        if t.is_space or (t.is_punct and t.text not in {".", "-"}):
            break
        if lw in tw or lw in kb.title_modifiers or t.text in _POSS or lw in {"of", "the"} and toks \
                or names.country_of(t.text) or names.metonym_code(t.text) or (t.ent_type_ in ("ORG", "GPE", "NORP") and _is_cap(t)) \
                or (lw in {"u.s", "us", "uk", "u.k"}):
            toks.insert(0, t)
            j -= 1
            continue
        break
    while toks and toks[0].lower_ in {"of", "the"}:
        toks.pop(0)
    if toks and any(t.lower_.rstrip(".") in tw for t in toks):
        out.extend(_parse_role(toks, names))
    # After the name: "Medinsky, a former culture minister"; "head of UNHCR's Innovation Service".
    root = span.root
    for child in root.children:
        if child.dep_ == "appos" and child.lower_ in tw and child.i >= span.end:
            sub = [t for t in child.subtree if not t.is_punct or t.text in _POSS]
            brk = next((t.i for t in sub if "\n" in t.whitespace_ or "\n" in t.text), None)
            sub = [t for t in sub if brk is None or t.i <= brk and "\n" not in t.text]   # "…of Morvaine\n\nDravonia has…"
            sub = [t for t in sub if t.lower_ not in _DETS]
            if 0 < len(sub) <= 8:
                out.append(_Role(_role_text(sub), _RoleKey(child.lower_, _iso_in(sub, names), None)))
    # The name in apposition to a title: "the administration's envoy to Lebanon, Tom Barrack".
    if root.dep_ == "appos" and root.head.lower_ in tw and root.head.i < span.start - 1 \
            and sdoc[span.start - 1].is_punct:
        sub = [t for t in root.head.subtree if t.i < span.start and not (t.is_punct and t.text not in _POSS)]
        sub = [t for t in sub if t.lower_ not in _DETS and t.lower_ not in _PRONOUN_POSS]
        if 0 < len(sub) <= 8:
            out.append(_Role(_role_text(sub), _RoleKey(root.head.lower_, _iso_in(sub, names), None)))
    return out


def _iso_in(toks, names: ArticleNames) -> str | None:
    for t in toks:
        iso = names.country_of(t.text)
        if iso and not names.metonym_code(t.text):
            return iso
    return None


def _role_text(toks) -> str:
    s = "".join(t.text + t.whitespace_ for t in toks).strip()
    return re.sub(r"\s+", " ", s)


def _parse_role(toks, names: ArticleNames) -> list[_Role]:
    kb = KB.load_kb()
    words = [t.lower_.rstrip(".") for t in toks]
    # The longest title phrase among the collected words.
    best = None
    for a in range(len(words)):
        for b in range(len(words), a, -1):
            if " ".join(words[a:b]) in kb.titles and (best is None or b - a > best[1] - best[0]):
                best = (a, b)
    if best is None:
        return []
    title = " ".join(words[best[0]:best[1]])
    mods = [t.text.lower() for t in toks[:best[0]] if t.lower_ in kb.title_modifiers]
    iso = None
    qual = None
    qual_text = None
    for t in toks[:best[0]]:
        if t.lower_ in kb.title_modifiers or t.text in _POSS:
            continue
        mc = names.metonym_code(t.text)
        if mc and not names.country_of(t.text):
            qual, qual_text = mc, t.text
        elif names.country_of(t.text) or t.lower_.rstrip(".") in {"u.s", "us", "uk", "u.k"}:
            iso = iso or names.country_of(t.text) or names.country_of(t.text.upper())
        elif t.ent_type_ == "ORG":
            qual_text = (qual_text + " " + t.text) if qual_text else t.text
    if qual_text:
        role = f"{qual_text} {' '.join(mods + [title])}"
    else:
        role = names.format_role(" ".join(mods + [title]), iso)
    return [_Role(role, _RoleKey(title, iso, qual))]


# ---- descriptions ------------------------------------------------------------------------------

def _descriptions(sdoc, text: str, ents: _Entities, names: ArticleNames) -> None:
    """"the Ukrainian president", "Ukraine's leader": a mention of the one person who fits."""
    kb = KB.load_kb()
    tw = _title_words()
    people = ents.people()
    covered = set()
    for en in people:
        for m in en.mentions:
            covered.update(range(m.start, m.end))
    if not people:
        return
    for t in sdoc:
        if t.lower_ not in tw or t.tag_ not in ("NN", "NNP") or t.idx in covered:
            continue
        nxt = sdoc[t.i + 1] if t.i + 1 < len(sdoc) else None
        if nxt is not None and (_is_cap(nxt) and nxt.ent_type_ == "PERSON" or nxt.lower_ in tw or nxt.lower_ == "of"):
            continue   # apposition before a name, a longer title, or "head of ..." handled elsewhere
        if t.dep_ in ("compound", "amod"):
            continue
        # Left modifiers of the title noun.
        left = []
        j = t.i - 1
        while j >= 0 and sdoc[j].head.i in (t.i, *(x.i for x in left)) and not sdoc[j].is_punct or (j >= 0 and sdoc[j].text in _POSS):
            left.insert(0, sdoc[j])
            j -= 1
        if any(x.lower_ in _PRONOUN_POSS for x in left) or any(x.idx in covered for x in left):
            continue
        det = any(x.lower_ == "the" for x in left)
        title = t.lower_
        if len(left) >= 1 and f"{left[-1].lower_} {title}" in kb.titles:
            title = f"{left[-1].lower_} {title}"
        iso = None
        qual = None
        for x in left:
            if x.text in _POSS or x.lower_ in _DETS or x.lower_ in kb.title_modifiers:
                continue
            mc = names.metonym_code(x.text)
            if mc and not names.country_of(x.text):
                qual = mc
            elif names.country_of(x.text) or x.lower_.rstrip(".") in {"u.s", "us"}:
                iso = names.country_of(x.text) or names.country_of(x.text.upper())
        if not (iso or qual or det):
            continue
        want = set(kb.title_equivalents.get(title, [title]))
        fits = []
        for en in people:
            titles = {rk.title for rk in en.role_keys}
            if not (titles & want):
                continue
            if iso and en.country != iso:
                continue
            if qual and en.code != qual and en.country != KB.iso_of_code(qual):
                continue
            fits.append(en)
        if len(fits) != 1:
            continue
        start_tok = next((x for x in left if x.lower_ not in _DETS), t)
        s, e = start_tok.idx, t.idx + len(t.text)
        fits[0].mentions.append(_M(s, e, text[s:e], "description" if (iso or qual) else "title"))
        covered.update(range(s, e))

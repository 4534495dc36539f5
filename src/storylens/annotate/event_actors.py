"""Who an event's source or target is: the article's entity (if any), the phrase, and a country/IGO code.

Codes come from the actor knowledge base (storylens.link.kb, Phoenix dictionaries) when it is present,
from the entity itself when the entities stage filled one in, and otherwise from the project's country
table (storylens.countries) and the organisation table built from the Phoenix dictionaries
(data/events/igo.tsv).
"""
from __future__ import annotations

from bisect import bisect_right
import logging
from dataclasses import dataclass

from .event_lexicon import lexicon
from ..countries import country_name, iso_of, iso_of_code
from ..link.inferred import is_placeholder
from ..link.kb import lookup as _kb_lookup

_log = logging.getLogger(__name__)

_PRONOUNS = {"he", "she", "it", "they", "we", "i", "him", "her", "them", "us"}
_PERSONAL = {"he", "his", "him", "she", "her"}
_PHRASE_DEPS = {"compound", "amod", "poss", "nmod", "nummod", "det", "case", "quantmod", "npadvmod", "punct"}
# Nouns naming an organised political/military actor: they count as actors even without a name,
# so that "troops", "officials", "the government" can be sources; the country comes from modifiers.
_AGENT_NOUNS = {
    "army", "troops", "troop", "forces", "force", "military", "government", "officials", "official", "police",
    "rebels", "rebel", "militants", "militant", "soldiers", "soldier", "protesters", "protester", "demonstrators",
    "authorities", "ministry", "minister", "president", "leader", "leaders", "parliament", "cabinet", "regime",
    "administration", "navy", "militia", "militiamen", "guerrillas", "insurgents", "diplomats", "envoy",
    "spokesman", "spokeswoman", "negotiators", "delegation", "court", "judge", "prosecutors", "opposition",
    "party", "coalition", "alliance", "kremlin", "commander", "commanders", "warships", "aircraft", "jets",
    "drones", "helicopters", "tanks", "settlers", "refugees", "civilians", "villagers", "workers", "students",
    "farmers", "activists", "bombers", "gunmen", "hackers", "aide", "ambassador", "chancellor", "premier",
    "senate", "congress", "council", "union", "agency", "intelligence", "security", "residents",
}


_STANCE_PREFIXES = {"anti", "pro", "non"}
_COLLECTIVE = {"group", "groups", "members", "member", "number", "hundreds", "thousands", "dozens", "scores",
               "millions", "crowd", "crowds", "band", "contingent", "team", "some", "many"}


@dataclass
class ActorRef:
    text: str
    start: int
    end: int
    entity: str | None = None
    code: str | None = None       # CAMEO-style actor code (RUSGOV, USA, IGOUNO ...)

    def __post_init__(self):
        # older Phoenix country prefixes the shared table lacks are written as ISO ("ANGREB" -> "AGOREB")
        self.code = lexicon().modern_code(self.code)

    @property
    def country(self) -> str | None:
        # CAMEO country codes that are not ISO ("ROM", "ZAR") read as ISO; IGO/NGO stay as written
        return (iso_of_code(self.code) or self.code[:3]) if self.code else None


class ActorIndex:
    """Maps character offsets of one article to its local entities."""

    def __init__(self, entities):
        spans = []
        self.by_id = {}
        for e in entities or []:
            self.by_id[e.id] = e
            for m in e.mentions:
                spans.append((m.start, m.end, e))
        self.titled: dict[str, str | None] = {}  # entity id -> code from a title before a mention
        spans.sort(key=lambda x: x[0])
        self.spans = spans
        self.starts = [s[0] for s in spans]

    def before(self, pos: int, window: int, etype: str):
        """The entity of the given type with the last mention ending before pos (within window chars)."""
        i = bisect_right(self.starts, pos)
        for s, e, ent in reversed(self.spans[:i]):
            if e > pos:
                continue
            if pos - e > window:
                return None
            if ent.type == etype:
                return ent
        return None

    def at(self, start: int, end: int):
        """The entity whose mention overlaps [start, end), preferring the longest overlap."""
        i = bisect_right(self.starts, end)
        best, best_ov = None, 0
        for s, e, ent in self.spans[max(0, i - 8):i]:
            ov = min(e, end) - max(s, start)
            if ov > best_ov:
                best, best_ov = ent, ov
        return best


def _titled_mention_code(ent, text: str) -> str | None:
    """Government code from a title written before any of a person's mentions in the article:
    "Ukrainian President Volodymyr Zelensky" codes a later bare "Zelensky" as UKRGOV."""
    if ent.type != "PERSON" or not text:
        return None
    titles = lexicon().cues.get("title", set())
    for m in ent.mentions:
        words = text[max(0, m.start - 60):m.start].replace("\n", " ").split()[-4:]
        low = [w.strip(",.;:()\"'").lower() for w in words]
        if not any(w in titles for w in low):
            continue
        code = code_from_words([w.strip(",.;:()\"'") for w in words])
        if code and code[:3].isalpha() and not code.startswith(("IGO", "NGO", "X")):
            return code[:3] + "GOV" if len(code) == 3 else code
    return None


def _kb(text: str, date: str | None) -> str | None:
    if _kb_lookup is None or not text:
        return None
    try:
        hit = _kb_lookup(text, date)
    except Exception as exc:  # one odd phrase must not lose the event; the user hears of it
        _log.warning("actor knowledge base failed on %r: %s: %s", text[:80], type(exc).__name__, exc)
        return None
    if not hit:
        return None
    return hit.get("code") or hit.get("country")


def code_from_words(words: list[str]) -> str | None:
    """Longest country/organisation name among the words (n-grams up to 5)."""
    lex = lexicon()
    low = [w.lower() for w in words]
    n = len(low)
    # "anti-Syria", "pro-Russian": the stance toward a country, not a nationality
    marked = {j for j in range(n) if _stance_marked(low, j)}
    for size in range(min(5, n), 0, -1):
        for i in range(n - size + 1):
            if marked and not marked.isdisjoint(range(i, i + size)):
                continue
            key = " ".join(low[i:i + size])
            if key in lex.igo:
                return lex.igo[key]
            # the shared country table also reads possessive and dotted variants ("Russia's", "U.S.")
            iso = iso_of(key) if key.strip(".,;:'\"()") else None
            if iso:
                return iso
            # names and demonyms the shared table lacks ("Swedish", "People's Republic of China")
            iso = lex.country_alias.get(key.replace(" 's ", "'s "))
            if iso:
                return iso
    return None


def _country_named(span, code: str) -> str | None:
    """The phrase with its nationality words replaced by the country's name, for the knowledge base's
    sector reading of a demonym it does not know ("Swedish Foreign Minister" -> "Sweden Foreign
    Minister" -> SWEGOV)."""
    name = country_name(iso_of_code(code) or code)
    if not name:
        return None
    words, done = [], False
    for t in span:
        if t.ent_type_ in ("NORP", "GPE"):
            if not done:
                words.append(name)
                done = True
        else:
            words.append(t.text)
    return " ".join(words) if done else None


def phrase_tokens(tok):
    """The head noun with its left modifiers (compounds, adjectives, possessors), and its named-entity span."""
    left = tok
    for c in tok.lefts:
        if c.dep_ in _PHRASE_DEPS:
            left = min(left, c.left_edge, key=lambda t: t.i)
            break
    right = tok
    if tok.ent_type_:
        doc = tok.doc
        a = tok.i
        while a > 0 and doc[a].ent_iob_ == "I":
            a -= 1
        b = tok.i
        while b + 1 < len(doc) and doc[b + 1].ent_iob_ == "I":
            b += 1
        if a < left.i:
            left = doc[a]
        if b > right.i:
            right = doc[b]
    while left.i < tok.i and left.dep_ in ("det", "punct", "case") and left.lower_ in ("the", "a", "an", ",", "'s"):
        left = left.doc[left.i + 1]
    return tok.doc[left.i:right.i + 1]


def _stance_marked(span, i: int) -> bool:
    """Token i is part of a stance prefix: "anti", "-" or the country after them (span: tokens or
    lower-cased words)."""
    low = [t if isinstance(t, str) else t.lower_ for t in span]
    return (low[i] in _STANCE_PREFIXES and i + 1 < len(low) and low[i + 1] == "-") or \
        (i >= 1 and low[i] == "-" and low[i - 1] in _STANCE_PREFIXES) or \
        (i >= 2 and low[i - 1] == "-" and low[i - 2] in _STANCE_PREFIXES)


def resolve_actor(tok, index: ActorIndex, date: str | None = None, speaker: "ActorRef | None" = None) -> ActorRef | None:
    """An ActorRef for a head token if it names an actor; None for non-actors (places, things, abstractions)."""
    if tok is None:
        return None
    if tok.pos_ == "PRON":
        low = tok.lower_
        ent = index.at(tok.idx, tok.idx + len(tok.text))  # the entities stage may resolve pronouns itself
        if ent is None and low in _PRONOUNS and speaker is not None:
            return speaker
        if ent is None and low in _PERSONAL:
            # the nearest person named shortly before ("His recent tariff threat" after "Trump ...")
            ent = index.before(tok.idx, 400, "PERSON")
        if ent is None:
            return None
        code = ent.code or ent.country or _kb(ent.name, date)
        return ActorRef(text=tok.text, start=tok.idx, end=tok.idx + len(tok.text), entity=ent.id, code=code)
    if tok.pos_ not in ("PROPN", "NOUN", "ADJ", "NUM"):
        return None
    lo = max(0, tok.i - 2)
    if _stance_marked(tok.doc[lo:tok.i + 2], tok.i - lo):
        return None  # "anti-Syria", "pro-Russian" modify their noun; they are not an actor of their own
    if tok.lemma_.lower() in _COLLECTIVE or tok.lower_ in _COLLECTIVE:
        # "a group of refugees", "members of the association", "hundreds of protesters": the actor is
        # what the quantity is of
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for p in c.children:
                    if p.dep_ == "pobj":
                        return resolve_actor(p, index, date, speaker)
        return None
    if tok.pos_ == "NUM":
        return None
    span = phrase_tokens(tok)
    text = span.text.strip()
    start, end = span.start_char, span.end_char
    # the knowledge base reads the phrase without stance prefixes ("anti-Syria journalist")
    kb_text = " ".join(t.text for i, t in enumerate(span) if not _stance_marked(span, i)) or text
    head_ent = index.at(tok.idx, tok.idx + len(tok.text))
    ent = head_ent or index.at(start, end)
    if head_ent is None and ent is not None and any(
            _stance_marked(span, i) and index.at(t.idx, t.idx + len(t.text)) is ent for i, t in enumerate(span)):
        ent = None  # the entity is the country a stance is taken toward ("anti-Syria journalist")
    code = None
    if ent is not None:
        code = ent.code or ent.country
        if not code:
            code = _kb(ent.name, date)
        if not code:
            if ent.id not in index.titled:
                index.titled[ent.id] = _titled_mention_code(ent, tok.doc.text)
            code = index.titled[ent.id]
        if code and head_ent is None and len(code) == 3:
            # "Ugandan officials", "Russian troops": the entity only names the group's country; the
            # group's own word gives its sector (GOV, MIL ...)
            whole = _kb(kb_text, date)
            if whole and len(whole) > 3 and whole[:3].isalpha():
                code = code + whole[3:]
    if code and is_placeholder(code):
        # the entities stage invents a placeholder state for a demonym it cannot place ("Swedish
        # officials" -> XSWGOV); a country the event data knows by that name comes first
        real = code_from_words([t.text for t in span])
        if real and len(real) == 3 and not is_placeholder(real):
            code = real + code[3:]
    if not code:
        code = _kb(kb_text, date)
    if not code:
        code = code_from_words([t.text for t in span])
    if code and len(code) == 3 and code.isalpha() and tok.ent_type_ not in ("NORP", "GPE"):
        whole = _kb(_country_named(span, code), date)
        if whole and len(whole) > 3 and whole[:3] == code:
            code = whole
    if not code:
        # "the president of Armenia", "refugees in Liberia": the place names the actor's country
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "in", "from"):
                for p in c.children:
                    if p.dep_ == "pobj" and (p.ent_type_ in ("GPE", "NORP") or p.pos_ == "PROPN"):
                        code = _kb(p.text, date) or code_from_words([t.text for t in phrase_tokens(p)])
                        break
            if code:
                break
    is_named = ent is not None or tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP")
    if not (is_named or code or tok.lemma_.lower() in _AGENT_NOUNS or tok.lower_ in _AGENT_NOUNS):
        return None
    if tok.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "QUANTITY", "ORDINAL"):
        return None
    return ActorRef(text=text, start=start, end=end, entity=ent.id if ent is not None else None, code=code)

"""Speakers: from a parse token to the phrase that names them and to a local entity id.

Resolution order: an entity mention on the speaker's head word; a pronoun to the most
salient compatible entity before it; an institution ("Russia's foreign ministry") to its
possessor; a definite role description ("the Kremlin aide") to the nearest person whose
title matches. Plural or indefinite sources ("officials", "a defense analyst") stay
anonymous: their text is kept and no entity is given.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Iterator

from ..model import Entity
from .mentions import Located, MentionIndex
from .quote_lexicon import Lexicon

PERSONAL = {"he", "him", "she", "her", "his", "hers", "himself", "herself"}
GROUP = {"they", "them", "it", "its", "their", "itself"}
RELATIVE = {"who", "which", "that", "whom"}
FIRST_SECOND = {"i", "me", "we", "us", "you", "my", "our", "your"}
DEMONSTRATIVE = {"this", "that", "these", "those", "which", "what", "something", "nothing", "everyone",
                 "everything", "anything", "anyone", "one"}
INDEFINITE_DETS = {"a", "an", "some", "several", "many", "one", "two", "three", "few", "numerous", "other",
                   "another", "various", "most", "any", "multiple", "certain"}
DEFINITE_DETS = {"the", "this", "that"}
TYPE_RANK = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3}
GROUP_TYPES = ("ORG", "GPE", "NORP")
# Where a role word must sit, before a person's name, to count as that person's title.
TITLE_WINDOW = 60
# How many earlier person mentions a role description ("the minister") may reach back over.
TITLE_REACH = 400


@dataclass
class SpeakerSpan:
    head: object          # spaCy Token
    start: int
    end: int
    text: str


def speaker_phrase(head, quote_ranges: list[tuple[int, int]] = ()) -> SpeakerSpan:
    """The noun phrase around a subject token: its left modifiers, its name parts, and a
    following "of <organisation>" that says whom the speaker speaks for."""
    doc = head.doc
    left = head.left_edge.i
    # Never reach into a quotation or across a comma/dash (appositions, inserted clauses).
    for i in range(head.i - 1, left - 1, -1):
        t = doc[i]
        if t.is_punct and t.text not in (".", "'", "’") or t.is_space or "\n" in t.whitespace_ \
                or _inside(t.idx, quote_ranges):
            left = i + 1
            break
    right = head.i
    kids = [c for c in head.rights]
    for c in kids:
        if c.dep_ in ("compound", "flat", "nummod") and c.i == right + 1:
            right = c.i
        elif c.dep_ == "prep" and c.lower_ == "of" and c.i == right + 1:
            sub = list(c.subtree)
            if len(sub) <= 8 and not any(t.is_punct and t.text not in (".", "&", "'", "’") for t in sub):
                right = sub[-1].i
            break
        else:
            break
    # Sentence adverbs and conjunctions the parser hangs on the subject ("Meanwhile Zelensky").
    while left < head.i and (doc[left].is_punct or doc[left].pos_ in ("ADV", "CCONJ", "SCONJ", "INTJ")):
        left += 1
    span = doc[left:right + 1]
    return SpeakerSpan(head, span.start_char, span.end_char, span.text)


def _inside(pos: int, ranges) -> bool:
    if hasattr(ranges, "contains"):
        return ranges.contains(pos)
    return any(a <= pos < b for a, b in ranges)


class EntityIndex(MentionIndex):
    """The article's mention index, with the grammatical role of each mention in the parse and
    the look-ups speaker resolution needs."""

    def __init__(self, entities: list[Entity], sdoc=None):
        super().__init__(entities)
        # Mentions are short: a lookup only needs to look back this far for one that covers a range.
        self.longest = max((x.end - x.start for x in self.items), default=0)
        self.sdoc = sdoc
        self.titles: dict[str, tuple[set[str], str]] = {}
        # Last word of a person's or organisation's name -> its mentions in text order.
        self.by_last: dict[str, list[tuple[int, Entity]]] = {}
        for x in self.items:
            if x.entity.type in ("PERSON", "ORG"):
                last = x.entity.name.split()[-1:]
                if last:
                    self.by_last.setdefault(last[0], []).append((x.start, x.entity))

    # The two look-ups below give the same answers as MentionIndex's without slicing the list
    # from its start: the quote stage calls them once per candidate and must stay linear in
    # the article's length.
    def covering(self, start: int, end: int) -> list[Located]:
        lo = bisect_left(self.starts, start - self.longest)
        hi = bisect_right(self.starts, end)
        return [x for x in self.items[lo:hi] if x.start < end and x.end > start]

    def preceding(self, pos: int, types: tuple[str, ...] | None = None) -> Iterator[Located]:
        for j in range(bisect_right(self.starts, pos) - 1, -1, -1):
            x = self.items[j]
            if x.end <= pos and (types is None or x.entity.type in types):
                yield x

    def named(self, last: str, before: int | None = None) -> Entity | None:
        """The person or organisation whose name ends in `last`: the nearest one named before
        `before`, else the first one in the article."""
        got = self.by_last.get(last)
        if not got:
            return None
        if before is not None:
            i = bisect_left(got, before, key=lambda x: x[0]) - 1
            if i >= 0:
                return got[i][1]
        return got[0][1]

    def is_subject(self, start: int, end: int) -> bool:
        if self.sdoc is None:
            return False
        span = self.sdoc.char_span(start, end, alignment_mode="expand")
        return span is not None and any(t.dep_ in ("nsubj", "nsubjpass") for t in span)


def _best(cands, head=None):
    if not cands:
        return None
    def key(x):
        on_head = head is not None and x.start <= head.idx < x.end
        return (not on_head, TYPE_RANK.get(x.entity.type, 9), -(x.end - x.start))
    return sorted(cands, key=key)[0].entity


def _sentence_start(sdoc, pos: int, back: int) -> int:
    """Start offset of the sentence `back` sentences before the one holding `pos`."""
    tok = sdoc.char_span(pos, pos + 1, alignment_mode="expand")
    if tok is None or len(tok) == 0:
        return 0
    sent = tok[0].sent
    for _ in range(back):
        if sent.start == 0:
            break
        sent = sdoc[sent.start - 1].sent
    return sent.start_char


def _salient(index: EntityIndex, pos: int, types: tuple[str, ...], exclude_from: int | None = None) -> Entity | None:
    """Nearest preceding entity of a type, preferring one that was a subject in this or the
    previous two sentences (the usual antecedent of a pronoun speaker). Mentions from
    `exclude_from` on are passed over (a clause that cannot hold the antecedent)."""
    nearest = None
    window = _sentence_start(index.sdoc, pos, 2) if index.sdoc is not None else None
    for x in index.preceding(exclude_from if exclude_from is not None else pos, types):
        if nearest is None:
            nearest = x.entity
            if window is None:
                break
        if x.start < window:
            break
        if index.is_subject(x.start, x.end):
            return x.entity
    return nearest


def _titled(index: EntityIndex, text: str, pos: int, role_words: list[str]) -> Entity | None:
    """Nearest preceding person whose name was introduced with one of these role words."""
    seen: set[str] = set()
    for n, (_s, _e, ent, _m) in enumerate(index.preceding(pos, ("PERSON",))):
        if n >= TITLE_REACH:
            break
        if ent.id in seen:
            continue
        seen.add(ent.id)
        titles = index.titles.get(ent.id)
        if titles is None:
            # The title sits right before the name ("Kremlin aide Yury Ushakov").
            before = {w for ms in ent.mentions for w in text[max(0, ms.start - TITLE_WINDOW):ms.start].lower().split()[-3:]}
            titles = index.titles[ent.id] = (before, " ".join(ent.roles).lower())
        if any(w in titles[0] or w in titles[1] for w in role_words):
            return ent
    return None


def is_anonymous(head, lex: Lexicon) -> bool:
    """A plural or indefinite common-noun source: "officials", "a defense analyst"."""
    if head.pos_ == "PROPN" or head.pos_ == "PRON":
        return False
    lemma = head.lemma_.lower()
    noun = head.lower_
    if noun in lex.anonymous_heads or lemma in lex.anonymous_heads:
        dets = {c.lower_ for c in head.children if c.dep_ in ("det", "nummod", "amod", "quantmod")}
        has_poss = any(c.dep_ == "poss" for c in head.children)
        plural = head.tag_ in ("NNS", "NNPS")
        definite = bool(dets & DEFINITE_DETS) or has_poss
        return plural or not definite or bool(dets & INDEFINITE_DETS)
    return False


def resolve_speaker(sp: SpeakerSpan, index: EntityIndex, lex: Lexicon, text: str,
                    exclude_from: int | None = None) -> Entity | None:
    head = sp.head
    low = head.lower_
    # 1. A mention on the head word (names, and pronouns/descriptions the entity stage linked).
    on_head = [x for x in index.covering(head.idx, head.idx + len(head.text))]
    if on_head:
        return _best(on_head, head)
    # A name the parser split ("Yury Ushakov" tagged as two entities): any person/org inside a proper-noun head.
    if head.pos_ == "PROPN":
        inside = index.covering(sp.start, sp.end)
        if inside:
            return _best(inside, head)
        # A surname the recogniser missed here but named in full elsewhere ("Vasko" → "Lena Vasko").
        return index.named(head.text, before=sp.start)
    # 2. Pronouns.
    if low in PERSONAL:
        return _salient(index, sp.start, ("PERSON",), exclude_from)
    if low in GROUP:
        return _salient(index, sp.start, GROUP_TYPES)
    if low in FIRST_SECOND or low in DEMONSTRATIVE or head.pos_ == "PRON":
        return None
    lemma = head.lemma_.lower()
    possessors = [c for c in head.children if c.dep_ in ("poss", "compound", "amod", "nmod")]
    # 3. The speaking body of a state or organisation.
    phrase = sp.text.lower()
    if lemma in lex.institution_heads or low in lex.institution_heads or any(
            w in phrase for w in lex.institution_heads if " " in w):
        for c in possessors:
            cands = index.covering(c.idx, c.idx + len(c.text))
            if cands:
                return _best(cands)
        named = [c for c in possessors if c.pos_ == "PROPN" or c.dep_ == "poss"]
        if not named and any(c.lower_ in DEFINITE_DETS for c in head.children):
            return _salient(index, sp.start, GROUP_TYPES)
        return None
    # A group speaking through a named example ("leaders like Finland's President Alexander Stubb say"):
    # the named person is the one on record.
    for prep in head.children:
        if prep.dep_ == "prep" and (prep.lower_ in ("like", "including")
                                    or prep.lower_ == "as" and prep.i > 0 and prep.nbor(-1).lower_ == "such"):
            sub = list(prep.subtree)
            people = [x for x in index.covering(sub[0].idx, sub[-1].idx + len(sub[-1].text)) if x.entity.type == "PERSON"]
            if people:
                return _best(people)
    if is_anonymous(head, lex):
        return None
    # 4. A definite role description: "the minister", "the Kremlin aide".
    if lemma in lex.person_roles or low in lex.person_roles:
        if head.tag_ in ("NNS", "NNPS"):
            return None
        if not any(c.lower_ in DEFINITE_DETS or c.dep_ == "poss" for c in head.children):
            return None
        words = [lemma] + [c.lower_ for c in possessors]
        ent = _titled(index, text, sp.start, words) or _titled(index, text, sp.start, [lemma])
        if ent is not None:
            return ent
        return _salient(index, sp.start, ("PERSON",))
    # 5. Any other phrase with an entity inside it ("Chatham House's Orysia Lutsevich" was caught above).
    inside = [x for x in index.covering(sp.start, sp.end) if x.entity.type in ("PERSON", "ORG")]
    if inside and head.pos_ != "NOUN":
        return _best(inside, head)
    return None

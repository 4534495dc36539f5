"""Quotes and their speakers.

Kinds of reported speech and attribution that come out of one article:

- ``direct``: words inside quotation marks that stand as an utterance (set off from the
  attribution by a comma or colon, or standing alone), and block quotes with an attribution
  line after them ("– Ukrainian President …");
- ``partial``: a quoted fragment woven into reported speech and governed by a cue verb;
- ``indirect``: the content of a speech or attribution cue ("Ushakov clarified that …",
  "called for a moratorium", "according to X");
- ``belief`` / ``intention``: the same with a verb of belief ("believes that …") or of
  intention ("wants to …"), kept apart from speech so that users can filter them;
- ``scare``: quoted words that nobody in the sentence is reported as saying (titles, scare
  quotes); no speaker.

The rules find quotations, block quotes, transcript lines and the attributions the parse
gives a cue verb from the lexicon (its subject the source, its ccomp/xcomp the content). The
trained models of :mod:`quote_model` then judge each quotation (attribution or not) and add
attributions with cues the rules do not know, with the source and content the role model picks.
Speakers are resolved to local entity ids by :mod:`quote_speaker`; a coordinated subject gives
every speaker. Each step is linear in article length.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..model import Document, Quote
from .quote_lexicon import Lexicon, lexicon
from .quote_model import HEAD, cue_candidate, cue_features, load_models, mark_features, role_candidates, role_features
from .quote_marks import MarkSpan, Ranges, find_mark_spans
from .quote_speaker import (
    DEMONSTRATIVE, FIRST_SECOND, PERSONAL, RELATIVE, EntityIndex, SpeakerSpan, resolve_speaker, speaker_phrase,
)

# An attribution line under a block quote: a dash, then a short name or description.
# A single hyphen is left out: it starts list items and link lines far more often.
_ATTRIBUTION_LINE = re.compile(r"^[ \t]*(?:[–—―]|--)[ \t]*(\S[^\n]{0,120}?)[ \t]*$")
# "“…” ― Krystal Correa": a quotation with its source after a dash on the same line.
_TRAILING_SOURCE = re.compile(r"^[ \t]*[―—–][ \t]*([A-Z][^\n.!?]{0,80}?)[ \t.]*$")
# Transcript lines: "WALLACE: Do you really …".
_TRANSCRIPT = re.compile(r"^[ \t\"“]*([A-Z][A-Z.'’\- ]{1,30}[A-Z])\:[ \t]+(\S[^\n]*)$", re.M)
_SUBJECT_DEPS = ("nsubj",)
# Verbs whose infinitival complement is the content ("urged Congress to act").
_XCOMP_CUES = {"urge", "promise", "pledge", "vow", "threaten", "call", "ask", "demand", "warn", "propose"}
_COMPLEMENTIZERS = {"that", "whether", "if"}
# The fewest words an attribution found by the trained model must report.
MIN_MODEL_WORDS = 3


@dataclass
class Attribution:
    cue: object                    # spaCy Token (the verb, or "according")
    cue_text: str
    speaker: SpeakerSpan | None
    content: tuple[int, int] | None
    belief: bool = False
    used: bool = False
    author: bool = False           # "I said": the writer quoting themself; good for a quotation only


@dataclass
class _Found:
    kind: str
    start: int
    end: int
    attribution: Attribution | None = None
    speaker_text: str | None = None
    speaker_span: tuple[int, int] | None = None
    speaker_entity: str | None = None
    cue: str | None = None
    mark: MarkSpan | None = None
    inherit: bool = False          # a direct quote that may take its speaker from the quote before it
    info: dict | None = None       # what the rule pass saw around a quotation (features for the model)
    speakers: list | None = None   # further sources of a coordinated subject ("Putin and Lavrov said")


@dataclass
class RulePass:
    text: str
    sdoc: object
    lex: Lexicon
    index: EntityIndex
    marks: list[MarkSpan]
    mark_ranges: Ranges
    attributions: list[Attribution]
    found: list[_Found]


def rule_pass(doc: Document) -> RulePass:
    """Quotations, block quotes, transcript lines and reported speech found by the rules."""
    text = doc.article.text
    sdoc = doc._spacy
    if sdoc is None:
        from ..config import Config
        from .nlp import load_nlp
        sdoc = doc._spacy = load_nlp(Config().spacy_model)(text)
    lex = lexicon()
    index = EntityIndex(doc.entities, sdoc)
    marks = find_mark_spans(text)
    blocks = _block_quotes(text, sdoc, index) + _transcript(text, index)
    block_ranges = Ranges((b.start, b.end) for b in blocks)
    # A block quote or transcript line owns the marks inside it (and a stray mark at its start).
    marks = [m for m in marks if not block_ranges.overlaps(m.open, m.close)]
    mark_ranges = Ranges((m.open, m.close) for m in marks)
    attributions = _attributions(sdoc, text, lex, mark_ranges)
    found: list[_Found] = list(blocks)
    found += _classify_marks(text, sdoc, marks, attributions, lex, index)
    found += _indirect(text, attributions, marks, lex)
    return RulePass(text, sdoc, lex, index, marks, mark_ranges, attributions, found)


def extract_quotes(doc: Document) -> None:
    """Fill doc.quotes with every direct, partial, indirect and scare quote in the article, and
    with belief and intention attributions."""
    rp = rule_pass(doc)
    text, sdoc, lex, index, found = rp.text, rp.sdoc, rp.lex, rp.index, rp.found
    models = load_models()
    if models:
        found = apply_models(rp, models)
    _inherit_speakers(text, found)

    quotes: list[Quote] = []
    sent_starts = [s.start for s in doc.sentences]
    for f in sorted(found, key=lambda f: (f.start, f.end)):
        speaker_text, sp_range, entity = f.speaker_text, f.speaker_span, f.speaker_entity
        entities = [entity] if entity else []
        if f.attribution is not None and f.attribution.speaker is not None and speaker_text is None:
            sp = f.attribution.speaker
            speaker_text, sp_range = sp.text, (sp.start, sp.end)
            ent = resolve_speaker(sp, index, lex, text, exclude_from=_host_clause_start(f.attribution))
            entity = ent.id if ent else None
            entities = [entity] if entity else []
            extra = _coordinated(sp, index, lex, text, rp.mark_ranges)
            if extra:
                last = extra[-1][0]
                sp_range = (sp.start, max(sp.end, last.end))
                speaker_text = text[sp_range[0]:sp_range[1]]
                entities += [e.id for _s, e in extra if e is not None and e.id not in entities]
        if f.kind == "scare":
            speaker_text, sp_range, entity, entities = None, None, None, []
        quotes.append(Quote(
            id=f"{doc.article.id}:Q{len(quotes) + 1}", article_id=doc.article.id,
            text=text[f.start:f.end], kind=f.kind, start=f.start, end=f.end,
            speaker_text=speaker_text,
            speaker_start=sp_range[0] if sp_range else None, speaker_end=sp_range[1] if sp_range else None,
            cue=f.cue or (f.attribution.cue_text if f.attribution else None),
            sentence=_sentence_text(doc, sent_starts, f.start, f.end),
            speaker_entity=entity, speaker_entities=list(entities),
        ))
    doc.quotes = quotes


def _coordinated(sp: SpeakerSpan, index: EntityIndex, lex: Lexicon, text: str, mark_ranges):
    """The further sources of a coordinated subject: "Putin and Lavrov said" gives Lavrov too."""
    out = []
    stack = [c for c in sp.head.children if c.dep_ == "conj"]
    while stack and len(out) < 6:
        c = stack.pop(0)
        if c.pos_ in ("PROPN", "NOUN", "PRON") and c.idx >= sp.end and "\n" not in text[sp.end:c.idx]:
            other = speaker_phrase(c, mark_ranges)
            out.append((other, resolve_speaker(other, index, lex, text)))
            stack += [g for g in c.children if g.dep_ == "conj"]
    return out


def _host_clause_start(a: Attribution) -> int | None:
    """For a pronoun in a parenthetical cue ("Vasko, she noted, is …") the offset from which
    names cannot be its antecedent: the clause the cue interrupts."""
    cue = a.cue
    if a.speaker is None or cue.dep_ != "parataxis" or a.speaker.head.lower_ not in PERSONAL:
        return None
    return cue.sent.start_char


# ---- the trained models ---------------------------------------------------------------------

def apply_models(rp: RulePass, models: dict) -> list[_Found]:
    """The trained models on top of the rules: quotations that are no attribution (titles,
    scare quotes, phrases nobody said) lose their speaker; cues the rules do not know
    ("called for", "wants to", "criticized") add attributions with the source and content
    the role model picks among the cue's dependents."""
    text, sdoc = rp.text, rp.sdoc
    th = models.get("thresholds", {})
    mark_model, cue_model, role_model = models.get("mark"), models.get("cue"), models.get("role")
    out: list[_Found] = []
    for f in rp.found:
        if mark_model is not None and f.mark is not None and f.info is not None and f.kind in ("direct", "partial"):
            span = sdoc.char_span(f.mark.start, f.mark.end, alignment_mode="expand")
            p = mark_model.proba(mark_features(text, list(span) if span is not None else [], f.kind, f.info))
            if p.get("1", 1.0) < th.get(f"mark_{f.kind}", th.get("mark", 0.5)):
                f.kind, f.attribution, f.inherit = "scare", None, False
                f.speaker_text = f.speaker_span = f.speaker_entity = None
        out.append(f)
    if cue_model is None or role_model is None:
        return out
    lemmas = models.get("cue_lemmas", frozenset())
    probs: dict[int, float] = {}

    def cue_p(tok) -> float:
        if tok.i not in probs:
            probs[tok.i] = cue_model.proba(cue_features(tok, rp.mark_ranges.contains(tok.idx))).get("1", 0.0)
        return probs[tok.i]

    veto = th.get("veto", 0.0)
    if veto > 0:
        out = [f for f in out if f.kind != "indirect" or f.attribution is None
               or f.attribution.cue.lemma_.lower() == "according" or cue_p(f.attribution.cue) >= veto]
    used = {f.attribution.cue.i for f in out if f.attribution is not None and f.kind != "scare"}
    taken = Ranges((f.start, f.end) for f in out if f.kind != "scare")
    added: list[_Found] = []
    for tok in sdoc:
        if tok.i in used or not cue_candidate(tok) or tok.lemma_.lower() not in lemmas:
            continue
        if rp.mark_ranges.contains(tok.idx):
            continue          # speech reported inside a quotation belongs to that quotation
        if cue_p(tok) < th.get("cue", 0.5):
            continue
        a = _model_attribution(tok, rp, role_model)
        if a is None or a.author:
            continue          # the writer's own view ("I believe …") is no attribution to report
        s, e = a.content
        if taken.overlaps(s, e) and _covered(taken, s, e):
            continue
        added.append(_Found(_kind_of(tok, rp.lex), s, e, attribution=a))
    return out + added


def _covered(taken: Ranges, s: int, e: int) -> bool:
    """Whether half of [s, e) already lies in a found quote."""
    covered = 0
    for a, b in taken.within(max(0, s - 5000), e):
        covered += max(0, min(b, e) - max(a, s))
    return covered >= 0.5 * (e - s)


def _kind_of(cue, lex: Lexicon) -> str:
    lemma = cue.lemma_.lower()
    if lemma in lex.cue_verbs or lemma == "according":
        return "indirect"
    if lemma in lex.belief_verbs:
        return "belief"
    if lemma in lex.intention_verbs:
        return "intention"
    return "indirect"


def _model_attribution(tok, rp: RulePass, role_model) -> Attribution | None:
    quoted = rp.mark_ranges.contains(tok.idx)
    parts, source, prep = [], None, None
    for c in role_candidates(tok):
        pr = role_model.proba(role_features(tok, c, quoted))
        role = max(pr, key=pr.get)
        if role == "content":
            if c is HEAD:
                rng = _outside(tok.sent, list(tok.subtree))
            elif c.dep_ == "prep" and len(list(c.subtree)) > 1:
                rng = _char_range(list(c.subtree)[1:])      # "called for <content>"
            else:
                rng = _subtree_range(c)
            if rng is not None:
                parts.append(rng)
            if c is not HEAD and c.dep_ == "prep" and c.i == tok.i + 1:
                prep = c.text         # "called for", "pushed for": the preposition belongs to the cue
        elif role == "source" and c is not HEAD and (source is None or pr["source"] > source[0]):
            source = (pr["source"], c)
    if not parts:
        return None
    content = _fit((min(a for a, _ in parts), max(b for _, b in parts)), tok, rp.text, rp.mark_ranges)
    if content is None or len(re.findall(r"\w+", rp.text[content[0]:content[1]])) < MIN_MODEL_WORDS:
        return None           # "issued a statement", "denied it": no reported content a reader can use
    if content[0] <= tok.idx < content[1]:
        return None           # a content that holds its own cue ("Trump seemed hopeful") reports nothing
    subj = source[1] if source is not None else _subject(tok, rp.text)
    if subj is not None and subj.pos_ == "ADP":
        # "according to X": the source is the preposition's object.
        subj = next((g for g in subj.children if g.dep_ == "pobj"), None)
    if subj is not None and subj.lower_ in DEMONSTRATIVE:
        subj = None
    speaker = speaker_phrase(subj, rp.mark_ranges) if subj is not None else None
    lemma = tok.lemma_.lower()
    cue_text = "according to" if lemma == "according" else _cue_text(tok) + (f" {prep}" if prep else "")
    return Attribution(tok, cue_text, speaker, content,
                       belief=lemma in rp.lex.belief_verbs,
                       author=subj is not None and subj.lower_ in FIRST_SECOND)


# ---- attributions from the parse ------------------------------------------------------------

def _subject(tok, text: str, depth: int = 0):
    """The speaker token of a cue: its subject, the agent of a passive, or the subject it
    shares with the verb it hangs from ("…, saying that", "and added that")."""
    for c in tok.children:
        if c.dep_ in _SUBJECT_DEPS:
            if c.lower_ in RELATIVE and tok.dep_ == "relcl":
                return tok.head
            if "\n" in text[c.idx:tok.idx]:
                break         # a headline glued to the sentence by the parser
            return c
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    # "… and Moscow has just said that …": a subject the parser hung on a coordination elsewhere
    # sits right before the verb and its auxiliaries.
    i = min([c.i for c in tok.lefts if c.dep_ in ("aux", "auxpass", "advmod", "neg")] + [tok.i]) - 1
    if i >= 0 and tok.doc[i].pos_ in ("PROPN", "NOUN", "PRON") and (
            tok.doc[i].dep_ in ("conj", "appos") or "\n" in text[tok.doc[i].head.idx:tok.idx]):
        return tok.doc[i]
    if depth < 3 and tok.dep_ in ("conj", "advcl", "xcomp", "pcomp", "acl") and tok.head is not tok:
        head = tok.head
        # "a statement saying …", "way of saying …": climb to the verb the noun phrase hangs from.
        while head.pos_ not in ("VERB", "AUX") and head.head is not head and depth < 3:
            head = head.head
            depth += 1
        if head.pos_ in ("VERB", "AUX"):
            return _subject(head, text, depth + 1)
    return None


def _char_range(tokens) -> tuple[int, int] | None:
    toks = [t for t in tokens]
    while toks and (toks[0].is_punct or toks[0].is_space):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].is_space) and toks[-1].text not in ("”", '"', "’"):
        toks = toks[:-1]
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _subtree_range(tok, strip_mark: bool = True) -> tuple[int, int] | None:
    toks = list(tok.subtree)
    if strip_mark:
        # "saying only that …": a focus adverb before the complementizer is not reported content.
        while len(toks) > 1 and toks[0].dep_ == "advmod" and toks[1].dep_ == "mark":
            toks = toks[1:]
        while toks and toks[0].dep_ == "mark" and toks[0].lower_ in _COMPLEMENTIZERS:
            toks = toks[1:]
    return _char_range(toks)


def _outside(sent, skip) -> tuple[int, int] | None:
    """The sentence minus an attribution phrase (the phrase at either end; the whole sentence
    when the phrase sits in the middle)."""
    skip_ids = {t.i for t in skip}
    before = [t for t in sent if t.i < min(skip_ids)]
    after = [t for t in sent if t.i > max(skip_ids)]
    content_before = [t for t in before if not t.is_punct]
    content_after = [t for t in after if not t.is_punct]
    if len(content_before) >= 3 and len(content_after) <= 1:
        return _char_range(before)
    if len(content_after) >= 3 and len(content_before) <= 1:
        return _char_range(after)
    if content_before and content_after:
        return _char_range([t for t in sent if t.i not in skip_ids])
    return None


def _fit(content, tok, text: str, mark_ranges: Ranges):
    """Keep reported content inside the cue's paragraph and never cut a quotation in two."""
    if content is None:
        return None
    s, e = content
    ls = text.rfind("\n", 0, tok.idx) + 1
    le = text.find("\n", tok.idx)
    le = len(text) if le < 0 else le
    s, e = max(s, ls), min(e, le)
    # Quotations do not run over a paragraph break, so only those starting in it can matter.
    near = mark_ranges.within(ls, le + 1)
    for a, b in near:
        if a < s < b:
            s = a
        if a < e < b:
            e = b
    for a, b in near:
        # “…”—diplomatic language for …: after a quotation, a dash opens the author's own gloss.
        if s < b < e and text[b:b + 2].lstrip()[:1] in ("—", "–"):
            e = b
            break
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
        e -= 1
    return (s, e) if e - s > 0 else None


def _animate(subj, lex: Lexicon) -> bool:
    """Whether a subject can be a source: a name, a personal pronoun, or a noun for people or
    bodies ("sources", "the minister", "the government"), not "the data" or "his record"."""
    if subj.pos_ in ("PROPN", "PRON") or subj.ent_type_:
        return True
    lemma, low = subj.lemma_.lower(), subj.lower_
    return any(w in (lex.anonymous_heads | lex.person_roles | lex.institution_heads) for w in (lemma, low))


def _attributions(sdoc, text: str, lex: Lexicon, mark_ranges: Ranges) -> list[Attribution]:
    out: list[Attribution] = []
    for tok in sdoc:
        if mark_ranges.contains(tok.idx):
            continue          # speech reported inside a quotation belongs to that quotation
        low = tok.lower_
        if low == "according" and tok.i + 1 < len(sdoc) and sdoc[tok.i + 1].lower_ == "to":
            to = sdoc[tok.i + 1]
            obj = next((c for c in to.children if c.dep_ == "pobj"), None)
            if obj is None:
                continue
            phrase = list(tok.subtree) if to in tok.subtree else [tok] + list(to.subtree)
            content = _fit(_outside(tok.sent, phrase), tok, text, mark_ranges)
            out.append(Attribution(tok, "according to", speaker_phrase(obj, mark_ranges), content))
            continue
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        lemma = tok.lemma_.lower()
        speech = lemma in lex.cue_verbs
        belief = not speech and lemma in lex.belief_verbs
        if not (speech or belief):
            continue
        subj = _subject(tok, text)
        # With two clausal complements the reported one follows the verb; the other is a lead-in.
        ccomps = [c for c in tok.children if c.dep_ == "ccomp"]
        comp = next((c for c in ccomps if c.i > tok.i), ccomps[0] if ccomps else None)
        if comp is None and speech and lemma in _XCOMP_CUES:
            comp = next((c for c in tok.children if c.dep_ == "xcomp"), None)
        content = None
        if comp is not None:
            content = _subtree_range(comp)
            if comp.i < tok.i and content is not None and all(t.i < tok.i for t in comp.subtree):
                # "…, sources said": the complement runs up to the attribution.
                content = _char_range([t for t in comp.subtree if t.i < tok.i])
        elif speech and tok.dep_ == "parataxis":
            head = tok.head
            # "…, sources said." and "The museum, Mr. Bush said, celebrated …" (a medial
            # attribution leaves the whole sentence as the content).
            content = _outside(tok.sent, list(tok.subtree))
        elif tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children):
            # "As X explains, <content>."
            content = _outside(tok.sent, list(tok.subtree))
        if content is not None and content[0] < tok.idx:
            # "…the fence: Reiss says he is ready …": what precedes a colon before the source is
            # the author's lead-in, not the reported content.
            lead_end = subj.idx if subj is not None else tok.idx
            if ":" in text[content[0]:lead_end]:
                content = _char_range([t for t in tok.sent if t.i > tok.i and t.idx < content[1]]) \
                    if content[1] > tok.idx else None
        content = _fit(content, tok, text, mark_ranges)
        if belief and (comp is None or subj is None):
            continue
        speaker = None
        if subj is not None:
            author = subj.lower_ in FIRST_SECOND
            weak = belief or lemma in lex.weak_cues
            if author and belief or subj.lower_ in DEMONSTRATIVE or weak and not _animate(subj, lex):
                continue      # the author's own view, or a thing "showing" something
            speaker = speaker_phrase(subj, mark_ranges)
        cue_text = _cue_text(tok)
        out.append(Attribution(tok, cue_text, speaker, content, belief=belief,
                               author=subj is not None and subj.lower_ in FIRST_SECOND))
    return out


def _cue_text(tok) -> str:
    """The cue verb with its auxiliaries and particle ("has said", "pointed out")."""
    toks = [tok] + [c for c in tok.children if c.dep_ in ("aux", "auxpass", "neg", "prt") and abs(c.i - tok.i) <= 3]
    toks.sort(key=lambda t: t.i)
    return tok.doc[toks[0].i:toks[-1].i + 1].text


# ---- quotation marks ------------------------------------------------------------------------

def _sent_bounds(sdoc, start: int, end: int) -> tuple[int, int]:
    a = sdoc.char_span(start, start + 1, alignment_mode="expand")
    b = sdoc.char_span(max(start, end - 1), end, alignment_mode="expand")
    s = a[0].sent.start_char if a is not None and len(a) else start
    e = b[-1].sent.end_char if b is not None and len(b) else end
    return s, e


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, (len(text) if b < 0 else b)


def _last_char(text: str, lo: int, pos: int) -> int:
    """Offset of the last non-space character in text[lo:pos], or -1: a backward scan that
    stops at the first such character, never a copy of the whole prefix."""
    i = pos - 1
    while i >= lo and text[i].isspace():
        i -= 1
    return i if i >= lo else -1


# Enough text before a quotation to judge how it is set off from the sentence around it.
_LEAD_WINDOW = 200


class _Cues:
    """Attributions with a speaker in text order, searchable by the offset of their cue."""

    def __init__(self, attributions: list[Attribution]):
        self.items = sorted((a for a in attributions if a.speaker is not None), key=lambda a: a.cue.idx)
        self.idx = [a.cue.idx for a in self.items]

    def between(self, lo: int, hi: int) -> list[Attribution]:
        return self.items[bisect_left(self.idx, lo):bisect_left(self.idx, hi)]


def _classify_marks(text: str, sdoc, marks: list[MarkSpan], attributions: list[Attribution],
                    lex: Lexicon, index: EntityIndex) -> list[_Found]:
    out: list[_Found] = []
    cues = _Cues(attributions)
    by_token = {a.cue.i: a for a in attributions}
    for k, m in enumerate(marks):
        span = sdoc.char_span(m.start, m.end, alignment_mode="expand")
        toks = [t for t in span] if span is not None else []
        words = [t for t in toks if not t.is_punct and not t.is_space]
        has_verb = any(t.pos_ in ("VERB", "AUX") for t in toks)
        line_start, line_end = _line_bounds(text, m.open)
        last = _last_char(text, line_start, m.open)
        before = text[max(line_start, last + 1 - _LEAD_WINDOW):last + 1] if last >= 0 else ""
        s_start, s_end = _sent_bounds(sdoc, m.open, m.close)
        closing_punct = text[m.start:m.close].rstrip("”»\"’' ").endswith(tuple(",.!?…"))
        # Judged on the characters, not on the parser's sentences, which often break at quotation marks.
        own_sentence = before == "" or re.search(r"[.!?…][”\"’')]*$", before) is not None
        governing = _governing(m, toks, by_token)
        adjacent = _adjacent(text, m, k, marks, cues, s_start, s_end)
        # Set off from the sentence around it: it opens the sentence, follows a colon or comma
        # ("he said, “…”"), or ends in a comma with the attribution right after ("“…,” he said").
        tail_cue = adjacent is not None and m.close <= adjacent.cue.idx <= m.close + 40 and \
            not re.search(r"[.;:!?]", text[m.close:adjacent.cue.idx])
        set_off = own_sentence or before.endswith((":", ",", ";", "—", "–")) or (closing_punct and tail_cue)
        clause_like = len(words) >= 3 and (has_verb or len(words) >= 8)

        if m.single and not governing:
            kind = "scare"
        elif clause_like and set_off:
            kind = "direct"
        elif governing is not None:
            kind = "partial"
        elif adjacent is not None and clause_like:
            kind = "partial"
        elif clause_like and len(words) >= 6:
            kind = "direct"
        else:
            kind = "scare"
        if kind == "scare" and own_sentence and out and out[-1].kind == "direct" and out[-1].mark is not None \
                and "\n" not in text[out[-1].mark.close:m.open] and m.open - out[-1].mark.close <= 80 and words:
            kind = "direct"       # the short second part of a split quotation: “…,” she said. “The Donald.”
        attr = governing or adjacent if kind != "scare" else None
        trailing = _TRAILING_SOURCE.match(text[m.close:line_end]) if (k + 1 >= len(marks) or
                                                                     marks[k + 1].open > line_end) \
            and line_end - m.close <= _LEAD_WINDOW else None
        if trailing and clause_like:
            kind, attr = "direct", None
        if kind == "direct" and attr is None and not trailing:
            attr = _colon_intro(text, sdoc, m, cues)
        end = m.end
        if kind != "direct":
            # A quoted fragment does not own the sentence's full stop.
            while end > m.start + 1 and text[end - 1] in ".,;:":
                end -= 1
        f = _Found(kind, m.start, end, attribution=attr, mark=m)
        nxt = sdoc.char_span(m.close, min(len(text), m.close + 30), alignment_mode="expand")
        prv = sdoc.char_span(max(0, m.open - 30), m.open, alignment_mode="expand")
        prev_words = [t for t in prv if not t.is_space and t.idx + len(t.text) <= m.open] if prv is not None else []
        next_words = [t for t in nxt if not t.is_space and t.idx >= m.close] if nxt is not None else []
        f.info = {"single": m.single, "unclosed": m.unclosed, "own_sentence": own_sentence, "set_off": set_off,
                  "closing_punct": closing_punct, "trailing": bool(trailing), "start": m.start, "close": m.close,
                  "gov": governing.cue.lemma_.lower() if governing is not None else None,
                  "adj": adjacent.cue.lemma_.lower() if adjacent is not None else None,
                  "attr": attr is not None, "before_char": before[-1:],
                  "prev_word": prev_words[-1].lower_ if prev_words else None,
                  "next_word": next_words[0].lower_ if next_words else None}
        if trailing and kind == "direct":
            a, b = m.close + trailing.start(1), m.close + trailing.end(1)
            f.speaker_text, f.speaker_span, f.cue = text[a:b], (a, b), "―"
            f.speaker_entity = _line_source(index, text, a, b)
        if attr is not None:
            attr.used = attr.used or kind == "direct"
        f.inherit = kind == "direct" and attr is None
        out.append(f)
    return out


def _governing(m: MarkSpan, toks, by_token: dict[int, Attribution]) -> Attribution | None:
    """An attribution whose cue is an ancestor of the quoted words (or whose content holds them)."""
    if not toks:
        return None
    lo, hi = toks[0].i, toks[-1].i
    found: set[int] = set()
    for t in toks:
        for anc in t.ancestors:
            if anc.i in found:
                break         # the rest of this chain was walked from an earlier token
            found.add(anc.i)
    best = None
    for i in sorted(found):
        a = by_token.get(i)
        if a is None or m.open <= a.cue.idx < m.close:
            continue
        d = 0 if lo <= i <= hi else min(abs(i - lo), abs(i - hi))
        if best is None or d < best[0]:
            best = (d, a)
    return best[1] if best else None


def _adjacent(text: str, m: MarkSpan, k: int, marks, cues: _Cues, s_start: int, s_end: int) -> Attribution | None:
    """The attribution beside a quotation, in order of preference: a short clause right after it
    ("“…,” he said"; "“…?” Clinton said." even where the parser starts a new sentence), the clause
    between it and the quotation before it in the same paragraph ("“…,” she said. “…”"), then any
    cue after it and before it in its sentence, with no other quotation in between."""
    prev_close = marks[k - 1].close if k > 0 else -1
    next_open = marks[k + 1].open if k + 1 < len(marks) else 10 ** 12
    line_start = text.rfind("\n", 0, m.open) + 1
    line_end = text.find("\n", m.close)
    line_end = len(text) if line_end < 0 else line_end

    def pick(lo: int, hi: int, nearest_to: int, extra=lambda a: True):
        got = [a for a in cues.between(lo, hi) if extra(a)]
        return min(got, key=lambda a: abs(a.cue.idx - nearest_to)) if got else None

    # "“…,” Brent Bozell III, founder of the Media Research Center, tells …": the speaker's
    # name starts right after the quote even when a long apposition pushes the verb away.
    tight = pick(m.close, min(m.close + 160, next_open, line_end), m.close,
                 lambda a: not re.search(r"[.!?]", text[m.close:a.cue.idx].replace("Jr.", "").replace("Sr.", ""))
                 and (a.cue.idx <= m.close + 40 or m.close <= a.speaker.start <= m.close + 40))
    if tight is not None:
        return tight
    last = _last_char(text, line_start, m.open)
    if last >= 0 and text[last] in ",:":
        # he said, “…” / Trump boasted: “…”
        tight_head = pick(max(m.open - 60, prev_close, line_start), m.open, m.open)
        if tight_head is not None:
            return tight_head
    if k > 0 and prev_close >= line_start and m.open - prev_close <= 120:
        between = pick(prev_close, m.open, m.open)
        if between is not None:
            return between
    tail = pick(m.close, min(max(s_end, m.close), next_open, line_end), m.close)
    if tail is not None:
        return tail
    return pick(max(s_start, prev_close, line_start), m.open, m.open)


def _colon_intro(text: str, sdoc, m: MarkSpan, cues: _Cues) -> Attribution | None:
    """A quotation after a colon: at the end of the paragraph before ("Cruz continued:"), or
    earlier in its own sentence ("… rolling out a new message: “It's about me.”")."""
    line_start, _ = _line_bounds(text, m.open)
    last = _last_char(text, line_start, m.open)
    if last < 0:
        last = _last_char(text, 0, line_start)
    if last < 0 or text[last] != ":":
        return None
    p_end = last + 1
    s_start, _ = _sent_bounds(sdoc, p_end - 1, p_end)
    cands = cues.between(s_start, p_end)
    if cands:
        return cands[-1]
    # No cue verb: the subject of the introducing sentence speaks ("Her answer:" has none).
    span = sdoc.char_span(s_start, p_end, alignment_mode="expand")
    if span is None:
        return None
    root = span.root
    subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.lower_ in FIRST_SECOND or subj.lower_ in DEMONSTRATIVE:
        return None
    return Attribution(root, ":", speaker_phrase(subj), None)


# ---- block quotes ---------------------------------------------------------------------------

def _block_quotes(text: str, sdoc, index: EntityIndex) -> list[_Found]:
    """A paragraph standing alone, followed by a line that starts with a dash and names a source."""
    out: list[_Found] = []
    lines = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line), line))
        pos += len(line) + 1
    nonempty = [x for x in lines if x[2].strip()]
    for (qs, qe, qline), (as_, ae, aline) in zip(nonempty, nonempty[1:]):
        m = _ATTRIBUTION_LINE.match(aline)
        if not m or _ATTRIBUTION_LINE.match(qline):
            continue
        who = m.group(1)
        if len(who.split()) > 12 or who.rstrip().endswith((".", "?", "!")) and len(who.split()) > 4:
            continue
        if len(qline.split()) < 3 or qline.lstrip().startswith(("•", "*", "·")):
            continue
        a, b = qs, qe
        while a < b and text[a] in " \t“\"«":
            a += 1
        while b > a and text[b - 1] in " \t”\"»":
            b -= 1
        sp_start = as_ + m.start(1)
        sp_end = as_ + m.end(1)
        ent = _line_source(index, text, sp_start, sp_end)
        out.append(_Found("direct", a, b, speaker_text=text[sp_start:sp_end], speaker_span=(sp_start, sp_end),
                          speaker_entity=ent, cue="—"))
    return out


def _line_source(index: EntityIndex, text: str, a: int, b: int) -> str | None:
    """The entity an attribution line names: a person or organisation in it; a nationality
    inside a description ("Ukrainian analyst") is not the speaker."""
    ents = sorted(index.covering(a, b), key=lambda x: ({"PERSON": 0, "ORG": 1, "GPE": 2}.get(x.entity.type, 9), x.start))
    return ents[0].entity.id if ents and _names_source(ents[0], text) else None


def _transcript(text: str, index: EntityIndex) -> list[_Found]:
    """Lines of an interview transcript, "PENCE: Well, look, …": the capitalised name speaks."""
    out = []
    for m in _TRANSCRIPT.finditer(text):
        name = m.group(1).strip()
        if len(name.split()) > 3 or len(m.group(2).split()) < 2:
            continue
        a, b = m.start(2), m.end(2)
        while b > a and text[b - 1] in " \t\"”":
            b -= 1
        ent = _line_source(index, text, m.start(1), m.end(1))
        if ent is None:
            # The transcript names the surname; the article names the person in full elsewhere.
            key = name.split()[-1]
            e = index.named(key) or index.named(key.title())
            ent = e.id if e is not None and e.type == "PERSON" else None
        out.append(_Found("direct", a, b, speaker_text=name, speaker_span=(m.start(1), m.end(1)),
                          speaker_entity=ent, cue=":"))
    return out


def _names_source(mention, text: str) -> bool:
    """A nationality inside a description ("Ukrainian analyst") is not the speaker."""
    return mention.entity.type in ("PERSON", "ORG") or text[mention.start:mention.end] == mention.entity.name


# ---- indirect speech ------------------------------------------------------------------------

def _indirect(text: str, attributions: list[Attribution], marks: list[MarkSpan], lex: Lexicon) -> list[_Found]:
    out: list[_Found] = []
    opens = [m.open for m in marks]
    for a in attributions:
        if a.content is None or a.speaker is None or a.author:
            continue
        s, e = a.content
        if e - s < 8:
            continue
        # Quotations do not overlap one another: those touching [s, e) start inside it, or
        # the one just before it runs into it.
        near = marks[max(0, bisect_left(opens, s) - 1):bisect_left(opens, e)]
        quoted = sum(max(0, min(e, m.close) - max(s, m.open)) for m in near)
        chars = list(text[s:e])
        for m in near:
            for i in range(max(s, m.open), min(e, m.close)):
                chars[i - s] = " "
        outside = "".join(chars)
        own_words = [w for w in re.findall(r"\w+", outside) if w.lower() not in _COMPLEMENTIZERS]
        if quoted >= 0.5 * (e - s) and len(own_words) < 3:
            continue          # the complement is a direct quotation; that quote carries this attribution
        if a.used and quoted > 0:
            continue
        if any(m.open == s and re.match(r"\s*[—–;]", text[m.close:m.close + 3]) for m in near):
            continue          # a misparse that glues a quoted word to the author's next clause
        out.append(_Found(_kind_of(a.cue, lex), s, e, attribution=a))
    return out


# ---- speakers carried over ------------------------------------------------------------------

def _inherit_speakers(text: str, found: list[_Found]) -> None:
    """A direct quote with no attribution of its own continues the quote before it when that
    one sits in the same paragraph or was left open at the end of the previous one
    ("“…,” he said. “…”")."""
    direct = sorted((f for f in found if f.kind == "direct" and f.mark is not None), key=lambda f: f.start)
    for prev, cur in zip(direct, direct[1:]):
        if not cur.inherit or prev.attribution is None:
            continue
        between = text[prev.mark.close:cur.mark.open]
        same_para = "\n" not in between
        continued = prev.mark.unclosed and not between.strip()
        # A paragraph that is only a quotation, right after a paragraph whose quotation was
        # attributed, goes on with the same speaker.
        first, newline, rest = between.partition("\n")
        next_para = bool(newline) and len(first) <= 160 and not rest.strip() and _only_quote_paragraph(text, cur.mark)
        if same_para and len(between) <= 200 or continued or next_para:
            cur.attribution = prev.attribution
            cur.inherit = False


def _only_quote_paragraph(text: str, m: MarkSpan) -> bool:
    a = text.rfind("\n", 0, m.open) + 1
    b = text.find("\n", m.close)
    b = len(text) if b < 0 else b
    return not text[a:m.open].strip() and not text[m.close:b].strip()


def _sentence_text(doc: Document, starts: list[int], start: int, end: int) -> str | None:
    if not doc.sentences:
        return None
    i = max(0, bisect_right(starts, start) - 1)
    j = max(i, bisect_right(starts, max(start, end - 1)) - 1)
    return doc.article.text[doc.sentences[i].start:doc.sentences[j].end]

"""Boilerplate removal for scraped article text.

The raw text is split into blocks (lines). Each block is judged by its own features (length,
final punctuation, capitalisation, position, cue patterns from ``data/clean/cues.tsv``) and by
how related it is to the article's main body (TF-IDF cosine to the body centroid and the share
of its words the body uses, see ``relate.py``). Removed blocks and sentences are returned as spans into the raw text with a
reason; metadata found on the way (title, author, date, outlet) is returned as fields.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from ..model import Removed
from . import cues
from .blocks import Block, segment, sentences, words
from .metadata import (byline_name, choose_date, dates_in, is_date_line, leading_name, name_like,
                       outlet_from_heading, outlet_in_bio)
from .relate import relatedness, relatedness_parts

_DATELINE = re.compile(r"^[A-Z][A-Za-z .,'-]{1,40}\((AP|Reuters|AFP|UPI|[A-Z][a-z]+ Wire)\)\s*[—–-]")
_ATTRIBUTION = re.compile(r"^[—–―-]{1,2}\s*\S")
_END_PUNCT = tuple(".!?\"”’)…:")

# A block counts as unrelated to the story below this share of the story blocks' typical relatedness.
UNRELATED_RATIO = 0.25
# Share of a quotation's (IDF-weighted) words that the body uses, below which it is an epigraph.
EPIGRAPH_COVERAGE = 0.5
# Containment of a block's word 3-grams in another block above which it is a repeat.
REPEAT_CONTAINMENT = 0.8


@dataclass
class Cleaned:
    text: str
    removed: list[Removed] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    published: str | None = None
    outlet: str | None = None
    scores: dict[int, float] = field(default_factory=dict)


def _norm(s: str) -> str:
    return " ".join(w.lower() for w in words(s))


def _shingles(text: str, k: int = 3) -> set[tuple[str, ...]]:
    w = [x.lower() for x in words(text)]
    if len(w) < k:
        return {tuple(w)} if w else set()
    return {tuple(w[i:i + k]) for i in range(len(w) - k + 1)}


class _Doc:
    def __init__(self, raw: str):
        self.raw = raw
        self.blocks = segment(raw)
        self.found_dates: list[tuple[str, bool]] = []
        self.title: str | None = None
        self.author: str | None = None
        self.outlet: str | None = None
        self.lower_words = {w for w in words(raw) if w.islower()}

    def person_name(self, text: str) -> bool:
        """Name-shaped, and its words are not used as ordinary lower-case words in the article
        ("Final Thoughts" is a heading, "Eric Hill" a name)."""
        if not name_like(text):
            return False
        toks = [t.lower().strip(".,") for t in text.split()]
        return sum(t in self.lower_words for t in toks) <= len(toks) // 3

    def kept(self) -> list[Block]:
        return [b for b in self.blocks if b.reason is None]

    def mark(self, b: Block, reason: str) -> None:
        if b.reason is None:
            b.reason = reason

    def prev_kept(self, b: Block) -> Block | None:
        for x in reversed(self.blocks[:b.index]):
            if x.reason is None:
                return x
        return None


# Steps that judge a block against the rest of the text (relatedness to the body, cue lexicons);
# the others judge only layout (a repeated title, counters, date and byline lines, widgets,
# repeated paragraphs).
CONTENT_STEPS = ("disclaimers", "captions", "trailing_section", "bios", "epigraphs", "unrelated_tail", "promos")


def clean_text(raw: str, title: str | None = None, author: str | None = None,
               skip: tuple[str, ...] = ()) -> Cleaned:
    """Boilerplate removed from scraped text; ``skip`` names steps not to run (see CONTENT_STEPS)."""
    d = _Doc(raw)
    if not d.blocks:
        return Cleaned(text="")
    _line_cues(d)
    _title(d, title)
    if "disclaimers" not in skip:
        _disclaimers(d)
    if "repeats" not in skip:
        _repeats_and_teasers(d)
    if "captions" not in skip:
        _captions(d)
    if "trailing_section" not in skip:
        _trailing_section(d)
    parts = relatedness_parts(d.blocks, d.kept())
    scores = {i: (c + s) / 2 for i, (c, s) in parts.items()}
    coverage = {i: s for i, (c, s) in parts.items()}
    story = [scores[b.index] for b in d.kept() if b.n_words >= 20] or [scores[b.index] for b in d.kept()] or [0.0]
    low = UNRELATED_RATIO * median(story)
    if "bios" not in skip:
        _bios_and_bylines(d, scores, low)
    if "epigraphs" not in skip:
        _epigraphs(d, coverage)
    if "unrelated_tail" not in skip:
        _unrelated_tail(d, scores, coverage, low)
    if "promos" not in skip:
        _promos(d)
    _never_empty(d)
    text, removed = _assemble(d)
    found = d.found_dates
    published = choose_date(found) if found else None
    return Cleaned(text=text, removed=removed, title=d.title, author=d.author or author, published=published,
                   outlet=d.outlet, scores=scores)


# ---- steps --------------------------------------------------------------------------------

def _line_cues(d: _Doc) -> None:
    n = len(d.blocks)
    for b in d.blocks:
        t = b.text
        if b.n_words > 12:
            continue
        # A date alone on a line is publication metadata at the head or foot of the page; inside
        # the body it is a timeline heading and stays.
        edge = b.index < 8 or b.index >= n - 4
        if cues.line_is("counter", t):
            d.mark(b, "read-time/view counter")
        elif edge and is_date_line(t):
            d.found_dates.extend(dates_in(t))
            d.mark(b, "date line (metadata)")
        elif cues.line_is("bio_label", t):
            d.mark(b, "author bio")
        elif cues.line_is("byline", t) and byline_name(t):
            d.author = d.author or byline_name(t)
            d.mark(b, "byline (metadata)")
        elif cues.line_is("widget", t):
            d.mark(b, "page widget")
        elif "|" in t and byline_name(t) and dates_in(t):
            d.author = d.author or byline_name(t)
            d.found_dates.extend(dates_in(t))
            d.mark(b, "byline (metadata)")


def _same_title(block: str, given: str) -> bool:
    """The block is (a variant of) the source's title: the same words, or one of the two is the other
    with a site name or section around it ("Headline" vs "Headline | Site"). A block that merely
    contains the title's words is not the title: a one-word title such as "Putin" must not take
    the lead paragraph with it."""
    a, g = _norm(block), _norm(given)
    if not a or not g:
        return False
    if a == g:
        return True
    if len(a) >= 12 and a in g:
        return True  # the block is the title without the site name the metadata carries
    return len(g) >= 12 and g in a and len(g) >= 0.6 * len(a)


def _title(d: _Doc, given: str | None) -> None:
    first = next((b for b in d.blocks if b.reason is None), None)
    if first is None or any(b.reason is None for b in d.blocks[:first.index]):
        return
    rest = [b for b in d.blocks[first.index + 1:] if b.reason is None]
    # A title is only taken off when a body follows it: a one-line item is the article itself.
    if not any(b.n_words >= 4 for b in rest):
        return
    if given:
        # A full sentence of some length is a lead, even when the source's title was copied from it
        # (data sets that fill "title" with the first sentence).
        lead_like = first.n_words >= 15 and first.text.rstrip("\"'”’)]» ").endswith((".", "!", "?"))
        if _same_title(first.text, given) and not lead_like:
            d.title = given
            d.mark(first, "title (metadata)")
        return
    bare = first.text.rstrip("\"'”’)]» ")
    if first.index > 3 or first.n_words > 25 or first.n_words < 2 or bare.endswith((".", ",", ";", "…", "!", "?", "。")) \
            or "。" in first.text or _DATELINE.match(first.text):
        return
    nxt = d.blocks[first.index + 1]
    # A headline stands apart by layout: a blank line or metadata lines follow it; or, in text without
    # blank lines, a short line with no sentence break inside is followed by a long paragraph.
    apart = nxt.group != first.group or nxt.reason is not None
    run_in = (nxt.n_words >= 2 * first.n_words + 10 and first.n_words <= 15
              and not re.search(r"[.!?]\s", first.text))
    if apart or run_in:
        d.title = first.text.lstrip("#").strip().strip("*_").strip()  # Markdown heading marks
        d.mark(first, "title (metadata)")


def _disclaimers(d: _Doc) -> None:
    for b in d.kept():
        if not cues.has("disclaimer", b.text):
            continue
        sents = sentences(b)
        hit = [s for s in sents if cues.has("disclaimer", s[2])]
        for s in hit:
            d.found_dates.extend(dates_in(s[2]))
        if len(hit) == len(sents) or (b.n_words <= 40 and len(hit) * 2 >= len(sents)):
            d.mark(b, "disclaimer")
        else:
            b.cuts.extend((s[0], s[1], "disclaimer") for s in hit)


def _repeats_and_teasers(d: _Doc) -> None:
    kept = d.kept()
    sh = {b.index: _shingles(b.text) for b in kept}
    for i, a in enumerate(kept):
        # Only sentence-like paragraphs: list items and table rows legitimately repeat.
        if a.reason is not None or a.n_words < 15 or not a.text.endswith((".", "!", "?", '"', "”", "…")):
            continue
        for b in kept:
            if b is a or b.reason is not None or len(sh[b.index]) < len(sh[a.index]) or \
                    (b.index < a.index and len(sh[b.index]) <= 1.1 * len(sh[a.index])):
                continue
            inter = len(sh[a.index] & sh[b.index]) / len(sh[a.index])
            if inter < REPEAT_CONTAINMENT:
                continue
            if len(sh[b.index]) <= 1.1 * len(sh[a.index]):
                d.mark(b, "repeated paragraph")  # two copies of one paragraph: the later one goes
            else:
                first_story = next((k for k in kept if k.n_words >= 20), None)
                near_top = first_story is not None and a.index <= first_story.index
                d.mark(a, "teaser repeating the lede" if near_top else "repeated paragraph")
                break

    # A standfirst that advertises the article ("read on to find out") or retells its first
    # paragraph in other words, before the story starts.
    kept = d.kept()
    first_story = next((k for k in kept if k.n_words >= 20 and not cues.has("teaser", k.text)), None)
    for b in kept[:4]:
        if first_story is None or b.index >= first_story.index or b.n_words > 60:
            break
        if cues.has("teaser", b.text):
            d.mark(b, "teaser")
        elif b.n_words >= 12 and _containment(b.text, first_story.text) >= 0.5:
            d.mark(b, "teaser repeating the lede")


def _containment(a: str, b: str) -> float:
    sa = _shingles(a, 2)
    return len(sa & _shingles(b, 2)) / len(sa) if sa else 0.0


def _credit_like(d: _Doc, b: Block) -> bool:
    t = b.text
    if b.n_words > 8 or b.n_words == 0 or t.endswith(_END_PUNCT) or _ATTRIBUTION.match(t) \
            or "http" in t or "www." in t or "@" in t:
        return False
    return d.person_name(t.replace("/", " ").replace(" via ", " ")) or cues.has("credit", t)


def _captions(d: _Doc) -> None:
    for b in d.kept():
        if b.n_words <= 60 and cues.has("caption", b.text) and not b.text.startswith(("\"", "“")):
            d.mark(b, "photo caption")
            continue
        if not _credit_like(d, b):
            continue
        prev = d.blocks[b.index - 1] if b.index > 0 else None
        nxt = d.blocks[b.index + 1] if b.index + 1 < len(d.blocks) else None
        if prev is None or prev.reason is not None or prev.group != b.group or prev.n_words > 60:
            continue
        if nxt is not None and nxt.group == b.group:
            continue  # a credit closes its caption group; a heading is followed by its paragraph
        group = [x for x in d.blocks if x.group == b.group]
        strong = cues.has("credit", b.text) and not b.text.istitle() or "/" in b.text
        # A bare name closing the text's last paragraph is a signature or byline, not a credit.
        last_group = b.group == d.blocks[-1].group
        if (len(group) == 2 and (strong or not last_group)) or (strong and group[-1] is b and len(group) <= 3):
            d.mark(prev, "photo caption")
            d.mark(b, "photo credit")


def _trailing_section(d: _Doc) -> None:
    """A heading such as "More from ..." late in the text, followed by blocks of other stories.

    After a strong heading ("More from X", "Related stories") blocks are dropped while they are
    short teasers or less related to the story than its own paragraphs; a long paragraph as related
    as the story means the story goes on (an inline box), and the rest is kept. After a weak heading
    ("More on ...") everything after it goes only when it is, on average, clearly unrelated.
    """
    kept = d.kept()
    if len(kept) < 3:
        return
    total = sum(len(b.text) for b in kept)
    seen = 0
    for b in d.blocks:
        if b.reason is None:
            seen += len(b.text)
        if seen < 0.3 * total or b.n_words > 10 or b.reason not in (None, "page widget"):
            continue
        strong = cues.line_is("section_break", b.text)
        if not strong and not (b.reason is None and cues.line_is("section_break_weak", b.text)):
            continue
        before = [x for x in kept if x.index < b.index]
        after = [x for x in d.blocks if x.index > b.index]
        after_kept = [x for x in after if x.reason is None and x.n_words >= 4]
        if not before:
            continue
        scores = relatedness(d.blocks, before)
        ref = median([scores[x.index] for x in before if x.n_words >= 20] or [scores[x.index] for x in before])
        if strong:
            cut = []
            for x in after:
                if x.reason is None and x.n_words >= 30 and scores[x.index] >= 0.8 * ref:
                    break  # the story goes on
                cut.append(x)
        else:
            if after_kept:
                mean_after = sum(scores[x.index] * len(x.text) for x in after_kept) / sum(len(x.text) for x in after_kept)
                if mean_after > 0.6 * ref:
                    continue  # what follows is still about the story
            cut = after
        if not cut and b.reason is not None:
            continue
        d.outlet = d.outlet or outlet_from_heading(b.text)
        for x in [b] + cut:
            x.reason = "other stories (trailing block)"
        return


def _bios_and_bylines(d: _Doc, scores: dict[int, float], low: float) -> None:
    kept = d.kept()
    if not kept:
        return
    # A bio closes a story: the first kept block is the story's own start, never a bio.
    tail = {b.index for b in kept[-3:]} - {kept[0].index}
    for b in kept:
        prev = d.blocks[b.index - 1] if b.index > 0 else None
        after_label = prev is not None and prev.reason == "author bio" and cues.line_is("bio_label", prev.text)
        if after_label or (b.index in tail and cues.has("bio", b.text) and leading_name(b.text)
                           and scores[b.index] <= 2 * low):
            d.author = d.author or leading_name(b.text)
            d.outlet = d.outlet or outlet_in_bio(b.text)
            d.mark(b, "author bio")
    kept = d.kept()
    if kept and d.person_name(kept[-1].text) and len(kept) > 1:
        d.author = d.author or kept[-1].text.strip()
        d.mark(kept[-1], "byline (metadata)")
    kept = d.kept()
    if len(kept) > 1 and d.person_name(kept[0].text) and kept[1].n_words >= 20:
        d.author = d.author or kept[0].text.strip()
        d.mark(kept[0], "byline (metadata)")


def _epigraphs(d: _Doc, coverage: dict[int, float]) -> None:
    """A short quotation with a dash attribution line, standing at the very start or end of the
    text, whose words the story does not use (a motto), as opposed to a block quote from someone
    in the story."""
    kept = d.kept()
    for i, b in enumerate(kept):
        if not _ATTRIBUTION.match(b.text) or b.n_words > 14 or i == 0 or not _attribution_name(b.text):
            continue
        quote = kept[i - 1]
        if quote.n_words > 80 or not (i == 1 or i == len(kept) - 1):
            continue
        if coverage[quote.index] < EPIGRAPH_COVERAGE:
            d.mark(quote, "epigraph")
            d.mark(b, "epigraph")


def _attribution_name(text: str) -> bool:
    """"— Jane Doe" or "– Jane Doe, economist": a dash, then a name."""
    t = text.lstrip("—–―- ").split(",")[0].strip()
    return name_like(t) or bool(re.fullmatch(r"[A-Z][a-z]+", t))


def _unrelated_tail(d: _Doc, scores: dict[int, float], coverage: dict[int, float], low: float) -> None:
    kept = d.kept()
    if len(kept) < 4:
        return
    # Only a run of several substantial blocks: a story's last short sentence often shares few words
    # with the rest ("The ministry did not respond to a request for comment.").
    run = []
    for b in reversed(kept[len(kept) // 2:]):
        if scores[b.index] < low and coverage[b.index] < EPIGRAPH_COVERAGE:
            run.append(b)
        else:
            break
    if sum(1 for b in run if b.n_words >= 10) >= 2:
        for b in run:
            d.mark(b, "unrelated to the story (trailing block)")


def _promos(d: _Doc) -> None:
    for b in d.kept():
        sents = sentences(b)
        hit = [s for s in sents if cues.starts("promo", s[2])]
        if not hit:
            continue
        if len(hit) == len(sents):
            d.mark(b, "promo for another article")
        else:
            b.cuts.extend((s[0], s[1], "promo for another article") for s in hit)


# Reasons that judge a line by what it is on its own (metadata and page furniture), as opposed to
# judging it against the rest of the text.
_LINE_REASONS = {"read-time/view counter", "date line (metadata)", "page widget"}


def _never_empty(d: _Doc) -> None:
    """Every rule judges a block against the rest of the text; when nothing is left, there was no
    rest to judge against, and the text itself is the story (a one-sentence wire item, a short
    notice). Only page furniture stays out, and only when something else remains."""
    if any(b.reason is None and _kept_words(b) for b in d.blocks):
        return
    keep = [b for b in d.blocks if b.reason not in _LINE_REASONS] or d.blocks
    for b in keep:
        b.reason = None
        b.cuts.clear()


def _kept_words(b: Block) -> bool:
    """Something of the block survives its sentence cuts."""
    cut = sum(e - s for s, e, _ in b.cuts)
    return cut < (b.end - b.start) - 1


# ---- output -------------------------------------------------------------------------------

def _assemble(d: _Doc) -> tuple[str, list[Removed]]:
    spans: list[tuple[int, int, str]] = []
    parts: list[str] = []
    for b in d.blocks:
        if b.reason is not None:
            if spans and spans[-1][2] == b.reason and not d.raw[spans[-1][1]:b.start].strip():
                spans[-1] = (spans[-1][0], b.end, b.reason)
            else:
                spans.append((b.start, b.end, b.reason))
            continue
        text, pos = [], b.start
        for s, e, why in sorted(b.cuts):
            if s < pos:
                continue
            text.append(d.raw[pos:s])
            spans.append((s, e, why))
            pos = e
        text.append(d.raw[pos:b.end])
        piece = " ".join(" ".join(t.split()) for t in text if t.strip())
        if piece:
            parts.append(piece)
    spans.sort()
    removed = [Removed(start=s, end=e, text=d.raw[s:e], reason=r) for s, e, r in spans]
    return "\n\n".join(parts), removed

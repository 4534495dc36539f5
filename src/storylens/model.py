"""Plain dataclasses that every stage reads and writes.

Offsets are the truth: every extracted item carries ``article_id`` and character
``start``/``end`` into ``Article.text`` (the cleaned body) unless stated otherwise.
``Removed`` spans point into ``Article.raw`` (the text before cleaning).

Per-article stages (entities, quotes, events) refer to actors through *local*
entity ids (``"<article_id>:E<n>"``). The cross-article link stage maps them to
global actor ids (stable slugs such as ``"vladimir-putin"``) and rewrites
``Quote.speaker`` and ``Event.source``/``Event.target`` accordingly.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


def to_dict(obj: Any) -> Any:
    """Dataclass → JSON-ready dict, dropping private fields (leading underscore)."""
    if dataclasses.is_dataclass(obj):
        return {
            f.name: to_dict(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if not f.name.startswith("_")
        }
    if isinstance(obj, (list, tuple)):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def from_dict(cls, data: dict):
    """Inverse of :func:`to_dict` for the dataclasses below (nested lists included)."""
    if data is None:
        return None
    kwargs = {}
    hints = {f.name: f for f in dataclasses.fields(cls)}
    for name, value in data.items():
        if name not in hints:
            continue
        sub = _NESTED.get((cls.__name__, name))
        if sub is not None and value is not None:
            if isinstance(value, list):
                value = [from_dict(sub, v) for v in value]
            else:
                value = from_dict(sub, value)
        kwargs[name] = value
    return cls(**kwargs)


@dataclass
class Removed:
    """A span of the raw text that the cleaner removed, and why."""
    start: int
    end: int
    text: str
    reason: str


@dataclass
class RawItem:
    """One article-shaped thing as a reader found it, before cleaning."""
    source_path: str
    kind: str                      # text | html | jsonl | feed | warc
    text: str | None = None        # plain text (for text readers, or extracted from HTML)
    html: str | None = None        # original HTML when there was any
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None   # ISO date (YYYY-MM-DD) when known
    outlet: str | None = None
    record: str | None = None      # position inside a container file (line no., entry no., WARC offset)


@dataclass
class Skip:
    """An input that could not be used, with a one-line reason."""
    source_path: str
    reason: str


@dataclass
class Article:
    id: str
    source_path: str
    text: str                      # cleaned body; all offsets point here
    raw: str = ""                  # text before cleaning; `removed` offsets point here
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None   # ISO date or null
    removed: list[Removed] = field(default_factory=list)
    duplicate_of: str | None = None
    kind: str = "text"
    record: str | None = None
    content_hash: str = ""
    superseded_by: str | None = None  # id of a later version of this article (same URL, edited text)


@dataclass
class Sentence:
    start: int
    end: int
    text: str


@dataclass
class Mention:
    article_id: str
    start: int
    end: int
    text: str
    kind: str = "name"             # name | surname | title | metonym | pronoun | description


@dataclass
class Entity:
    """An actor as seen inside one article (within-document coreference cluster)."""
    id: str                        # "<article_id>:E<n>"
    name: str                      # best name in the article (longest full name)
    type: str                      # PERSON | ORG | GPE | NORP | ...
    mentions: list[Mention] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    country: str | None = None     # ISO-3166 alpha-3
    code: str | None = None        # CAMEO-style actor code, e.g. RUSGOV
    actor_id: str | None = None    # global actor id, filled by the link stage


@dataclass
class Actor:
    """One real actor across the corpus."""
    id: str                        # stable slug
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    country: str | None = None
    code: str | None = None
    mentions: list[Mention] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Quote:
    id: str                        # "<article_id>:Q<n>"
    article_id: str
    text: str
    kind: str                      # direct | partial | indirect | scare
    start: int
    end: int
    speaker: str | None = None     # local entity id before linking, global actor id after
    speaker_text: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    sentence: str | None = None


@dataclass
class Event:
    id: str                        # "<article_id>:V<n>"
    article_id: str
    sentence: str
    start: int                     # sentence span
    end: int
    type: str                      # PLOVER event type
    cameo: str | None = None
    mode: str = "asserted"         # asserted | negated | intended | hypothetical | reported
    source: str | None = None      # local entity id before linking, global actor id after
    target: str | None = None
    source_text: str | None = None
    target_text: str | None = None
    trigger: str | None = None
    location: str | None = None
    date: str | None = None        # ISO date or null
    date_text: str | None = None   # the phrase the date came from
    reported_by: str | None = None # actor id (or text) when the event sits in someone's speech
    confidence: float | None = None


@dataclass
class Problem:
    """Something a stage could not do for one article (or for the corpus), kept with the article."""
    stage: str
    message: str
    level: str = "error"           # error (the stage raised) | warning (partial result) | skipped


@dataclass
class Document:
    """An article with its per-article annotations; the unit the per-article stages pass on."""
    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)  # results of stages added by plugins, by stage name
    _spacy: Any = field(default=None, repr=False, compare=False)  # spaCy Doc; never serialised


@dataclass
class SummarySentence:
    text: str
    article_id: str
    start: int
    end: int


@dataclass
class Story:
    id: str                        # "S<n>", never renumbered
    title: str
    article_ids: list[str] = field(default_factory=list)
    summary: list[SummarySentence] = field(default_factory=list)


@dataclass
class ClaimStance:
    article_id: str
    stance: str                    # agree | disagree | discuss
    start: int
    end: int
    text: str = ""
    outlet: str | None = None


@dataclass
class Claim:
    id: str
    story_id: str
    text: str
    stances: list[ClaimStance] = field(default_factory=list)
    article_id: str | None = None  # where the claim's representative text comes from
    start: int | None = None
    end: int | None = None
    actors: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)


@dataclass
class Contradiction:
    claim_id: str
    story_id: str
    a: ClaimStance
    b: ClaimStance
    score: float = 0.0
    reason: str = ""


@dataclass
class LoadedTerm:
    term: str
    start: int
    end: int
    voice: str                     # outlet | attributed
    attributed_to: str | None = None


@dataclass
class Framing:
    story_id: str
    article_id: str
    actor_id: str
    responsibility: float
    tone: float
    loaded_terms: list[LoadedTerm] = field(default_factory=list)
    evidence: list[SummarySentence] = field(default_factory=list)
    outlet: str | None = None


@dataclass
class CoverageGap:
    story_id: str
    claim_id: str
    text: str
    outlets: list[str]
    reason: str


@dataclass
class Analysis:
    """Everything `analysis.json` holds."""
    articles: list[Article] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    framing: list[Framing] = field(default_factory=list)
    coverage_gaps: list[CoverageGap] = field(default_factory=list)


_NESTED = {
    ("Article", "removed"): Removed,
    ("Entity", "mentions"): Mention,
    ("Actor", "mentions"): Mention,
    ("Document", "article"): Article,
    ("Document", "sentences"): Sentence,
    ("Document", "entities"): Entity,
    ("Document", "quotes"): Quote,
    ("Document", "events"): Event,
    ("Document", "problems"): Problem,
    ("Story", "summary"): SummarySentence,
    ("Claim", "stances"): ClaimStance,
    ("Contradiction", "a"): ClaimStance,
    ("Contradiction", "b"): ClaimStance,
    ("Framing", "loaded_terms"): LoadedTerm,
    ("Framing", "evidence"): SummarySentence,
    ("Analysis", "articles"): Article,
    ("Analysis", "actors"): Actor,
    ("Analysis", "quotes"): Quote,
    ("Analysis", "events"): Event,
    ("Analysis", "stories"): Story,
    ("Analysis", "claims"): Claim,
    ("Analysis", "contradictions"): Contradiction,
    ("Analysis", "framing"): Framing,
    ("Analysis", "coverage_gaps"): CoverageGap,
}

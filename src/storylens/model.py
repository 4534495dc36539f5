"""Plain dataclasses that every stage reads and writes.

Offsets are the truth: every extracted item carries ``article_id`` and character
``start``/``end`` into ``Article.text`` (the cleaned body) unless stated otherwise.
``Removed`` spans point into ``Article.raw`` (the text before cleaning).

Per-article stages (entities, quotes, events) refer to actors through *local*
entity ids (``"<article_id>:E<n>"``) held in the ``*_entity`` fields
(``Quote.speaker_entity``, ``Event.source_entity``/``target_entity``/``reported_by_entity``).
The cross-article link stage resolves them to global actor ids (stable slugs such as
``"vladimir-putin"``) into ``Quote.speaker`` and ``Event.source``/``target``/``reported_by``;
it never rewrites the ``*_entity`` fields, so each field keeps one meaning.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


_PUBLIC: dict[type, tuple[str, ...]] = {}
_SCALARS = (str, int, float, bool, type(None))


def _public_fields(cls: type) -> tuple[str, ...]:
    names = _PUBLIC.get(cls)
    if names is None:
        names = _PUBLIC[cls] = tuple(f.name for f in dataclasses.fields(cls) if not f.name.startswith("_"))
    return names


def to_dict(obj: Any) -> Any:
    """Dataclass → JSON-ready dict, dropping private fields (leading underscore)."""
    # The export walks every stored item on each run, so the common cases are checked first and the
    # field names of each class are looked up once.
    if isinstance(obj, _SCALARS):
        return obj
    cls = type(obj)
    if hasattr(cls, "__dataclass_fields__") and not isinstance(obj, type):
        return {name: to_dict(getattr(obj, name)) for name in _public_fields(cls)}
    if isinstance(obj, (list, tuple)):
        return [x if isinstance(x, _SCALARS) else to_dict(x) for x in obj]
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
    extractor: str | None = None   # main-text extractor that produced `text` from `html` ("trafilatura"), if any


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
    language: str | None = None    # ISO 639-1 code of the cleaned text (None: unknown)
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
    speaker: str | None = None     # global actor id, filled by the link stage
    speaker_text: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    sentence: str | None = None
    speaker_entity: str | None = None  # article-local entity id of the speaker ("<article_id>:E<n>")
    # Every source of a coordinated subject ("Putin and Lavrov said"), the first being `speaker`:
    # local entity ids, and the ids the link stage gives them.
    speaker_entities: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)


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
    source: str | None = None      # global actor id, filled by the link stage
    target: str | None = None      # global actor id, filled by the link stage
    source_text: str | None = None
    target_text: str | None = None
    trigger: str | None = None
    location: str | None = None
    date: str | None = None        # ISO date or null
    date_text: str | None = None   # the phrase the date came from
    reported_by: str | None = None # actor id (filled by the link stage), or the reporter's text when no entity
    confidence: float | None = None
    source_entity: str | None = None   # article-local entity id ("<article_id>:E<n>") of the source
    target_entity: str | None = None
    reported_by_entity: str | None = None
    # CAMEO actor codes (RUSGOV, HUN, IGOUNO ...), set whenever the coder knows them, also for a group
    # with no canonical actor ("Senior Hungarian officials" -> HUNGOV)
    source_code: str | None = None
    target_code: str | None = None
    source_country: str | None = None  # first three letters of the code: ISO-3166 alpha-3, or IGO/NGO
    target_country: str | None = None


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
    # packed sentence parses (storylens.text.parses) by sentence text, for the store's parse cache
    _parses: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)
    # sentence vectors a worker process computed (text -> vector), handed to the main process's encoder
    _vectors: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


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
    topic: str | None = None       # id of the Topic (running crisis) the story belongs to


@dataclass
class Topic:
    """The broader running crisis or subject that several stories belong to."""
    id: str                        # "T<n>", never renumbered
    title: str
    story_ids: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)


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
class Position:
    """An actor's stated position on an issue, as one article gives it (storylens.positions)."""
    id: str                        # "<article_id>:P<n>"
    actor_id: str                  # global actor id
    issue: str                     # short canonical label, shared across articles and wordings
    stance: str                    # supports | opposes | conditional
    article_id: str
    start: int                     # span of the statement in the article text
    end: int
    text: str
    value: str | None = None       # the condition or value ("any format", "Geneva", "only with Trump")
    date: str | None = None        # resolved date of the statement, else the article's date
    voice: str = "reported"        # own (the actor says it) | reported (the outlet or someone else says so)
    reported_by: str | None = None # actor id of whoever attributes it, else the outlet
    object: str | None = None      # what the position is about, as the article words it
    cue: str | None = None         # the word that carries the stance
    outlet: str | None = None


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
    positions: list[Position] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)


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
    ("Analysis", "positions"): Position,
    ("Analysis", "topics"): Topic,
}

"""Response models of the JSON API: what /openapi.json says each /api/... route answers.

The views (publish/views.py) build plain dicts and the routes send them as they are; these models
describe them. `extra="forbid"` makes a test fail when a view grows a field the models do not
declare, so the published description cannot drift from the data.
"""
from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleRef(_M):
    """Where an item comes from: the article, its outlet, title and date."""
    article_id: Optional[str]
    outlet: str
    title: Optional[str]
    published: Optional[str]


class Ref(ArticleRef):
    """A cited span of an article (offsets into its cleaned text)."""
    start: Optional[int]
    end: Optional[int]
    text: Optional[str]


class OutletRef(Ref):
    outlet: str


class Context(_M):
    before: str
    span: Optional[str]
    after: str


class Side(Ref):
    """One side of a disagreement: the sentence, its stance and a little context."""
    stance: str
    context: Context


class Page(_M):
    """Pagination of a list endpoint (`offset`/`limit` query parameters)."""
    key: str
    total: int
    offset: int
    limit: Optional[int]


class EventItem(_M):
    id: str
    article_id: str
    outlet: str
    date: Optional[str]
    date_source: Optional[str]
    date_text: Optional[str]
    type: str
    cameo: Optional[str]
    mode: Optional[str]
    source: Optional[str]
    source_name: Optional[str]
    target: Optional[str]
    target_name: Optional[str]
    trigger: Optional[str]
    location: Optional[str]
    sentence: str
    start: int
    end: int


class ActorEvent(EventItem):
    role: str


class QuoteItem(_M):
    id: str
    article_id: str
    outlet: str
    text: str
    kind: str
    start: int
    end: int
    speaker: Optional[str]
    speaker_name: Optional[str]
    cue: Optional[str]


# ---- index ---------------------------------------------------------------------------
class IndexStory(_M):
    id: str
    title: Optional[str]
    n_articles: int
    outlets: list[str]
    n_contradictions: int
    lead: Optional[str]


class IndexArticle(ArticleRef):
    duplicate_of: Optional[str]
    story_id: Optional[str]


class IndexView(_M):
    counts: dict[str, int]
    stories: list[IndexStory]
    articles: list[IndexArticle]
    unassigned_articles: list[str]
    page: Optional[Page] = None


# ---- charts (layout data for inline SVG) -------------------------------------------------
Chart = Optional[dict[str, Any]]


# ---- timeline -------------------------------------------------------------------------
class SeriesRow(_M):
    """Events on one day for one PLOVER type (dimension "type") or one actor (dimension "actor")."""
    date: str
    dimension: str
    key: str
    name: Optional[str]
    events: int


class Series(_M):
    rows: list[SeriesRow]
    by_type: Chart
    by_actor: Chart


class TimelineView(_M):
    story_id: Optional[str]
    events: list[EventItem]
    chart: Chart
    series: Series
    page: Optional[Page] = None


class StoryTimeline(_M):
    events: list[EventItem]
    n_events: int
    chart: Chart


# ---- heatmap --------------------------------------------------------------------------
class HeatmapActor(_M):
    id: str
    name: Optional[str]


class HeatmapCell(_M):
    outlet: str
    actor_id: str
    responsibility: float
    tone: float
    n: int


class HeatmapView(_M):
    story_id: Optional[str]
    outlets: list[str]
    actors: list[HeatmapActor]
    cells: list[HeatmapCell]
    responsibility_chart: Chart
    tone_chart: Chart
    page: Optional[Page] = None


# ---- gaps, contradictions ------------------------------------------------------------------
class Gap(_M):
    story_id: str
    story_title: Optional[str]
    claim_id: str
    text: str
    outlets: list[str]
    reason: str
    story_outlets: list[str]
    not_reported_by: list[str]
    cited: list[Ref]


class GapsView(_M):
    story_id: Optional[str]
    gaps: list[Gap]
    page: Optional[Page] = None


class ContradictionItem(_M):
    claim_id: str
    claim: Optional[str]
    story_id: str
    story_title: Optional[str]
    score: Optional[float]
    reason: Optional[str]
    a: Side
    b: Side


class ContradictionsView(_M):
    story_id: Optional[str]
    contradictions: list[ContradictionItem]
    page: Optional[Page] = None


# ---- story ---------------------------------------------------------------------------
class StoryHead(_M):
    id: str
    title: Optional[str]
    n_articles: int
    outlets: list[str]


class Disagreement(_M):
    claim_id: str
    claim: Optional[str]
    reason: Optional[str]
    score: Optional[float]
    a: Side
    b: Side


class StoryClaim(_M):
    id: str
    text: str
    agree: list[OutletRef]
    disagree: list[OutletRef]
    discuss: list[OutletRef]
    contested: bool


class StoryActor(_M):
    id: str
    name: Optional[str]
    n_mentions: int


class StoryView(_M):
    story: StoryHead
    briefing: list[Ref]
    briefing_source: str
    disagreements: list[Disagreement]
    claims: list[StoryClaim]
    actors: list[StoryActor]
    heatmap: HeatmapView
    timeline: StoryTimeline
    gaps: list[Gap]
    articles: list[ArticleRef]


# ---- actors ---------------------------------------------------------------------------
class ActorRow(_M):
    id: str
    name: str
    type: str
    country: Optional[str]
    aliases: list[str]
    roles: list[str]
    n_mentions: int
    n_quotes: int
    n_events: int
    outlets: list[str]


class Edge(_M):
    source: str
    target: str
    kind: str
    n: int


class ActorsView(_M):
    actors: list[ActorRow]
    edges: list[Edge]
    network: Chart
    page: Optional[Page] = None


class ActorHead(_M):
    id: str
    name: str
    type: str
    aliases: list[str]
    roles: list[str]
    country: Optional[str]
    code: Optional[str]
    warnings: list[str]
    n_mentions: int
    n_quotes: int
    n_quoted_about: int
    n_events: int


class OutletCount(_M):
    outlet: str
    n: int


class ActorFraming(_M):
    outlet: str
    n_articles: int
    responsibility: float
    tone: float
    loaded_terms: list[str]
    evidence: list[Ref]


class ActorView(_M):
    actor: ActorHead
    mentions_by_outlet: list[OutletCount]
    quotes: list[QuoteItem]
    quoted_about: list[QuoteItem]
    events: list[ActorEvent]
    framing: list[ActorFraming]


# ---- article --------------------------------------------------------------------------
class TreeNode(_M):
    """The article text as nested spans (mentions inside quotes inside event sentences)."""
    type: str
    text: Optional[str] = None
    kind: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None
    ref: Optional[str] = None
    title: Optional[str] = None
    anchor: Optional[str] = None
    children: Optional[list["TreeNode"]] = None


class ArticleHead(_M):
    id: str
    title: Optional[str]
    outlet: str
    author: Optional[str]
    published: Optional[str]
    url: Optional[str]
    source_path: str
    kind: str
    duplicate_of: Optional[str]
    story_id: Optional[str]
    story_title: Optional[str]
    duplicate_title: Optional[str]


class RawSegment(_M):
    text: str
    removed: bool
    reason: Optional[str]


class RemovedSpan(_M):
    start: int
    end: int
    text: str
    reason: str


class ArticleMention(_M):
    actor_id: str
    start: int
    end: int
    text: str
    kind: str


class ArticleView(_M):
    article: ArticleHead
    text: str
    tree: list[TreeNode]
    raw_segments: list[RawSegment]
    removed: list[RemovedSpan]
    mentions: list[ArticleMention]
    quotes: list[QuoteItem]
    events: list[EventItem]


# ---- search ---------------------------------------------------------------------------
class Piece(_M):
    text: str
    hit: bool


class SearchArticle(ArticleRef):
    snippet: list[Piece]


class SearchQuote(ArticleRef):
    id: str
    speaker: Optional[str]
    speaker_name: Optional[str]
    text: Optional[str]
    highlighted: list[Piece]


class SearchView(_M):
    q: str
    articles: list[SearchArticle]
    quotes: list[SearchQuote]
    error: Optional[str] = None
    page: Optional[Page] = None


class PositionItem(_M):
    """One stated position: actor, issue, stance (and its condition or value), with its cited span."""
    id: str
    actor_id: Optional[str]
    actor_name: Optional[str]
    issue: str
    stance: str
    value: Optional[str]
    date: Optional[str]
    voice: str
    reported_by: Optional[str]
    reported_by_name: Optional[str]
    outlet: str
    article_id: str
    start: int
    end: int
    text: str
    anchor: str


class SparkPoint(_M):
    x: float
    y: float
    colour: str
    label: str


class Sparkline(_M):
    width: int
    height: int
    points: list[SparkPoint]
    path: str


class PositionCell(_M):
    actor_id: str
    issue: str
    stance: str
    value: Optional[str]
    n: int
    changes: int
    cell_id: str
    sparkline: Sparkline
    positions: list[PositionItem]


class PositionRow(_M):
    actor_id: str
    actor_name: Optional[str]
    cells: list[Optional[PositionCell]]


class PositionSide(_M):
    position_id: str
    stance: str
    value: Optional[str]
    date: Optional[str]
    article_id: str
    start: int
    end: int
    text: str
    outlet: Optional[str]
    voice: str
    anchor: Optional[str] = None


class PositionShift(_M):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    actor_id: str
    actor_name: Optional[str]
    issue: str
    from_: str = Field(alias="from")
    to: str
    direction: int
    before: PositionSide
    after: PositionSide


class PositionConflict(_M):
    actor_id: str
    actor_name: Optional[str]
    issue: str
    kind: str
    dates_known: bool
    a: PositionSide
    b: PositionSide


class PositionsFilter(_M):
    actor: Optional[str]
    issue: Optional[str]


class PositionsView(_M):
    issues: list[str]
    rows: list[PositionRow]
    count: int
    stances: list[str]
    colours: dict[str, str]
    shifts: list[PositionShift]
    conflicts: list[PositionConflict]
    positions: list[PositionItem]
    filter: PositionsFilter
    page: Optional[Page] = None


class ErrorResponse(_M):
    detail: str

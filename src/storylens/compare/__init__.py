"""Cross-article comparison: stories, claims, stance, contradictions, framing, coverage gaps."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from ..config import Config
from ..model import Actor, Claim, Contradiction, CoverageGap, Document, Framing, Story


@dataclass
class Comparison:
    stories: list[Story] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    framing: list[Framing] = field(default_factory=list)
    coverage_gaps: list[CoverageGap] = field(default_factory=list)
    state: dict = field(default_factory=dict)   # saved in the store's state table, given back next run


def compare(documents: Sequence[Document], actors: Sequence[Actor], state: dict, config: Config | None = None) -> Comparison:
    ids = [d.article.id for d in documents]
    stories = [Story(id="S1", title=documents[0].article.title or "Story", article_ids=ids)] if ids else []
    return Comparison(stories=stories)

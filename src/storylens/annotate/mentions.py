"""Where the local entities of one article are mentioned: character offsets → entities.

The quote and event stages both ask "which entity is mentioned here, or just before here?";
this index answers both from the entity stage's output, in text order.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Iterator, NamedTuple, Sequence

from ..model import Entity, Mention


class Located(NamedTuple):
    """One mention with the entity it belongs to."""
    start: int
    end: int
    entity: Entity
    mention: Mention


class MentionIndex:
    """Entity mentions of one article sorted by (start, end)."""

    def __init__(self, entities: Sequence[Entity] | None):
        entities = list(entities or [])
        self.items: list[Located] = sorted((Located(m.start, m.end, e, m) for e in entities for m in e.mentions),
                                           key=lambda x: (x.start, x.end))
        self.starts = [x.start for x in self.items]
        self.by_id = {e.id: e for e in entities}

    def covering(self, start: int, end: int) -> list[Located]:
        """Mentions that overlap [start, end)."""
        hi = bisect_right(self.starts, end)
        return [x for x in self.items[:hi] if x.start < end and x.end > start]

    def at(self, start: int, end: int) -> Entity | None:
        """The entity whose mention overlaps [start, end) the most (the earlier one on a tie)."""
        best, best_overlap = None, 0
        for x in self.covering(start, end):
            overlap = min(x.end, end) - max(x.start, start)
            if overlap > best_overlap:
                best, best_overlap = x.entity, overlap
        return best

    def preceding(self, pos: int, types: tuple[str, ...] | None = None) -> Iterator[Located]:
        """Mentions (of the given entity types) that end at or before `pos`, nearest first."""
        hi = bisect_right(self.starts, pos)
        for x in reversed(self.items[:hi]):
            if x.end <= pos and (types is None or x.entity.type in types):
                yield x

    def before(self, pos: int, window: int, etype: str) -> Entity | None:
        """The entity of type `etype` with the last mention ending before `pos`, within `window` characters
        of it; None when a mention of another type is nearer than the window allows."""
        for x in self.preceding(pos):
            if pos - x.end > window:
                return None
            if x.entity.type == etype:
                return x.entity
        return None

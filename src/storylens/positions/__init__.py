"""Positions: each actor's stated stance on each open issue, over time, and who reported it.

:func:`extract_positions` is the cross-article stage the pipeline runs after actor linking: it
finds stance statements on the parse (extract.py), labels their issues across articles and
wordings (issues.py) and returns :class:`~storylens.model.Position` items. timeline.py derives
timelines, shifts and outlet conflicts from them.
"""
from __future__ import annotations

from typing import Sequence

from ..model import Actor, Document, Position


def extract_positions(documents: Sequence[Document], actors: Sequence[Actor], config=None,
                      parser=None) -> list[Position]:
    from ..compare.context import Parser
    from .extract import find_positions
    from .issues import label_issues

    parser = parser or Parser(getattr(config, "spacy_model", None), getattr(config, "parse_cache", None))
    found = find_positions(documents, actors, parser)
    labels = label_issues([f.masked for f in found], parser=parser, config=config,
                          names=[f.object for f in found], cores=[f.core for f in found])
    texts = {d.article.id: d.article.text for d in documents}
    counters: dict[str, int] = {}
    out = []
    for f, issue in zip(found, labels):
        n = counters[f.article_id] = counters.get(f.article_id, 0) + 1
        text = texts[f.article_id]
        out.append(Position(id=f"{f.article_id}:P{n}", actor_id=f.actor_id, issue=issue, stance=f.stance,
                            article_id=f.article_id, start=f.start, end=f.end, text=text[f.start:f.end],
                            value=f.value, date=f.date, voice=f.voice, reported_by=f.reported_by,
                            object=f.object, cue=f.cue, outlet=f.outlet))
    return out


__all__ = ["extract_positions"]

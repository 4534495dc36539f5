"""Cross-article comparison: stories, claims, stance, contradictions, framing, coverage gaps.

:func:`compare` is the stage the pipeline calls after actor linking, over every stored
non-duplicate document. ``state`` is what the previous call returned (kept by the store), so
story ids and memberships stay stable as articles arrive.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..config import Config
from ..model import Actor, Claim, Contradiction, CoverageGap, Document, Framing, Sentence, Story
from .context import Parser, actor_groups, build_views

RELEVANT = 0.25          # cosine to the story below which a sentence is page clutter for that story
KEY_ACTORS = 8
ACTOR_TYPES = {"PERSON", "ORG", "GPE", "NORP"}


@dataclass
class Comparison:
    stories: list[Story] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    framing: list[Framing] = field(default_factory=list)
    coverage_gaps: list[CoverageGap] = field(default_factory=list)
    state: dict = field(default_factory=dict)   # saved in the store's state table, given back next run


def key_actors(story: Story, views, types: dict[str, str]) -> list[str]:
    """The story's main actors: most mentioned, named in more than one article when there are several."""
    mentions: Counter = Counter()
    articles: Counter = Counter()
    for aid in story.article_ids:
        seen = set()
        for _, _, a in views[aid].mentions:
            if types.get(a, "PERSON") not in ACTOR_TYPES:
                continue
            mentions[a] += 1
            seen.add(a)
        articles.update(seen)
    need = 2 if len(story.article_ids) > 1 else 1
    ranked = [a for a, n in sorted(mentions.items(), key=lambda kv: (-kv[1], kv[0]))
              if articles[a] >= need and n >= 2]
    return ranked[:KEY_ACTORS]


def relevant_sentences(story: Story, views, centroid: np.ndarray, config) -> dict[str, list[Sentence]]:
    from .embed import embed

    out = {}
    for aid in story.article_ids:
        v = views[aid]
        if not v.sentences:
            out[aid] = []
            continue
        vecs = embed([s.text for s in v.sentences], config=config)
        sims = vecs @ centroid
        out[aid] = [s for s, sim in zip(v.sentences, sims) if sim >= RELEVANT]
    return out


def compare(documents: Sequence[Document], actors: Sequence[Actor], state: dict, config: Config | None = None) -> Comparison:
    from .claims import (apply_stance_model, contradictions, load_stance_fn, paraphrase_claims, willingness_claims,
                         willingness_findings)
    from .framing import frame_story
    from .gaps import coverage_gaps
    from .stories import build_stories, centroid

    config = config or Config()
    documents = [d for d in documents if d.article.text and not d.article.duplicate_of]
    if not documents:
        return Comparison(state=dict(state or {}))
    rep = actor_groups(actors)
    names = {a.id: a.name for a in actors}
    types = {a.id: a.type for a in actors}
    person_ids = {rep.get(a.id, a.id) for a in actors if a.type == "PERSON"}
    views = build_views(documents, rep)
    stories, new_state, reps = build_stories(views, (state or {}).get("stories_state", state or {}), names, config)
    parser = Parser(config.spacy_model)
    pending: list = []
    per_story: list[tuple[list[Claim], list[dict]]] = []
    out = Comparison(stories=stories, state={"stories_state": new_state})
    for story in stories:
        c = centroid([reps[a] for a in story.article_ids])
        relevant = relevant_sentences(story, views, c, config)
        members = [views[a] for a in story.article_ids]
        counter = [0]

        def next_id(sid=story.id):
            counter[0] += 1
            return f"{sid}-C{counter[0]}"

        findings = willingness_findings(members, parser, person_ids, relevant)
        w_claims, w_conf = willingness_claims(story, views, findings, names, next_id)
        used = {(f.view.id, f.sentence.start) for f in findings}
        p_claims, p_conf = paraphrase_claims(story, {a: views[a] for a in story.article_ids}, used, c, next_id,
                                             config, pending)
        story_claims = w_claims + p_claims
        out.claims.extend(story_claims)
        per_story.append((story_claims, w_conf + p_conf))
        framing = frame_story(story, views, key_actors(story, views, types), parser, person_ids, relevant)
        out.framing.extend(framing)
        out.coverage_gaps.extend(coverage_gaps(story, story_claims, framing, [v.outlet for v in members], names))
    # the stance model runs once over the whole corpus: its cost is mostly per call
    if pending:
        apply_stance_model(pending, load_stance_fn(), parser)
    for story_claims, confs in per_story:
        out.contradictions.extend(contradictions(story_claims, confs))
    return out

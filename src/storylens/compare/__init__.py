"""Cross-article comparison: stories, claims, stance, contradictions, framing, coverage gaps.

:func:`compare` is the stage the pipeline calls after actor linking, over every stored
non-duplicate document. ``state`` is what the previous call returned (kept by the store), so
story ids and memberships stay stable as articles arrive.
"""
from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..config import Config
from ..model import (Actor, Claim, Contradiction, CoverageGap, Document, Framing, Sentence, Story,
                     SummarySentence, Topic, from_dict, to_dict)
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
    topics: list[Topic] = field(default_factory=list)
    state: dict = field(default_factory=dict)   # saved in the store's state table, given back next run
    recomputed: list[str] = field(default_factory=list)   # story ids whose claims/framing were redone


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
    from ..embeddings import embed

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


def _pack(vec: np.ndarray) -> str:
    return base64.b64encode(vec.astype(np.float16).tobytes()).decode("ascii")


def _unpack(text: str) -> np.ndarray:
    # exactly the vector the saving run used (grouping.represent keeps it at half precision): no
    # renormalising, which would move it by rounding and could flip a near tie on the next run
    return np.frombuffer(base64.b64decode(text), dtype=np.float16).astype(np.float32)


def _cached(entry) -> dict | None:
    """A story's entry of the saved cache. Entries are kept as JSON text, one per story: as nested dicts
    the claims and contradictions of every story of the store were held twice while the comparison ran
    (once as objects, once as dicts) and again when the next run read the state back."""
    return json.loads(entry) if isinstance(entry, str) else entry


def _fingerprint(story: Story, views, names: dict[str, str]) -> str:
    """Everything a story's claims, stances and framing depend on: its members' texts and the actors they name."""
    h = hashlib.sha1()
    for aid in sorted(story.article_ids):
        v = views[aid]
        h.update(f"{aid}|{v.doc.article.content_hash}|{len(v.text)}|{v.outlet}\n".encode())
        for s_, e_, a in v.mentions:
            h.update(f"{s_},{e_},{a},{names.get(a, '')};".encode())
    return h.hexdigest()


def compare(documents: Sequence[Document], actors: Sequence[Actor], state: dict, config: Config | None = None) -> Comparison:
    """Stories and topics, then claims, stances, contradictions and framing per story.

    A story whose members and their actors are unchanged since the last run keeps its claims,
    contradictions, framing and summary from ``state`` (no parsing, no embedding); only the
    stories that new or changed articles touch are recomputed. Article vectors are kept in
    ``state`` too, so stored articles are not embedded again."""
    from .claims import (apply_stance_model, contradictions, load_stance_fn, paraphrase_claims, willingness_claims,
                         willingness_findings)
    from .framing import frame_story
    from .gaps import coverage_gaps
    from .grouping import describe
    from .stories import build_stories, centroid

    config = config or Config()
    state = dict(state or {})
    documents = [d for d in documents if d.article.text and not d.article.duplicate_of]
    if not documents:
        return Comparison(state=state)
    rep = actor_groups(actors)
    names = {a.id: a.name for a in actors}
    types = {a.id: a.type for a in actors}
    person_ids = {rep.get(a.id, a.id) for a in actors if a.type == "PERSON"}
    views = build_views(documents, rep)

    # vectors saved by a run with another embedding model are not comparable: embed again
    encoder = "|".join(str(x) for x in (config.embed_model, config.embed_tokenizer))
    saved_vecs = (state.get("vectors") or {}) if state.get("vectors_model") == encoder else {}
    known = {}
    for aid, v in views.items():
        entry = saved_vecs.get(aid)
        if entry and entry.get("h") == v.doc.article.content_hash:
            known[aid] = describe(v, _unpack(entry["v"]), types)
    cache = state.get("story_cache") or {}
    fps: dict[str, str] = {}

    def reusable(sid: str, members: list[str]) -> bool:
        c = _cached(cache.get(sid))
        if not c:
            return False
        fp = _fingerprint(Story(id=sid, title="", article_ids=members), views, names)
        fps[sid] = fp
        return c.get("fp") == fp

    stories_state = state.get("stories_state", state if "stories" in state else {})
    old_members = {sid: [a for a in m if a in views] for sid, m in (stories_state.get("stories") or {}).items()}
    summaries = {sid: [from_dict(SummarySentence, x) for x in _cached(cache[sid]).get("summary", [])]
                 for sid, m in old_members.items() if sid in cache}
    stories, topics, new_state, reps = build_stories(views, stories_state, names, config, types=types, reps=known,
                                                     summaries=summaries)
    # a summary is reused only when the story's members did not change
    for story in stories:
        if story.id in summaries and sorted(old_members.get(story.id, [])) != sorted(story.article_ids):
            mviews = [views[a] for a in story.article_ids]
            from .stories import summarize
            story.summary = summarize(mviews, [reps[a] for a in story.article_ids], config=config)
    out = Comparison(stories=stories, topics=topics)
    parser = None
    pending: list = []
    per_story: list[tuple[Story, list[Claim], list[dict]]] = []
    new_cache: dict[str, dict | str] = {}
    for story in stories:
        if reusable(story.id, story.article_ids) and sorted(old_members.get(story.id, [])) == sorted(story.article_ids):
            c = _cached(cache[story.id])
            out.claims.extend(from_dict(Claim, x) for x in c.get("claims", []))
            out.contradictions.extend(from_dict(Contradiction, x) for x in c.get("contradictions", []))
            out.framing.extend(from_dict(Framing, x) for x in c.get("framing", []))
            out.coverage_gaps.extend(from_dict(CoverageGap, x) for x in c.get("gaps", []))
            new_cache[story.id] = cache[story.id]
            continue
        if parser is None:
            parser = Parser(config.spacy_model, getattr(config, "parse_cache", None))
        out.recomputed.append(story.id)
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
        framing = frame_story(story, views, key_actors(story, views, types), parser, person_ids, relevant)
        gaps = coverage_gaps(story, story_claims, framing, [v.outlet for v in members], names)
        per_story.append((story, story_claims, w_conf + p_conf))
        out.claims.extend(story_claims)
        out.framing.extend(framing)
        out.coverage_gaps.extend(gaps)
        new_cache[story.id] = {"fp": fps.get(story.id) or _fingerprint(story, views, names),
                               "framing": to_dict(framing), "gaps": to_dict(gaps),
                               "summary": to_dict(story.summary)}
    # the stance model runs once over every recomputed story: its cost is mostly per call
    if pending:
        apply_stance_model(pending, load_stance_fn(), parser)
    for story, story_claims, confs in per_story:
        found = contradictions(story_claims, confs)
        out.contradictions.extend(found)
        new_cache[story.id]["claims"] = to_dict(story_claims)
        new_cache[story.id]["contradictions"] = to_dict(found)
        new_cache[story.id] = json.dumps(new_cache[story.id], ensure_ascii=False)
    for story in stories:
        entry = new_cache.get(story.id)
        if isinstance(entry, dict):    # kept from a state saved before its entries were JSON text
            entry.setdefault("summary", to_dict(story.summary))
            new_cache[story.id] = json.dumps(entry, ensure_ascii=False)
    vectors = {aid: {"h": views[aid].doc.article.content_hash, "v": _pack(r.vec)} for aid, r in reps.items()
               if aid in views}
    out.state = {"stories_state": new_state, "story_cache": new_cache, "vectors": vectors, "vectors_model": encoder}
    return out

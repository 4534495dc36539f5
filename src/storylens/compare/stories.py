"""Stories: articles about the same developing event, grouped with sentence embeddings + shared actors.

Each article is represented by the mean embedding of its title and lead sentences (the part
of a news article that says what it is about, and the part least polluted by page clutter)
together with the set of actors it mentions most. Two articles are similar by the cosine of
their vectors plus a bonus for shared actors.

Grouping is incremental: stories saved in ``state`` keep their ids and members; a new article
joins the story it is most similar to on average (average linkage) when that similarity clears
``JOIN``, and the articles left over are clustered among themselves (average-linkage
agglomerative clustering, same threshold) into new stories with fresh ids. Ids are ``S<n>``
and never reused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..model import Story, SummarySentence
from .context import DocView, words
from .embed import embed

JOIN = 0.52            # average combined similarity needed to share a story (tuned on ECB+ train topics)
ACTOR_WEIGHT = 0.12    # weight of actor overlap (Jaccard of main actors) in the combined similarity
LEAD_SENTENCES = 5
MAIN_ACTORS = 8


@dataclass
class ArticleRep:
    id: str
    vec: np.ndarray
    actors: frozenset


def lead_units(view: DocView, n: int | None = None) -> list[str]:
    """Title plus the first substantial sentences."""
    n = LEAD_SENTENCES if n is None else n
    units = []
    title = (view.doc.article.title or "").strip()
    if title:
        units.append(title)
    for s in view.sentences:
        if len(units) >= n + (1 if title else 0):
            break
        t = s.text.strip()
        if len(words(t)) < 5 or t == title:
            continue
        units.append(t)
    if not units:
        units.append(view.text[:1000] or view.id)
    return units


def main_actors(view: DocView, k: int | None = None) -> frozenset:
    k = MAIN_ACTORS if k is None else k
    counts: dict[str, int] = {}
    for _, _, a in view.mentions:
        counts[a] = counts.get(a, 0) + 1
    return frozenset(sorted(counts, key=lambda a: (-counts[a], a))[:k])


def represent(views: Sequence[DocView], config=None) -> dict[str, ArticleRep]:
    units = [lead_units(v) for v in views]
    flat = [u for us in units for u in us]
    vecs = embed(flat, config=config) if flat else np.zeros((0, 384), np.float32)
    reps, i = {}, 0
    for v, us in zip(views, units):
        m = vecs[i:i + len(us)].mean(axis=0)
        i += len(us)
        m = m / max(float(np.linalg.norm(m)), 1e-12)
        reps[v.id] = ArticleRep(v.id, m.astype(np.float32), main_actors(v))
    return reps


def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity_matrix(reps: Sequence[ArticleRep], actor_weight: float = ACTOR_WEIGHT) -> np.ndarray:
    if not reps:
        return np.zeros((0, 0), np.float32)
    m = np.vstack([r.vec for r in reps])
    sim = m @ m.T
    if actor_weight:
        n = len(reps)
        jac = np.zeros((n, n), np.float32)
        for i in range(n):
            for j in range(i + 1, n):
                jac[i, j] = jac[j, i] = _jaccard(reps[i].actors, reps[j].actors)
        sim = sim + actor_weight * jac
    return sim


def agglomerate(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage clusters whose mean pairwise similarity stays ≥ threshold."""
    n = sim.shape[0]
    if n == 0:
        return []
    if n == 1:
        return [[0]]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    dist = np.clip(1.0 - sim, 0.0, None).astype(np.float64)
    np.fill_diagonal(dist, 0.0)
    dist = (dist + dist.T) / 2
    z = linkage(squareform(dist, checks=False), method="average")
    labels = fcluster(z, t=1.0 - threshold, criterion="distance")
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(int(lab), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def cluster_articles(reps: Sequence[ArticleRep], state: dict | None = None, threshold: float = JOIN,
                     actor_weight: float = ACTOR_WEIGHT) -> tuple[dict[str, list[str]], dict]:
    """Assign article ids to story ids. Returns ({story id: [article ids]}, new state)."""
    state = dict(state or {})
    old: dict[str, list[str]] = {k: list(v) for k, v in (state.get("stories") or {}).items()}
    next_id = int(state.get("next_id") or 1)
    for sid in old:
        m = re.fullmatch(r"S(\d+)", sid)
        if m:
            next_id = max(next_id, int(m.group(1)) + 1)
    by_id = {r.id: r for r in reps}
    stories: dict[str, list[str]] = {}
    placed: set[str] = set()
    for sid, members in old.items():
        keep = [a for a in members if a in by_id and a not in placed]
        if keep:
            stories[sid] = keep
            placed.update(keep)
    fresh = [r for r in reps if r.id not in placed]

    # New articles first try the existing stories (average similarity to their members).
    leftovers: list[ArticleRep] = []
    for r in fresh:
        best, best_sid = -1.0, None
        for sid, members in stories.items():
            mreps = [by_id[a] for a in members]
            cos = float(np.mean(np.vstack([m.vec for m in mreps]) @ r.vec))
            jac = float(np.mean([_jaccard(r.actors, m.actors) for m in mreps]))
            s = cos + actor_weight * jac
            if s > best:
                best, best_sid = s, sid
        if best_sid is not None and best >= threshold:
            stories[best_sid].append(r.id)
        else:
            leftovers.append(r)

    for group in agglomerate(similarity_matrix(leftovers, actor_weight), threshold):
        sid = f"S{next_id}"
        next_id += 1
        stories[sid] = [leftovers[i].id for i in group]

    new_state = {"stories": {k: list(v) for k, v in stories.items()}, "next_id": next_id}
    return stories, new_state


def centroid(reps: Sequence[ArticleRep]) -> np.ndarray:
    m = np.vstack([r.vec for r in reps]).mean(axis=0)
    return m / max(float(np.linalg.norm(m)), 1e-12)


def story_title(views: Sequence[DocView], reps: Sequence[ArticleRep], actor_names: dict[str, str]) -> str:
    """Title of the member article closest to the others; else its first sentence, shortened."""
    c = centroid(reps)
    order = sorted(range(len(reps)), key=lambda i: (-float(reps[i].vec @ c), reps[i].id))
    for i in order:
        t = (views[i].doc.article.title or "").strip()
        if t:
            return t
    v = views[order[0]]
    first = next((s.text for s in v.sentences if len(words(s.text)) >= 5), v.text[:200])
    toks = first.split()
    short = " ".join(toks[:14]) + (" …" if len(toks) > 14 else "")
    if short:
        return short
    names = [actor_names.get(a, a) for a in sorted(reps[order[0]].actors)][:3]
    return ", ".join(names) or "Story"


_HEADINGISH = re.compile(r"[.!?\u201d\"']\s*$")


def summary_candidates(view: DocView) -> list[tuple[int, object]]:
    out = []
    for idx, s in enumerate(view.sentences):
        t = s.text.strip()
        n = len(words(t))
        if n < 8 or n > 70 or t.endswith("?") or not _HEADINGISH.search(t):
            continue
        out.append((idx, s))
    return out


def summarize(views: Sequence[DocView], reps: Sequence[ArticleRep], k_min: int = 5, k_max: int = 10,
              lam: float = 0.7, config=None) -> list[SummarySentence]:
    """Extractive summary by maximal marginal relevance, preferring outlets not yet quoted."""
    cands = []
    for v in views:
        for idx, s in summary_candidates(v):
            cands.append((v, idx, s))
    if not cands:
        return []
    vecs = embed([s.text for _, _, s in cands], config=config)
    c = centroid(reps)
    rel = vecs @ c
    # Early sentences carry the news; later ones drift into background and page clutter.
    pos = np.array([0.06 if idx < 3 else (0.03 if idx < 8 else 0.0) for _, idx, _ in cands], np.float32)
    score0 = rel + pos
    k = max(k_min, min(k_max, 3 + 2 * len(views)))
    chosen: list[int] = []
    used_outlets: dict[str, int] = {}
    floor = max(0.2, float(np.percentile(rel, 25))) if len(rel) > 8 else -1.0
    while len(chosen) < min(k, len(cands)):
        best, best_i = None, None
        for i in range(len(cands)):
            if i in chosen or rel[i] < floor:
                continue
            red = max((float(vecs[i] @ vecs[j]) for j in chosen), default=0.0)
            if red > 0.85:
                continue
            s = lam * float(score0[i]) - (1 - lam) * red - 0.04 * used_outlets.get(cands[i][0].outlet, 0)
            if best is None or s > best:
                best, best_i = s, i
        if best_i is None:
            break
        chosen.append(best_i)
        o = cands[best_i][0].outlet
        used_outlets[o] = used_outlets.get(o, 0) + 1
    return [SummarySentence(text=cands[i][2].text, article_id=cands[i][0].id,
                            start=cands[i][2].start, end=cands[i][2].end) for i in chosen]


def build_stories(views: dict[str, DocView], state: dict, actor_names: dict[str, str], config=None,
                  with_summary: bool = True) -> tuple[list[Story], dict, dict[str, ArticleRep]]:
    ordered = sorted(views.values(), key=lambda v: (v.doc.article.published or "", v.doc.article.source_path or "", v.id))
    reps = represent(ordered, config)
    assignment, new_state = cluster_articles([reps[v.id] for v in ordered], state)
    stories = []
    for sid, members in assignment.items():
        mviews = [views[a] for a in members]
        mreps = [reps[a] for a in members]
        summary = summarize(mviews, mreps, config=config) if with_summary else []
        stories.append(Story(id=sid, title=story_title(mviews, mreps, actor_names), article_ids=list(members),
                             summary=summary))
    stories.sort(key=lambda s: int(s.id[1:]) if s.id[1:].isdigit() else 0)
    return stories, new_state, reps

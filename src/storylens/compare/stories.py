"""Stories inside topics: one real-world event or development, inside the running crisis it belongs to.

Two articles are in the same *story* when they report the same event or development (same
actors, place, time, action) and in the same *topic* when they belong to the same broader
running crisis. Both decisions come from models trained on ECB+ (see
:mod:`storylens.compare.grouping`). Topics come first, by average linkage over P(same topic);
then, inside each topic, stories by average linkage over P(same story), where the story model
sees every pair relative to that topic (what all the topic's articles share counts little), so a
story never spans two topics and a crisis whose every article names the same people still splits
into its events. Two articles published more than ``Config.story_max_gap_days`` apart are never
one story (the training corpus has no publication dates, so this is a stated rule, not learned).

Grouping is incremental: stories and topics saved in ``state`` keep their ids and members. New
articles are placed by the same average linkage as a first run, with the saved topics (then, inside
a topic, its saved stories) as groups that can grow but never merge with each other: newcomers that
are close to each other gather first and join a saved group together when their mean probability
with it clears the threshold, as they would have in one run; the others form new stories (inside
the topic they joined) or new topics. Ids are ``S<n>`` and ``T<n>`` and never reused.
Articles arrive in batches of ``BATCH`` so the first run over a large corpus never builds an
all-pairs matrix.
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

import numpy as np

from ..model import Story, SummarySentence, Topic
from .context import DocView, words
from ..embeddings import embed
from .grouping import (ArticleRep, RepIndex, TopicView, lead_units, load_model, pair_probabilities,  # noqa: F401
                       represent, story_probabilities, topic_probabilities)

BATCH = 1000


def condensed_distance(sim: np.ndarray, rows: int = 256, upcast: bool = False) -> np.ndarray:
    """The condensed (upper triangle) float64 distance of a similarity matrix, symmetrised:
    ``(d[i, j] + d[j, i]) / 2`` with ``d = max(1 - sim, 0)`` computed in the dtype of ``sim`` (in
    float64 with ``upcast``, as if ``sim`` had been converted first), the same values scipy's
    ``squareform`` takes from the symmetrised square matrix. Built a run of rows at a time: the square
    float64 copies (distance, its transpose, their sum) were several times the condensed vector, and
    on 4,000 issue phrases they set the peak memory of the whole cross-article phase."""
    n = sim.shape[0]
    out = np.empty(n * (n - 1) // 2, dtype=np.float64)
    pos = 0
    for lo in range(0, n - 1, rows):
        hi = min(n - 1, lo + rows)
        # rows lo..hi-1 against the columns to their right, and the same pairs read the other way
        a, b = sim[lo:hi], sim[:, lo:hi].T
        if upcast:
            a, b = a.astype(np.float64), b.astype(np.float64)
        block = np.clip(1.0 - a, 0.0, None).astype(np.float64)
        block_t = np.clip(1.0 - b, 0.0, None).astype(np.float64)
        both = (block + block_t) / 2
        for k, i in enumerate(range(lo, hi)):
            m = n - i - 1
            out[pos:pos + m] = both[k, i + 1:]
            pos += m
    return out


def agglomerate(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage clusters whose mean pairwise similarity stays ≥ threshold."""
    n = sim.shape[0]
    if n == 0:
        return []
    if n == 1:
        return [[0]]
    return average_groups(condensed_distance(sim), threshold)


def average_groups(dist: np.ndarray, threshold: float) -> list[list[int]]:
    """:func:`agglomerate` over a condensed distance (:func:`condensed_distance`) of two items or more."""
    from scipy.cluster.hierarchy import fcluster, linkage

    z = linkage(dist, method="average")
    labels = fcluster(z, t=1.0 - threshold, criterion="distance")
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(int(lab), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def join_groups(inner: np.ndarray, cross: np.ndarray, sizes: Sequence[int],
                threshold: float) -> tuple[list[list[int]], list[list[int]]]:
    """Average linkage of newcomers with fixed groups that may grow but never merge with each other.

    ``inner`` (m x m): similarity among the m newcomers; ``cross`` (m x sum(sizes)): similarity of
    each newcomer to the members of the fixed groups, their columns in order, ``sizes[g]`` each.
    Clusters merge, closest average first, while their mean pairwise similarity stays >= threshold;
    without fixed groups this is :func:`agglomerate`. Returns (for each fixed group, the newcomers
    that joined it; the groups of newcomers that joined none), newcomers in ascending order."""
    m, k = inner.shape[0], len(sizes)
    if m == 0:
        return [[] for _ in sizes], []
    n = k + m
    total = np.zeros((n, n), dtype=np.float64)
    col = 0
    for g, size in enumerate(sizes):
        total[k:, g] = cross[:, col:col + size].sum(axis=1)
        col += size
    total[:k, k:] = total[k:, :k].T
    total[k:, k:] = inner
    size = np.array(list(sizes) + [1] * m, dtype=np.float64)
    fixed = np.arange(n) < k
    alive = np.ones(n, dtype=bool)
    members: list[list[int]] = [[] for _ in range(k)] + [[i] for i in range(m)]

    def mean_row(a: int) -> np.ndarray:
        row = total[a] / (size[a] * size)
        row[~alive] = -np.inf
        row[a] = -np.inf
        if fixed[a]:
            row[fixed] = -np.inf
        return row

    avg = np.vstack([mean_row(a) for a in range(n)])
    while True:
        flat = int(np.argmax(avg))
        a, b = divmod(flat, n)
        if not np.isfinite(avg[a, b]) or avg[a, b] < threshold:
            break
        if fixed[b] or (not fixed[a] and b < a):
            a, b = b, a              # keep the fixed group (or the earlier cluster)
        total[a] += total[b]
        total[:, a] += total[:, b]
        size[a] += size[b]
        members[a] += members[b]
        alive[b] = False
        avg[b] = -np.inf
        avg[:, b] = -np.inf
        avg[a] = mean_row(a)
        avg[:, a] = avg[a]
    joined = [sorted(members[g]) for g in range(k)]
    rest = sorted((sorted(members[c]) for c in range(k, n) if alive[c]), key=lambda g: g[0])
    return joined, rest


ProbFn = Callable[[Sequence[int], Sequence[int]], tuple[np.ndarray, np.ndarray]]
# P(same story) among the members of one topic (positions in the list of articles), optionally only
# for some rows (positions among those members): shape (len(rows), len(members)).
StoryProbFn = Callable[[Sequence[int], Sequence[int] | None], np.ndarray]


def _next(state: dict, key: str, existing, prefix: str) -> int:
    n = int(state.get(key) or 1)
    for x in existing:
        m = re.fullmatch(prefix + r"(\d+)", x)
        if m:
            n = max(n, int(m.group(1)) + 1)
    return n


def assign(reps: Sequence[ArticleRep], state: dict | None = None, model: dict | None = None,
           probs: ProbFn | None = None, batch: int = BATCH, story_probs: StoryProbFn | None = None,
           max_gap_days: float | None = None) -> tuple[dict[str, list[str]], dict[str, str], dict]:
    """Place articles into stories and topics, keeping saved ids.

    Returns ({story id: [article ids]}, {story id: topic id}, new state). ``probs(ia, ib)`` gives
    (P(same topic), P(same story)) between positions of ``reps``; ``story_probs(members, rows)``
    gives P(same story) inside one topic, where the story model sees the pair relative to the
    topic (by default the trained models; a caller's ``probs`` alone serves both)."""
    state = dict(state or {})
    reps = list(reps)
    if probs is None or model is None:
        model = model or load_model()
    index = RepIndex(reps) if probs is None else None
    if probs is None:
        def probs(ia, ib):
            return topic_probabilities(index, ia, ib, model), None
    if story_probs is None:
        if index is None:
            def story_probs(members, rows=None):
                return probs([members[r] for r in rows] if rows is not None else members, members)[1]
        else:
            def story_probs(members, rows=None):
                return story_probabilities(TopicView(index, members), rows, None, model,
                                           max_gap_days=max_gap_days)
    t_topic, t_story = float(model["t_topic"]), float(model["t_story"])
    pos = {r.id: i for i, r in enumerate(reps)}
    stories: dict[str, list[str]] = {}
    placed: set[str] = set()
    for sid, members in (state.get("stories") or {}).items():
        keep = [a for a in members if a in pos and a not in placed]
        if keep:
            stories[sid] = keep
            placed.update(keep)
    topic_of: dict[str, str] = {}
    for tid, sids in (state.get("topics") or {}).items():
        for sid in sids:
            if sid in stories and sid not in topic_of:
                topic_of[sid] = tid
    next_story = _next(state, "next_id", stories, "S")
    next_topic = _next(state, "next_topic", set(topic_of.values()), "T")
    for sid in stories:                      # stories saved before topics existed get one topic each
        if sid not in topic_of:
            topic_of[sid] = f"T{next_topic}"
            next_topic += 1

    def new_story(members: list[str], tid: str) -> None:
        nonlocal next_story
        sid = f"S{next_story}"
        next_story += 1
        stories[sid] = members
        topic_of[sid] = tid

    def place_in_topic(tid: str, cands: list[str], ks: list[int], chunk: list[str], ic: list[int]) -> None:
        """Newcomers ``ks`` (positions in ``chunk``) into the saved topic ``tid`` of stories ``cands``: the
        story model sees the topic with them in it, and the same constrained average linkage as for topics
        places them in its saved stories or in new stories of the topic."""
        members = [pos[a] for s in cands for a in stories[s]]
        n_old = len(members)
        members += [ic[k] for k in ks]
        ps = story_probs(members, list(range(n_old, len(members))))
        inner = ps[:, n_old:]
        joined, groups = join_groups((inner + inner.T) / 2, ps[:, :n_old], [len(stories[s]) for s in cands], t_story)
        for s, rs in zip(cands, joined):
            stories[s].extend(chunk[ks[r]] for r in rs)
        for g in groups:
            new_story([chunk[ks[r]] for r in g], tid)

    fresh = [r.id for r in reps if r.id not in placed]
    for b in range(0, len(fresh), max(1, batch)):
        chunk = fresh[b:b + batch]
        ic = [pos[a] for a in chunk]
        # Topics: the saved topics are fixed groups, the newcomers singletons, and average linkage
        # runs over both as in a first run, except that two saved topics never merge. Newcomers
        # that gather with each other first join a saved topic together, as they would have in one run.
        t_stories: dict[str, list[str]] = {}
        for s in stories:
            t_stories.setdefault(topic_of[s], []).append(s)
        tids = sorted(t_stories, key=_num)
        t_members = {t: [pos[a] for s in t_stories[t] for a in stories[s]] for t in tids}
        old = [i for t in tids for i in t_members[t]]
        pt_new, _ = probs(ic, ic)
        pt_new = (pt_new + pt_new.T) / 2
        if old:
            joined, new_groups = join_groups(pt_new, probs(ic, old)[0], [len(t_members[t]) for t in tids], t_topic)
        else:
            joined, new_groups = [], agglomerate(pt_new, t_topic)
        for t, ks in zip(tids, joined):
            if ks:
                place_in_topic(t, t_stories[t], ks, chunk, ic)
        for g in new_groups:
            tid = f"T{next_topic}"
            next_topic += 1
            ps = story_probs([ic[k] for k in g], None)
            for sg in agglomerate((ps + ps.T) / 2, t_story):
                new_story([chunk[g[i]] for i in sg], tid)
        placed.update(chunk)

    topics: dict[str, list[str]] = {}
    for sid in stories:
        topics.setdefault(topic_of[sid], []).append(sid)
    new_state = {"stories": {k: list(v) for k, v in stories.items()},
                 "topics": {k: list(v) for k, v in topics.items()},
                 "next_id": next_story, "next_topic": next_topic}
    return stories, {s: topic_of[s] for s in stories}, new_state


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
    # each candidate's highest similarity to the sentences chosen so far, updated as each one is chosen
    # (the same dot products as recomputing it over all of them every round, once each)
    closest: list[float | None] = [None] * len(cands)
    while len(chosen) < min(k, len(cands)):
        best, best_i = None, None
        for i in range(len(cands)):
            if i in chosen or rel[i] < floor:
                continue
            red = closest[i] if closest[i] is not None else 0.0
            if red > 0.85:
                continue
            s = lam * float(score0[i]) - (1 - lam) * red - 0.04 * used_outlets.get(cands[i][0].outlet, 0)
            if best is None or s > best:
                best, best_i = s, i
        if best_i is None:
            break
        chosen.append(best_i)
        for i in range(len(cands)):
            if i not in chosen and rel[i] >= floor:
                d = float(vecs[i] @ vecs[best_i])
                closest[i] = d if closest[i] is None or d > closest[i] else closest[i]
        o = cands[best_i][0].outlet
        used_outlets[o] = used_outlets.get(o, 0) + 1
    return [SummarySentence(text=cands[i][2].text, article_id=cands[i][0].id,
                            start=cands[i][2].start, end=cands[i][2].end) for i in chosen]


def _num(x: str) -> int:
    return int(x[1:]) if x[1:].isdigit() else 0


def build_stories(views: dict[str, DocView], state: dict, actor_names: dict[str, str], config=None,
                  with_summary: bool = True, types: dict[str, str] | None = None, reps: dict | None = None,
                  summaries: dict | None = None):
    """Stories (with titles and summaries) and topics. Returns (stories, topics, new state, reps).

    ``reps`` may hold article representations already computed (they are recomputed for the
    others); ``summaries`` maps story id → summary to reuse for stories whose members did not change."""
    ordered = sorted(views.values(), key=lambda v: (v.doc.article.published or "", v.doc.article.source_path or "", v.id))
    reps = dict(reps or {})
    todo = [v for v in ordered if v.id not in reps]
    if todo:
        reps.update(represent(todo, types, config))
    gap = getattr(config, "story_max_gap_days", None) if config is not None else None
    assignment, topic_of, new_state = assign([reps[v.id] for v in ordered], state, max_gap_days=gap)
    stories = []
    for sid, members in assignment.items():
        mviews = [views[a] for a in members]
        mreps = [reps[a] for a in members]
        if summaries is not None and sid in summaries:
            summary = summaries[sid]
        else:
            summary = summarize(mviews, mreps, config=config) if with_summary else []
        stories.append(Story(id=sid, title=story_title(mviews, mreps, actor_names), article_ids=list(members),
                             summary=summary, topic=topic_of[sid]))
    stories.sort(key=lambda s: _num(s.id))
    topics = []
    for tid, sids in sorted(new_state["topics"].items(), key=lambda kv: _num(kv[0])):
        members = [a for s in sids for a in assignment[s]]
        mviews = [views[a] for a in members]
        mreps = [reps[a] for a in members]
        topics.append(Topic(id=tid, title=story_title(mviews, mreps, actor_names),
                            story_ids=sorted(sids, key=_num), article_ids=members))
    return stories, topics, new_state, reps

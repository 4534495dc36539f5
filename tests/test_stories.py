"""Story clustering: grouping, incremental stability of ids, titles and summaries."""
import numpy as np
import pytest

from storylens.compare.stories import ArticleRep, assign
from storylens.model import Article
from storylens.pipeline import analyze_documents, process_articles


def _rep(aid, direction, seed=0):
    rng = np.random.default_rng(seed)
    v = np.zeros(16, np.float32)
    v[direction] = 1.0
    v += 0.1 * rng.standard_normal(16).astype(np.float32)
    return ArticleRep(aid, v / np.linalg.norm(v), frozenset())


# Pair probabilities made from a hidden label per article: "topic/story". Lets the tests check the
# grouping logic (nesting, incremental ids) apart from the trained models.
LABELS = {"a": "x/1", "b": "x/1", "c": "y/1", "d": "x/1", "e": "z/1", "f": "w/1", "g": "x/2", "h": "x/2"}
MODEL = {"t_topic": 0.5, "t_story": 0.5}


def _probs(reps):
    def probs(ia, ib):
        la = [LABELS[reps[i].id] for i in ia]
        lb = [LABELS[reps[j].id] for j in ib]
        pt = np.array([[0.9 if x.split("/")[0] == y.split("/")[0] else 0.05 for y in lb] for x in la], np.float32)
        ps = np.array([[0.9 if x == y else 0.1 for y in lb] for x in la], np.float32)
        return pt.reshape(len(la), len(lb)), ps.reshape(len(la), len(lb))
    return probs


def _assign(reps, state):
    return assign(reps, state, model=MODEL, probs=_probs(reps))


def test_ids_stay_and_are_never_reused():
    first = [_rep("a", 0, 1), _rep("b", 0, 2), _rep("c", 5, 3)]
    stories, topic_of, state = _assign(first, {})
    assert sorted(map(sorted, stories.values())) == [["a", "b"], ["c"]]
    sid_ab = next(k for k, v in stories.items() if "a" in v)
    sid_c = next(k for k, v in stories.items() if "c" in v)
    assert topic_of[sid_ab] != topic_of[sid_c]

    # new articles: one joins the first story, one opens a new one; old ids and members stay
    second = first + [_rep("d", 0, 4), _rep("e", 9, 5)]
    stories2, topic_of2, state2 = _assign(second, state)
    assert stories2[sid_ab][:2] == stories[sid_ab] and "d" in stories2[sid_ab]
    assert stories2[sid_c] == ["c"]
    assert topic_of2[sid_ab] == topic_of[sid_ab] and topic_of2[sid_c] == topic_of[sid_c]
    sid_e = next(k for k, v in stories2.items() if "e" in v)
    assert sid_e not in (sid_ab, sid_c)

    # an article that disappears takes its story with it, but the id is not handed out again
    third = [r for r in second if r.id != "c"] + [_rep("f", 12, 6)]
    stories3, topic_of3, state3 = _assign(third, state2)
    assert sid_c not in stories3
    sid_f = next(k for k, v in stories3.items() if "f" in v)
    assert sid_f not in (sid_ab, sid_c, sid_e)
    assert int(sid_f[1:]) > max(int(sid_ab[1:]), int(sid_c[1:]), int(sid_e[1:]))
    assert topic_of[sid_c] not in set(topic_of3.values())
    assert set(state3["topics"]) == set(topic_of3.values())


def test_a_new_event_of_a_known_topic_is_a_new_story_in_that_topic():
    first = [_rep("a", 0, 1), _rep("b", 0, 2), _rep("c", 5, 3)]
    stories, topic_of, state = _assign(first, {})
    sid_ab = next(k for k, v in stories.items() if "a" in v)
    second = first + [_rep("g", 0, 7), _rep("h", 0, 8)]
    stories2, topic_of2, _ = _assign(second, state)
    sid_gh = next(k for k, v in stories2.items() if "g" in v)
    assert sorted(stories2[sid_gh]) == ["g", "h"] and sid_gh != sid_ab
    assert topic_of2[sid_gh] == topic_of2[sid_ab]


def test_first_run_nests_stories_in_topics_in_batches():
    reps = [_rep(x, i, i) for i, x in enumerate("abcdefgh")]
    for batch in (1000, 3):
        stories, topic_of, _ = assign(reps, {}, model=MODEL, probs=_probs(reps), batch=batch)
        groups = sorted(sorted(v) for v in stories.values())
        assert groups == [["a", "b", "d"], ["c"], ["e"], ["f"], ["g", "h"]]
        by_members = {tuple(sorted(v)): topic_of[k] for k, v in stories.items()}
        assert by_members[("a", "b", "d")] == by_members[("g", "h")]
        assert len(set(topic_of.values())) == 4


def test_shipped_model_matches_the_feature_code():
    from storylens.compare.grouping import FEATURES, STORY_COLUMNS, STORY_FEATURES, load_model

    model = load_model()
    assert list(model["features"]) == FEATURES
    assert list(model["story_features"]) == STORY_COLUMNS
    assert [STORY_FEATURES[i] for i in model["story_columns"]] == STORY_COLUMNS
    assert 0 < model["t_story"] < 1 and 0 < model["t_topic"] < 1
    assert model["topic"].n_features_in_ == len(FEATURES)
    assert model["story"].n_features_in_ == len(STORY_COLUMNS)


FLOOD = [
    ("f1", "River Sava floods Belgrade suburbs", "The River Sava burst its banks on Tuesday and flooded suburbs of Belgrade, forcing 3,000 people from their homes. Mayor Dragan Petrovic ordered schools closed. Rescue teams used boats to reach elderly residents."),
    ("f2", "Thousands evacuated as Sava floods Belgrade", "Floodwater from the Sava covered streets in Belgrade's suburbs, and about 3,000 residents were evacuated. Mayor Dragan Petrovic said schools would stay closed all week. Soldiers filled sandbags along the embankment."),
]
CHESS = [
    ("c1", "Teenager wins national chess title", "A sixteen-year-old from Porto won the national chess championship on Sunday after beating the defending champion in the final round. She had started the tournament as the ninth seed. The prize includes a place at the European championship."),
]
OTHER_FLOOD = [
    ("g1", "Oder floods Wroclaw old town", "The Oder overflowed on Saturday and flooded the old town of Wroclaw, where 1,200 residents left their homes. Mayor Jacek Sutryk asked the army for help. Firefighters pumped water out of cellars near the cathedral."),
    ("g2", "Wroclaw evacuates as Oder rises", "About 1,200 people were evacuated from Wroclaw's old town after the Oder burst its banks on Saturday. Mayor Jacek Sutryk said soldiers would reinforce the dikes. Trams stopped running in the centre."),
]
FLOOD_LATE = [("f3", "Sava flood waters recede in Belgrade", "The Sava began to recede on Thursday, and residents of Belgrade's flooded suburbs started returning home. Mayor Dragan Petrovic said schools would reopen on Monday. Engineers inspected the damaged embankment.")]


def _arts(rows, outlet="Wire"):
    return [Article(id=i, source_path=f"{i}.txt", title=t, text=x, outlet=f"{outlet} {i}") for i, t, x in rows]


@pytest.fixture(scope="module")
def runs(nlp):
    docs1 = list(process_articles(_arts(FLOOD + CHESS), nlp=nlp))
    an1, state1 = analyze_documents(docs1)
    docs2 = docs1 + list(process_articles(_arts(FLOOD_LATE), nlp=nlp))
    an2, state2 = analyze_documents(docs2, state=state1)
    return an1, state1, an2, state2, docs2


def test_real_articles_cluster_and_stay_stable(runs):
    an1, _, an2, _, _ = runs
    groups1 = {s.id: sorted(s.article_ids) for s in an1.stories}
    assert sorted(groups1.values()) == [["c1"], ["f1", "f2"]]
    flood_id = next(k for k, v in groups1.items() if "f1" in v)
    groups2 = {s.id: sorted(s.article_ids) for s in an2.stories}
    assert groups2[flood_id] == ["f1", "f2", "f3"]
    chess_id = next(k for k, v in groups1.items() if "c1" in v)
    assert groups2[chess_id] == ["c1"]


def test_titles_and_summaries_point_into_articles(runs):
    _, _, an2, _, docs = runs
    texts = {d.article.id: d.article.text for d in docs}
    titles = {d.article.id: d.article.title for d in docs}
    for story in an2.stories:
        assert story.title in {titles[a] for a in story.article_ids}
        assert story.summary
        for s in story.summary:
            assert s.article_id in story.article_ids
            assert texts[s.article_id][s.start:s.end] == s.text
    flood = next(s for s in an2.stories if "f1" in s.article_ids)
    # the summary draws on several outlets, not one article
    assert len({s.article_id for s in flood.summary}) >= 2
    assert 5 <= len(flood.summary) <= 10
    assert len({(s.article_id, s.start) for s in flood.summary}) == len(flood.summary)


def test_unchanged_stories_are_not_recomputed(nlp, monkeypatch):
    from storylens.compare import compare, stories as stories_mod
    from storylens.link.actors import link_actors
    from storylens.model import to_dict

    docs1 = list(process_articles(_arts(FLOOD + CHESS), nlp=nlp))
    cmp1 = compare(docs1, link_actors(docs1), {})
    chess = next(s.id for s in cmp1.stories if "c1" in s.article_ids)
    flood = next(s.id for s in cmp1.stories if "f1" in s.article_ids)
    assert sorted(cmp1.recomputed) == sorted([chess, flood])

    embedded: list[str] = []
    real = stories_mod.represent

    def spy(views, *args, **kwargs):
        embedded.extend(v.id for v in views)
        return real(views, *args, **kwargs)

    monkeypatch.setattr(stories_mod, "represent", spy)
    docs2 = docs1 + list(process_articles(_arts(FLOOD_LATE), nlp=nlp))
    cmp2 = compare(docs2, link_actors(docs2), cmp1.state)
    assert embedded == ["f3"], "stored articles are not embedded again"
    assert cmp2.recomputed == [flood]
    assert "f3" in next(s for s in cmp2.stories if s.id == flood).article_ids
    same = lambda cmp: [to_dict(c) for c in cmp.claims if c.story_id == chess]  # noqa: E731
    assert same(cmp2) == same(cmp1)
    assert [to_dict(f) for f in cmp2.framing if f.story_id == chess] == \
        [to_dict(f) for f in cmp1.framing if f.story_id == chess]
    assert {t.id for t in cmp2.topics} >= {s.topic for s in cmp2.stories}


def test_two_floods_are_two_stories_of_one_topic(nlp):
    """Same kind of event, different river, city, mayor and figures: one topic, two stories."""
    docs = list(process_articles(_arts(FLOOD + FLOOD_LATE + OTHER_FLOOD + CHESS), nlp=nlp))
    an, _ = analyze_documents(docs)
    story = {a: s for s in an.stories for a in s.article_ids}
    assert story["f1"].id == story["f2"].id == story["f3"].id
    assert story["g1"].id == story["g2"].id != story["f1"].id
    assert story["g1"].topic == story["f1"].topic != story["c1"].topic
    topics = {t.id: t for t in an.topics}
    assert set(topics[story["f1"].topic].story_ids) == {story["f1"].id, story["g1"].id}


def _trep(aid, terms, lead, vec_dir, published=None):
    v = np.zeros(16, np.float32)
    v[vec_dir] = 1.0
    return ArticleRep(aid, v, frozenset(), terms=terms, lead=lead, top=lead, published=published)


def test_topic_view_discounts_what_the_whole_topic_shares():
    from storylens.compare.grouping import STORY_FEATURES, RepIndex, TopicView

    shared = {"crisis": 0.6, "capital": 0.6}
    reps = [
        _trep("a", {}, {**shared, "drone": 0.5}, 0),
        _trep("b", {}, {**shared, "drone": 0.5}, 0),
        _trep("c", {}, {**shared, "summit": 0.5}, 1),
        _trep("d", {}, {**shared, "summit": 0.5}, 1),
    ]
    view = TopicView(RepIndex(reps), [0, 1, 2, 3])
    f = view.features(np.arange(4), np.arange(4))
    raw = f[..., STORY_FEATURES.index("tfidf_lead")]
    rel = f[..., STORY_FEATURES.index("rel_tfidf_top")]
    excess = f[..., STORY_FEATURES.index("excess_tfidf_top")]
    # the raw lead similarity is high for every pair: the crisis's names are in all four leads
    assert raw[0, 2] > 0.7 and raw[0, 1] > raw[0, 2]
    # relative to the topic, the pair that shares only the crisis's names has little left in common
    assert rel[0, 2] < 0.15 < 0.9 < rel[0, 1]
    assert excess[0, 1] > 0 > excess[0, 2]


def test_articles_published_far_apart_are_not_one_story():
    from storylens.compare.grouping import RepIndex, TopicView, story_probabilities

    class Always:
        def predict_proba(self, x):
            return np.tile([[0.0, 1.0]], (len(x), 1))

    model = {"story": Always(), "t_story": 0.5, "t_topic": 0.5, "min_tfidf": -1.0}
    reps = [_trep("a", {"x": 1.0}, {"x": 1.0}, 0, published=700_000),
            _trep("b", {"x": 1.0}, {"x": 1.0}, 0, published=700_002),
            _trep("c", {"x": 1.0}, {"x": 1.0}, 0, published=700_030),
            _trep("d", {"x": 1.0}, {"x": 1.0}, 0)]
    view = TopicView(RepIndex(reps), [0, 1, 2, 3])
    p = story_probabilities(view, model=model, max_gap_days=7)
    assert p[0, 1] == 1.0 and p[0, 2] == 0.0 and p[1, 2] == 0.0
    assert p[0, 3] == 1.0, "an unknown date never separates"
    assert story_probabilities(view, model=model, max_gap_days=None)[0, 2] == 1.0


def _mmr_reference(views, reps, vecs, k_min=5, k_max=10, lam=0.7):
    """Maximal marginal relevance written out plainly: every round recomputes each candidate's redundancy."""
    from storylens.compare.stories import centroid, summary_candidates

    cands = [(v, idx, s) for v in views for idx, s in summary_candidates(v)]
    rel = vecs @ centroid(reps)
    pos = np.array([0.06 if idx < 3 else (0.03 if idx < 8 else 0.0) for _, idx, _ in cands], np.float32)
    k = max(k_min, min(k_max, 3 + 2 * len(views)))
    chosen, used = [], {}
    floor = max(0.2, float(np.percentile(rel, 25))) if len(rel) > 8 else -1.0
    while len(chosen) < min(k, len(cands)):
        best, best_i = None, None
        for i in range(len(cands)):
            if i in chosen or rel[i] < floor:
                continue
            red = max((float(vecs[i] @ vecs[j]) for j in chosen), default=0.0)
            if red > 0.85:
                continue
            s = lam * float(rel[i] + pos[i]) - (1 - lam) * red - 0.04 * used.get(cands[i][0].outlet, 0)
            if best is None or s > best:
                best, best_i = s, i
        if best_i is None:
            break
        chosen.append(best_i)
        used[cands[best_i][0].outlet] = used.get(cands[best_i][0].outlet, 0) + 1
    return [(cands[i][0].id, cands[i][2].start) for i in chosen]


@pytest.mark.parametrize("seed", range(6))
def test_summary_picks_what_plain_mmr_picks(seed, monkeypatch):
    from types import SimpleNamespace

    import storylens.compare.stories as stories
    from storylens.model import Sentence

    rng = np.random.default_rng(seed)
    views, texts = [], []
    for a in range(int(rng.integers(1, 5))):
        sents, pos = [], 0
        for j in range(int(rng.integers(3, 14))):
            t = " ".join(f"w{a}x{j}y{n}" for n in range(int(rng.integers(6, 20)))) + "."
            sents.append(Sentence(pos, pos + len(t), t))
            texts.append(t)
            pos += len(t) + 1
        views.append(SimpleNamespace(id=f"a{a}", outlet=f"o{a % 2}", sentences=sents))
    # a few near-copies, so that the redundancy cut (0.85) is met too
    base = rng.standard_normal((len(texts), 8)).astype(np.float32)
    for i in range(1, len(texts), 4):
        base[i] = base[i - 1] + 0.05 * rng.standard_normal(8).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    table = dict(zip(texts, base))
    monkeypatch.setattr(stories, "embed", lambda ts, config=None: np.vstack([table[t] for t in ts]))
    reps = [_rep(v.id, 0, seed + i) for i, v in enumerate(views)]
    reps = [ArticleRep(r.id, base[i % len(base)], frozenset()) for i, r in enumerate(reps)]
    got = [(s.article_id, s.start) for s in stories.summarize(views, reps)]
    vecs = np.vstack([table[s.text] for v in views for _, s in stories.summary_candidates(v)])
    assert got == _mmr_reference(views, reps, vecs)
    assert got


def test_story_cache_entries_are_json_text_and_entries_saved_as_dicts_are_still_reused(nlp):
    import json

    from storylens.compare import compare
    from storylens.link.actors import link_actors
    from storylens.model import to_dict

    docs = list(process_articles(_arts(FLOOD + CHESS), nlp=nlp))
    first = compare(docs, link_actors(docs), {})
    assert first.state["story_cache"] and all(isinstance(e, str) for e in first.state["story_cache"].values())
    older = dict(first.state, story_cache={k: json.loads(v) for k, v in first.state["story_cache"].items()})
    again = compare(docs, link_actors(docs), first.state)
    from_older = compare(docs, link_actors(docs), older)
    assert again.recomputed == from_older.recomputed == []
    for part in ("claims", "contradictions", "framing", "coverage_gaps"):
        assert to_dict(getattr(again, part)) == to_dict(getattr(from_older, part)) == to_dict(getattr(first, part))
    assert from_older.state["story_cache"] == first.state["story_cache"]


def test_saved_article_vector_reads_back_exactly():
    """A rerun reads the article vectors back from the saved state; they must be the very vectors the
    first run grouped and titled with, or a near tie can flip a story's title with no new article."""
    import numpy as np

    from storylens.compare import _pack, _unpack

    rng = np.random.default_rng(0)
    for _ in range(20):
        m = rng.normal(size=384)
        m = (m / np.linalg.norm(m)).astype(np.float16).astype(np.float32)   # as grouping.represent keeps it
        assert np.array_equal(_unpack(_pack(m)), m)
        assert np.array_equal(_unpack(_pack(_unpack(_pack(m)))), m)


def _partition(groups):
    return sorted(sorted(g) for g in groups)


def test_join_groups_without_saved_groups_is_average_linkage():
    from storylens.compare.stories import agglomerate, join_groups

    rng = np.random.default_rng(3)
    for n in (2, 7, 25):
        x = rng.random((n, n))
        sim = (x + x.T) / 2
        for t in (0.3, 0.5, 0.7):
            joined, rest = join_groups(sim, np.zeros((n, 0)), [], t)
            assert joined == [] and _partition(rest) == _partition(agglomerate(sim, t))


def test_newcomers_that_gather_join_a_saved_group_together():
    from storylens.compare.stories import join_groups

    # saved group of two; newcomer 0 alone is below the threshold with it (0.45), newcomer 1 is close
    # to it (0.7) and to newcomer 0 (0.9): as in one run, both end in the saved group
    inner = np.array([[1.0, 0.9], [0.9, 1.0]])
    cross = np.array([[0.45, 0.45], [0.7, 0.7]])
    joined, rest = join_groups(inner, cross, [2], 0.5)
    assert joined == [[0, 1]] and rest == []
    # the newcomers alone, without newcomer 1's pull, stay apart from it
    joined, rest = join_groups(inner[:1, :1], cross[:1], [2], 0.5)
    assert joined == [[]] and rest == [[0]]


def test_saved_groups_never_merge_through_a_newcomer():
    from storylens.compare.stories import join_groups

    inner = np.array([[1.0]])
    cross = np.array([[0.9, 0.9, 0.9]])          # as close to group A (1 member) as to group B (2)
    joined, rest = join_groups(inner, cross, [1, 2], 0.5)
    assert sorted(map(len, joined)) == [0, 1] and rest == []


def test_incremental_run_keeps_a_pair_of_newcomers_together():
    # "x/1" saved with a, b; d and the hidden "x/1" newcomer i arrive together: both join the saved story
    LABELS["i"] = "x/1"
    try:
        first = [_rep("a", 0, 1), _rep("b", 0, 2), _rep("c", 5, 3)]
        stories, _, state = _assign(first, {})
        sid_ab = next(k for k, v in stories.items() if "a" in v)
        stories2, _, _ = _assign(first + [_rep("d", 0, 4), _rep("i", 0, 9)], state)
        assert sorted(stories2[sid_ab]) == ["a", "b", "d", "i"]
    finally:
        del LABELS["i"]

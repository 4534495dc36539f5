"""Story clustering: grouping, incremental stability of ids, titles and summaries."""
import numpy as np
import pytest

from storylens.compare.stories import ArticleRep, cluster_articles
from storylens.model import Article
from storylens.pipeline import analyze_documents, process_articles


def _rep(aid, direction, actors=(), noise=0.0, seed=0):
    rng = np.random.default_rng(seed)
    v = np.zeros(16, np.float32)
    v[direction] = 1.0
    v += noise * rng.standard_normal(16).astype(np.float32)
    return ArticleRep(aid, v / np.linalg.norm(v), frozenset(actors))


def test_ids_stay_and_are_never_reused():
    first = [_rep("a", 0, seed=1, noise=0.1), _rep("b", 0, seed=2, noise=0.1), _rep("c", 5, seed=3, noise=0.1)]
    stories, state = cluster_articles(first, {})
    assert sorted(map(sorted, stories.values())) == [["a", "b"], ["c"]]
    sid_ab = next(k for k, v in stories.items() if "a" in v)
    sid_c = next(k for k, v in stories.items() if "c" in v)

    # new articles: one joins the first story, one opens a new one; old ids and members stay
    second = first + [_rep("d", 0, seed=4, noise=0.1), _rep("e", 9, seed=5, noise=0.1)]
    stories2, state2 = cluster_articles(second, state)
    assert stories2[sid_ab][:2] == stories[sid_ab] and "d" in stories2[sid_ab]
    assert stories2[sid_c] == ["c"]
    sid_e = next(k for k, v in stories2.items() if "e" in v)
    assert sid_e not in (sid_ab, sid_c)

    # an article that disappears takes its story with it, but the id is not handed out again
    third = [r for r in second if r.id != "c"] + [_rep("f", 12, seed=6, noise=0.1)]
    stories3, _ = cluster_articles(third, state2)
    assert sid_c not in stories3
    sid_f = next(k for k, v in stories3.items() if "f" in v)
    assert sid_f not in (sid_ab, sid_c, sid_e)
    assert int(sid_f[1:]) > max(int(sid_ab[1:]), int(sid_c[1:]), int(sid_e[1:]))


def test_shared_actors_pull_borderline_articles_together():
    a = ArticleRep("a", np.array([1.0, 0.0], np.float32), frozenset({"x", "y"}))
    v = np.array([0.45, np.sqrt(1 - 0.45 ** 2)], np.float32)
    with_actors = ArticleRep("b", v, frozenset({"x", "y"}))
    without = ArticleRep("b", v, frozenset({"z"}))
    s1, _ = cluster_articles([a, with_actors], {}, threshold=0.5, actor_weight=0.12)
    s2, _ = cluster_articles([a, without], {}, threshold=0.5, actor_weight=0.12)
    assert len(s1) == 1 and len(s2) == 2


FLOOD = [
    ("f1", "River Sava floods Belgrade suburbs", "The River Sava burst its banks on Tuesday and flooded suburbs of Belgrade, forcing 3,000 people from their homes. Mayor Dragan Petrovic ordered schools closed. Rescue teams used boats to reach elderly residents."),
    ("f2", "Thousands evacuated as Sava floods Belgrade", "Floodwater from the Sava covered streets in Belgrade's suburbs, and about 3,000 residents were evacuated. Mayor Dragan Petrovic said schools would stay closed all week. Soldiers filled sandbags along the embankment."),
]
CHESS = [
    ("c1", "Teenager wins national chess title", "A sixteen-year-old from Porto won the national chess championship on Sunday after beating the defending champion in the final round. She had started the tournament as the ninth seed. The prize includes a place at the European championship."),
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

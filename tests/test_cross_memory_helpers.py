"""The streaming helpers of the cross-article stages give exactly what the whole-matrix code gave."""
import numpy as np
import pytest
from scipy.spatial.distance import squareform

from storylens.compare.stories import agglomerate, condensed_distance


def _square_way(sim: np.ndarray) -> np.ndarray:
    dist = np.clip(1.0 - sim, 0.0, None).astype(np.float64)
    np.fill_diagonal(dist, 0.0)
    dist = (dist + dist.T) / 2
    return squareform(dist, checks=False)


@pytest.mark.parametrize("n,rows", [(2, 256), (3, 1), (7, 2), (300, 64), (513, 256)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_condensed_distance_equals_square_form(n, rows, dtype):
    rng = np.random.default_rng(n)
    v = rng.normal(size=(n, 16)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    sim = (v @ v.T).astype(dtype)
    sim[0, -1] += 0.01          # not exactly symmetric, as products of probabilities are not
    got = condensed_distance(sim, rows=rows)
    assert got.dtype == np.float64
    assert np.array_equal(got, _square_way(sim))
    # upcast: as if the matrix had been converted to float64 before
    assert np.array_equal(condensed_distance(sim, rows=rows, upcast=True), _square_way(sim.astype(np.float64)))


def test_agglomerate_groups():
    sim = np.array([[1, .9, .1], [.9, 1, .2], [.1, .2, 1]], dtype=np.float32)
    assert agglomerate(sim, 0.5) == [[0, 1], [2]]
    assert agglomerate(sim, 0.95) == [[0], [1], [2]]
    assert agglomerate(sim[:1, :1], 0.5) == [[0]]


def _random_reps(n, seed=0):
    from storylens.compare.grouping import ArticleRep

    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(40)]
    reps = []
    for i in range(n):
        v = rng.normal(size=384).astype(np.float32)
        v[: 8] += 3 * (i % 3)          # three loose groups, so that many pairs are candidates
        words = rng.choice(vocab, size=8, replace=False)
        terms = {w: float(rng.random()) for w in words}
        reps.append(ArticleRep(f"a{i}", v / np.linalg.norm(v), frozenset(words[:2]), terms=terms,
                               lead=dict(list(terms.items())[:4]), top=dict(list(terms.items())[:5]),
                               places=frozenset(words[2:3]), published=730000 + int(i % 5)))
    return reps


def test_pair_probabilities_do_not_depend_on_the_block_size(monkeypatch):
    """_blocks cuts its rows finer as the columns grow: every pair's probability must stay the same."""
    from storylens.compare import grouping as G

    reps = _random_reps(60)
    index = G.RepIndex(reps)
    ia, ib = list(range(0, 60, 2)), list(range(60))
    topic = G.topic_probabilities(index, ia, ib)
    story = G.story_probabilities(G.TopicView(index, list(range(60))), max_gap_days=2)
    assert topic.max() > 0 and story.max() > 0          # candidates were scored, not all skipped
    monkeypatch.setattr(G, "PAIR_CELLS", 7 * 60)          # 7 rows a block instead of 256
    assert np.array_equal(G.topic_probabilities(index, ia, ib), topic)
    assert np.array_equal(G.story_probabilities(G.TopicView(index, list(range(60))), max_gap_days=2), story)


def test_state_is_streamed_into_the_store_and_read_back(tmp_path, monkeypatch):
    import json

    from storylens.model import Analysis
    from storylens.store import db as db_mod

    monkeypatch.setattr(db_mod, "STATE_WRITE", 64)      # many writes of a few parts each
    store = db_mod.Store(tmp_path / "s.sqlite")
    state = {"story_cache": {f"S{i}": json.dumps({"claims": [f"é {i}" * 5], "fp": "x"}, ensure_ascii=False)
                             for i in range(50)},
             "vectors": {"a": {"h": "h1", "v": "AAAA"}}, "next_id": 51, "empty": {}}
    store.replace_analysis(Analysis(), {"compare": state, "other": [1, 2.5, None, "ü"]})
    assert store.get_state("compare") == state
    assert store.get_state("other") == [1, 2.5, None, "ü"]
    raw = store.conn.execute("SELECT value FROM state WHERE key='compare'").fetchone()[0]
    assert bytes(raw).decode("ascii") == json.dumps(state)     # what json.dumps saved before, byte for byte
    store.replace_analysis(Analysis(), {"compare": {"next_id": 2}})   # a smaller value replaces it whole
    assert store.get_state("compare") == {"next_id": 2}

"""Pool and Dask workers encode the sentences the cross-article stages read; the main process stores
those vectors with the articles and does not encode the same texts again."""
import json

import numpy as np

from conftest import DEMO
from storylens import embeddings
from storylens.config import Config
from storylens.pipeline import ingest_and_store, reanalyze
from storylens.scale.worker import annotate_shard, cross_article_texts
from storylens.store import Store
from storylens.store.export import analysis_dict


def _in_worker(articles, config):
    return iter(annotate_shard(list(articles), config))


def _encoded_in(fn):
    """(result of fn(), every text the packaged encoder encoded while it ran)"""
    enc = embeddings.get_encoder()
    seen: list[str] = []
    orig = enc._encode_batch
    enc._encode_batch = lambda texts, batch_size=64: seen.extend(texts) or orig(texts, batch_size)
    try:
        return fn(), seen
    finally:
        del enc._encode_batch


def test_the_main_process_reads_the_workers_vectors(tmp_path):
    paths = [str(p) for p in sorted(DEMO.glob("*.txt"))]
    store = Store(tmp_path / "w.sqlite")
    docs_seen = []

    def process(articles, config):
        for d in _in_worker(articles, config):
            docs_seen.append((d.article.id, cross_article_texts(d), dict(d._vectors)))
            yield d

    ingest_and_store(paths, store, Config(), process=process)
    assert docs_seen and all(ts and set(v) == set(ts) for _, ts, v in docs_seen)
    # every text the comparison stage embeds for an article (its units and its lead) is among them
    from storylens.compare.context import build_views
    from storylens.compare.grouping import lead_units

    texts_of = {aid: set(ts) for aid, ts, _ in docs_seen}
    for aid, view in build_views(list(store.iter_documents(include_duplicates=False)), {}).items():
        assert {s.text for s in view.sentences} | set(lead_units(view)) <= texts_of[aid]
    want = {t: v for _, _, vs in docs_seen for t, v in vs.items()}
    texts = sorted(want)
    assert np.allclose(embeddings.embed(texts), np.vstack([want[t] for t in texts]), atol=1e-5)
    # stored with the articles: a later process (empty memo) reads them back
    stored = store.embedding_cache(Config()).get_many(texts)
    assert set(stored) == set(texts)

    embeddings.get_encoder()._memo.clear()
    analysis, encoded = _encoded_in(lambda: analysis_dict(reanalyze(store, Config())))
    assert not set(encoded) & set(texts)        # none of them encoded again
    assert analysis["stories"]

    # the same analysis as a run whose main process encodes everything itself
    plain = Store(tmp_path / "p.sqlite")
    ingest_and_store(paths, plain, Config())
    embeddings.get_encoder()._memo.clear()
    again = analysis_dict(reanalyze(plain, Config()))
    for key in ("stories", "claims", "contradictions", "framing", "positions"):
        assert json.dumps(analysis[key], sort_keys=True) == json.dumps(again[key], sort_keys=True), key


def test_no_vectors_for_another_encoder_or_without_the_comparison():
    from storylens.model import Article

    art = Article(id="a1", content_hash="h1", source_path="x.txt", text="Talks resumed in Vienna on Tuesday. "
                  "The ministers met for three hours and agreed to meet again.", title="Talks resume")
    other = annotate_shard([art], Config(embed_model="/elsewhere/model.onnx"))
    assert other[0]._vectors == {}
    none = annotate_shard([art], Config(corpus_stages=["link"]))
    assert none[0]._vectors == {}
    mine = annotate_shard([art], Config())
    assert set(mine[0]._vectors) == set(cross_article_texts(mine[0])) and "Talks resume" in mine[0]._vectors


def test_a_failure_to_make_the_vectors_keeps_the_annotations(monkeypatch):
    from storylens.model import Article
    from storylens.scale import worker

    def broken(doc):
        raise RuntimeError("no encoder")

    monkeypatch.setattr(worker, "cross_article_texts", broken)
    art = Article(id="a2", content_hash="h2", source_path="y.txt", text="Talks resumed in Vienna on Tuesday, "
                  "the foreign ministry said.", title="Talks resume")
    doc = annotate_shard([art], Config())[0]
    assert doc.sentences and doc._vectors == {}
    assert [(p.stage, p.level) for p in doc.problems] == [("embeddings", "warning")]
    assert "no encoder" in doc.problems[0].message

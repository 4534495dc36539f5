"""What every run and every worker process pays once: cached builds of data tables and artefacts,
one encoder session per process, no spaCy load where nothing is parsed. Each shortcut must give
exactly what the slow path gives."""
import pickle

import numpy as np
import pytest

from storylens import filecache


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYLENS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_cached_build_builds_once_and_reads_back(cache, tmp_path):
    src = tmp_path / "table.txt"
    src.write_text("a b c")
    calls = []

    def build():
        calls.append(1)
        return {"words": src.read_text().split()}

    assert filecache.cached_build("t", [src], build) == {"words": ["a", "b", "c"]}
    assert filecache.cached_build("t", [src], build) == {"words": ["a", "b", "c"]}
    assert len(calls) == 1 and len(list(cache.glob("t-*.pickle"))) == 1
    src.write_text("a b c d")           # a changed source is never read from the old copy
    assert filecache.cached_build("t", [src], build) == {"words": ["a", "b", "c", "d"]}
    assert len(calls) == 2


def test_cached_build_survives_a_broken_copy_and_an_unwritable_dir(cache, tmp_path, monkeypatch):
    src = tmp_path / "table.txt"
    src.write_text("x")
    filecache.cached_build("t", [src], lambda: 1)
    (copy,) = cache.glob("t-*.pickle")
    copy.write_bytes(b"not a pickle")
    assert filecache.cached_build("t", [src], lambda: 2) == 2
    assert pickle.loads(copy.read_bytes()) == 2          # written over with the fresh build
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("STORYLENS_CACHE_DIR", str(blocker / "sub"))   # cannot be created
    assert filecache.cached_build("t", [src], lambda: 3) == 3
    monkeypatch.setenv("STORYLENS_CACHE_DIR", "off")
    assert filecache.cache_dir() is None and filecache.cached_build("t", [src], lambda: 4) == 4


def test_actor_kb_from_the_cache_equals_the_build(cache):
    from storylens.link import kb

    built = kb.build_kb()
    first = filecache.cached_build("actor-kb", kb._kb_sources(), kb.build_kb)
    again = filecache.cached_build("actor-kb", kb._kb_sources(), lambda: pytest.fail("built twice"))
    assert first == built and again == built
    assert again.entries[0] == built.entries[0] and type(again.entries[0]) is kb.Entry


def test_artefacts_read_through_the_cache_predict_as_joblib_does(cache):
    import joblib

    from storylens.compare import grouping, stance

    pairs = [("The minister denied the report.", "The minister said the report was false. Talks go on."),
             ("Talks resumed on Monday.", "Talks resumed on Monday after a pause."),
             ("Prices rose in May.", "A storm hit the coast on Friday.")]
    slow = joblib.load(stance.DEFAULT_MODEL)
    filecache.load_joblib(stance.DEFAULT_MODEL, "stance-model")               # writes the copy
    fast = filecache.load_joblib(stance.DEFAULT_MODEL, "stance-model")
    assert len(list(cache.glob("stance-model-*.pickle"))) == 1
    assert np.array_equal(slow.predict_proba(pairs), fast.predict_proba(pairs))

    g_slow = joblib.load(grouping.MODEL_PATH)
    filecache.load_joblib(grouping.MODEL_PATH, "story-grouping")
    g_fast = filecache.load_joblib(grouping.MODEL_PATH, "story-grouping")
    X = np.random.default_rng(0).random((50, g_slow["story"].n_features_in_))
    assert np.array_equal(g_slow["story"].predict_proba(X), g_fast["story"].predict_proba(X))
    Xt = np.random.default_rng(1).random((50, g_slow["topic"].n_features_in_))
    assert np.array_equal(g_slow["topic"].predict_proba(Xt), g_fast["topic"].predict_proba(Xt))


def test_stance_encoder_shares_the_session_and_reads_128_tokens():
    from storylens.compare import stance
    from storylens.embeddings import get_encoder

    long = " ".join(f"word{i} of a long sentence about the talks." for i in range(60))   # >> 256 tokens
    texts = ["Short.", "The minister denied the report on Tuesday.", long]
    enc = get_encoder()
    before = enc._encode_batch(texts)
    m = stance._MiniLM()
    assert m.sess is enc.session
    got = m(texts)
    # the stance reading truncates at 128 tokens: the same vectors as the product's encoder read at 128
    assert np.array_equal(got, get_encoder(max_tokens=128)._encode_batch(texts))
    assert not np.array_equal(got[2], before[2])
    # and the product's encoder still reads 256 tokens after it
    assert np.array_equal(enc._encode_batch(texts), before)
    assert len(enc.tokenize([long])[0].ids) == 256


def test_installed_spacy_package_is_told_from_other_names(tmp_path):
    from storylens.annotate.nlp import installed_package
    from storylens.config import Config

    assert installed_package(Config().spacy_model)
    assert not installed_package("numpy")              # importable, but no spaCy pipeline
    assert not installed_package("no_such_pipeline_xyz")
    assert not installed_package(str(tmp_path))        # a folder is loaded to be checked
    assert not installed_package("blank:en")


def _worker_state():
    import time

    from storylens.annotate.nlp import load_nlp
    from storylens.link.kb import load_kb
    from storylens.scale import preload

    return repr(preload.ERROR), load_nlp.cache_info().currsize, load_kb.cache_info().currsize, time.process_time()


def test_pool_workers_start_with_what_the_fork_server_loaded():
    import sys
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import forkserver

    from storylens.config import Config
    from storylens.scale.pool import _context, _stop_fork_server
    from storylens.scale.worker import warm_up

    if not sys.platform.startswith("linux"):
        pytest.skip("the fork server is used on Linux only")
    config = Config(n_process=2)
    ctx, server = _context(config, 2)
    assert server is not None
    ex = ProcessPoolExecutor(2, mp_context=ctx, initializer=warm_up, initargs=(config,))
    try:
        error, nlps, kbs, cpu = ex.submit(_worker_state).result()
    finally:
        ex.shutdown(wait=True)
        _stop_fork_server()
    # the worker found the pipeline and the KB loaded: its own start-up cost next to nothing
    assert error == "None" and nlps == 1 and kbs == 1
    assert cpu < 0.5, cpu
    assert forkserver._forkserver._forkserver_pid is None     # stopped and reaped

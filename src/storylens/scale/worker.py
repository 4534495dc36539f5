"""What a pool process or a Dask worker runs: the ordinary per-article stages over one shard of articles."""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import replace
from typing import Sequence

from ..config import Config
from ..model import Article, Document, Problem

# Native thread pools a worker process would otherwise start, each sized to the whole machine:
# BLAS (numpy, scipy), OpenMP (scikit-learn), the HuggingFace tokenizer (rayon) and onnxruntime.
# Their idle threads spin-wait, so with two workers on two cores they burn the cores the parses need
# (measured: 330 of 853 CPU-ms per article went to such threads in one worker).
ONE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                  "TOKENIZERS_PARALLELISM": "false", "STORYLENS_EMBED_THREADS": "1"}


def cores_per_worker(workers: int) -> int:
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def thread_env(threads: int) -> dict[str, str]:
    """The environment that sizes a worker process's native thread pools to `threads`."""
    env = {k: ("false" if v == "false" else str(threads)) for k, v in ONE_THREAD_ENV.items()}
    if threads > 1:
        env.pop("TOKENIZERS_PARALLELISM")
    return env


def limit_threads(threads: int) -> None:
    """Size every native thread pool of this process to `threads` (a setting the user made stays)."""
    for k, v in thread_env(threads).items():
        os.environ.setdefault(k, v)   # libraries loaded from now on
    try:                              # and those already loaded
        from threadpoolctl import threadpool_limits

        user = os.environ.get("OPENBLAS_NUM_THREADS", "")
        threadpool_limits(int(user) if user.isdigit() and int(user) > 0 else threads)
    except ImportError:
        pass


@contextmanager
def one_openmp_thread():
    """Run scikit-learn's small OpenMP loops (gradient-boosted trees' predictions) on one thread.

    Each tree's prediction is one parallel region over a few hundred rows: with two threads the
    threads' start and join cost more than the work, and on a loaded machine every join waits for a
    descheduled thread (measured: 16 ms per tree under load, about 900 trees per stance-model call).
    The predictions are the same on any number of threads. BLAS is left as it is."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(1, user_api="openmp"):
        yield


def warm_up(model: str | Config, threads: int | None = None) -> None:
    """Load the spaCy pipeline (and the plugins) when a worker process starts, not inside the first shard.

    ``threads``: the size of the process's native thread pools; by default its share of the machine's
    cores among ``n_process`` pool processes.
    """
    from ..stages.engine import article_stages, nlp_for

    config = model if isinstance(model, Config) else Config(spacy_model=model)
    limit_threads(threads or cores_per_worker(config.n_process))
    nlp_for(config, article_stages(config))


def annotate_shard(articles: Sequence[Article], config: Config) -> list[Document]:
    """The per-article stages over one shard; spaCy is loaded once per worker process (cached loader).

    A stage that fails on one article leaves a Problem on that article only (stages.engine).
    The sentence vectors the cross-article stages will read go back with each Document (``_vectors``):
    the worker encodes them beside the per-article stages, in parallel, and the main process only
    stores them and looks them up (see :func:`cross_article_texts`).
    """
    from ..stages.engine import process_local

    # Parallelism comes from the workers; a worker forking its own spaCy processes would oversubscribe.
    cfg = replace(config, n_process=1)
    docs = []
    for doc in process_local(articles, cfg):
        doc._spacy = None  # the spaCy Doc stays on the worker; only plain annotations travel back
        docs.append(doc)
    try:
        embed_for_corpus_stages(docs, config)
    except Exception as exc:
        # the annotations stand; the comparison stage encodes these texts itself
        msg = (f"sentence vectors for the comparison not made in the worker ({type(exc).__name__}: {exc}); "
               "the comparison stage encodes them")[:300]
        for doc in docs:
            doc._vectors = {}
            doc.problems.append(Problem("embeddings", msg, "warning"))
    return docs


def embed_for_corpus_stages(docs: Sequence[Document], config: Config) -> None:
    """Set each document's ``_vectors`` to the vectors of the texts the cross-article stages embed.

    Only when those stages run and use the packaged encoder (the one whose vectors are the same in
    every process); the texts the event stage already encoded come from the encoder's memo."""
    from ..embeddings import embed, packaged

    if not packaged(config) or not _corpus_embeds(config):
        return
    per_doc = [cross_article_texts(d) for d in docs]
    texts = list(dict.fromkeys(t for ts in per_doc for t in ts))
    if not texts:
        return
    vecs = dict(zip(texts, embed(texts, config=config)))
    for doc, ts in zip(docs, per_doc):
        doc._vectors = {t: vecs[t] for t in ts}


def _corpus_embeds(config: Config) -> bool:
    return "compare" in config.corpus_stages


def cross_article_texts(doc: Document) -> list[str]:
    """The texts of one article that the comparison stage embeds on its first run over it: each of its
    comparison units (summaries, relevant sentences, claim candidates, cut by the comparison stage's own
    function) and what its lead can hold (compare.grouping.lead_units: the title and stripped units;
    not imported here, since that module brings scipy into every worker; tests/test_worker_vectors.py
    checks that every lead unit is among these texts)."""
    from ..compare.context import _fallback_sentences, _split_lines
    from ..stages.engine import is_english

    a = doc.article
    if not a.text or a.duplicate_of or not is_english(a):
        return []
    units = [s.text for s in _split_lines(doc.sentences or _fallback_sentences(a.text), a.text)]
    title = (a.title or "").strip()
    lead = ([title] if title else []) + [u.strip() for u in units if u.strip()]
    return list(dict.fromkeys(units + lead))

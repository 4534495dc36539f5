"""What a pool process or a Dask worker runs: the ordinary per-article stages over one shard of articles."""
from __future__ import annotations

import os
from dataclasses import replace
from typing import Sequence

from ..config import Config
from ..model import Article, Document

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
    """
    from ..compare.context import _split_lines
    from ..embeddings import recording
    from ..stages.engine import process_local

    # Parallelism comes from the workers; a worker forking its own spaCy processes would oversubscribe.
    cfg = replace(config, n_process=1)
    docs = []
    with recording() as made:
        for doc in process_local(articles, cfg):
            doc._spacy = None  # the spaCy Doc stays on the worker; only plain annotations travel back
            docs.append(doc)
    # the sentence vectors the stages made go back too: the cross-article stages read the same sentences
    for doc in docs:
        doc._vectors = {s.text: made[s.text] for s in _split_lines(doc.sentences, doc.article.text)
                        if s.text in made}
    return docs

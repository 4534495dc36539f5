"""The per-article stages in a local pool of processes (``--n-process N`` on one machine).

Each process parses *and* annotates its shard, so only plain Documents cross process boundaries
(not spaCy Docs with their tensors, as nlp.pipe(n_process=N) would ship), and the stages run in
parallel too instead of queueing behind the parser in the main process.
"""
from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from typing import Iterable, Iterator

from ..config import Config
from ..model import Article, Document
from .shards import ordered_shards
from .worker import annotate_shard, warm_up


def process_in_pool(articles: Iterable[Article], config: Config, n_process: int) -> Iterator[Document]:
    # small shards keep every process busy to the end of the stream; the IPC cost per shard is tiny
    # spawn, not fork: the parent may hold SQLite connections and progress-bar threads
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(n_process, mp_context=ctx, initializer=warm_up, initargs=(config.spacy_model,)) as ex:
        yield from ordered_shards(articles, lambda shard: ex.submit(annotate_shard, shard, config),
                                  shard_size=max(1, min(config.batch_size, 16)), window=2 * n_process)

"""The per-article stages in a local pool of processes (``--n-process N`` on one machine).

Each process parses *and* annotates its shard, so only plain Documents cross process boundaries
(not spaCy Docs with their tensors, as nlp.pipe(n_process=N) would ship), and the stages run in
parallel too instead of queueing behind the parser in the main process.

A process that dies (a crash in native code, the kernel's OOM killer) takes only its own article:
the shards that were in flight are run again one article at a time on a fresh pool, and an article
that fails alone is stored unannotated with the error.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable, Iterator

from ..config import Config
from ..model import Article, Document
from .shards import failed_documents, ordered_shards
from .worker import annotate_shard, cores_per_worker, warm_up

SHARD = 4   # articles per task


def _context(config: Config, n_process: int):
    """Where the worker processes come from.

    Not forked from this process: it may hold SQLite connections and progress-bar threads. On Linux
    they are forked from a fork server, a fresh process that has loaded what every worker needs once
    (storylens.scale.preload): each worker then starts with the imports, the spaCy pipeline and the
    tables in place instead of loading them again (about 2 CPU-s a worker). Elsewhere, or with
    STORYLENS_POOL_START=spawn: spawned, each loading for itself."""
    if (os.environ.get("STORYLENS_POOL_START", "").strip().lower() == "spawn"
            or not sys.platform.startswith("linux") or "forkserver" not in mp.get_all_start_methods()):
        return mp.get_context("spawn"), None
    from . import preload

    # read by the server when it starts (it inherits this process's environment)
    os.environ[preload.ENV] = json.dumps({"spacy_model": config.spacy_model, "stages": list(config.stages),
                                          "plugins": list(config.plugins), "embed_model": config.embed_model,
                                          "embed_tokenizer": config.embed_tokenizer,
                                          "threads": cores_per_worker(n_process)})
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload([preload.__name__])
    return ctx, ctx


def _stop_fork_server() -> None:
    """Stop the fork server once the pool's processes are joined (the server has then reaped them), so
    that it and its workers are waited for by this process: their CPU time counts in this process's
    children, as the spawned workers' did, and the next pool starts a server with its own settings."""
    from multiprocessing import forkserver

    from .preload import ENV

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if callable(stop):
        stop()
    os.environ.pop(ENV, None)   # a later fork server (another library's) preloads nothing of ours


def process_in_pool(articles: Iterable[Article], config: Config, n_process: int) -> Iterator[Document]:
    ctx, server = _context(config, n_process)
    pool: list[ProcessPoolExecutor] = []

    def fresh() -> ProcessPoolExecutor:
        if pool:
            pool.pop().shutdown(wait=False, cancel_futures=True)
        pool.append(ProcessPoolExecutor(n_process, mp_context=ctx, initializer=warm_up, initargs=(config,)))
        return pool[0]

    def submit(shard: list[Article]):
        ex = pool[0] if pool else fresh()
        try:
            return ex.submit(annotate_shard, shard, config)
        except BrokenProcessPool:
            return fresh().submit(annotate_shard, shard, config)

    def one_by_one(shard: list[Article], exc: BaseException) -> list[Document]:
        out: list[Document] = []
        for a in shard:
            # twice: an article sent while the pool was dying (a neighbour's crash) fails through no fault of its own
            for attempt in range(2):
                try:
                    out.extend(submit([a]).result())
                    break
                except Exception as again:
                    if attempt == 1:
                        out.extend(failed_documents([a], again))
        return out

    try:
        # small shards keep every process busy to the end of the stream: the last shard runs while the
        # other processes may have nothing left (with 16 articles a shard, 240 articles made 15 shards and
        # one process idled for a whole shard, ~6 s, at the end); per shard the IPC and the stages' batch
        # set-up cost a few ms, no more CPU per article measured with 4 than with 16
        yield from ordered_shards(articles, submit, shard_size=max(1, min(config.batch_size, SHARD)),
                                  window=4 * n_process, on_failure=one_by_one, workers=n_process)
    finally:
        for ex in pool:
            ex.shutdown(wait=True, cancel_futures=True)
        if server is not None:
            _stop_fork_server()

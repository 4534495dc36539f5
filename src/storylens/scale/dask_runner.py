"""`storylens analyze INPUT --engine dask`: the per-article stages on Dask workers.

The client (``storylens.runner.run_dask``) streams the input exactly as the single-process run does
(``pipeline.ingest_and_store``:
read → clean → skip stored hashes → dedupe in input order), cuts the stream of new articles into
shards of consecutive articles, and sends each shard to a worker, which runs the same
per-article stages (``stages.engine``). Results come back in input order and are stored one transaction
per shard, each shard also written as Parquet parts under OUT/parquet/. The runner then does the
cross-article stages (``reanalyze``) on the store as usual.

Why dedupe before dispatch: it makes the result identical to the single-process run, duplicates
and already-stored articles cost no worker time, and workers need no access to the input files
or to OUT (only to the storylens package and its models), so a remote cluster works as is.
At most ``window`` shards are in flight, so memory on the client stays bounded.

Workers of an existing cluster should run one thread each (one spaCy pipeline per process is shared
by the tasks of that process), be started with WORKER_MALLOC_ENV below and with WORKER_CONFIG
(Dask's own profiler off).
"""
from __future__ import annotations

import os

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from ..config import Config
from ..model import Article, Document
from .parquet import ParquetTee, ParquetWriter
from .shards import failed_documents, ordered_shards
from .worker import annotate_shard, thread_env, warm_up

DEFAULT_SHARD_SIZE = 64

# Dask starts workers with MALLOC_TRIM_THRESHOLD_ set, which turns off glibc's adaptive mmap threshold:
# every large array spaCy allocates is then mmapped and unmapped again, and the page faults cost
# about 25% more CPU per article than in a plain process. Fixed thresholds restore plain-process
# behaviour. Workers of an existing cluster should be started with the same variables.
WORKER_MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": str(64 * 2**20), "MALLOC_TOP_PAD_": str(64 * 2**20)}

# Dask's statistical profiler walks the stack of every task thread every 10 ms while holding the GIL;
# the stages' stacks are deep (spaCy, the stages, numpy), so it is work taken from the task itself.
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}


@dataclass
class DaskStats:
    shards: int = 0
    articles: int = 0
    wait_s: float = 0.0                       # client time spent waiting on workers


def make_client(scheduler: str | None = None, workers: int = 2, threads_per_worker: int = 1):
    """A Client on an existing scheduler, or on a LocalCluster of `workers` processes."""
    import dask
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    env = dict(WORKER_MALLOC_ENV)
    # a worker's task thread is one core's worth of work: its native thread pools (BLAS, OpenMP, tokenizer,
    # sentence encoder) get one thread each, unless the user sized them, and more cores mean more workers
    env.update({k: os.environ.get(k) or v for k, v in thread_env(threads_per_worker).items()})
    settings = {f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in env.items()}
    with dask.config.set({**settings, **WORKER_CONFIG}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=threads_per_worker, processes=True,
                               dashboard_address=None)
    return Client(cluster)


def close_client(client) -> None:
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


def shard_dispatcher(client, worker_config: Config, shard_size: int = DEFAULT_SHARD_SIZE,
                     window: int | None = None, stats: DaskStats | None = None) -> Callable[..., Iterator[Document]]:
    """A drop-in for pipeline.process_articles that runs it on the cluster, shard by shard, in input order."""
    n = max(1, len(client.scheduler_info().get("workers", {})))
    if window is None:
        window = 2 * n  # one shard running and one queued per worker
    stats = stats if stats is not None else DaskStats()

    def submit(shard: list[Article]):
        stats.shards += 1
        return client.submit(annotate_shard, shard, worker_config, pure=False)

    def on_result(waited: float, n: int):
        stats.wait_s += waited
        stats.articles += n

    def one_by_one(shard: list[Article], exc: BaseException) -> list[Document]:
        # a shard that failed (a worker lost, KilledWorker) is tried again article by article,
        # so only the article at fault stays unannotated
        out: list[Document] = []
        for a in shard:
            try:
                out.extend(client.submit(annotate_shard, [a], worker_config, pure=False).result())
            except Exception as again:
                out.extend(failed_documents([a], again))
        return out

    def process(articles: Iterable[Article], _config=None) -> Iterator[Document]:
        return ordered_shards(articles, submit, shard_size, window, on_result, on_failure=one_by_one, workers=n)

    return process


def dask_target(store, out: str | Path | None, run_id: int | None):
    """The store, teed to Parquet parts under OUT/parquet/ when `out` is given (one part per stored shard)."""
    if out is None:
        return store
    prefix = f"run{run_id:06d}" if run_id is not None else f"run{int(time.time())}"
    return ParquetTee(store, ParquetWriter(Path(out) / "parquet", prefix=prefix))


def dask_session(config: Config, scheduler: str | None = None, workers: int = 2, client=None):
    """(client, owned): a client whose workers have loaded spaCy and the plugins, up front."""
    own = client is None
    if own:
        client = make_client(scheduler, workers)
    # one thread per pool on remote workers too (started with one task thread each, as above)
    client.run(warm_up, config, 1)
    return client, own

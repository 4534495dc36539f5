"""`storylens analyze INPUT --engine dask`: the per-article stages on Dask workers.

The client streams the input exactly as the single-process run does (``pipeline.ingest_and_store``:
read → clean → skip stored hashes → dedupe in input order), cuts the stream of new articles into
shards of consecutive articles, and sends each shard to a worker, which runs the same
``pipeline.process_articles``. Results come back in input order and are stored one transaction
per shard, each shard also written as Parquet parts under OUT/parquet/. The runner then does the
cross-article stages (``reanalyze``) on the store as usual.

Why dedupe before dispatch: it makes the result identical to the single-process run, duplicates
and already-stored articles cost no worker time, and workers need no access to the input files
or to OUT (only to the storylens package and its models), so a remote cluster works as is.
At most ``window`` shards are in flight, so memory on the client stays bounded.

Workers of an existing cluster should run one thread each (one spaCy pipeline per process is shared
by the tasks of that process) and be started with WORKER_MALLOC_ENV below.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from ..config import Config
from ..model import Article, Document
from ..pipeline import RunSummary, ingest_and_store
from .parquet import ParquetTee, ParquetWriter
from .shards import ordered_shards
from .worker import annotate_shard, warm_up

DEFAULT_SHARD_SIZE = 64

# Dask starts workers with MALLOC_TRIM_THRESHOLD_ set, which turns off glibc's adaptive mmap threshold:
# every large array spaCy allocates is then mmapped and unmapped again, and the page faults cost
# about 25% more CPU per article than in a plain process. Fixed thresholds restore plain-process
# behaviour. Workers of an existing cluster should be started with the same variables.
WORKER_MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": str(64 * 2**20), "MALLOC_TOP_PAD_": str(64 * 2**20)}


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
    with dask.config.set({f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in WORKER_MALLOC_ENV.items()}):
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
    if window is None:
        n = max(1, len(client.scheduler_info().get("workers", {})))
        window = 2 * n  # one shard running and one queued per worker
    stats = stats if stats is not None else DaskStats()

    def submit(shard: list[Article]):
        stats.shards += 1
        return client.submit(annotate_shard, shard, worker_config, pure=False)

    def on_result(waited: float, n: int):
        stats.wait_s += waited
        stats.articles += n

    def process(articles: Iterable[Article], _config=None) -> Iterator[Document]:
        return ordered_shards(articles, submit, shard_size, window, on_result)

    return process


def run_dask(paths: Sequence[str], store, config: Config, scheduler: str | None = None, workers: int = 2,
             run_id: int | None = None, out: str | Path | None = None, *, on_item: Callable[[str], None] | None = None,
             shard_size: int = DEFAULT_SHARD_SIZE, client=None, stats: DaskStats | None = None) -> RunSummary:
    """Per-article stages on Dask, results stored in `store` and written as Parquet under OUT/parquet/."""
    own = client is None
    if own:
        client = make_client(scheduler, workers)
    try:
        client.run(warm_up, config.spacy_model)  # each worker process loads spaCy once, up front
        process = shard_dispatcher(client, config, shard_size, stats=stats)
        target = store
        if out is not None:
            prefix = f"run{run_id:06d}" if run_id is not None else f"run{int(time.time())}"
            target = ParquetTee(store, ParquetWriter(Path(out) / "parquet", prefix=prefix))
        # one store transaction (and one Parquet part) per shard
        client_config = replace(config, batch_size=shard_size)
        return ingest_and_store(paths, target, client_config, on_item=on_item, run_id=run_id, process=process)
    finally:
        if own:
            close_client(client)

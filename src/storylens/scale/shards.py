"""Ordered, bounded fan-out of a stream of articles in shards: the one loop the Dask runner and the
local process pool share."""
from __future__ import annotations

from collections import deque
from dataclasses import replace
from typing import Callable, Iterable, Iterator

from ..model import Article, Document


def ordered_shards(articles: Iterable[Article], submit: Callable[[list[Article]], object], shard_size: int,
                   window: int, on_result: Callable[[float, int], None] | None = None) -> Iterator[Document]:
    """Cut `articles` into shards, `submit` each (it returns a future), yield the documents in input order.

    At most `window` shards are in flight, so memory stays bounded however long the stream is.
    The raw text is not needed by the stages: it stays here and is put back on the returned articles.
    """
    import time

    pending: deque = deque()

    def send(shard: list[Article]):
        pending.append((submit([replace(a, raw="") for a in shard]), shard))

    def collect() -> list[Document]:
        fut, shard = pending.popleft()
        t0 = time.perf_counter()
        docs = fut.result()
        if on_result:
            on_result(time.perf_counter() - t0, len(docs))
        for doc, orig in zip(docs, shard):
            doc.article.raw = orig.raw
        return docs

    try:
        shard: list[Article] = []
        for a in articles:
            shard.append(a)
            if len(shard) >= shard_size:
                send(shard)
                shard = []
                while len(pending) >= window:
                    yield from collect()
        if shard:
            send(shard)
        while pending:
            yield from collect()
    finally:
        for fut, _ in pending:  # interrupted: drop the work still queued
            fut.cancel()

"""Ordered, bounded fan-out of a stream of articles in shards: the one loop the Dask runner and the
local process pool share."""
from __future__ import annotations

from collections import deque
from dataclasses import replace
from typing import Callable, Iterable, Iterator

from ..model import Article, Document, Problem


def failed_documents(shard: list[Article], exc: BaseException) -> list[Document]:
    """The articles of a shard whose worker failed: stored as read, each with the error."""
    msg = f"the per-article stages failed in a worker: {type(exc).__name__}: {exc}"[:300]
    return [Document(article=a, problems=[Problem("worker", msg)]) for a in shard]


def ordered_shards(articles: Iterable[Article], submit: Callable[[list[Article]], object], shard_size: int,
                   window: int, on_result: Callable[[float, int], None] | None = None,
                   on_failure: Callable[[list[Article], BaseException], list[Document]] | None = None,
                   workers: int = 1) -> Iterator[Document]:
    """Cut `articles` into shards, `submit` each (it returns a future), yield the documents in input order.

    At most `window` shards are in flight, so memory stays bounded however long the stream is.
    The raw text is not needed by the stages: it stays here and is put back on the returned articles.
    A shard whose future fails (a worker died, a result could not be sent back) goes to `on_failure`,
    which returns its documents (by default: the articles unannotated, each with the error); the
    other shards are not affected.

    The end of the stream is cut finer: once the first `window` shards are out, one shard's worth of
    articles is held back, so when the input ends, the last one to two shards' worth go out as two small
    pieces per worker. Otherwise one worker computes the last full shard alone while
    the others wait for it (with shards of 32 on 2 workers, about a tenth of a 240-article run).
    """
    import time

    pending: deque = deque()
    on_failure = on_failure or failed_documents

    def send(shard: list[Article]):
        pending.append((submit([replace(a, raw="") for a in shard]), shard))

    def collect() -> list[Document]:
        fut, shard = pending.popleft()
        t0 = time.perf_counter()
        try:
            docs = fut.result()
        except Exception as exc:
            docs = on_failure([replace(a, raw="") for a in shard], exc)
        if on_result:
            on_result(time.perf_counter() - t0, len(docs))
        for doc, orig in zip(docs, shard):
            doc.article.raw = orig.raw
        return docs

    sent = 0

    try:
        held: list[Article] = []
        for a in articles:
            held.append(a)
            lookahead = shard_size if sent >= window and workers > 1 else 0
            if len(held) >= shard_size + lookahead:
                send(held[:shard_size])
                sent += 1
                held = held[shard_size:]
                while len(pending) >= window:
                    yield from collect()
        piece = max(1, -(-len(held) // (2 * workers))) if workers > 1 else shard_size
        for i in range(0, len(held), piece):
            send(held[i:i + piece])
            while len(pending) >= window:
                yield from collect()
        while pending:
            yield from collect()
    finally:
        for fut, _ in pending:  # interrupted: drop the work still queued
            fut.cancel()

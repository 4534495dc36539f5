"""What a Dask worker runs: the ordinary per-article stages over one shard of articles."""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ..config import Config
from ..model import Article, Document


def warm_up(model: str) -> None:
    """Load the spaCy pipeline when a worker process starts, not inside the first shard."""
    from ..annotate.nlp import load_nlp

    load_nlp(model)


def annotate_shard(articles: Sequence[Article], config: Config) -> list[Document]:
    """pipeline.process_articles over one shard; spaCy is loaded once per worker process (cached loader)."""
    from ..pipeline import process_articles

    # Parallelism comes from the workers; a worker forking its own spaCy processes would oversubscribe.
    cfg = replace(config, n_process=1)
    docs = []
    for doc in process_articles(articles, cfg):
        doc._spacy = None  # the spaCy Doc stays on the worker; only plain annotations travel back
        docs.append(doc)
    return docs

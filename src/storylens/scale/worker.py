"""What a pool process or a Dask worker runs: the ordinary per-article stages over one shard of articles."""
from __future__ import annotations

import os
from dataclasses import replace
from typing import Sequence

from ..config import Config
from ..model import Article, Document


def warm_up(model: str | Config) -> None:
    """Load the spaCy pipeline (and the plugins) when a worker process starts, not inside the first shard."""
    from ..stages.engine import article_stages, nlp_for

    config = model if isinstance(model, Config) else Config(spacy_model=model)
    # the workers share the machine's cores: each one's sentence encoder gets its share of them,
    # not two threads apiece (two workers x two threads on two cores wait on each other)
    share = max(1, (os.cpu_count() or 1) // max(1, config.n_process))
    os.environ.setdefault("STORYLENS_EMBED_THREADS", str(share))
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

"""Imported once by the fork server of the local process pool (storylens.scale.pool), before it forks
the worker processes: it loads what every worker needs (:func:`preload`) so that each worker starts
with it instead of loading it again.

The settings come in the environment (``ENV``, set by the pool before the server starts). A failure
here is kept in ``ERROR`` and nothing more: the workers then load for themselves in ``warm_up`` and
report the real problem there, per article, as without a fork server.
"""
from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Config

ENV = "STORYLENS_POOL_PRELOAD"
ERROR: BaseException | None = None


def preload(config: Config, threads: int) -> None:
    """What every worker process would load for itself, loaded once in the fork server the pool's
    processes are forked from: the imports, the spaCy pipeline, the actor
    KB, the tokenizer, the stages' lexicons and models, dateparser's tables. With two workers that is
    one copy of about 2 CPU-s less per run, and the pages are shared until written.

    Nothing that starts a thread is made here (the ONNX session, a BLAS call): threads do not survive
    a fork. Each worker still runs :func:`storylens.scale.worker.warm_up`, which finds all this loaded."""
    from .worker import limit_threads

    limit_threads(threads)   # before numpy and the rest are imported
    from ..stages.engine import article_stages, nlp_for

    nlp_for(config, article_stages(config))
    from ..annotate import entities, event_lexicon, event_model, events, quote_model, quotes  # noqa: F401
    from ..compare import context  # noqa: F401  (cross_article_texts)
    from ..link.kb import load_kb
    from ..stages.builtin import _parse_cues

    load_kb()
    for fn in (entities._first_names, entities._title_words, event_lexicon.lexicon, event_model.model,
               quote_model.load_models, _parse_cues):
        fn()
    from ..embeddings import _tokenizer, default_tokenizer_path, packaged

    if packaged(config):
        _tokenizer(default_tokenizer_path())
    from ..annotate.dates import resolve_date

    resolve_date("14 March 2024", "2024-03-20")   # dateparser reads its language tables on first use


def _run() -> None:
    global ERROR
    spec = os.environ.get(ENV)
    if not spec:
        return
    try:
        from ..config import Config

        data = json.loads(spec)
        threads = int(data.pop("threads"))
        preload(Config(**data), threads)
    except Exception as exc:   # the workers load for themselves and say what is wrong (see above)
        ERROR = exc


_run()

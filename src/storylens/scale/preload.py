"""Imported once by the fork server of the local process pool (storylens.scale.pool), before it forks
the worker processes: it loads what every worker needs (storylens.scale.worker.preload) so that each
worker starts with it instead of loading it again.

The settings come in the environment (``ENV``, set by the pool before the server starts). A failure
here is kept in ``ERROR`` and nothing more: the workers then load for themselves in ``warm_up`` and
report the real problem there, per article, as without a fork server.
"""
from __future__ import annotations

import json
import os

ENV = "STORYLENS_POOL_PRELOAD"
ERROR: BaseException | None = None


def _run() -> None:
    global ERROR
    spec = os.environ.get(ENV)
    if not spec:
        return
    try:
        from ..config import Config
        from .worker import preload

        data = json.loads(spec)
        threads = int(data.pop("threads"))
        preload(Config(**data), threads)
    except Exception as exc:   # the workers load for themselves and say what is wrong (see above)
        ERROR = exc


_run()

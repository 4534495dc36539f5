"""Stages registered only by the tests (imported through Config.plugins, also by pool workers)."""
import os

from storylens.registry import stage

MARK = "Zorblax"   # an article containing this word makes the stages below fail


@stage("boom", requires=("entities",), provides=())
def boom(doc) -> None:
    if MARK in doc.article.text:
        raise RuntimeError("boom on purpose")


@stage("crash_worker", requires=("spacy",), provides=())
def crash_worker(doc) -> None:
    # a process that dies outright (as a segfault or the OOM killer would end it)
    if MARK in doc.article.text and os.environ.get("STORYLENS_TEST_PARENT") != str(os.getpid()):
        os._exit(3)

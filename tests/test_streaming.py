"""Streaming runs: an interrupted run, then a re-run, stores every article exactly once and parses none twice."""
from pathlib import Path

import pytest

import storylens.pipeline as pipeline
from storylens.config import Config
from storylens.pipeline import ingest_and_store
from storylens.store import Store

N = 10


def _write_corpus(root: Path) -> Path:
    d = root / "corpus"
    d.mkdir()
    for i in range(N):
        (d / f"{i:02d}.txt").write_text(
            f"Council vote {i} delayed\n\nThe city council of Brenford postponed vote number {i} on the harbour plan "
            f"after councillor Dana Whitcombe asked for {i + 3} more weeks of hearings. Mayor Ilse Navarro said the "
            f"delay would cost {100 + 7 * i} thousand pounds.\n", encoding="utf-8")
    return d


@pytest.fixture
def parsed(monkeypatch):
    """Counts the articles that reach spaCy (the expensive part)."""
    from storylens.stages import engine

    seen: list[str] = []
    real = engine.parse

    def counting(articles, nlp, **kw):
        def tap():
            for a in articles:
                seen.append(a.source_path)
                yield a
        return real(tap(), nlp, **kw)

    monkeypatch.setattr(engine, "parse", counting)
    return seen


def _interrupt_after_reading(k: int, exc: type[BaseException]):
    n = [0]

    def on_item(path: str):
        n[0] += 1
        if n[0] > k:
            raise exc("stop")
    return on_item


@pytest.mark.parametrize("exc", [KeyboardInterrupt, RuntimeError])
def test_interrupted_run_resumes_without_redoing_stored_articles(tmp_path, nlp, parsed, exc):
    corpus = _write_corpus(tmp_path)
    store = Store(tmp_path / "db.sqlite")
    config = Config(batch_size=2)

    with pytest.raises(exc):
        ingest_and_store([str(corpus)], store, config, on_item=_interrupt_after_reading(7, exc))
    first = {a.source_path for a in store.articles()}
    assert 0 < len(first) < N
    # whatever was stored is complete: every stored article has its annotations (batch = transaction)
    docs = list(store.iter_documents())
    assert len(docs) == len(first) and all(d.entities for d in docs)

    parsed.clear()
    summary = ingest_and_store([str(corpus)], store, config)
    assert summary.unchanged == len(first)
    assert summary.stored == N - len(first)
    # only the articles that were not stored reach spaCy again
    assert sorted(parsed) == sorted(str(p) for p in corpus.iterdir() if str(p) not in first)
    arts = store.articles()
    assert len(arts) == N and len({a.source_path for a in arts}) == N and len({a.id for a in arts}) == N


def test_complete_rerun_parses_nothing(tmp_path, nlp, parsed):
    corpus = _write_corpus(tmp_path)
    store = Store(tmp_path / "db.sqlite")
    ingest_and_store([str(corpus)], store, Config(batch_size=4))
    assert len(parsed) == N
    parsed.clear()
    summary = ingest_and_store([str(corpus)], store, Config(batch_size=4))
    assert (summary.stored, summary.unchanged, len(parsed)) == (0, N, 0)


def test_exact_copy_read_ahead_of_its_original_being_stored(tmp_path, nlp):
    """An exact copy met while its original is still being processed is the same input (same text, no URL):
    counted as unchanged, never stored or analysed twice."""
    corpus = _write_corpus(tmp_path)
    (corpus / "99_copy.txt").write_text((corpus / "03.txt").read_text(encoding="utf-8"), encoding="utf-8")
    store = Store(tmp_path / "db.sqlite")
    summary = ingest_and_store([str(corpus)], store, Config(batch_size=64))  # nothing stored before the end
    arts = {Path(a.source_path).name: a for a in store.articles()}
    assert (summary.stored, summary.unchanged) == (N, 1) and len(arts) == N and "99_copy.txt" not in arts


def test_same_text_under_another_url_is_a_kept_copy(tmp_path, nlp):
    """With URLs, identity is text + URL: the same wire text at two addresses is two inputs (one a copy)."""
    import json

    corpus = _write_corpus(tmp_path)
    text = (corpus / "03.txt").read_text(encoding="utf-8")
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "a.jsonl").write_text("\n".join(json.dumps({"text": text, "url": u})
                                             for u in ("https://a.example/1", "https://b.example/1")) + "\n")
    store = Store(tmp_path / "db.sqlite")
    summary = ingest_and_store([str(feed)], store, Config(batch_size=64))
    arts = store.articles()
    assert (summary.stored, summary.duplicates) == (2, 1)
    first, copy = sorted(arts, key=lambda a: a.duplicate_of or "")
    assert copy.duplicate_of == first.id and copy.url == "https://b.example/1"


class _Bar:
    def __init__(self):
        self.updates = []

    def update(self, task, **kw):
        self.updates.append(kw)


def test_progress_tracks_bytes_of_finished_files(tmp_path):
    from storylens.scale.progress import ProgressTracker, input_size

    corpus = _write_corpus(tmp_path)
    files = sorted(corpus.iterdir())
    n, total = input_size([str(corpus)])
    assert n == N and total == sum(f.stat().st_size for f in files)
    bar = _Bar()
    tr = ProgressTracker(bar, 0, total)
    for f in files:
        tr(str(f))
        tr(str(f))  # a second record of the same file does not advance the bar
    tr.finish()
    done = [u["completed"] for u in bar.updates]
    assert done == sorted(done) and done[-1] == total
    assert done[1] == 0 and done[2] == files[0].stat().st_size
    assert bar.updates[-2]["items"] == f"{2 * N} items"


def test_process_pool_gives_the_same_documents_in_order(tmp_path, nlp):
    """n_process=2 (shards parsed and annotated in worker processes) == one process, article by article."""
    from storylens.clean import clean_item
    from storylens.ingest import read_paths
    from storylens.model import to_dict

    corpus = _write_corpus(tmp_path)
    arts = [clean_item(it) for it in read_paths([str(corpus)])]
    one = [to_dict(d) for d in pipeline.process_articles(arts, Config(batch_size=3))]
    two = [to_dict(d) for d in pipeline.process_articles(arts, Config(batch_size=3, n_process=2))]
    assert [d["article"]["id"] for d in two] == [a.id for a in arts]
    assert two[0]["article"]["raw"] == arts[0].raw != ""
    assert one == two

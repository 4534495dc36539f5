"""The pipeline: ingest → clean → annotate (per article) → link → compare (across articles).

The per-article part (:func:`process_articles`) and the cross-article part
(:func:`analyze_documents`) are plain functions; the CLI, the store and the Dask
runner all call these same functions.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

from .annotate.entities import extract_entities
from .annotate.events import extract_events
from .annotate.nlp import load_nlp, parse
from .annotate.quotes import extract_quotes
from .clean import clean_item
from .clean.dedupe import Deduper
from .config import Config
from .ingest import read_paths
from .model import Analysis, Article, Document, Skip

PER_ARTICLE_STAGES = (extract_entities, extract_quotes, extract_events)


def annotate_document(doc: Document) -> Document:
    """Run the per-article stages on a parsed document."""
    for stage in PER_ARTICLE_STAGES:
        stage(doc)
    return doc


def process_articles(articles: Iterable[Article], config: Config | None = None, nlp=None) -> Iterator[Document]:
    """Per-article stages over a stream of articles (spaCy in batches through nlp.pipe), in input order.

    With ``config.n_process > 1`` shards of consecutive articles are parsed *and* annotated in a pool
    of processes (storylens.scale.pool); the Documents then come back without the spaCy Doc.
    """
    config = config or Config()
    if config.n_process > 1 and nlp is None:
        from .scale.pool import process_in_pool

        yield from process_in_pool(articles, config, config.n_process)
        return
    nlp = nlp or load_nlp(config.spacy_model)
    for doc in parse(articles, nlp, batch_size=config.batch_size):
        yield annotate_document(doc)


def analyze_documents(documents: Sequence[Document], config: Config | None = None, state: dict | None = None):
    """Cross-article stages: link actors, then stories/claims/stance/framing. Returns (Analysis, new state)."""
    from .compare import compare
    from .link.actors import link_actors
    from .positions import extract_positions

    config = config or Config()
    actors = link_actors(documents, config)
    cmp = compare(documents, actors, state or {}, config)
    analysis = Analysis(
        articles=[d.article for d in documents],
        actors=actors,
        quotes=[q for d in documents for q in d.quotes],
        events=[e for d in documents for e in d.events],
        stories=cmp.stories, claims=cmp.claims, contradictions=cmp.contradictions,
        framing=cmp.framing, coverage_gaps=cmp.coverage_gaps, topics=cmp.topics,
        positions=extract_positions(documents, actors, config),
    )
    return analysis, cmp.state


@dataclass
class RunSummary:
    read: int = 0
    stored: int = 0
    unchanged: int = 0
    duplicates: int = 0
    skipped: list[Skip] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 3 if self.skipped else 0

    def line(self) -> str:
        s = (f"read {self.read}, stored {self.stored}, unchanged {self.unchanged}, "
             f"duplicates {self.duplicates}, skipped {len(self.skipped)}")
        return s


def _source_key(article: Article) -> str:
    return hashlib.sha256(f"{article.source_path}#{article.record or ''}".encode()).hexdigest()[:8]


def ingest_and_store(paths: Sequence[str], store, config: Config | None = None,
                     on_item: Callable[[str], None] | None = None, run_id: int | None = None,
                     process: Callable[..., Iterator[Document]] | None = None) -> RunSummary:
    """Read, clean, dedupe, annotate and store new articles, one transaction per batch.

    ``process`` replaces :func:`process_articles` for the per-article stages (same signature); the
    Dask runner passes one that runs them on workers, so reading, dedupe and storing stay identical.
    """
    config = config or Config()
    summary = RunSummary()
    deduper = Deduper(config.near_duplicate_threshold)
    for aid, text in store.minhash_corpus():
        deduper.add(aid, text)
    pending_dups: list[Document] = []
    # articles handed to the per-article stages but not stored yet: an exact copy read meanwhile
    # must still count as a duplicate, however far the stages read ahead (nlp.pipe, Dask shards)
    inflight: dict[str, dict] = {}

    def skip(sk: Skip) -> None:
        summary.skipped.append(sk)
        if run_id is not None:
            store.log(run_id, sk.source_path, sk.reason)

    def fresh_articles() -> Iterator[Article]:
        for item in read_paths(paths, max_bytes=config.max_file_bytes):
            if on_item:
                on_item(item.source_path)
            if isinstance(item, Skip):
                skip(item)
                continue
            summary.read += 1
            try:
                article = clean_item(item)
            except Exception as exc:
                skip(Skip(item.source_path, f"could not clean: {type(exc).__name__}: {exc}"[:300]))
                continue
            if not article.text.strip():
                skip(Skip(item.source_path + (f"#{item.record}" if item.record else ""), "no article text left after cleaning"))
                continue
            exact = inflight.get(article.content_hash) or store.find_by_hash(article.content_hash)
            if exact is not None:
                if (exact["source_path"], exact["record"]) == (article.source_path, article.record) or \
                        store.has_hash(f"{article.content_hash}@{_source_key(article)}"):
                    summary.unchanged += 1
                    continue
                article.duplicate_of = exact["id"]
                article.content_hash = f"{article.content_hash}@{_source_key(article)}"
                article.id = hashlib.sha256(article.content_hash.encode()).hexdigest()[:12]
            else:
                article.duplicate_of = deduper.check(article.text)
            if article.duplicate_of:
                summary.duplicates += 1
                pending_dups.append(Document(article=article))
                continue
            deduper.add(article.id, article.text)
            inflight[article.content_hash] = {"id": article.id, "source_path": article.source_path,
                                              "record": article.record}
            yield article

    batch: list[Document] = []
    for doc in (process or process_articles)(fresh_articles(), config):
        batch.append(doc)
        if len(batch) >= config.batch_size:
            summary.stored += store.add_documents(batch + pending_dups, run_id)
            for d in batch:
                inflight.pop(d.article.content_hash, None)
            batch, pending_dups[:] = [], []
    summary.stored += store.add_documents(batch + pending_dups, run_id)
    return summary


def reanalyze(store, config: Config | None = None) -> Analysis:
    """Rerun the cross-article stages over everything stored and save the result."""
    config = config or Config()
    documents = list(store.iter_documents(include_duplicates=False))
    analysis, state = analyze_documents(documents, config, store.get_state("compare", {}))
    analysis.articles = store.articles(include_duplicates=True)
    store.replace_analysis(analysis, {"compare": state})
    return analysis

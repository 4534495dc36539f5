"""The pipeline: ingest → clean → annotate (per article) → link → compare (across articles).

The stages are registered by name (storylens.registry) and listed in the Config; the per-article
part (:func:`process_articles`) and the cross-article part (:func:`analyze_documents`) run that
list, and the CLI, the process pool and the Dask runner all call these same functions.

Nothing one article does can cost another one: a reader or cleaner failure is a Skip, a stage
failure is a Problem kept with the article (which is still stored with what succeeded), and a
failing cross-article stage leaves a warning while the stored articles and the export stay.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator, Sequence

from .clean import clean_item
from .clean.dedupe import Deduper
from .config import Config
from .embeddings import packaged
from .ingest import read_paths
from .model import Analysis, Article, Document, Problem, Skip
from .registry import CorpusContext, check_pipeline, load_plugins
from .stages.engine import annotate_document, is_english, process_local  # noqa: F401  (annotate_document: public)


def check_config(config: Config):
    """Resolve and check the configured stages (raises registry.PipelineError with the reason)."""
    load_plugins(config.plugins)
    return check_pipeline(config.stages, config.corpus_stages)


def process_articles(articles: Iterable[Article], config: Config | None = None, nlp=None) -> Iterator[Document]:
    """Per-article stages over a stream of articles (spaCy in batches), in input order.

    With ``config.n_process > 1`` shards of consecutive articles are parsed *and* annotated in a pool
    of processes (storylens.scale.pool); the Documents then come back without the spaCy Doc.
    """
    config = config or Config()
    if config.n_process > 1 and nlp is None:
        from .scale.pool import process_in_pool

        check_config(config)   # a bad pipeline fails here, not once in every worker
        yield from process_in_pool(articles, config, config.n_process)
        return
    yield from process_local(articles, config, nlp)


def analyze_documents(documents: Sequence[Document], config: Config | None = None, state: dict | None = None,
                      problems: list[Problem] | None = None):
    """Cross-article stages (Config.corpus_stages: link actors, then stories/claims/stance/framing).

    Returns (Analysis, new state). A stage that raises is recorded in ``problems`` (when given; else
    the error propagates) and the stages that need its output are skipped; the state is then kept as it was.
    """
    config = config or Config()
    load_plugins(config.plugins)
    _, stages = check_pipeline(config.stages, config.corpus_stages)
    # the corpus stages are English-only too: other languages are stored and listed, not compared
    docs = [d for d in documents if is_english(d.article)]
    ctx = CorpusContext(documents=docs, config=config, state=state or {})
    have = {"spacy", "sentences"} | {p for s in check_pipeline(config.stages, [])[0] for p in s.provides}
    failed = False
    for st in stages:
        missing = [r for r in st.requires if r not in have]
        if missing:
            _record(problems, Problem(st.name, f"not run: needs {', '.join(missing)}", "skipped"))
            continue
        try:
            st.func(ctx)
        except Exception as exc:
            if problems is None:
                raise
            failed = True
            problems.append(Problem(st.name, f"cross-article stage failed: {type(exc).__name__}: {exc}"[:300]))
            continue
        finally:
            release_memory()
        have.update(st.provides)
    cmp = ctx.comparison
    analysis = Analysis(
        articles=[d.article for d in documents],
        actors=ctx.actors,
        quotes=[q for d in documents for q in d.quotes],
        events=[e for d in documents for e in d.events],
        positions=ctx.positions,
    )
    if cmp is not None:
        analysis.stories, analysis.claims, analysis.contradictions = cmp.stories, cmp.claims, cmp.contradictions
        analysis.framing, analysis.coverage_gaps = cmp.framing, cmp.coverage_gaps
        analysis.topics = cmp.topics
    new_state = ctx.new_state if (ctx.new_state is not None and not failed) else (state or {})
    return analysis, new_state


@lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (macOS, musl, Windows)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        lib = ctypes.CDLL(name) if name else None
    except OSError:     # no loadable C library by that name: nothing to hand back, nothing wrong
        return None
    return getattr(lib, "malloc_trim", None)


def release_memory() -> None:
    """Hand the heap pages a cross-article stage freed back to the system. The stages' transients (the
    story grouping's article representations, the views, the parses) are freed when a stage ends, but
    glibc keeps the freed pages mapped, so the process's resident memory kept the high-water mark of
    every stage so far and the next stage's arrays came on top of it."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _record(problems, p: Problem) -> None:
    if problems is not None:
        problems.append(p)


@dataclass
class RunSummary:
    read: int = 0
    stored: int = 0
    unchanged: int = 0
    duplicates: int = 0
    versions: int = 0                                   # edited articles stored as a new version
    skipped: list[Skip] = field(default_factory=list)
    # (source, Problem) for every article a stage failed on, or that was only partly analysed
    problems: list[tuple[str, Problem]] = field(default_factory=list)
    not_english: int = 0
    warnings: list[Problem] = field(default_factory=list)  # run-level: cross-article stages, report

    @property
    def errors(self) -> list[tuple[str, Problem]]:
        return [(s, p) for s, p in self.problems if p.level in ("error", "warning")]

    @property
    def exit_code(self) -> int:
        return 3 if (self.skipped or self.errors or self.warnings) else 0

    def line(self) -> str:
        s = (f"read {self.read}, stored {self.stored}, unchanged {self.unchanged}, "
             f"duplicates {self.duplicates}, skipped {len(self.skipped)}")
        if self.versions:
            s += f", new versions {self.versions}"
        failed = sum(1 for _, p in self.errors if p.level == "error")
        if failed:
            s += f", stage errors {failed}"
        if len(self.errors) > failed:
            s += f", partly analysed {len(self.errors) - failed}"
        if self.not_english:
            s += f", not in English {self.not_english}"
        return s


def _url_key(url: str | None) -> str:
    return hashlib.sha256((url or "").encode()).hexdigest()[:8]


def source_label(article: Article) -> str:
    return article.source_path + (f"#{article.record}" if article.record else "")


def ingest_and_store(paths: Sequence[str], store, config: Config | None = None,
                     on_item: Callable[[str], None] | None = None, run_id: int | None = None,
                     process: Callable[..., Iterator[Document]] | None = None,
                     summary: RunSummary | None = None) -> RunSummary:
    """Read, clean, dedupe, annotate and store new articles, one transaction per batch.

    An input's identity is its cleaned text plus its URL when it has one (never the spelling of its
    path): the same text from ``./a.txt`` and ``/abs/a.txt`` is one article. The same URL with a new
    text is an edited article: stored as a new version and analysed, the older one marked
    ``superseded_by``.

    ``process`` replaces :func:`process_articles` for the per-article stages (same signature); the
    Dask runner passes one that runs them on workers, so reading, dedupe and storing stay identical.
    ``summary`` (optional) is filled as the run goes, so a caller keeps the counts if the run stops.
    """
    config = config or Config()
    check_config(config)
    summary = summary if summary is not None else RunSummary()
    deduper = Deduper(config.near_duplicate_threshold, store=store)
    parses = store.parse_cache(config)
    # sentence vectors made by pool or Dask workers for the cross-article stages: stored with their
    # articles, read back (not encoded again) by those stages, in this run and every later one
    vectors = store.embedding_cache(config) if packaged(config) else None
    pending_dups: list[Document] = []
    # articles handed to the per-article stages but not stored yet: an exact copy read meanwhile
    # must still count as a duplicate, however far the stages read ahead (nlp.pipe, Dask shards)
    inflight: dict[str, dict] = {}
    inflight_urls: dict[str, dict] = {}
    supersede: dict[str, str] = {}      # old article id -> new version id, applied once the new one is stored

    def skip(sk: Skip) -> None:
        summary.skipped.append(sk)
        if run_id is not None:
            store.log(run_id, sk.source_path, sk.reason)

    def same_input(exact: dict, article: Article) -> bool:
        return article.url is None or exact.get("url") == article.url

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
                if same_input(exact, article) or store.has_hash(f"{article.content_hash}@{_url_key(article.url)}") \
                        or f"{article.content_hash}@{_url_key(article.url)}" in inflight:
                    summary.unchanged += 1
                    continue
                # the same text under another URL: kept, as a copy of the first
                article.duplicate_of = exact["id"]
                article.content_hash = f"{article.content_hash}@{_url_key(article.url)}"
                article.id = hashlib.sha256(article.content_hash.encode()).hexdigest()[:12]
            older = None
            if article.url and not article.duplicate_of:
                older = inflight_urls.get(article.url) or store.find_by_url(article.url)
            if older is not None:
                # an edited article: analysed again, never a near-duplicate of the version it replaces
                supersede[older["id"]] = article.id
                summary.versions += 1
                article.duplicate_of = deduper.check(article.text, exclude={older["id"]})
            elif not article.duplicate_of:
                article.duplicate_of = deduper.check(article.text)
            if article.duplicate_of:
                summary.duplicates += 1
                pending_dups.append(Document(article=article))
                continue
            deduper.add(article.id, article.text)
            if older is not None:
                deduper.remove(older["id"])
            info = {"id": article.id, "source_path": article.source_path, "record": article.record, "url": article.url}
            inflight[article.content_hash] = info
            if article.url:
                inflight_urls[article.url] = info
            yield article

    def flush(batch: list[Document]) -> None:
        docs = batch + pending_dups
        for d in docs:
            for p in d.problems:
                summary.problems.append((source_label(d.article), p))
                if p.level == "skipped" and p.stage == "language":
                    summary.not_english += 1
                if run_id is not None:
                    store.log(run_id, source_label(d.article), f"{p.stage}: {p.message}", level=p.level)
        summary.stored += store.add_documents(docs, run_id)
        parses.put_many({t: b for d in docs for t, b in d._parses.items()})
        if vectors is not None:
            vectors.put_many({t: v for d in docs for t, v in d._vectors.items()})
        for d in docs:
            d._parses, d._vectors = {}, {}
        done = {d.article.id for d in docs}
        deduper.flush(done)   # the stored articles join the store's near-duplicate index
        for old, new in list(supersede.items()):
            if new in done:
                store.mark_superseded(old, new)
                del supersede[old]
        for d in batch:
            inflight.pop(d.article.content_hash, None)
            if d.article.url and inflight_urls.get(d.article.url, {}).get("id") == d.article.id:
                inflight_urls.pop(d.article.url, None)
        pending_dups.clear()

    batch: list[Document] = []
    for doc in (process or process_articles)(fresh_articles(), config):
        doc._spacy = None   # the parse is not kept once the stages are done; memory stays flat
        batch.append(doc)
        if len(batch) >= config.batch_size:
            flush(batch)
            batch = []
    flush(batch)
    return summary


def reanalyze(store, config: Config | None = None, problems: list[Problem] | None = None) -> Analysis:
    """Rerun the cross-article stages over everything stored and save the result.

    With ``problems`` given, a failing cross-article stage is recorded there and what the other
    stages made is still saved (the articles, quotes and events are never lost).
    """
    config = config or Config()
    # the corpus stages read no article's raw text (see Store.iter_documents)
    documents = list(store.iter_documents(include_duplicates=False, raw=False))
    caches = {"embed_cache": store.embedding_cache(config), "parse_cache": store.parse_cache(config)}
    analysis, state = analyze_documents(documents, replace(config, **caches),
                                        store.get_state("compare", {}), problems)
    # the analysis keeps the quotes and events; what only the documents held (sentences, entities) goes
    # before every article is read again (with its raw text) for the export, which shares their texts
    texts = {d.article.id: d.article.text for d in documents}
    del documents
    analysis.articles = store.articles(include_duplicates=True)
    for a in analysis.articles:
        t = texts.get(a.id)
        if t is not None and t == a.text:
            a.text = t
    del texts
    store.replace_analysis(analysis, {"compare": state})
    return analysis

"""Running the per-article stages: parse, then each configured stage, one article's failure kept to it.

This is the loop the main process, every process of the local pool and every Dask worker run
(``storylens.pipeline.process_articles`` dispatches to one of them). It knows stages only through
the registry, so a stage added by configuration runs everywhere without a change here.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Sequence

from ..annotate.nlp import cut_point, load_nlp, parse
from ..config import Config
from ..model import Article, Document, Problem
from ..registry import PARSE_PROVIDES, Stage, check_pipeline, load_plugins, spacy_components


def language(article: Article) -> str | None:
    lang = getattr(article, "language", None)
    return lang or None


def is_english(article: Article) -> bool:
    lang = language(article)
    return lang is None or lang.replace("_", "-").split("-")[0].lower() == "en"


def article_stages(config: Config) -> list[Stage]:
    load_plugins(config.plugins)
    return check_pipeline(config.stages, [])[0]


def nlp_for(config: Config, stages: Sequence[Stage]):
    """The spaCy pipeline with only the components the stages read (all of them unless each stage says)."""
    keep = spacy_components(stages)
    if keep is None:
        return load_nlp(config.spacy_model)
    full = load_nlp(config.spacy_model)
    drop = tuple(sorted(set(full.component_names) - set(keep)))
    return load_nlp(config.spacy_model, drop) if drop else full


def annotate_document(doc: Document, stages: Sequence[Stage] | None = None) -> Document:
    """Run the stages on one parsed document. A stage that raises leaves a Problem and an empty result;
    the stages that need its output are skipped (with a reason) and the others still run."""
    if stages is None:
        stages = article_stages(Config())
    have: set[str] = set(PARSE_PROVIDES) if doc._spacy is not None else ({"sentences"} if doc.sentences else set())
    english = is_english(doc.article)
    not_run: list[str] = []
    for st in stages:
        if st.english_only and not english:
            not_run.append(st.name)
            continue
        missing = [r for r in st.requires if r not in have]
        if missing:
            doc.problems.append(Problem(st.name, f"not run: needs {', '.join(missing)}", "skipped"))
            continue
        try:
            st.func(doc)
        except Exception as exc:  # the article keeps what the other stages found; the run goes on
            st.reset(doc)
            doc.problems.append(Problem(st.name, f"{type(exc).__name__}: {exc}"[:300]))
            continue
        have.update(st.provides)
    if not_run:
        doc.problems.append(Problem("language", f"language {language(doc.article)!r}: English-only stages not run "
                                                f"({', '.join(not_run)})", "skipped"))
    return doc


def _batches(items: Iterable, n: int) -> Iterator[list]:
    batch: list = []
    for x in items:
        batch.append(x)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


def _process_batch(batch: list[Article], nlp, stages: Sequence[Stage], config: Config) -> Iterator[Document]:
    todo, cut_at = [], {}
    for a in batch:
        if not is_english(a):
            continue   # the English model is not run on other languages; the article is stored as is
        if len(a.text) > config.max_article_chars:
            # the stages see only the beginning; the stored article keeps its whole text
            cut = cut_point(a.text, config.max_article_chars)
            cut_at[id(a)] = (a.text, cut)
            a.text = a.text[:cut]
        todo.append(a)
    docs = {id(d.article): d for d in parse(todo, nlp, batch_size=config.batch_size, chunk_chars=config.chunk_chars)}
    for a in batch:
        doc = docs.get(id(a)) or Document(article=a)
        annotate_document(doc, stages)
        if id(a) in cut_at:
            full, cut = cut_at[id(a)]
            a.text = full
            doc.problems.append(Problem("parse", f"article of {len(full):,} characters: only the first {cut:,} "
                                                 f"were annotated (Config.max_article_chars)", "warning"))
        yield doc


def process_local(articles: Iterable[Article], config: Config | None = None, nlp=None) -> Iterator[Document]:
    """Parse and annotate a stream of articles in this process, in input order, in batches."""
    config = config or Config()
    stages = article_stages(config)
    nlp = nlp or nlp_for(config, stages)
    for batch in _batches(articles, max(1, config.batch_size)):
        yield from _process_batch(batch, nlp, stages, config)

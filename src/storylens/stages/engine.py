"""Running the per-article stages: parse, then each configured stage, one article's failure kept to it.

This is the loop the main process, every process of the local pool and every Dask worker run
(``storylens.pipeline.process_articles`` dispatches to one of them). It knows stages only through
the registry, so a stage added by configuration runs everywhere without a change here.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Iterable, Iterator, Sequence

from ..annotate.nlp import cut_point, load_nlp, parse, split_text
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


_OFFSET = re.compile(r"^(start|end|.+_start|.+_end)$")
_LOCAL = re.compile(r"^([A-Za-z]+)(\d+)$")


class _Merge:
    """Folds the Documents of an article's pieces into one: offsets shifted into the whole text, local
    ids renumbered ("<article_id>:E<n>", ":Q<n>", ...), entities of the same name and type joined."""

    def __init__(self, article: Article):
        self.doc = Document(article=article)
        self.counters: dict[str, int] = {}
        self.by_name: dict[tuple[str, str], object] = {}

    def _new_id(self, suffix: str, piece: int) -> str:
        m = _LOCAL.match(suffix)
        if not m:
            return f"{self.doc.article.id}:{suffix}.{piece}"
        n = self.counters[m.group(1)] = self.counters.get(m.group(1), 0) + 1
        return f"{self.doc.article.id}:{m.group(1)}{n}"

    def add(self, part: Document, offset: int, piece: int) -> None:
        tmp = part.article.id
        ids: dict[str, str] = {tmp: self.doc.article.id}

        def map_id(v: str) -> str:
            if v in ids:
                return ids[v]
            if v.startswith(tmp + ":"):
                ids[v] = self._new_id(v[len(tmp) + 1:], piece)
                return ids[v]
            return v

        def shift(obj) -> None:
            for f in dataclasses.fields(obj):
                v = getattr(obj, f.name)
                if isinstance(v, int) and not isinstance(v, bool) and _OFFSET.match(f.name):
                    setattr(obj, f.name, v + offset)
                elif isinstance(v, str):
                    setattr(obj, f.name, map_id(v))
                elif dataclasses.is_dataclass(v):
                    shift(v)
                elif isinstance(v, list):
                    for i, x in enumerate(v):
                        if dataclasses.is_dataclass(x):
                            shift(x)
                        elif isinstance(x, str):
                            v[i] = map_id(x)

        for e in part.entities:          # one entity per name and type in the whole article
            same = self.by_name.get((e.name, e.type))
            if same is not None:
                ids[e.id] = same.id
        for e in part.entities:
            shift(e)
            same = self.by_name.get((e.name, e.type))
            if same is not None and same is not e and same.id == e.id:
                same.mentions.extend(e.mentions)
                same.roles.extend(r for r in e.roles if r not in same.roles)
            else:
                self.by_name[(e.name, e.type)] = e
                self.doc.entities.append(e)
        for name in ("sentences", "quotes", "events"):
            items = getattr(part, name)
            for x in items:
                shift(x)
            getattr(self.doc, name).extend(items)
        self.doc._parses.update(part._parses)
        for p in part.problems:
            if all((p.stage, p.message) != (q.stage, q.message) for q in self.doc.problems):
                self.doc.problems.append(p)
        for k, v in part.extras.items():
            have = self.doc.extras.get(k)
            if have is None:
                self.doc.extras[k] = v
            elif isinstance(v, (int, float)) and isinstance(have, (int, float)):
                self.doc.extras[k] = have + v
            elif isinstance(v, list) and isinstance(have, list):
                have.extend(v)


def _process_long(article: Article, nlp, stages: Sequence[Stage], config: Config) -> Document:
    """An article longer than chunk_chars: parsed *and* annotated piece by piece (cut at paragraph, line or
    sentence ends), so time and memory grow linearly with its length whatever each stage costs."""
    merge = _Merge(article)
    pos = 0
    for k, piece in enumerate(split_text(article.text, config.chunk_chars)):
        part_article = dataclasses.replace(article, id=f"{article.id}~{k}", text=piece, raw="", removed=[])
        part = next(parse([part_article], nlp, batch_size=1, chunk_chars=config.chunk_chars))
        annotate_document(part, stages)
        part._spacy = None
        merge.add(part, pos, k)
        pos += len(piece)
    return merge.doc


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
        if len(a.text) <= config.chunk_chars:
            todo.append(a)
    docs = {id(d.article): d for d in parse(todo, nlp, batch_size=config.batch_size, chunk_chars=config.chunk_chars)}
    for a in batch:
        if id(a) in docs or not is_english(a):
            doc = docs.get(id(a)) or Document(article=a)
            annotate_document(doc, stages)
        else:
            doc = _process_long(a, nlp, stages, config)
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

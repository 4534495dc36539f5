"""Registries of pipeline stages and input readers, in the spirit of spaCy's components.

A **stage** is a plain function registered by name with what it ``requires`` and ``provides``:

- ``scope="article"``: ``fn(doc: Document) -> None`` fills fields of one Document; it runs in the
  main process, in each process of the local pool and on Dask workers alike.
- ``scope="corpus"``: ``fn(ctx: CorpusContext) -> None`` works over every stored document
  (linking, comparison) and writes its results on the context.

The pipeline is the list of stage names in :class:`storylens.config.Config` (``stages`` and
``corpus_stages``); :func:`check_pipeline` resolves and checks it at start-up, so a missing
requirement or an unknown name stops the run before any work with a message that names both.
A name of the form ``"package.module:name"`` imports that module first, which is how a stage that
lives outside the package joins with one line of configuration.

A **reader** turns one file into RawItems or Skips and is registered by file suffix
(``@reader(".foo")``); ``storylens.ingest`` dispatches on this table.

This module imports nothing of the package except the data model, so every other module may import it.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

# What the spaCy step gives every article before the first stage runs.
PARSE_PROVIDES = ("spacy", "sentences")
# Document fields a failed stage is reset to, so a half-written result never reaches the store.
_DOC_FIELDS = ("sentences", "entities", "quotes", "events")


class PipelineError(ValueError):
    """The configured pipeline cannot run (unknown stage, requirement not provided, bad order)."""


@dataclass(frozen=True)
class Stage:
    name: str
    func: Callable[..., Any]
    scope: str = "article"                 # article | corpus
    requires: tuple[str, ...] = ()
    provides: tuple[str, ...] = ()
    english_only: bool = False             # skipped (with a reason) for articles in another language
    spacy_components: tuple[str, ...] | None = None  # spaCy pipes this stage reads; None: all of them

    def reset(self, target) -> None:
        """Undo a partial result after a failure: what this stage provides goes back to empty."""
        for p in self.provides:
            if p in _DOC_FIELDS and hasattr(target, p):
                setattr(target, p, [])


STAGES: dict[str, Stage] = {}


def stage(name: str, *, scope: str = "article", requires: Iterable[str] = (), provides: Iterable[str] = (),
          english_only: bool = False, spacy_components: Iterable[str] | None = None):
    """Decorator: register ``fn`` as the stage ``name``."""
    if scope not in ("article", "corpus"):
        raise ValueError(f"stage {name!r}: scope must be 'article' or 'corpus', not {scope!r}")

    def deco(fn):
        STAGES[name] = Stage(name, fn, scope, tuple(requires), tuple(provides), english_only,
                             None if spacy_components is None else tuple(spacy_components))
        return fn
    return deco


def _builtin() -> None:
    from . import stages  # noqa: F401  (registers the stages shipped with the package)


def get_stage(name: str) -> Stage:
    _builtin()
    if name not in STAGES and ":" in name:
        module, _, _ = name.partition(":")
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise PipelineError(f"stage {name!r}: cannot import {module}: {exc}") from exc
    key = name if name in STAGES else name.partition(":")[2] or name
    if key not in STAGES:
        known = ", ".join(sorted(STAGES))
        raise PipelineError(f"unknown stage {name!r} (registered: {known})")
    return STAGES[key]


def check_pipeline(article_stages: Sequence[str], corpus_stages: Sequence[str] = ()) -> tuple[list[Stage], list[Stage]]:
    """Resolve the configured names and check that every requirement is provided by an earlier stage."""
    have = set(PARSE_PROVIDES)
    resolved: list[list[Stage]] = [[], []]
    for i, (names, scope) in enumerate(((article_stages, "article"), (corpus_stages, "corpus"))):
        for name in names:
            st = get_stage(name)
            if st.scope != scope:
                raise PipelineError(f"stage {name!r} works on the {st.scope}, but is listed among the {scope} stages")
            missing = [r for r in st.requires if r not in have]
            if missing:
                later = {p: s.name for s in STAGES.values() for p in s.provides if p in missing}
                hints = [f"{m!r} is provided by {later[m]!r}, which must come before it" if m in later
                         else f"no registered stage provides {m!r}" for m in missing]
                raise PipelineError(f"stage {name!r} cannot run: {'; '.join(hints)} "
                                    f"(pipeline: {', '.join(list(article_stages) + list(corpus_stages))})")
            have.update(st.provides)
            resolved[i].append(st)
    return resolved[0], resolved[1]


def spacy_components(stages: Sequence[Stage]) -> tuple[str, ...] | None:
    """The spaCy pipes the stages read (None: keep every pipe of the model)."""
    need: set[str] = set()
    for st in stages:
        if st.spacy_components is None:
            return None
        need.update(st.spacy_components)
    return tuple(sorted(need))


# ---- readers -------------------------------------------------------------------------------------------
Reader = Callable[..., Any]   # reader(path, max_bytes=...) -> Iterator[RawItem | Skip]
READERS: dict[str, Reader] = {}


def reader(*suffixes: str):
    """Decorator: register a reader for files ending in these suffixes (".foo"; ".gz" is looked through)."""
    def deco(fn):
        for s in suffixes:
            READERS[s.lower() if s.startswith(".") else "." + s.lower()] = fn
        return fn
    return deco


def load_plugins(modules: Iterable[str]) -> None:
    """Import modules that register stages or readers (Config.plugins)."""
    for m in modules:
        try:
            importlib.import_module(m)
        except ImportError as exc:
            raise PipelineError(f"plugin {m!r} cannot be imported: {exc}") from exc


@dataclass
class CorpusContext:
    """What the corpus stages share: the documents, the run's settings, and what earlier stages made."""
    documents: list
    config: Any
    state: dict = field(default_factory=dict)      # kept by the store between runs
    actors: list = field(default_factory=list)
    comparison: Any = None
    positions: list = field(default_factory=list)
    new_state: dict | None = None
    problems: list = field(default_factory=list)

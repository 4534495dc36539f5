"""Registration of the built-in stages: the functions live where they always did; this module only
says what each one needs and gives."""
from __future__ import annotations

from functools import lru_cache

from ..registry import CorpusContext, stage


@stage("entities", requires=("spacy",), provides=("entities",), english_only=True)
def entities(doc) -> None:
    from ..annotate.entities import extract_entities

    extract_entities(doc)


@stage("quotes", requires=("spacy", "entities"), provides=("quotes",), english_only=True)
def quotes(doc) -> None:
    from ..annotate.quotes import extract_quotes

    extract_quotes(doc)


# events read the quotes to tell reported speech from what the outlet itself asserts
@stage("events", requires=("spacy", "entities", "quotes"), provides=("events",), english_only=True)
def events(doc) -> None:
    from ..annotate.events import extract_events

    extract_events(doc)


@stage("parses", requires=("spacy", "sentences"), provides=("sentence_parses",), english_only=True)
def parses(doc) -> None:
    """Packed parses of the sentences the cross-article stages will read (those holding a claim, framing
    or position cue), cut from the article's own parse: stored once, never parsed again."""
    from ..compare.context import _split_lines
    from ..text.parses import pack_doc

    cue = _parse_cues()
    text = doc.article.text
    for s in _split_lines(doc.sentences, text):
        if s.text in doc._parses or not cue(s.text):
            continue
        span = doc._spacy.char_span(s.start, s.end, alignment_mode="expand")
        if span is not None and span.text == s.text:
            doc._parses[s.text] = pack_doc(span)


@lru_cache(maxsize=1)
def _parse_cues():
    """The cue patterns of the claim, framing and position stages, looked for before keeping a parse."""
    from ..compare.claims import _cue_prefixes, claims_file
    from ..compare.framing import _cue_pattern
    from ..positions.extract import _prefilter

    pats = (_cue_prefixes(claims_file("predicates.tsv")), _cue_pattern(), _prefilter())
    return lambda t: any(p.search(t) for p in pats)


@stage("link", scope="corpus", requires=("entities",), provides=("actors",))
def link(ctx: CorpusContext) -> None:
    from ..link.actors import link_actors

    ctx.actors = link_actors(ctx.documents, ctx.config)


@stage("compare", scope="corpus", requires=("actors", "sentences"),
       provides=("topics", "stories", "claims", "contradictions", "framing", "coverage_gaps"))
def compare(ctx: CorpusContext) -> None:
    from ..compare import compare as run_compare

    ctx.comparison = run_compare(ctx.documents, ctx.actors, ctx.state, ctx.config)
    ctx.new_state = ctx.comparison.state


@stage("positions", scope="corpus", requires=("actors", "quotes", "events"), provides=("positions",))
def positions(ctx: CorpusContext) -> None:
    from ..positions import extract_positions

    ctx.positions = extract_positions(ctx.documents, ctx.actors, ctx.config)

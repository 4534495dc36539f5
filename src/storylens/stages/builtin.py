"""Registration of the built-in stages: the functions live where they always did; this module only
says what each one needs and gives."""
from __future__ import annotations

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

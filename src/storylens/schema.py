"""The JSON Schema of analysis.json, generated from the dataclasses in storylens.model.

The schema is built at run time from the dataclasses, so a field added to the model appears in
it (and in `storylens schema`) without another edit. Field descriptions come from the table below or,
for fields it does not name, from the comment on the field's line in model.py; fields with a fixed vocabulary
(storylens.vocab) become enums. ``SCHEMA_VERSION`` is written into every analysis.json:
the minor number grows when fields are added, the major number when a field changes meaning
or disappears.
"""
from __future__ import annotations

import dataclasses
import inspect
import re
import types
import typing
from functools import lru_cache
from typing import Any

SCHEMA_VERSION = "1.0"
SCHEMA_ID = f"urn:storylens:analysis:{SCHEMA_VERSION}"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Fields the model keeps but analysis.json leaves out (the raw text stays in the database;
# each removed span carries its own text).
EXPORT_OMITS: dict[str, set[str]] = {"Article": {"raw"}}

# Descriptions for fields whose line in model.py carries no comment. Keyed by field name, or by
# "Class.field" where the same name means different things.
DESCRIPTIONS: dict[str, str] = {
    "Event.source_entity": "Article-local entity id of the source (\"<article_id>:E<n>\"), set by the event stage; "
                           "`source` is the global actor it links to.",
    "Event.target_entity": "Article-local entity id of the target; `target` is the global actor it links to.",
    "Event.reported_by_entity": "Article-local entity id of whoever reports the event (the speaker of the quote "
                                "or speech frame it sits in); `reported_by` is the global actor.",
    "Event.source_code": "CAMEO actor code of the source (e.g. RUSGOV, HUN, IGOUNO), whenever the coder knows it, "
                         "also for groups with no canonical actor.",
    "Event.target_code": "CAMEO actor code of the target (e.g. UKRGOV, RUS), whenever the coder knows it.",
    "Event.source_country": "Country of the source: the first three letters of its code (ISO-3166 alpha-3, or IGO/NGO).",
    "Event.target_country": "Country of the target: the first three letters of its code (ISO-3166 alpha-3, or IGO/NGO).",
    "Position.outlet": "Outlet of the article the position was read in.",
    "Quote.speaker_entities": "Article-local entity ids of every source of a coordinated subject "
                              "(\"Putin and Lavrov said\"), the first being `speaker_entity`.",
    "Quote.speakers": "Global actor ids of every source of a coordinated subject, the first being `speaker`.",
    "Topic.title": "Short title of the topic (the running crisis or subject).",
    "Topic.story_ids": "Stories that belong to this topic.",
    "Topic.article_ids": "Articles in this topic's stories.",
    "id": "Stable identifier of this item.",
    "article_id": "Id of the article the item comes from; `start`/`end` are offsets into that article's `text`.",
    "start": "Start offset (characters, 0-based) into the article's cleaned `text`.",
    "end": "End offset (exclusive) into the article's cleaned `text`.",
    "text": "The exact text covered by `start`/`end`.",
    "Article.text": "Cleaned article body; every offset of every item points into this string.",
    "Article.source_path": "The file the article was read from.",
    "Article.url": "The article's URL when the source gave one.",
    "Article.title": "Headline.",
    "Article.outlet": "Publishing outlet (site or name) when known.",
    "Article.author": "Byline when known.",
    "Article.removed": "Spans of the raw page that cleaning removed (boilerplate, captions, ...), with the reason.",
    "Article.duplicate_of": "Id of the earlier article this one nearly duplicates, or null.",
    "Article.kind": "Which reader produced the article.",
    "Article.record": "Position inside a container file (line number, feed entry, WARC offset), or null.",
    "Article.content_hash": "Hash of the cleaned text; identifies the same article across runs.",
    "Removed.start": "Start offset into the raw text (before cleaning).",
    "Removed.end": "End offset (exclusive) into the raw text.",
    "Removed.reason": "Why the cleaner removed this span (e.g. 'photo caption', 'title (metadata)').",
    "Actor.name": "Canonical name.",
    "Actor.type": "Entity type (OntoNotes labels).",
    "Actor.aliases": "Other names the actor goes by in the corpus or the knowledge base.",
    "Actor.roles": "Roles and titles seen with the actor (e.g. 'president').",
    "Actor.country": "ISO-3166 alpha-3 country the actor belongs to, or null.",
    "Actor.code": "CAMEO-style actor code (e.g. RUSGOV), or null.",
    "Actor.mentions": "Every place the actor is named, across all articles.",
    "Actor.warnings": "Doubts the linker recorded about this actor (e.g. a possible merge).",
    "Article.published": "Publication date (ISO YYYY-MM-DD), or null when unknown.",
    "Actor.id": "Stable slug (e.g. 'vladimir-putin'); the same actor keeps its id across runs.",
    "Quote.id": "'<article_id>:Q<n>'.",
    "Quote.kind": "direct: the words in quote marks; partial: a quoted fragment inside reported speech; "
                  "indirect: reported speech without marks; scare: marks around a term nobody is quoted saying.",
    "Quote.speaker": "Actor id of the speaker, or null when the speaker is not a known actor (see `speaker_text`).",
    "Quote.text": "The quoted words (without the quote marks).",
    "Mention.kind": "How the actor is named here: full name, surname alone, title, metonym ('the Kremlin'), "
                    "pronoun, or description.",
    "Event.id": "'<article_id>:V<n>'.",
    "Event.start": "Start offset of the event's sentence.",
    "Event.end": "End offset (exclusive) of the event's sentence.",
    "Event.type": "PLOVER event type.",
    "Event.cameo": "CAMEO event code (e.g. '036' express intent to meet), or null.",
    "Event.mode": "How the sentence asserts the event: asserted, negated (did not happen), intended (planned, "
                  "threatened, offered), hypothetical (conditional) or reported (someone's claim).",
    "Event.source": "Actor id of the one who acts, or null when not a known actor (see `source_text`).",
    "Event.target": "Actor id of the one acted upon, or null when not a known actor (see `target_text`).",
    "Event.date": "Date of the event (ISO; 'YYYY', 'YYYY-MM' when only that is known), or null.",
    "Event.date_text": "The words the date was read from (e.g. 'last Tuesday').",
    "Event.reported_by": "Actor id (or the words naming someone) when the event is told in someone's speech.",
    "Story.id": "'S<n>'; never renumbered, so a story keeps its id as articles are added.",
    "ClaimStance.stance": "agree: the article supports the claim; disagree: it denies it; discuss: it reports it "
                          "without taking a side.",
    "LoadedTerm.voice": "outlet: the article's own words; attributed: words of someone the article quotes.",
    "Quote.speaker_text": "The words naming the speaker in the article.",
    "Quote.speaker_start": "Start offset of `speaker_text`.",
    "Quote.speaker_end": "End offset of `speaker_text`.",
    "Quote.cue": "The reporting verb or phrase that attributes the quote (said, told, according to).",
    "Quote.sentence": "The sentence holding the quote.",
    "Quote.start": "Start offset of the quoted words.",
    "Quote.end": "End offset of the quoted words.",
    "Event.sentence": "The sentence the event was coded from.",
    "Event.source_text": "Words naming the source actor in the sentence.",
    "Event.target_text": "Words naming the target actor in the sentence.",
    "Event.trigger": "The verb or noun that carries the event.",
    "Event.location": "Place the event happened, when the sentence says.",
    "Event.confidence": "Coder confidence in [0, 1], when the coder gives one.",
    "Story.title": "Short title of the story.",
    "Story.article_ids": "Articles that cover this story.",
    "Story.summary": "Briefing: sentences quoted from the articles, each with its place.",
    "Claim.story_id": "The story the claim belongs to.",
    "Claim.text": "The claim in words taken from one article.",
    "Claim.stances": "Each article's stance toward the claim, with the sentence that shows it.",
    "Claim.actors": "Actor ids the claim is about.",
    "Claim.outlets": "Outlets that report the claim.",
    "ClaimStance.outlet": "Outlet of the article.",
    "Contradiction.claim_id": "The claim on which two articles contradict each other.",
    "Contradiction.a": "One side: an article's stance and the sentence that shows it.",
    "Contradiction.b": "The other side.",
    "Contradiction.score": "Strength of the contradiction in [0, 1].",
    "Contradiction.reason": "Why the two sides are taken to contradict each other, in words.",
    "Framing.actor_id": "The actor the framing is about.",
    "Framing.responsibility": "How much the article casts this actor as the obstacle, in [-1, 1].",
    "Framing.tone": "Tone of the article toward the actor, in [-1, 1].",
    "Framing.loaded_terms": "Loaded words the article uses about the actor.",
    "Framing.evidence": "Sentences the scores rest on.",
    "Framing.outlet": "Outlet of the article.",
    "LoadedTerm.term": "The loaded word or phrase.",
    "LoadedTerm.attributed_to": "Who the article quotes using the term, when voice is 'attributed'.",
    "CoverageGap.claim_id": "A claim that only some of the story's outlets report.",
    "CoverageGap.text": "The claim's text.",
    "CoverageGap.outlets": "Outlets that report it.",
    "CoverageGap.reason": "Why it counts as a gap, in words.",
    "story_id": "Id of the story.",
    "Analysis.articles": "Every stored article, duplicates included (see `duplicate_of`).",
    "Analysis.actors": "Canonical actors across the corpus, with every mention.",
    "Analysis.quotes": "Quotes with their speakers.",
    "Analysis.events": "Coded political events: who did what to whom, when and where.",
    "Analysis.stories": "Stories: groups of articles about one real-world event or development.",
    "Analysis.claims": "Claims within each story and how each article stands on them.",
    "Analysis.contradictions": "Pairs of articles that contradict each other on a claim.",
    "Analysis.framing": "How each article frames each actor in a story (responsibility, tone, loaded terms).",
    "Analysis.coverage_gaps": "Claims that some of a story's outlets report and others leave out.",
    "Mention.text": "The words naming the actor.",
}

_COMMENT = re.compile(r"^\s+(\w+)\s*:[^#]*#\s*(.+?)\s*$")
_NULL = {"type": "null"}


def _model():
    from . import model

    return model


@lru_cache(maxsize=None)
def _field_comments(cls) -> dict[str, str]:
    """Comments on the field lines of a dataclass's source (`name: type = x  # comment`)."""
    try:
        src = inspect.getsource(cls)
    except (OSError, TypeError):
        return {}
    out = {}
    for line in src.splitlines()[1:]:
        m = _COMMENT.match(line)
        if m and m.group(1) not in out:
            out[m.group(1)] = m.group(2)
    return out


def _description(cls, name: str) -> str | None:
    """The table's entry for Class.field, else the field's comment in model.py, else the entry for the name."""
    comment = _field_comments(cls).get(name)
    if comment:
        comment = comment[0].upper() + comment[1:]
    return DESCRIPTIONS.get(f"{cls.__name__}.{name}") or comment or DESCRIPTIONS.get(name)


def exported_fields(cls) -> list[dataclasses.Field]:
    """The fields of a dataclass that analysis.json carries."""
    omit = EXPORT_OMITS.get(cls.__name__, set())
    return [f for f in dataclasses.fields(cls) if not f.name.startswith("_") and f.name not in omit]


def _type_schema(tp, defs: dict) -> dict:
    origin = typing.get_origin(tp)
    if tp is Any:
        return {}
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        parts = [_type_schema(a, defs) for a in args if a is not type(None)]
        nullable = any(a is type(None) for a in args)
        if len(parts) == 1 and not nullable:
            return parts[0]
        return {"anyOf": parts + ([_NULL] if nullable else [])}
    if origin in (list, tuple, set, frozenset):
        args = typing.get_args(tp)
        return {"type": "array", "items": _type_schema(args[0], defs) if args else {}}
    if origin is dict:
        args = typing.get_args(tp)
        return {"type": "object", "additionalProperties": _type_schema(args[1], defs) if len(args) == 2 else {}}
    if dataclasses.is_dataclass(tp):
        _define(tp, defs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if tp in simple:
        return {"type": simple[tp]}
    if tp in (list, tuple):
        return {"type": "array"}
    if tp is dict:
        return {"type": "object"}
    return {}


def _with_enum(schema: dict, values: tuple[str, ...]) -> dict:
    """A string schema (or a nullable one) restricted to `values`."""
    if schema.get("type") == "string":
        return {"type": "string", "enum": list(values)}
    if "anyOf" in schema:
        return {"anyOf": [_with_enum(s, values) for s in schema["anyOf"]]}
    return schema


def _define(cls, defs: dict) -> None:
    from .vocab import FIELD_VOCABULARIES

    name = cls.__name__
    if name in defs:
        return
    defs[name] = {}  # placeholder: recursive references stop here
    hints = typing.get_type_hints(cls)
    props = {}
    for f in exported_fields(cls):
        s = _type_schema(hints.get(f.name, Any), defs)
        vocab = FIELD_VOCABULARIES.get((name, f.name))
        if vocab:
            s = _with_enum(s, vocab)
        desc = _description(cls, f.name)
        if desc:
            s = {"description": desc, **s}
        props[f.name] = s
    doc = inspect.cleandoc(cls.__doc__ or "") if cls.__doc__ and not cls.__doc__.startswith(name + "(") else ""
    defs[name] = {"type": "object", **({"description": doc} if doc else {}), "properties": props,
                  # to_dict writes every field, so every field is present (possibly null).
                  "required": list(props), "additionalProperties": False}


def json_schema() -> dict:
    """The JSON Schema (draft 2020-12) that analysis.json follows."""
    model = _model()
    defs: dict = {}
    _define(model.Analysis, defs)
    root = defs.pop("Analysis")
    props = {"schema_version": {"description": "Version of this schema that the file follows.",
                                "type": "string", "const": SCHEMA_VERSION}, **root["properties"]}
    return {"$schema": DIALECT, "$id": SCHEMA_ID, "title": "storylens analysis.json",
            "description": "Everything one analysis holds: articles, actors, quotes, events, stories, claims, "
                           "contradictions, framing and coverage gaps. Every extracted item points back to its "
                           "article (article_id) and to character offsets into that article's cleaned text.",
            "type": "object", "properties": props, "required": list(props), "additionalProperties": False,
            "$defs": dict(sorted(defs.items()))}


def validate(data: dict) -> list[str]:
    """Messages for every place `data` breaks the schema (empty when it follows it). Needs `jsonschema`."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(json_schema())
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))]

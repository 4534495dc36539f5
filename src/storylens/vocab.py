"""The fixed vocabularies of the data model, in one place.

The JSON Schema (storylens.schema) turns each of these into an enum, the listing commands check
their filters against them, and tests check that the stages' data tables stay inside them.
"""
from __future__ import annotations

# Input kinds the readers produce (Article.kind, RawItem.kind).
ARTICLE_KINDS = ("text", "html", "json", "jsonl", "feed", "warc")

# Actor and entity types: the OntoNotes entity labels that English spaCy pipelines use.
ACTOR_TYPES = ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART", "LANGUAGE")

# How an actor is named at one place in an article.
MENTION_KINDS = ("name", "surname", "title", "metonym", "pronoun", "description")

# Quote kinds: the words themselves in quote marks, a quoted fragment inside reported speech,
# reported speech without marks, and scare quotes (marks around a term nobody is quoted saying).
QUOTE_KINDS = ("direct", "partial", "indirect", "belief", "intention", "scare")

# PLOVER event types (Open Event Data Alliance, PLOVER manual 2021; POLECAT adds REQUEST and ACCUSE).
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",          # cooperation
    "REQUEST", "ACCUSE", "DEMAND", "DISAPPROVE", "REJECT", "THREATEN",               # verbal conflict
    "PROTEST", "MOBILIZE", "SANCTION", "COERCE", "ASSAULT", "FIGHT",                 # material conflict
    "INVESTIGATE",
)

# How an event is asserted in its sentence.
EVENT_MODES = ("asserted", "negated", "intended", "hypothetical", "reported")

# Stance of an article toward a claim (FNC-1 labels without "unrelated").
CLAIM_STANCES = ("agree", "disagree", "discuss")

# Whose words a loaded term is: the outlet's own, or attributed to someone it quotes.
LOADED_TERM_VOICES = ("outlet", "attributed")

# Positions: an actor's stance on an issue, and whether it is stated by the actor or reported.
POSITION_STANCES = ("supports", "opposes", "conditional")
POSITION_VOICES = ("own", "reported")

# (dataclass name, field name) -> vocabulary; the schema makes these fields enums.
FIELD_VOCABULARIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("Article", "kind"): ARTICLE_KINDS,
    ("Actor", "type"): ACTOR_TYPES,
    ("Entity", "type"): ACTOR_TYPES,
    ("Mention", "kind"): MENTION_KINDS,
    ("Quote", "kind"): QUOTE_KINDS,
    ("Event", "type"): PLOVER_TYPES,
    ("Event", "mode"): EVENT_MODES,
    ("ClaimStance", "stance"): CLAIM_STANCES,
    ("LoadedTerm", "voice"): LOADED_TERM_VOICES,
    ("Position", "stance"): POSITION_STANCES,
    ("Position", "voice"): POSITION_VOICES,
}

"""Named entities inside one article, grouped into local entities (within-document coreference)."""
from __future__ import annotations

from ..model import Document, Entity, Mention

ACTOR_LABELS = {"PERSON", "ORG", "GPE", "NORP"}


def extract_entities(doc: Document) -> None:
    """Fill doc.entities from the spaCy parse: one local entity per distinct name."""
    by_name: dict[str, Entity] = {}
    aid = doc.article.id
    for ent in doc._spacy.ents:
        if ent.label_ not in ACTOR_LABELS:
            continue
        key = ent.text
        e = by_name.get(key)
        if e is None:
            e = by_name[key] = Entity(id=f"{aid}:E{len(by_name)}", name=ent.text, type=ent.label_)
        e.mentions.append(Mention(aid, ent.start_char, ent.end_char, ent.text))
    doc.entities = list(by_name.values())
